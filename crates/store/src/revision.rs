//! Revisions of a tenant's data per area: what caches compare to know they are stale.
//!
//! Every audited write bumps its area's revision in the same transaction as the change
//! ([`crate::audit::record`], and the bulk import's own SQL), so the revision a reader sees is
//! never older than the data it then reads. A cache entry remembers the revisions read *before*
//! it loaded; it is current while they are unchanged. One indexed query per request reads all
//! four areas of a tenant and of the national tenant 0 (the shared competency dictionary).

use cakap_domain::audit::Area;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

use crate::error::Result;

/// The revisions of one tenant's areas (national changes included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Revisions {
    pub org: i64,
    pub access: i64,
    pub competency: i64,
    pub akpk: i64,
    pub plan: i64,
    pub learning: i64,
    /// The last numbers of the AKPK analysis's change log (`akpk::changes`): the tenant's, and
    /// the national one (tenant 0's), kept apart since each numbers its own log.
    pub analysis_log: i64,
    pub national_log: i64,
}

impl Revisions {
    pub fn of(&self, area: Area) -> i64 {
        match area {
            Area::Org => self.org,
            Area::Access => self.access,
            Area::Competency => self.competency,
            Area::Akpk => self.akpk,
            Area::Plan => self.plan,
            Area::Learning => self.learning,
        }
    }

    /// Only the areas the AKPK analysis and the needs list read (organisation, competencies,
    /// assessments and needs): the key of their caches, so a change to the catalogue, a plan or
    /// a user's roles does not make a tenant's analysis reload.
    pub fn for_analysis(&self) -> Revisions {
        Revisions { access: 0, plan: 0, learning: 0, ..*self }
    }

    /// Whether these revisions are at least `other` in every area and log: what was loaded
    /// under them is no older than what `other` asks for.
    pub fn covers(&self, other: &Revisions) -> bool {
        self.fields().iter().zip(other.fields()).all(|(a, b)| *a >= b)
    }

    /// Every number, in declaration order (what [`Revisions::decode`] reads back).
    fn fields(&self) -> [i64; 8] {
        [self.org, self.access, self.competency, self.akpk, self.plan, self.learning, self.analysis_log, self.national_log]
    }

    /// The numbers as one stored text (`national_stamp`), fields in declaration order.
    pub fn encode(&self) -> String {
        self.fields().iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
    }

    /// Reads [`Revisions::encode`]'s text; None for anything else (an older or damaged stamp,
    /// which then counts as missing).
    pub fn decode(s: &str) -> Option<Revisions> {
        let v: Vec<i64> = s.split(',').map(|p| p.parse().ok()).collect::<Option<Vec<i64>>>()?;
        let [org, access, competency, akpk, plan, learning, analysis_log, national_log] = v.try_into().ok()?;
        Some(Revisions { org, access, competency, akpk, plan, learning, analysis_log, national_log })
    }

    fn add(&mut self, area: Area, value: i64) {
        let slot = match area {
            Area::Org => &mut self.org,
            Area::Access => &mut self.access,
            Area::Competency => &mut self.competency,
            Area::Akpk => &mut self.akpk,
            Area::Plan => &mut self.plan,
            Area::Learning => &mut self.learning,
        };
        // Tenant and national counters only grow, so their sum changes whenever either does.
        *slot = slot.saturating_add(value);
    }
}

#[derive(FromQueryResult)]
struct Row {
    tenant_id: i64,
    area: String,
    value: i64,
}

/// The revisions of `tenant_id` from its rows and the national tenant 0's: areas summed, each
/// change log's number apart.
fn fold<'a>(rows: impl Iterator<Item = &'a Row>, tenant_id: i64) -> Revisions {
    let mut out = Revisions::default();
    for r in rows {
        if r.area == crate::akpk::changes::AREA {
            if r.tenant_id == 0 {
                out.national_log = r.value;
            }
            if r.tenant_id == tenant_id {
                out.analysis_log = r.value;
            }
            continue;
        }
        // An area this build does not know (written by a newer one) cannot be cached here.
        if let Some(area) = Area::from_code(&r.area) {
            out.add(area, r.value);
        }
    }
    out
}

