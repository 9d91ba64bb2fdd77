//! Where checked import rows go, inside one transaction that holds the whole import.
//!
//! The bulk path talks to sqlx (which SeaORM runs on) directly, because the ORM's per-value
//! statement building costs more than SQLite's own work at a million rows, and SeaORM has no COPY.
//! SQLite gets one prepared multi-row `INSERT … ON CONFLICT (tenant_id, nip) DO UPDATE` reused for
//! every full batch, inside `BEGIN IMMEDIATE`. PostgreSQL gets `COPY … FROM STDIN`: new employees are
//! copied straight into `employee`; employees that already exist are copied into a temporary table
//! and merged with one `INSERT … ON CONFLICT`. The job and audit rows are written by the same SQL
//! on both (sqlx accepts `$n` placeholders on SQLite too), in the same transaction.

use sea_orm::sqlx::postgres::Postgres;
use std::collections::HashSet;

use sea_orm::sqlx::sqlite::SqliteConnection;
use sea_orm::sqlx::{self, AssertSqlSafe, Connection, Transaction};

use super::employees::{ImportSummary, ResolvedRow};
use crate::audit::Ctx;
use crate::error::Result;
use crate::{Store, StoreError, ids};

/// COPY buffers are flushed at this size: large enough to amortise a round trip, small enough
/// to keep memory flat on a million-row import.
const COPY_FLUSH_BYTES: usize = 8 << 20;

pub enum Sink {
    /// A dedicated connection (not from the pool) with foreign-key enforcement off and an explicit
    /// `BEGIN IMMEDIATE`: the references are verified once inside the transaction instead of four
    /// lookups per row (see `verify_refs`), which is a fifth of SQLite's work on a big import.
    Sqlite {
        conn: SqliteConnection,
        tenant_id: i64,
        units: HashSet<i64>,
        positions: HashSet<i64>,
    },
    Pg {
        tx: Transaction<'static, Postgres>,
        tenant_id: i64,
        new_rows: Vec<u8>,
        existing_rows: Vec<u8>,
        staged: bool,
    },
}

fn db_err(e: sqlx::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("database: {e}")))
}

const INSERT_COLUMNS: &str = "INSERT INTO employee (tenant_id, id, nip, name, gender, birth_date, status, golongan, unit_id, position_id, target_position_id, email, active, updated_at) VALUES ";
const UPSERT_TAIL: &str = " ON CONFLICT (tenant_id, nip) DO UPDATE SET name = excluded.name, gender = excluded.gender, \
     birth_date = excluded.birth_date, status = excluded.status, golongan = excluded.golongan, unit_id = excluded.unit_id, \
     position_id = excluded.position_id, target_position_id = excluded.target_position_id, email = excluded.email, \
     active = excluded.active, updated_at = excluded.updated_at";

/// The multi-row upsert for `n` rows (the same text for every full batch, so sqlx reuses the
/// prepared statement).
fn sqlite_upsert(n: usize) -> String {
    let mut sql = String::with_capacity(INSERT_COLUMNS.len() + n * 64 + UPSERT_TAIL.len());
    sql.push_str(INSERT_COLUMNS);
    for i in 0..n {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?,?,?,?,1,?)");
    }
    sql.push_str(UPSERT_TAIL);
    sql
}

/// COPY text format: backslash, tab, newline and carriage return escaped; NULL is `\N`.
fn copy_text(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

fn copy_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => copy_text(out, s),
        None => out.extend_from_slice(b"\\N"),
    }
}

const COPY_COLUMNS: &str =
    "(tenant_id, id, nip, name, gender, birth_date, status, golongan, unit_id, position_id, target_position_id, email, active, updated_at)";

impl Sink {
    pub async fn open(store: &Store, tenant_id: i64) -> Result<Sink> {
        if store.is_postgres() {
            let tx = store.db.get_postgres_connection_pool().begin().await.map_err(db_err)?;
            Ok(Sink::Pg { tx, tenant_id, new_rows: Vec::with_capacity(COPY_FLUSH_BYTES + 4096), existing_rows: Vec::new(), staged: false })
        } else {
            let opts = store.db.get_sqlite_connection_pool().connect_options().as_ref().clone().foreign_keys(false);
            let mut conn = SqliteConnection::connect_with(&opts).await.map_err(db_err)?;
            sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await.map_err(db_err)?;
            Ok(Sink::Sqlite { conn, tenant_id, units: HashSet::new(), positions: HashSet::new() })
        }
    }

