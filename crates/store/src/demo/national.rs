//! A national database for `cakap bench national`: hundreds of instansi of Zipf-like sizes (as
//! `cakap bench rollup`), millions of ASN and ~14 assessments each, written by the fastest path
//! each backend has (PostgreSQL `COPY`, SQLite multi-row `INSERT`s in large transactions).
//! Every row is what the application itself would write (codes, dates, versions), so the pages
//! read it as they read real data; no audit rows, revisions or change log (a fresh import).

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

use super::Rng;
use crate::bulk::{Rows, insert_sql};
use crate::error::{Result, StoreError};
use crate::org::tenants::TenantSettings;

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub tenants: usize,
    pub units: usize,
    pub positions: usize,
    pub employees: usize,
    pub assessments: usize,
    /// (tenant id, employees) by size, largest first.
    pub sizes: Vec<(i64, usize)>,
}

/// Rows of one table sent as they fill ([`crate::bulk::Rows`]): through COPY on PostgreSQL,
/// through INSERTs in large transactions on SQLite (the WAL stays bounded).
struct Bulk<'a> {
    db: &'a DatabaseConnection,
    table: &'static str,
    cols: &'static str,
    rows: Rows,
    /// The first value that could not be written (reported at the row's end).
    err: Option<StoreError>,
    sqlite_txn: Option<sea_orm::DatabaseTransaction>,
    pending: usize,
    copy: Option<sea_orm::sqlx::postgres::PgCopyIn<sea_orm::sqlx::pool::PoolConnection<sea_orm::sqlx::Postgres>>>,
}

/// The created/updated time of every generated row.
const STAMP: &str = "2026-11-01 00:00:00+00:00";
/// SQLite rows per transaction.
const SQLITE_TXN_ROWS: usize = 2_000_000;