/// The current revisions of `tenant_id` (plus the national ones).
pub async fn current<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Revisions> {
    let backend = db.get_database_backend();
    let stmt = Statement::from_sql_and_values(backend, "SELECT tenant_id, area, value FROM data_revision WHERE tenant_id IN ($1, 0)", [tenant_id.into()]);
    Ok(fold(Row::find_by_statement(stmt).all(db).await?.iter(), tenant_id))
}

/// Every tenant's revisions (national changes included in each), in one query: the national
/// roll-up compares each tenant's share against them. The same numbers as [`current`] per tenant.
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<std::collections::HashMap<i64, Revisions>> {
    let stmt = Statement::from_string(db.get_database_backend(), "SELECT tenant_id, area, value FROM data_revision");
    let rows = Row::find_by_statement(stmt).all(db).await?;
    let mut by_tenant: std::collections::HashMap<i64, Vec<&Row>> = std::collections::HashMap::new();
    for r in &rows {
        by_tenant.entry(r.tenant_id).or_default().push(r);
    }
    let national: Vec<&Row> = by_tenant.get(&0).cloned().unwrap_or_default();
    Ok(by_tenant
        .iter()
        .map(|(&t, own)| {
            let rows: Vec<&Row> = if t == 0 { own.clone() } else { own.iter().chain(&national).copied().collect() };
            (t, fold(rows.into_iter(), t))
        })
        .collect())
}

/// The revisions of `tenant_id` as this process knows them: read from the database when it has
/// written since the last read or the last read is older than [`crate::db::REVISION_RECHECK`].
/// Saves one query on nearly every page view while a write through this process is seen by the
/// very next request.
pub async fn known(store: &crate::Store, tenant_id: i64) -> Result<Revisions> {
    let c = &store.caches;
    // The write count is taken before reading, so a write that completes meanwhile makes the
    // value stale at once; the period number moves every REVISION_RECHECK. One read per tenant
    // at a time: requests arriving together wait for it instead of all asking.
    let writes = c.writes.load(std::sync::atomic::Ordering::SeqCst);
    let period = (c.started.elapsed().as_millis() / crate::db::REVISION_RECHECK.as_millis().max(1)) as u64;
    c.revisions.get_or_load(tenant_id, (writes, period), current(&store.db, tenant_id)).await
}

/// The SQL that bumps one area; the same text on both backends. Binds: tenant id, area code.
pub const BUMP_SQL: &str =
    "INSERT INTO data_revision (tenant_id, area, value) VALUES ($1, $2, 1) ON CONFLICT (tenant_id, area) DO UPDATE SET value = data_revision.value + 1";

/// Marks `area` of `tenant_id` changed, inside the caller's transaction.
pub async fn bump<C: ConnectionTrait>(conn: &C, tenant_id: i64, area: Area) -> Result<()> {
    let stmt = Statement::from_sql_and_values(conn.get_database_backend(), BUMP_SQL, [tenant_id.into(), area.code().into()]);
    conn.execute_raw(stmt).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_revisions_cover_older_ones_only_in_every_field() {
        let old = Revisions { org: 3, akpk: 5, analysis_log: 7, ..Default::default() };
        let newer = Revisions { org: 3, akpk: 6, analysis_log: 8, ..Default::default() };
        assert!(newer.covers(&old) && newer.covers(&newer));
        assert!(!old.covers(&newer));
        // Ahead in the log but behind in an area (a write that logged nothing): not covered.
        let odd = Revisions { org: 4, ..old };
        assert!(!newer.covers(&odd) && !odd.covers(&newer));
    }

    #[test]
    fn a_stamp_reads_back_and_anything_else_is_missing() {
        let r = Revisions { org: 1, access: 2, competency: 3, akpk: 4, plan: 5, learning: 6, analysis_log: 7, national_log: 8 };
        assert_eq!(Revisions::decode(&r.encode()), Some(r));
        assert_eq!(Revisions::decode("1,2,3"), None);
        assert_eq!(Revisions::decode("1,2,3,4,5,6,7,x"), None);
        assert_eq!(Revisions::decode(""), None);
    }
}
