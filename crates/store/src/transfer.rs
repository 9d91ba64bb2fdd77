//! Moving a whole database between SQLite and PostgreSQL: `cakap export` writes JSON lines
//! (a header, then per table a marker and its rows in primary-key order); `cakap import` loads
//! them into an empty database in one transaction and verifies row counts and checksums.

use std::io::{BufRead, Write};

use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryOrder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Store;
use crate::entity::*;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSum {
    pub table: String,
    pub rows: u64,
    /// sha256 over the rows' JSON, one per line, in primary-key order.
    pub sha256: String,
}

#[derive(Serialize, Deserialize)]
struct Marker {
    table: String,
    rows: u64,
    sha256: String,
}

const FORMAT: &str = "cakap-export-v1";

/// Tables in foreign-key order. Each entry: (name, export fn, import fn, checksum fn).
macro_rules! tables {
    ($m:ident) => {
        $m!(tenant, tenant::Column::Id);
        $m!(unit, unit::Column::TenantId, unit::Column::Path);
        $m!(position, position::Column::TenantId, position::Column::Id);
        $m!(employee, employee::Column::TenantId, employee::Column::Id);
        $m!(competency, competency::Column::TenantId, competency::Column::Id);
        $m!(
            competency_level,
            competency_level::Column::TenantId,
            competency_level::Column::CompetencyId,
            competency_level::Column::Version,
            competency_level::Column::Level
        );
        $m!(position_standard, position_standard::Column::TenantId, position_standard::Column::PositionId, position_standard::Column::CompetencyId);
        $m!(assessment, assessment::Column::TenantId, assessment::Column::Id);
        $m!(assessment_period, assessment_period::Column::TenantId, assessment_period::Column::Id);
        $m!(performance_rating, performance_rating::Column::TenantId, performance_rating::Column::EmployeeId, performance_rating::Column::Year);
        $m!(priority_competency, priority_competency::Column::TenantId, priority_competency::Column::CompetencyId);
        $m!(need, need::Column::TenantId, need::Column::Id);
        $m!(partner, partner::Column::TenantId, partner::Column::Id);
        $m!(agreement, agreement::Column::TenantId, agreement::Column::Id);
        $m!(agreement_document, agreement_document::Column::TenantId, agreement_document::Column::Id);
        $m!(program, program::Column::TenantId, program::Column::Id);
        $m!(program_competency, program_competency::Column::TenantId, program_competency::Column::ProgramId, program_competency::Column::CompetencyId);
        $m!(plan, plan::Column::TenantId, plan::Column::Id);
        $m!(plan_item, plan_item::Column::TenantId, plan_item::Column::Id);
        $m!(plan_seat, plan_seat::Column::TenantId, plan_seat::Column::PlanId, plan_seat::Column::EmployeeId);
        $m!(plan_left_out, plan_left_out::Column::TenantId, plan_left_out::Column::PlanId, plan_left_out::Column::EmployeeId);
        $m!(plan_event, plan_event::Column::TenantId, plan_event::Column::Id);
        $m!(jp_entry, jp_entry::Column::TenantId, jp_entry::Column::Id);
        $m!(offering, offering::Column::TenantId, offering::Column::Id);
        $m!(meeting, meeting::Column::TenantId, meeting::Column::Id);
        $m!(enrollment, enrollment::Column::TenantId, enrollment::Column::Id);
        $m!(attendance, attendance::Column::TenantId, attendance::Column::MeetingId, attendance::Column::EmployeeId);
        $m!(signing_key, signing_key::Column::TenantId, signing_key::Column::Id);
        $m!(certificate, certificate::Column::TenantId, certificate::Column::Id);
        $m!(app_user, app_user::Column::Id);
        $m!(user_role, user_role::Column::TenantId, user_role::Column::UserId, user_role::Column::Role);
        $m!(offering_instructor, offering_instructor::Column::TenantId, offering_instructor::Column::Id);
        $m!(learning_record, learning_record::Column::TenantId, learning_record::Column::Id);
        $m!(placement, placement::Column::TenantId, placement::Column::Id);
        $m!(placement_log, placement_log::Column::TenantId, placement_log::Column::Id);
        $m!(seat_reservation, seat_reservation::Column::TenantId, seat_reservation::Column::OfferingId, seat_reservation::Column::UnitId);
        $m!(notification, notification::Column::TenantId, notification::Column::Id);
        $m!(api_token, api_token::Column::Id);
        $m!(user_totp, user_totp::Column::UserId);
        $m!(recovery_code, recovery_code::Column::Id);
        $m!(login_attempt, login_attempt::Column::Id);
        $m!(web_session, web_session::Column::Id);
        $m!(audit_log, audit_log::Column::TenantId, audit_log::Column::Id);
        $m!(import_job, import_job::Column::TenantId, import_job::Column::Id);
        $m!(job, job::Column::TenantId, job::Column::Id);
        $m!(data_revision, data_revision::Column::TenantId, data_revision::Column::Area);
        $m!(analysis_change, analysis_change::Column::TenantId, analysis_change::Column::Seq);
        $m!(national_standing, national_standing::Column::TenantId, national_standing::Column::EmployeeId);
        $m!(national_stamp, national_stamp::Column::TenantId);
    };
}

const PAGE: u64 = 5000;

