//! The log of changes to the inputs of a tenant's AKPK analysis, so the analysis kept in memory
//! applies one new assessment instead of reloading a 200,000-employee tenant.
//!
//! Every audited write of an entity the analysis reads notes what it touched
//! ([`crate::audit::record`] maps the entity, a caller that knows better passes the subject), in
//! the same transaction as the change: nothing committed can be missing from the log. The
//! sequence number is the tenant's `data_revision` row of area `analysis` after its bump; that row
//! is locked until the writer commits, so a tenant's numbers have no gaps and commit in order, and
//! a reader that has seen head `S` finds every row `≤ S` committed. A reader missing a number (the
//! log is pruned, or a writer outside these functions bumped revisions without noting) reloads.

use cakap_domain::audit::{Area, AuditEntity};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};

use crate::entity::analysis_change;
use crate::error::Result;

/// The `data_revision` area holding each tenant's last change number.
pub const AREA: &str = "analysis";

/// Rows kept per tenant: a reader further behind reloads.
const KEEP: i64 = 20_000;

/// What one write changed, as the analysis needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// One employee's record, assessments or SKP rating.
    Employee(i64),
    /// One position or its standard (its holders are recomputed).
    Position(i64),
    /// Anything else the analysis reads (units, the dictionary, settings, a bulk import): reload.
    All,
    /// A write in an area the analysis shares but does not read (a manual need).
    Nothing,
}

impl Change {
    /// What an audited write of `entity` (id `entity_id`) changed, when its caller says no more;
    /// None for entities outside the analysis's areas.
    pub fn of_entity(entity: AuditEntity, entity_id: &str) -> Option<Change> {
        use AuditEntity::*;
        if !matches!(entity.area(), Area::Org | Area::Competency | Area::Akpk) {
            return None;
        }
        let id = entity_id.parse::<i64>().ok();
        Some(match (entity, id) {
            // The SKP rating is audited under the employee's id.
            (Employee | PerformanceRating, Some(id)) => Change::Employee(id),
            // A standard is audited under its position's id.
            (Position | PositionStandard, Some(id)) => Change::Position(id),
            (Need | AssessmentPeriod, _) => Change::Nothing,
            // An assessment is audited under its own id: its caller names the employee.
            _ => Change::All,
        })
    }

    fn code(self) -> (&'static str, Option<i64>) {
        match self {
            Change::Employee(id) => ("employee", Some(id)),
            Change::Position(id) => ("position", Some(id)),
            Change::All => ("all", None),
            Change::Nothing => ("none", None),
        }
    }

    fn from_row(kind: &str, subject: Option<i64>) -> Change {
        match (kind, subject) {
            ("employee", Some(id)) => Change::Employee(id),
            ("position", Some(id)) => Change::Position(id),
            ("none", _) => Change::Nothing,
            // Unknown (a newer build's) or malformed: the safe answer.
            _ => Change::All,
        }
    }
}

/// Bumps the tenant's change number and logs `change` under it; the SQL is the same on both
/// backends. Binds: tenant id, area.
pub const NEXT_SQL: &str = "INSERT INTO data_revision (tenant_id, area, value) VALUES ($1, $2, 1) \
     ON CONFLICT (tenant_id, area) DO UPDATE SET value = data_revision.value + 1 RETURNING value";

/// Logs `change` of `tenant_id` inside the caller's transaction.
pub async fn note<C: ConnectionTrait>(conn: &C, tenant_id: i64, change: Change) -> Result<()> {
    let backend = conn.get_database_backend();
    let row = conn.query_one_raw(Statement::from_sql_and_values(backend, NEXT_SQL, [tenant_id.into(), AREA.into()])).await?;
    let seq: i64 = row.ok_or_else(|| crate::error::StoreError::Other("nomor perubahan tidak terbaca".into()))?.try_get_by_index(0)?;
    let (kind, subject) = change.code();
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO analysis_change (tenant_id, seq, kind, subject_id) VALUES ($1, $2, $3, $4)",
        [tenant_id.into(), seq.into(), kind.into(), subject.into()],
    ))
    .await?;
    if seq % 1000 == 0 {
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            "DELETE FROM analysis_change WHERE tenant_id = $1 AND seq <= $2",
            [tenant_id.into(), (seq - KEEP).into()],
        ))
        .await?;
    }
    Ok(())
}

/// The changes numbered `after + 1 ..= upto` of `tenant_id`, in order; None when any is missing
/// (pruned, or never noted): the reader must reload.
pub async fn between<C: ConnectionTrait>(db: &C, tenant_id: i64, after: i64, upto: i64) -> Result<Option<Vec<Change>>> {
    if upto <= after {
        return Ok(Some(vec![]));
    }
    // More changes than a reload costs: reload (and do not read them all).
    if upto - after > KEEP {
        return Ok(None);
    }
    let rows = analysis_change::Entity::find()
        .filter(analysis_change::Column::TenantId.eq(tenant_id))
        .filter(analysis_change::Column::Seq.gt(after))
        .filter(analysis_change::Column::Seq.lte(upto))
        .order_by_asc(analysis_change::Column::Seq)
        .all(db)
        .await?;
    if rows.len() as i64 != upto - after {
        return Ok(None);
    }
    Ok(Some(rows.into_iter().map(|r| Change::from_row(&r.kind, r.subject_id)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_map_to_what_the_analysis_must_redo() {
        assert_eq!(Change::of_entity(AuditEntity::Employee, "7"), Some(Change::Employee(7)));
        assert_eq!(Change::of_entity(AuditEntity::PerformanceRating, "7"), Some(Change::Employee(7)));
        assert_eq!(Change::of_entity(AuditEntity::PositionStandard, "3"), Some(Change::Position(3)));
        assert_eq!(Change::of_entity(AuditEntity::Assessment, "99"), Some(Change::All), "an assessment's id is not its employee");
        assert_eq!(Change::of_entity(AuditEntity::Unit, "1"), Some(Change::All));
        assert_eq!(Change::of_entity(AuditEntity::Need, "1"), Some(Change::Nothing));
        assert_eq!(Change::of_entity(AuditEntity::Offering, "1"), None);
        assert_eq!(Change::of_entity(AuditEntity::User, "1"), None);
        for c in [Change::Employee(5), Change::Position(6), Change::All, Change::Nothing] {
            let (k, s) = c.code();
            assert_eq!(Change::from_row(k, s), c);
        }
        assert_eq!(Change::from_row("employee", None), Change::All);
        assert_eq!(Change::from_row("newer", Some(1)), Change::All);
    }
}
