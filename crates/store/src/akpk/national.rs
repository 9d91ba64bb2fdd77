//! The national AKPK roll-up over every tenant's ASN (the super admin's Rekap Nasional).
//!
//! A national database holds millions of ASN and tens of millions of assessments: the page can
//! neither load every tenant's analysis (minutes) nor run one SQL query over the assessments
//! (tens of seconds). Instead each active ASN has a *standing*: effective against required
//! level per national competency, packed in one integer (`cakap_domain::national`), with the
//! traits the ad-hoc filters ask for. The process keeps every standing in memory (~40 bytes
//! each) with per-tenant sums, and follows writes:
//!
//! - each view reads all tenants' revisions (one query); a tenant whose revisions moved is
//!   brought up to date from the tenant's change log (`akpk::changes`): only the employees
//!   written are recomputed (from the tenant's kept analysis when one is in memory, else from
//!   that employee's own small analysis) and their rows moved in the sums. A position change,
//!   a bulk import or a gap in the log recomputes the tenant. So the page is current on the
//!   very next view after any write, and a view never rescans tenants that did not change;
//! - the standings are copied to `national_standing` by a background keeper ([`keep`], never
//!   by a page view: a GET never writes), stamped with the revisions they were taken at, so a
//!   server start reads one small row per ASN and then only what changed since;
//! - a filter (jenis jabatan, status, golongan, gender, age band) is one pass over the kept
//!   standings in memory, not a query.

use std::collections::{HashMap, HashSet};

use cakap_domain::national::{self as rules, Filter, Traits};
use cakap_domain::org::{EmployeeStatus, Gender, PositionKind};
use cakap_domain::rollup::Agg;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, TransactionTrait};
use time::Date;

use super::analysis::Analysis;
use super::changes::Change;
use crate::error::{Result, StoreError};
use crate::org::employees::EmployeeScope;
use crate::revision::Revisions;

/// Employees of one tenant recomputed one by one at most; more changed at once recompute the
/// tenant (one tenant load is cheaper than this many small ones).
const ONE_BY_ONE: usize = 200;

/// Employees per DELETE when the keeper writes changed rows.
const WRITE_BATCH: usize = 500;

/// The national roll-up: per tenant and nationally, per national competency.
pub struct National {
    /// (national code, name)
    pub competencies: Vec<(String, String)>,
    /// (tenant, employees, per competency, over all competencies), by tenant name
    pub tenants: Vec<(cakap_domain::org::Tenant, usize, Vec<Agg>, Agg)>,
    pub total: Vec<Agg>,
    pub overall: Agg,
    /// ASN counted (active, matching the filter).
    pub employees: usize,
    /// Instansi being recomputed by the keeper: shown with their last figures, or not yet.
    pub pending: usize,
}

/// One kept standing.
#[derive(Debug, Clone, Copy)]
struct Row {
    levels: i64,
    born: i32,
    /// Index + 1 into the code enum's `ALL` (or golongan list), 0 = none.
    kind: u8,
    status: u8,
    gender: u8,
    golongan: u8,
    present: bool,
}

impl Row {
    fn traits(&self) -> Traits {
        fn pick<T: Copy>(all: &[T], i: u8) -> Option<T> {
            (i > 0).then(|| all.get(usize::from(i) - 1).copied()).flatten()
        }
        Traits {
            kind: pick(PositionKind::ALL, self.kind),
            status: pick(EmployeeStatus::ALL, self.status),
            gender: pick(Gender::ALL, self.gender),
            golongan: self.golongan.checked_sub(1),
            born: Date::from_julian_day(self.born).unwrap_or(Date::MIN),
        }
    }
}

fn index_of<T: PartialEq>(all: &[T], v: Option<T>) -> u8 {
    v.and_then(|v| all.iter().position(|a| *a == v)).map_or(0, |i| i as u8 + 1)
}

/// What the keeper still has to write of one tenant.
#[derive(Debug, Clone, Default)]
enum Dirty {
    #[default]
    Clean,
    Rows(HashSet<i64>),
    All,
}

impl Dirty {
    fn mark(&mut self, ids: &[i64]) {
        match self {
            Dirty::All => {}
            Dirty::Clean => *self = Dirty::Rows(ids.iter().copied().collect()),
            Dirty::Rows(set) => set.extend(ids),
        }
    }
}