    pub async fn write(&mut self, rows: &[ResolvedRow]) -> Result<()> {
        match self {
            Sink::Sqlite { conn, tenant_id, units, positions } => {
                if rows.is_empty() {
                    return Ok(());
                }
                for r in rows {
                    units.insert(r.unit_id);
                    positions.insert(r.position_id);
                    if let Some(t) = r.target_position_id {
                        positions.insert(t);
                    }
                }
                let now = crate::now();
                let mut q = sqlx::query(AssertSqlSafe(sqlite_upsert(rows.len())));
                let mut id = ids::reserve(rows.len() as u64);
                for r in rows {
                    q = q
                        .bind(*tenant_id)
                        .bind(r.existing_id.unwrap_or(id))
                        .bind(r.nip.as_str())
                        .bind(r.name.as_str())
                        .bind(r.gender)
                        .bind(r.birth_date)
                        .bind(r.status)
                        .bind(r.golongan)
                        .bind(r.unit_id)
                        .bind(r.position_id)
                        .bind(r.target_position_id)
                        .bind(r.email.as_deref())
                        .bind(now);
                    id = ids::successor(id);
                }
                q.execute(&mut *conn).await.map_err(db_err)?;
                Ok(())
            }
            Sink::Pg { tenant_id, new_rows, existing_rows, .. } => {
                let now = crate::now();
                let now = format!("{} {:02}:{:02}:{:02}.{:06}+00", now.date(), now.hour(), now.minute(), now.second(), now.microsecond());
                let mut id = ids::reserve(rows.len() as u64);
                for r in rows {
                    let out = if r.existing_id.is_some() { &mut *existing_rows } else { &mut *new_rows };
                    let row_id = r.existing_id.unwrap_or(id);
                    id = ids::successor(id);
                    use std::io::Write;
                    let _ = write!(out, "{tenant_id}\t{row_id}\t");
                    copy_text(out, &r.nip);
                    out.push(b'\t');
                    copy_text(out, &r.name);
                    let _ = write!(out, "\t{}\t{}\t{}\t", r.gender, r.birth_date, r.status);
                    copy_opt(out, r.golongan);
                    let _ = write!(out, "\t{}\t{}\t", r.unit_id, r.position_id);
                    copy_opt(out, r.target_position_id.map(|t| t.to_string()).as_deref());
                    out.push(b'\t');
                    copy_opt(out, r.email.as_deref());
                    let _ = writeln!(out, "\tt\t{now}");
                }
                self.flush(false).await
            }
        }
    }

    async fn flush(&mut self, force: bool) -> Result<()> {
        let Sink::Pg { tx, new_rows, existing_rows, staged, .. } = self else { return Ok(()) };
        if !new_rows.is_empty() && (force || new_rows.len() >= COPY_FLUSH_BYTES) {
            let mut copy = tx.copy_in_raw(&format!("COPY employee {COPY_COLUMNS} FROM STDIN")).await.map_err(db_err)?;
            copy.send(new_rows.as_slice()).await.map_err(db_err)?;
            copy.finish().await.map_err(db_err)?;
            new_rows.clear();
        }
        if !existing_rows.is_empty() && (force || existing_rows.len() >= COPY_FLUSH_BYTES) {
            if !*staged {
                sqlx::query("CREATE TEMPORARY TABLE import_stage (LIKE employee) ON COMMIT DROP").execute(&mut **tx).await.map_err(db_err)?;
                *staged = true;
            }
            let mut copy = tx.copy_in_raw(&format!("COPY import_stage {COPY_COLUMNS} FROM STDIN")).await.map_err(db_err)?;
            copy.send(existing_rows.as_slice()).await.map_err(db_err)?;
            copy.finish().await.map_err(db_err)?;
            existing_rows.clear();
        }
        Ok(())
    }