/// Rows of one table in key order, page by page, each as its JSON line.
async fn for_each_line<E, C, F>(db: &C, order: &[E::Column], mut f: F) -> Result<()>
where
    E: EntityTrait,
    E::Model: Serialize + Sync,
    C: ConnectionTrait,
    F: FnMut(String) -> Result<()>,
{
    let mut q = E::find();
    for c in order {
        q = q.order_by_asc(*c);
    }
    let mut pages = q.paginate(db, PAGE);
    while let Some(rows) = pages.fetch_and_next().await? {
        for r in rows {
            f(serde_json::to_string(&r).map_err(|e| StoreError::Other(e.to_string()))?)?;
        }
    }
    Ok(())
}

/// Counts and checksums of every table, as read from the database.
pub async fn checksums(store: &Store) -> Result<Vec<TableSum>> {
    checksums_on(&store.db).await
}

async fn checksums_on<C: ConnectionTrait>(db: &C) -> Result<Vec<TableSum>> {
    let mut out = vec![];
    macro_rules! sum {
        ($t:ident, $($c:expr),+) => {{
            let mut h = Sha256::new();
            let mut n = 0u64;
            // Boxed: ~45 tables' futures inline made the caller's future overflow a test
            // thread's stack in debug builds.
            Box::pin(for_each_line::<$t::Entity, _, _>(db, &[$($c),+], |line| {
                h.update(line.as_bytes());
                h.update(b"\n");
                n += 1;
                Ok(())
            }))
            .await?;
            out.push(TableSum { table: stringify!($t).into(), rows: n, sha256: hex::encode(h.finalize()) });
        }};
    }
    tables!(sum);
    Ok(out)
}

/// Writes the whole database to `w`. Returns the per-table sums written into the file.
pub async fn export(store: &Store, w: &mut impl Write) -> Result<Vec<TableSum>> {
    let io = |e: std::io::Error| StoreError::Other(format!("gagal menulis berkas: {e}"));
    writeln!(w, "{}", serde_json::json!({ "format": FORMAT })).map_err(io)?;
    let sums = checksums(store).await?;
    macro_rules! dump {
        ($t:ident, $($c:expr),+) => {{
            let s = sums.iter().find(|s| s.table == stringify!($t)).expect("summed");
            writeln!(w, "{}", serde_json::to_string(&Marker { table: s.table.clone(), rows: s.rows, sha256: s.sha256.clone() }).unwrap_or_default()).map_err(io)?;
            Box::pin(for_each_line::<$t::Entity, _, _>(&store.db, &[$($c),+], |line| writeln!(w, "{line}").map_err(io))).await?;
        }};
    }
    tables!(dump);
    w.flush().map_err(io)?;
    Ok(sums)
}

/// Inserts a batch of one table's lines (drained), each parsed as its model.
async fn insert_lines<E>(txn: &sea_orm::DatabaseTransaction, batch: &mut Vec<String>, table: &str) -> Result<()>
where
    E: EntityTrait,
    E::Model: serde::de::DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    let mut models = Vec::with_capacity(batch.len());
    for line in batch.drain(..) {
        let m: E::Model = serde_json::from_str(&line).map_err(|e| StoreError::Other(format!("{table}: {e}")))?;
        models.push(m.into_active_model());
    }
    E::insert_many(models).exec(txn).await?;
    Ok(())
}

/// Loads an export into an empty database, in one transaction, then verifies every table's
/// count and checksum against the file's. Any mismatch rolls everything back.
pub async fn import(store: &Store, r: impl BufRead) -> Result<Vec<TableSum>> {
    let bad = |m: String| StoreError::Other(m);
    let mut lines = r.lines();
    let header = lines.next().ok_or_else(|| bad("berkas kosong".into()))?.map_err(|e| bad(e.to_string()))?;
    if !header.contains(FORMAT) {
        return Err(bad(format!("bukan berkas ekspor Cakap ({FORMAT})")));
    }
    if tenant::Entity::find().count(&store.db).await? > 0 {
        return Err(bad("database tujuan tidak kosong; impor hanya ke database baru".into()));
    }
    let txn = store.write().await?;
    let mut expected: Vec<TableSum> = vec![];
    let mut current = String::new();
    let mut batch: Vec<String> = vec![];
    macro_rules! flush {
        ($t:ident, $($c:expr),+) => {
            if current == stringify!($t) && !batch.is_empty() {
                Box::pin(insert_lines::<$t::Entity>(&txn, &mut batch, stringify!($t))).await?;
            }
        };
    }
    for line in lines {
        let line = line.map_err(|e| bad(e.to_string()))?;
        if line.starts_with("{\"table\":") {
            tables!(flush);
            let m: Marker = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
            current = m.table.clone();
            expected.push(TableSum { table: m.table, rows: m.rows, sha256: m.sha256 });
        } else {
            batch.push(line);
            if batch.len() >= 500 {
                tables!(flush);
            }
        }
    }
    tables!(flush);
    let got = checksums_on(&txn).await?;
    for e in &expected {
        let g = got.iter().find(|g| g.table == e.table);
        if g != Some(e) {
            txn.rollback().await?;
            return Err(bad(format!("verifikasi gagal untuk tabel {}: berkas {} baris {}, database {:?}", e.table, e.rows, e.sha256, g)));
        }
    }
    txn.commit().await?;
    Ok(got)
}