/// One tenant's standings.
#[derive(Default)]
struct TenantRows {
    at: Revisions,
    /// Employee id → index into `rows`.
    pos: HashMap<i64, u32>,
    rows: Vec<Row>,
    cells: Vec<Agg>,
    employees: usize,
    dirty: Dirty,
}

impl TenantRows {
    fn new(k: usize, at: Revisions) -> TenantRows {
        TenantRows { at, cells: vec![Agg::default(); k], ..Default::default() }
    }

    /// Puts `row` (None: the employee is gone or inactive) in place of the employee's old one.
    fn set(&mut self, id: i64, row: Option<Row>) {
        let slot = match self.pos.get(&id) {
            Some(&i) => {
                let old = self.rows[i as usize];
                if old.present {
                    rules::count(&mut self.cells, old.levels, false);
                    self.employees -= 1;
                }
                i as usize
            }
            None if row.is_none() => return,
            None => {
                self.pos.insert(id, self.rows.len() as u32);
                self.rows.push(Row { levels: 0, born: 0, kind: 0, status: 0, gender: 0, golongan: 0, present: false });
                self.rows.len() - 1
            }
        };
        match row {
            Some(r) => {
                rules::count(&mut self.cells, r.levels, true);
                self.employees += 1;
                self.rows[slot] = Row { present: true, ..r };
            }
            None => self.rows[slot].present = false,
        }
    }
}

/// Every tenant's standings, as this process keeps them.
#[derive(Default)]
pub(crate) struct Index {
    loaded: bool,
    tenants: HashMap<i64, TenantRows>,
}

/// The dictionary's national competencies: (code, name), in order.
fn codes() -> Vec<(String, String)> {
    crate::competency::national::dictionary().competencies.iter().map(|c| (c.code.clone(), c.name.clone())).collect()
}

/// The dictionary's national codes alone, in order (a standing's columns).
fn code_list() -> Vec<String> {
    codes().into_iter().map(|c| c.0).collect()
}

#[derive(FromQueryResult)]
struct TraitRow {
    id: i64,
    gender: String,
    birth_date: Date,
    status: String,
    golongan: Option<String>,
}

