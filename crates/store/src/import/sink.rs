//! Where checked import rows go, inside one transaction that holds the whole import.
//!
//! SQLite (and any backend SeaORM serves) gets multi-row `INSERT … ON CONFLICT (tenant_id, nip)
//! DO UPDATE` statements through SeaORM. PostgreSQL gets `COPY … FROM STDIN` (through sqlx, which
//! SeaORM runs on): new employees are copied straight into `employee`; employees that already
//! exist are copied into a temporary table and merged with one `INSERT … ON CONFLICT`. COPY is
//! several times faster than multi-row inserts on PostgreSQL, and the bulk path is the one place
//! where the two backends take different routes (docs/ARCHITECTURE.md).

use sea_orm::sqlx::postgres::Postgres;
use sea_orm::sqlx::{self, Transaction};
use sea_orm::DatabaseTransaction;

use super::employees::{write_batch, ImportSummary, ResolvedRow};
use crate::audit::Ctx;
use crate::error::Result;
use crate::{ids, Store, StoreError};

/// COPY buffers are flushed at this size: large enough to amortise a round trip, small enough
/// to keep memory flat on a million-row import.
const COPY_FLUSH_BYTES: usize = 8 << 20;

pub enum Sink {
    Orm { txn: DatabaseTransaction, tenant_id: i64 },
    Pg { tx: Transaction<'static, Postgres>, tenant_id: i64, new_rows: Vec<u8>, existing_rows: Vec<u8>, staged: bool },
}

fn pg_err(e: sqlx::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Custom(format!("PostgreSQL: {e}")))
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
            let tx = store.db.get_postgres_connection_pool().begin().await.map_err(pg_err)?;
            Ok(Sink::Pg { tx, tenant_id, new_rows: Vec::with_capacity(COPY_FLUSH_BYTES + 4096), existing_rows: Vec::new(), staged: false })
        } else {
            Ok(Sink::Orm { txn: store.write().await?, tenant_id })
        }
    }

    pub async fn write(&mut self, rows: &[ResolvedRow]) -> Result<()> {
        match self {
            Sink::Orm { txn, tenant_id } => write_batch(txn, *tenant_id, rows).await,
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
            let mut copy = tx.copy_in_raw(&format!("COPY employee {COPY_COLUMNS} FROM STDIN")).await.map_err(pg_err)?;
            copy.send(new_rows.as_slice()).await.map_err(pg_err)?;
            copy.finish().await.map_err(pg_err)?;
            new_rows.clear();
        }
        if !existing_rows.is_empty() && (force || existing_rows.len() >= COPY_FLUSH_BYTES) {
            if !*staged {
                sqlx::query("CREATE TEMPORARY TABLE import_stage (LIKE employee) ON COMMIT DROP").execute(&mut **tx).await.map_err(pg_err)?;
                *staged = true;
            }
            let mut copy = tx.copy_in_raw(&format!("COPY import_stage {COPY_COLUMNS} FROM STDIN")).await.map_err(pg_err)?;
            copy.send(existing_rows.as_slice()).await.map_err(pg_err)?;
            copy.finish().await.map_err(pg_err)?;
            existing_rows.clear();
        }
        Ok(())
    }

    /// Writes what is buffered, records the job and audit row, and commits.
    pub async fn commit(mut self, ctx: &Ctx, file_name: &str, s: &ImportSummary) -> Result<i64> {
        self.flush(true).await?;
        match self {
            Sink::Orm { txn, .. } => {
                let id = super::employees::finish_job(&txn, ctx, file_name, s).await?;
                txn.commit().await?;
                Ok(id)
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
                    .map_err(pg_err)?;
                }
                let id = ids::next_id();
                let now = crate::now();
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
                .execute(&mut *tx)
                .await
                .map_err(pg_err)?;
                let after = serde_json::json!({"file": file_name, "rows": s.rows, "inserted": s.inserted, "updated": s.updated}).to_string();
                sqlx::query(
                    "INSERT INTO audit_log (tenant_id, id, at, actor_user_id, action, entity, entity_id, before_json, after_json, request_id) \
                     VALUES ($1, $2, $3, $4, 'import', 'employee', $5, NULL, $6, $7)",
                )
                .bind(ctx.tenant_id)
                .bind(ids::next_id())
                .bind(now)
                .bind(ctx.user_id)
                .bind(id.to_string())
                .bind(after)
                .bind(ctx.request_id.clone())
                .execute(&mut *tx)
                .await
                .map_err(pg_err)?;
                tx.commit().await.map_err(pg_err)?;
                Ok(id)
            }
        }
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Sink::Orm { txn, .. } => Ok(txn.rollback().await?),
            Sink::Pg { tx, .. } => tx.rollback().await.map_err(pg_err),
        }
    }
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