impl<'a> Bulk<'a> {
    async fn new(db: &'a DatabaseConnection, table: &'static str, cols: &'static str) -> Result<Bulk<'a>> {
        let pg = db.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        let copy = if pg {
            use sea_orm::sqlx::postgres::PgPoolCopyExt;
            let pool = db.get_postgres_connection_pool();
            Some(pool.copy_in_raw(&format!("COPY {table} ({cols}) FROM STDIN")).await.map_err(|e| StoreError::Other(format!("COPY {table}: {e}")))?)
        } else {
            None
        };
        Ok(Bulk { db, table, cols, rows: Rows::new(pg), err: None, sqlite_txn: None, pending: 0, copy })
    }

    fn int(&mut self, v: i64) -> &mut Self {
        self.rows.int(v);
        self
    }

    fn text(&mut self, v: &str) -> &mut Self {
        if let Err(e) = self.rows.text(v) {
            self.err.get_or_insert(e);
        }
        self
    }

    fn null(&mut self) -> &mut Self {
        self.rows.null();
        self
    }

    fn boolean(&mut self, v: bool) -> &mut Self {
        self.rows.boolean(v);
        self
    }

    async fn end(&mut self) -> Result<()> {
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        self.rows.end();
        self.pending += 1;
        if self.rows.is_full() {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let body = self.rows.take();
        if let Some(copy) = self.copy.as_mut() {
            copy.send(body.as_bytes()).await.map_err(|e| StoreError::Other(format!("COPY {}: {e}", self.table)))?;
        } else {
            if self.sqlite_txn.is_none() {
                self.sqlite_txn = Some(self.db.begin().await?);
            }
            self.sqlite_txn.as_ref().expect("opened above").execute_unprepared(&insert_sql(self.table, self.cols, &body)).await?;
            if self.pending >= SQLITE_TXN_ROWS {
                self.sqlite_txn.take().expect("opened above").commit().await?;
                self.pending = 0;
            }
        }
        Ok(())
    }

    async fn finish(mut self) -> Result<()> {
        self.flush().await?;
        if let Some(copy) = self.copy.take() {
            copy.finish().await.map_err(|e| StoreError::Other(format!("COPY {}: {e}", self.table)))?;
        }
        if let Some(txn) = self.sqlite_txn.take() {
            txn.commit().await?;
        }
        Ok(())
    }
}

/// Position kinds in a tenant, by share: (kind, jenjang, weight of 100, golongan range of PNS).
const POSITIONS: [(&str, &str, usize, (usize, usize)); 6] = [
    ("pelaksana", "pelaksana", 50, (4, 10)),
    ("fungsional", "ahli_pertama", 16, (8, 10)),
    ("fungsional", "ahli_muda", 14, (10, 12)),
    ("pengawas", "pengawas", 12, (10, 12)),
    ("administrator", "administrator", 6, (12, 14)),
    ("jpt", "jpt_pratama", 2, (13, 16)),
];

const FIRST: [&str; 16] =
    ["Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lukman", "Maya", "Nur", "Putri", "Rahmat"];
const LAST: [&str; 12] = ["Saputra", "Lestari", "Siregar", "Nasution", "Wibowo", "Hidayat", "Pratama", "Sari", "Harahap", "Kusuma", "Ginting", "Rahayu"];

/// A generated position: (id, unit id, index into [`POSITIONS`], required level per national
/// competency).
type Slot = (i64, i64, usize, Vec<u8>);

/// Tenant sizes ~ 1/rank^0.8 over `tenants`, summing to `employees`.
pub fn zipf_sizes(employees: usize, tenants: usize) -> Vec<usize> {
    let weights: Vec<f64> = (1..=tenants).map(|r| 1.0 / (r as f64).powf(0.8)).collect();
    let total: f64 = weights.iter().sum();
    let mut sizes: Vec<usize> = weights.iter().map(|w| ((w / total) * employees as f64).floor().max(1.0) as usize).collect();
    let short = employees.saturating_sub(sizes.iter().sum());
    sizes[0] += short;
    sizes
}

/// Generates the national database into an empty, migrated store.
pub async fn generate(store: &crate::Store, employees: usize, tenants: usize, seed: u64) -> Result<Generated> {
    let db = &store.db;
    let mut rng = Rng(seed | 1);
    let sizes = zipf_sizes(employees, tenants);
    let mut out = Generated { tenants, ..Default::default() };
    // PostgreSQL checks each foreign key by a trigger per row; the generated rows are consistent
    // by construction, so a superuser's load skips them as pg_restore --disable-triggers does
    // (and checks as usual when the role may not).
    let pg = db.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
    let tables = ["unit", "position", "position_standard", "employee", "assessment"];
    let mut triggers_off = false;
    if pg {
        triggers_off = true;
        for t in tables {
            if db.execute_unprepared(&format!("ALTER TABLE {t} DISABLE TRIGGER ALL")).await.is_err() {
                triggers_off = false;
                break;
            }
        }
    }
    let base: i64 = 1_000;
    let settings = serde_json::to_string(&TenantSettings::default()).unwrap_or_default();
    {
        let mut b = Bulk::new(db, "tenant", "id, code, name, kind, timezone, settings, active, created_at").await?;
        for (i, _) in sizes.iter().enumerate() {
            let (kind, name) = match i {
                0..40 => ("kementerian", format!("Kementerian Contoh {:03}", i + 1)),
                40..74 => ("provinsi", format!("Pemerintah Provinsi Contoh {:03}", i + 1)),
                _ if i % 5 == 0 => ("kota", format!("Pemerintah Kota Contoh {:03}", i + 1)),
                _ => ("kabupaten", format!("Pemerintah Kabupaten Contoh {:03}", i + 1)),
            };
            let zone = ["WIB", "WIB", "WIB", "WITA", "WIT"][i % 5];
            b.int(base + i as i64).text(&format!("n{:03}", i + 1)).text(&name).text(kind).text(zone);
            // JSON with quotes: fine for COPY text; SQLite needs them doubled only for single quotes (none).
            b.text(&settings).boolean(true).text(STAMP).end().await?;
        }
        b.finish().await?;
    }
    crate::competency::ensure_national(db).await?;
    // Each tenant's national competencies, in dictionary order.
    let codes: Vec<String> = crate::competency::national::dictionary().competencies.iter().map(|c| c.code.clone()).collect();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT tenant_id, id, national_code FROM competency WHERE national_code IS NOT NULL".to_string(),
        ))
        .await?;
    let mut comp: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    for r in rows {
        let (t, id, code): (i64, i64, String) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?);
        let k = codes.iter().position(|c| *c == code).ok_or_else(|| StoreError::Other(format!("kode {code}")))?;
        comp.entry(t).or_insert_with(|| vec![0; codes.len()])[k] = id;
    }

    // The layout first, then one table at a time (SQLite has one writer: no two bulks open).
    // Per tenant: units, and positions as (id, unit, kind index, required levels).
    let mut layout: Vec<(usize, Vec<Slot>)> = Vec::with_capacity(sizes.len());
    for &n in &sizes {
        let nu = (n / 40).max(1);
        let np = (n / 150).max(6);
        let ps = (0..np)
            .map(|p| {
                // Kinds by weight, deterministic per slot.
                let (mut w, mut ki) = ((p * 37) % 100, 0);
                while ki + 1 < POSITIONS.len() && w >= POSITIONS[ki].2 {
                    w -= POSITIONS[ki].2;
                    ki += 1;
                }
                let base_level = [2u8, 3, 3, 3, 4, 4][ki];
                let req: Vec<u8> = (0..codes.len()).map(|k| (base_level + u8::from((k + p) % 4 == 0)).min(5)).collect();
                (p as i64 + 1, (p % nu) as i64 + 1, ki, req)
            })
            .collect();
        layout.push((nu, ps));
    }
    let mut units = Bulk::new(db, "unit", "tenant_id, id, parent_id, code, name, kind, path, active").await?;
    for (i, (nu, _)) in layout.iter().enumerate() {
        let t = base + i as i64;
        units.int(t).int(1).null().text("U1").text("Sekretariat").text("sekretariat").text("/1/").boolean(true).end().await?;
        for u in 2..=*nu as i64 {
            units
                .int(t)
                .int(u)
                .int(1)
                .text(&format!("U{u}"))
                .text(&format!("Dinas Contoh {u}"))
                .text("opd")
                .text(&format!("/1/{u}/"))
                .boolean(true)
                .end()
                .await?;
        }
        out.units += nu;
    }
    units.finish().await?;
    let mut positions = Bulk::new(db, "position", "tenant_id, id, unit_id, code, name, kind, jenjang, criticality, active").await?;
    for (i, (_, ps)) in layout.iter().enumerate() {
        let t = base + i as i64;
        for (id, unit, ki, _) in ps {
            let (kind, jenjang, _, _) = POSITIONS[*ki];
            positions
                .int(t)
                .int(*id)
                .int(*unit)
                .text(&format!("J{id}"))
                .text(&format!("Jabatan Contoh {id}"))
                .text(kind)
                .text(jenjang)
                .int(1 + id % 3)
                .boolean(true)
                .end()
                .await?;
        }
        out.positions += ps.len();
    }
    positions.finish().await?;
    let mut standards = Bulk::new(db, "position_standard", "tenant_id, position_id, competency_id, required_level").await?;
    for (i, (_, ps)) in layout.iter().enumerate() {
        let t = base + i as i64;
        for (id, _, _, req) in ps {
            for (k, r) in req.iter().enumerate() {
                standards.int(t).int(*id).int(comp[&t][k]).int(i64::from(*r)).end().await?;
            }
        }
    }
    standards.finish().await?;

    // Which position each employee holds, kept for the assessments below.
    let mut held: Vec<Vec<u32>> = Vec::with_capacity(sizes.len());
    let mut emp = Bulk::new(db, "employee", "tenant_id, id, nip, name, gender, birth_date, status, golongan, unit_id, position_id, active, updated_at").await?;
    for (i, &n) in sizes.iter().enumerate() {
        let t = base + i as i64;
        let ps = &layout[i].1;
        let mut mine = Vec::with_capacity(n);
        for e in 0..n {
            let pi = rng.below(ps.len());
            mine.push(pi as u32);
            let (pid, unit, ki, _) = &ps[pi];
            let female = rng.below(2) == 1;
            let (y, m, d) = (1965 + rng.below(36), 1 + rng.below(12), 1 + rng.below(28));
            let nip = format!("{y:04}{m:02}{d:02}20{:04}{}{:03}", (e / 1000) % 10000, if female { 2 } else { 1 }, e % 1000);
            let name = format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));
            let pppk = rng.below(100) < 15;
            let golongan = if pppk {
                cakap_domain::golongan::PPPK[5 + rng.below(6)].to_string()
            } else {
                let (lo, hi) = POSITIONS[*ki].3;
                cakap_domain::golongan::PNS[lo + rng.below(hi - lo + 1)].0.to_string()
            };
            emp.int(t).int(e as i64 + 1).text(&nip).text(&name).text(if female { "P" } else { "L" }).text(&format!("{y:04}-{m:02}-{d:02}"));
            emp.text(if pppk { "pppk" } else { "pns" }).text(&golongan).int(*unit).int(*pid).boolean(true).text(STAMP).end().await?;
        }
        held.push(mine);
        out.employees += n;
        out.sizes.push((t, n));
    }
    emp.finish().await?;

    // 9 supervisor ratings and 5 self-assessments each: ~14, the supervisor's deciding.
    let mut asm = Bulk::new(
        db,
        "assessment",
        "tenant_id, id, employee_id, competency_id, competency_version, level, method, rater_name, assessed_on, evidence, created_at",
    )
    .await?;
    for (i, mine) in held.iter().enumerate() {
        let t = base + i as i64;
        let mut id: i64 = 0;
        for (e, pi) in mine.iter().enumerate() {
            let req = &layout[i].1[*pi as usize].3;
            for (k, r) in req.iter().enumerate() {
                let roll = rng.below(100);
                let level = (i64::from(*r) + [-2, -1, -1, 0, 0, 0, 1][roll % 7]).clamp(1, 5);
                for (method, day, lvl) in [("supervisor", 150 + (roll % 120), level), ("self", 30 + (roll % 90), (level + 1).min(5))] {
                    if method == "self" && k >= 5 {
                        continue;
                    }
                    id += 1;
                    let date = time::Date::from_ordinal_date(2026, day as u16).unwrap_or(time::Date::MIN);
                    asm.int(t).int(id).int(e as i64 + 1).int(comp[&t][k]).int(1).int(lvl).text(method);
                    asm.text(if method == "self" { "Pegawai" } else { "Atasan" }).text(&date.to_string()).text("").text(STAMP).end().await?;
                }
            }
        }
        out.assessments += id as usize;
    }
    asm.finish().await?;
    if triggers_off {
        for t in tables {
            db.execute_unprepared(&format!("ALTER TABLE {t} ENABLE TRIGGER ALL")).await?;
        }
    }
    db.execute_unprepared("ANALYZE").await?;
    out.sizes.sort_by_key(|s| std::cmp::Reverse(s.1));
    Ok(out)
}