/// The traits of a tenant's active employees (`only`: these ids), by id.
async fn traits_of<C: ConnectionTrait>(db: &C, tenant_id: i64, only: Option<&[i64]>) -> Result<HashMap<i64, TraitRow>> {
    let mut sql = format!("SELECT id, gender, birth_date, status, golongan FROM employee WHERE tenant_id = {tenant_id} AND active = TRUE");
    if let Some(ids) = only {
        // Ids are integers from the change log, not user text.
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        sql.push_str(&format!(" AND id IN ({})", if list.is_empty() { "NULL".to_string() } else { list.join(",") }));
    }
    let rows = TraitRow::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// One standing from the analysis and the employee's traits.
fn row_of(a: &Analysis, ei: usize, columns: &[Option<usize>], t: &TraitRow) -> Row {
    let (levels, kind) = a.national_standing(ei, columns);
    row_from(levels, t.birth_date, kind, &t.status, &t.gender, t.golongan.as_deref().unwrap_or(""))
}

/// One standing from its levels and traits as stored (codes; empty: none).
fn row_from(levels: i64, born: Date, kind: Option<PositionKind>, status: &str, gender: &str, golongan: &str) -> Row {
    let status = EmployeeStatus::from_code(status);
    Row {
        levels,
        born: born.to_julian_day(),
        kind: index_of(PositionKind::ALL, kind),
        status: index_of(EmployeeStatus::ALL, status),
        gender: index_of(Gender::ALL, Gender::from_code(gender)),
        golongan: status.and_then(|s| rules::golongan_index(golongan, s)).map_or(0, |i| i + 1),
        present: true,
    }
}

/// Dates as stored and joined: `YYYY-MM-DD`.
const DATE: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!("[year]-[month]-[day]");

/// The tenant's analysis at `now`: the kept one when the process holds it (brought up to date
/// in place), else a load that is not kept, so the national view does not push the tenants
/// people work in out of the cache.
async fn tenant_analysis(store: &crate::Store, t: i64, now: Revisions) -> Result<std::sync::Arc<Analysis>> {
    if store.caches.analysis.holds(&t) {
        crate::scope::kept_analysis(store, t, now).await
    } else {
        Ok(std::sync::Arc::new(Analysis::load(&store.db, t, &EmployeeScope::Tenant).await?))
    }
}

/// Every standing of tenant `t` at `now`, recomputed from its analysis (no lock held: a
/// ministry takes seconds).
async fn build(store: &crate::Store, t: i64, now: Revisions, columns_of: &[String]) -> Result<TenantRows> {
    store.caches.national_rebuilds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let a = tenant_analysis(store, t, now).await?;
    let traits = traits_of(&store.db, t, None).await?;
    let columns = a.national_columns(columns_of);
    let mut tr = TenantRows::new(columns_of.len(), now);
    tr.pos.reserve(a.employees.len());
    tr.rows.reserve(a.employees.len());
    for (ei, e) in a.employees.iter().enumerate() {
        if let Some(tt) = traits.get(&e.id) {
            tr.set(e.id, Some(row_of(&a, ei, &columns, tt)));
        }
    }
    tr.dirty = Dirty::All;
    Ok(tr)
}

impl Index {
    /// Reads the standings the keeper wrote (once per process).
    async fn load_written(&mut self, db: &sea_orm::DatabaseConnection, k: usize) -> Result<()> {
        #[derive(FromQueryResult)]
        struct Stamp {
            tenant_id: i64,
            revisions: String,
        }
        let backend = db.get_database_backend();
        let stamps = Stamp::find_by_statement(Statement::from_string(backend, "SELECT tenant_id, revisions FROM national_stamp")).all(db).await?;
        // A tenant's rows as one text joined in the database: a ministry is one result row, not
        // 330,000 (the drivers' cost per row, not the database's, made a 4.3-million-row start
        // take 25 s on SQLite).
        let fields = "employee_id || ',' || levels || ',' || COALESCE(kind, '') || ',' || COALESCE(status, '') || ',' || COALESCE(gender, '') || ',' || COALESCE(golongan, '') || ',' || birth_date";
        let join = if backend == sea_orm::DatabaseBackend::Postgres { "string_agg" } else { "group_concat" };
        let sql = format!("SELECT {join}({fields}, ';') FROM national_standing WHERE tenant_id = $1");
        for s in stamps {
            let Some(at) = Revisions::decode(&s.revisions) else { continue };
            let text: Option<String> = match db.query_one_raw(Statement::from_sql_and_values(backend, &sql, [s.tenant_id.into()])).await? {
                Some(r) => r.try_get_by_index(0)?,
                None => None,
            };
            let mut tr = TenantRows::new(k, at);
            let mut damaged = false;
            for line in text.as_deref().unwrap_or("").split(';').filter(|l| !l.is_empty()) {
                let mut f = line.split(',');
                let mut next = || f.next().unwrap_or("");
                let (id, levels, kind, status, gender, golongan, born) = (next(), next(), next(), next(), next(), next(), next());
                let (Ok(id), Ok(levels), Ok(born)) = (id.parse::<i64>(), levels.parse::<i64>(), Date::parse(born, DATE)) else {
                    damaged = true;
                    break;
                };
                let kind = PositionKind::from_code(kind);
                tr.set(id, Some(row_from(levels, born, kind, status, gender, golongan)));
            }
            // A damaged row: the tenant is left out, so it is recomputed rather than shown wrong.
            if !damaged {
                self.tenants.insert(s.tenant_id, tr);
            }
        }
        Ok(())
    }

    /// Recomputes the standings of `ids` of tenant `t` (kept at revisions before `now`).
    async fn refresh(&mut self, store: &crate::Store, t: i64, now: Revisions, ids: &[i64], columns_of: &[String]) -> Result<()> {
        let traits = traits_of(&store.db, t, Some(ids)).await?;
        let mut rows: Vec<(i64, Option<Row>)> = Vec::with_capacity(ids.len());
        if store.caches.analysis.holds(&t) {
            let a = crate::scope::kept_analysis(store, t, now).await?;
            let columns = a.national_columns(columns_of);
            for &id in ids {
                let row = a.employee_index(id).zip(traits.get(&id)).map(|(ei, tt)| row_of(&a, ei, &columns, tt));
                rows.push((id, row));
            }
        } else {
            for &id in ids {
                let a = Analysis::load(&store.db, t, &EmployeeScope::Own(id)).await?;
                let columns = a.national_columns(columns_of);
                let row = a.employee_index(id).zip(traits.get(&id)).map(|(ei, tt)| row_of(&a, ei, &columns, tt));
                rows.push((id, row));
            }
        }
        let Some(tr) = self.tenants.get_mut(&t) else { return Ok(()) };
        for (id, row) in rows {
            tr.set(id, row);
        }
        tr.dirty.mark(ids);
        tr.at = now;
        Ok(())
    }

    /// Brings every tenant's standings to the revisions the database holds now: employee by
    /// employee where the change log allows. A tenant that must be recomputed whole is, when
    /// `rebuild`, else returned (with the revisions to build at) for the keeper to do outside
    /// the lock while views show its last figures.
    async fn catch_up(&mut self, store: &crate::Store, tenant_ids: &[i64], rebuild: bool) -> Result<Vec<(i64, Revisions)>> {
        let db = &store.db;
        let codes = code_list();
        if !self.loaded {
            self.load_written(db, codes.len()).await?;
            self.loaded = true;
        }
        let revisions = crate::revision::all(db).await?;
        let national = revisions.get(&0).copied().unwrap_or_default();
        let mut pending = vec![];
        for &t in tenant_ids {
            // A tenant without a revision row reads as `revision::current` reads it.
            let now = revisions.get(&t).copied().unwrap_or(Revisions { analysis_log: 0, ..national }).for_analysis();
            let plan = match self.tenants.get(&t) {
                // Current, or newer than what this view read (a concurrent view moved it on).
                Some(tr) if tr.at.covers(&now) => continue,
                Some(tr) if tr.at.national_log == now.national_log && tr.at.analysis_log < now.analysis_log => {
                    match super::changes::between(db, t, tr.at.analysis_log, now.analysis_log).await? {
                        Some(changes) => employees_only(&changes),
                        None => None,
                    }
                }
                _ => None,
            };
            match plan {
                Some(ids) if ids.len() <= ONE_BY_ONE => self.refresh(store, t, now, &ids, &codes).await?,
                _ if rebuild => {
                    let tr = build(store, t, now, &codes).await?;
                    self.tenants.insert(t, tr);
                }
                _ => pending.push((t, now)),
            }
        }
        Ok(pending)
    }
}

/// Recomputes the tenants `catch_up` left whole, one at a time without holding the lock, and
/// puts each in unless a view moved it past meanwhile.
async fn rebuild_pending(store: &crate::Store, pending: Vec<(i64, Revisions)>) -> Result<()> {
    let codes = code_list();
    for (t, now) in pending {
        let tr = build(store, t, now, &codes).await?;
        let mut index = store.caches.nation.lock().await;
        if !index.tenants.get(&t).is_some_and(|old| old.at.covers(&now)) {
            index.tenants.insert(t, tr);
        }
    }
    Ok(())
}

/// The employees a run of changes touched, when it touched nothing else.
fn employees_only(changes: &[Change]) -> Option<Vec<i64>> {
    let mut ids = vec![];
    for c in changes {
        match c {
            Change::Employee(id) => ids.push(*id),
            Change::Nothing => {}
            Change::Position(_) | Change::All => return None,
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Some(ids)
}

/// The national roll-up, current with every tenant's data, for the ASN matching `filter`
/// (age bands as of `today`).
pub(crate) async fn national(store: &crate::Store, filter: &Filter, today: Date) -> Result<National> {
    let tenants = crate::org::tenants::list(&store.db).await?;
    let ids: Vec<i64> = tenants.iter().map(|t| t.id).collect();
    let codes = codes();
    let k = codes.len();
    let mut index = store.caches.nation.lock().await;
    // With a keeper running, a tenant to recompute whole (a bulk import, a first start) is its
    // job: the page shows the last figures and says how many are being recomputed.
    let keeper = store.caches.nation_keeper.load(std::sync::atomic::Ordering::SeqCst);
    let pending = index.catch_up(store, &ids, !keeper).await?.len();
    let mut rows = Vec::with_capacity(tenants.len());
    let mut total = vec![Agg::default(); k];
    let mut employees = 0;
    for t in tenants {
        let Some(tr) = index.tenants.get(&t.id) else { continue };
        let (heads, cells) = if filter.is_empty() {
            (tr.employees, tr.cells.clone())
        } else {
            let mut cells = vec![Agg::default(); k];
            let mut heads = 0;
            for r in tr.rows.iter().filter(|r| r.present) {
                if filter.matches(&r.traits(), today) {
                    rules::count(&mut cells, r.levels, true);
                    heads += 1;
                }
            }
            (heads, cells)
        };
        let mut all = Agg::default();
        for (c, sum) in cells.iter().zip(total.iter_mut()) {
            all.merge(c);
            sum.merge(c);
        }
        employees += heads;
        rows.push((crate::org::tenants::typed(t)?, heads, cells, all));
    }
    drop(index);
    let mut overall = Agg::default();
    total.iter().for_each(|a| overall.merge(a));
    Ok(National { competencies: codes, tenants: rows, total, overall, employees, pending })
}

/// Writes what changed of the kept standings to `national_standing`, each tenant in one
/// transaction with its stamp; returns the tenants written. The lock is held only to take a
/// copy, so views are not kept waiting on the writes.
pub async fn persist(store: &crate::Store) -> Result<usize> {
    struct Job {
        tenant: i64,
        at: Revisions,
        all: bool,
        delete: Vec<i64>,
        rows: Vec<(i64, Row)>,
    }
    let jobs: Vec<Job> = {
        let mut index = store.caches.nation.lock().await;
        let mut jobs = vec![];
        for (&tenant, tr) in index.tenants.iter_mut() {
            let rows_of = |ids: &mut dyn Iterator<Item = i64>| -> Vec<(i64, Row)> {
                ids.filter_map(|id| tr.pos.get(&id).map(|&i| (id, tr.rows[i as usize]))).filter(|(_, r)| r.present).collect()
            };
            match std::mem::take(&mut tr.dirty) {
                Dirty::Clean => {}
                Dirty::All => jobs.push(Job { tenant, at: tr.at, all: true, delete: vec![], rows: rows_of(&mut tr.pos.keys().copied()) }),
                Dirty::Rows(set) => {
                    let delete: Vec<i64> = set.iter().copied().collect();
                    jobs.push(Job { tenant, at: tr.at, all: false, rows: rows_of(&mut delete.iter().copied()), delete })
                }
            }
        }
        jobs
    };
    let n = jobs.len();
    for job in jobs {
        if let Err(e) = write(store, &job.at, job.tenant, job.all, &job.delete, &job.rows).await {
            // Written next time, whole.
            if let Some(tr) = store.caches.nation.lock().await.tenants.get_mut(&job.tenant) {
                tr.dirty = Dirty::All;
            }
            return Err(e);
        }
    }
    Ok(n)
}

const STANDING_COLUMNS: &str = "tenant_id, employee_id, levels, kind, status, gender, golongan, birth_date";

/// A tenant's stamp; the same text on both backends. Binds: tenant, revisions.
const STAMP_SQL: &str =
    "INSERT INTO national_stamp (tenant_id, revisions) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET revisions = excluded.revisions";

/// One tenant's standings as bulk rows (COPY text or INSERT values), in chunks.
fn standing_chunks(pg: bool, tenant: i64, rows: &[(i64, Row)]) -> Result<Vec<String>> {
    let mut out = vec![];
    let mut b = crate::bulk::Rows::new(pg);
    for (id, r) in rows {
        let t = r.traits();
        b.int(tenant).int(*id).int(r.levels);
        b.opt_text(t.kind.map(|v| v.code()))?.opt_text(t.status.map(|v| v.code()))?.opt_text(t.gender.map(|v| v.code()))?;
        b.opt_text(t.golongan.zip(t.status).and_then(|(g, s)| rules::golongan_code(g, s)))?.text(&t.born.to_string())?;
        b.end();
        if b.is_full() {
            out.push(b.take());
        }
    }
    if !b.is_empty() {
        out.push(b.take());
    }
    Ok(out)
}

/// Writes one tenant's changed standings and its stamp in one transaction: by COPY on
/// PostgreSQL (a whole ministry in seconds, where bound INSERTs took minutes), by multi-row
/// INSERTs on SQLite.
async fn write(store: &crate::Store, at: &Revisions, tenant: i64, all: bool, delete: &[i64], rows: &[(i64, Row)]) -> Result<()> {
    let pg = store.is_postgres();
    let chunks = standing_chunks(pg, tenant, rows)?;
    if pg {
        use sea_orm::sqlx::{self, Connection};
        let fail = |e: sqlx::Error| StoreError::Other(format!("rekap nasional: {e}"));
        let mut conn = store.db.get_postgres_connection_pool().acquire().await.map_err(fail)?;
        let mut tx = conn.begin().await.map_err(fail)?;
        if all {
            sqlx::query("DELETE FROM national_standing WHERE tenant_id = $1").bind(tenant).execute(&mut *tx).await.map_err(fail)?;
        } else {
            sqlx::query("DELETE FROM national_standing WHERE tenant_id = $1 AND employee_id = ANY($2)")
                .bind(tenant)
                .bind(delete)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        if !chunks.is_empty() {
            let mut copy = tx.copy_in_raw(&format!("COPY national_standing ({STANDING_COLUMNS}) FROM STDIN")).await.map_err(fail)?;
            for c in &chunks {
                copy.send(c.as_bytes()).await.map_err(fail)?;
            }
            copy.finish().await.map_err(fail)?;
        }
        sqlx::query(STAMP_SQL).bind(tenant).bind(at.encode()).execute(&mut *tx).await.map_err(fail)?;
        tx.commit().await.map_err(fail)?;
    } else {
        let backend = store.db.get_database_backend();
        let txn = store.db.begin().await?;
        if all {
            txn.execute_raw(Statement::from_sql_and_values(backend, "DELETE FROM national_standing WHERE tenant_id = $1", [tenant.into()])).await?;
        } else {
            // Ids are integers from the change log, never text.
            for c in delete.chunks(WRITE_BATCH) {
                let list: Vec<String> = c.iter().map(|i| i.to_string()).collect();
                let sql = format!("DELETE FROM national_standing WHERE tenant_id = $1 AND employee_id IN ({})", list.join(","));
                txn.execute_raw(Statement::from_sql_and_values(backend, sql, [tenant.into()])).await?;
            }
        }
        for c in &chunks {
            txn.execute_unprepared(&crate::bulk::insert_sql("national_standing", STANDING_COLUMNS, c)).await?;
        }
        txn.execute_raw(Statement::from_sql_and_values(backend, STAMP_SQL, [tenant.into(), at.encode().into()])).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// One round of the keeper: follow what changed, write it, then recompute the tenants that
/// must be recomputed whole (one at a time, views meanwhile show their last figures) and write
/// them.
pub async fn round(store: &crate::Store) -> Result<()> {
    let ids: Vec<i64> = crate::org::tenants::list(&store.db).await?.iter().map(|t| t.id).collect();
    let pending = store.caches.nation.lock().await.catch_up(store, &ids, false).await?;
    // What is followed is written first: small, and what views already show.
    persist(store).await?;
    if !pending.is_empty() {
        rebuild_pending(store, pending).await?;
        persist(store).await?;
    }
    Ok(())
}

/// Says a keeper runs in this process (so views leave whole recomputations to it); [`keep`]
/// does, and tests that drive [`round`] themselves.
pub fn keeper_runs(store: &crate::Store) {
    store.caches.nation_keeper.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// How often the keeper looks for writes made by other processes (the CLI, another server).
const KEEP_RECHECK: std::time::Duration = std::time::Duration::from_secs(5);

/// The background keeper of a serving process: loads the written standings at once (the first
/// national view waits for it, not for a rescan), then follows writes, writing what changed to
/// `national_standing`. Runs until the process ends.
pub fn keep(store: crate::Store) {
    keeper_runs(&store);
    tokio::spawn(async move {
        let mut seen = u64::MAX;
        let mut last = std::time::Instant::now() - KEEP_RECHECK;
        loop {
            let writes = store.caches.writes.load(std::sync::atomic::Ordering::SeqCst);
            if writes != seen || last.elapsed() >= KEEP_RECHECK {
                seen = writes;
                last = std::time::Instant::now();
                if let Err(e) = round(&store).await {
                    tracing::warn!("rekap nasional: {e}");
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    });
}