    /// Writes what is buffered, records the job and audit row, and commits.
    pub async fn commit(mut self, ctx: &Ctx, file_name: &str, s: &ImportSummary) -> Result<i64> {
        self.flush(true).await?;
        let id = ids::next_id();
        let now = crate::now();
        let after = serde_json::json!({"file": file_name, "rows": s.rows, "inserted": s.inserted, "updated": s.updated}).to_string();
        // The same statements on both backends; a macro because the two transactions are
        // different types.
        macro_rules! finish {
            ($tx:expr) => {{
                sqlx::query(
                    "INSERT INTO import_job (tenant_id, id, kind, file_name, row_count, status, errors_json, payload_json, created_by, created_at, finished_at, inserted, updated) \
                     VALUES ($1, $2, 'employee', $3, $4, 'done', '[]', NULL, $5, $6, $6, $7, $8)",
                )
                .bind(ctx.tenant_id)
                .bind(id)
                .bind(file_name)
                .bind(s.rows as i64)
                .bind(ctx.user_id)
                .bind(now)
                .bind(s.inserted as i64)
                .bind(s.updated as i64)
                .execute(&mut *$tx)
                .await
                .map_err(db_err)?;
                sqlx::query(
                    "INSERT INTO audit_log (tenant_id, id, at, actor_user_id, action, entity, entity_id, before_json, after_json, request_id) \
                     VALUES ($1, $2, $3, $4, 'import', 'employee', $5, NULL, $6, $7)",
                )
                .bind(ctx.tenant_id)
                .bind(ids::next_id())
                .bind(now)
                .bind(ctx.user_id)
                .bind(id.to_string())
                .bind(after.as_str())
                .bind(ctx.request_id.as_deref())
                .execute(&mut *$tx)
                .await
                .map_err(db_err)?;
                sqlx::query(crate::revision::BUMP_SQL).bind(ctx.tenant_id).bind(cakap_domain::audit::Area::Org.code()).execute(&mut *$tx).await.map_err(db_err)?;
                // The analysis reloads after a bulk import (one change, not one per row).
                let seq: i64 = sqlx::query_scalar(crate::akpk::changes::NEXT_SQL)
                    .bind(ctx.tenant_id)
                    .bind(crate::akpk::changes::AREA)
                    .fetch_one(&mut *$tx)
                    .await
                    .map_err(db_err)?;
                sqlx::query("INSERT INTO analysis_change (tenant_id, seq, kind, subject_id) VALUES ($1, $2, 'all', NULL)")
                    .bind(ctx.tenant_id)
                    .bind(seq)
                    .execute(&mut *$tx)
                    .await
                    .map_err(db_err)?;
            }};
        }
        match self {
            Sink::Sqlite { mut conn, tenant_id, units, positions } => {
                let run = async {
                    verify_refs(&mut conn, tenant_id, &units, &positions).await?;
                    finish!(&mut conn);
                    sqlx::query("COMMIT").execute(&mut conn).await.map_err(db_err)?;
                    Ok::<_, StoreError>(())
                };
                let r = run.await;
                if r.is_err() {
                    let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
                }
                let _ = conn.close().await;
                r?;
            }
            Sink::Pg { mut tx, staged, tenant_id, .. } => {
                if staged {
                    sqlx::query(
                        "INSERT INTO employee SELECT * FROM import_stage WHERE tenant_id = $1 ON CONFLICT (tenant_id, nip) DO UPDATE SET \
                         name = EXCLUDED.name, gender = EXCLUDED.gender, birth_date = EXCLUDED.birth_date, status = EXCLUDED.status, \
                         golongan = EXCLUDED.golongan, unit_id = EXCLUDED.unit_id, position_id = EXCLUDED.position_id, \
                         target_position_id = EXCLUDED.target_position_id, email = EXCLUDED.email, active = EXCLUDED.active, \
                         updated_at = EXCLUDED.updated_at",
                    )
                    .bind(tenant_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                }
                finish!(tx);
                tx.commit().await.map_err(db_err)?;
            }
        }
        Ok(id)
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Sink::Sqlite { mut conn, .. } => {
                let r = sqlx::query("ROLLBACK").execute(&mut conn).await.map(|_| ()).map_err(db_err);
                let _ = conn.close().await;
                r
            }
            Sink::Pg { tx, .. } => tx.rollback().await.map_err(db_err),
        }
    }
}

/// Inside the write transaction (so nothing can change them until commit), every unit and
/// position the import refers to must exist in the tenant: what the foreign keys would have
/// checked row by row.
async fn verify_refs(conn: &mut SqliteConnection, tenant_id: i64, units: &HashSet<i64>, positions: &HashSet<i64>) -> Result<()> {
    for (table, ids) in [("unit", units), ("position", positions)] {
        let ids: Vec<i64> = ids.iter().copied().collect();
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE tenant_id = {tenant_id} AND id IN ({list})");
            let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut *conn).await.map_err(db_err)?;
            if n as usize != chunk.len() {
                return Err(StoreError::Other(format!("{table} yang dirujuk impor tidak lagi ada; impor dibatalkan")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_text_escapes_control_characters() {
        let mut out = vec![];
        super::copy_text(&mut out, "a\tb\\c\nd");
        assert_eq!(out, b"a\\tb\\\\c\\nd");
    }
}
