//! Sessions of a class and attendance by check-in code. The code a session's QR shows is the
//! first 8 hex digits of SHA-256(secret ‖ step), where the secret is the session's own 32
//! random bytes and the step `domain::learning::attendance::code_step`: it changes every
//! minute, and one taken more than a step ago no longer checks anyone in.

use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::attendance::{self as rules, AttendanceMethod};
use cakap_domain::learning::enrollment::EnrollmentStatus;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use sha2::Digest;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{attendance, enrollment, meeting, offering};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

pub const PLACE_MAX: usize = 200;

/// The check-in code of a session's secret at a step.
pub(crate) fn code_at(secret: &str, step: i64) -> String {
    let mut h = sha2::Sha256::new();
    h.update(secret.as_bytes());
    h.update(step.to_be_bytes());
    hex::encode(&h.finalize()[..4])
}

/// Adds a session to a class; its id.
pub(crate) async fn add_meeting(
    store: &Store,
    ctx: &Ctx,
    offering_id: i64,
    starts_at: time::OffsetDateTime,
    ends_at: time::OffsetDateTime,
    place: &str,
) -> Result<i64> {
    rules_check(starts_at, ends_at, place)?;
    // Stored in UTC like every other instant: SQLite compares them as text, and a session written
    // with +07:00 sorted wrongly against "now" in UTC (a started session was still "due").
    let (starts_at, ends_at) = (starts_at.to_offset(time::UtcOffset::UTC), ends_at.to_offset(time::UtcOffset::UTC));
    let txn = store.write().await?;
    offering::Entity::find_by_id((ctx.tenant_id, offering_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let id = next_id();
    let row = meeting::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        offering_id: Set(offering_id),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        place: Set(place.trim().into()),
        checkin_secret: Set(hex::encode(rand::random::<[u8; 32]>())),
        reminded_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("add_meeting", AuditEntity::Offering, offering_id), None::<&()>, Some(&(row.starts_at, row.ends_at, &row.place)))
        .await?;
    txn.commit().await?;
    Ok(id)
}

fn rules_check(starts_at: time::OffsetDateTime, ends_at: time::OffsetDateTime, place: &str) -> Result<()> {
    let mut errs = vec![];
    if let Err(m) = cakap_domain::learning::clash::check_times(starts_at, ends_at) {
        errs.push(cakap_domain::FieldError::new("ends_at", m));
    }
    errs.extend(cakap_domain::text::check("place", "tempat", place, PLACE_MAX, false));
    if errs.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errs)) }
}

/// The code a session's QR shows at `now` (for the instructor's screen).
pub(crate) async fn current_code<C: ConnectionTrait>(db: &C, tenant_id: i64, meeting_id: i64, now: time::OffsetDateTime) -> Result<String> {
    let m = meeting::Entity::find_by_id((tenant_id, meeting_id)).one(db).await?.ok_or(StoreError::NotFound)?;
    Ok(code_at(&m.checkin_secret, rules::code_step(now)))
}

/// Records a participant's check-in with the code they scanned at `now`. Refused outside the
/// session's window, with a stale or wrong code, or for someone without a seat in the class;
/// a second check-in of the same person is accepted and recorded once.
pub(crate) async fn check_in(store: &Store, ctx: &Ctx, meeting_id: i64, employee_id: i64, scanned: &str, now: time::OffsetDateTime) -> Result<()> {
    if scanned.len() > 64 {
        return Err(StoreError::invalid("code", "kode presensi tidak dikenal"));
    }
    let txn = store.write().await?;
    let m = meeting::Entity::find_by_id((ctx.tenant_id, meeting_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if !rules::checkin_open(now, m.starts_at, m.ends_at) {
        return Err(StoreError::Conflict("code", "presensi sesi ini belum dibuka atau sudah ditutup".into()));
    }
    let step = rules::code_step(now);
    let scanned = scanned.trim().to_ascii_lowercase();
    let fresh = [step, step - 1]
        .into_iter()
        .any(|s| rules::code_fresh(s, step) && crate::users::constant_time_eq(code_at(&m.checkin_secret, s).as_bytes(), scanned.as_bytes()));
    if !fresh {
        return Err(StoreError::invalid("code", "kode presensi salah atau sudah kedaluwarsa; pindai lagi kode yang tampil sekarang"));
    }
    let e = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(ctx.tenant_id))
        .filter(enrollment::Column::OfferingId.eq(m.offering_id))
        .filter(enrollment::Column::EmployeeId.eq(employee_id))
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::Conflict("code", "Anda tidak terdaftar sebagai peserta kelas ini".into()))?;
    let status = code(EnrollmentStatus::from_code(&e.status), "status peserta", &e.status)?;
    if !status.holds_seat() {
        return Err(StoreError::Conflict("code", format!("status Anda di kelas ini \"{}\"; presensi hanya untuk peserta terdaftar", status.label())));
    }
    let exists = attendance::Entity::find_by_id((ctx.tenant_id, meeting_id, employee_id)).one(&txn).await?.is_some();
    if !exists {
        let inserted = attendance::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            meeting_id: Set(meeting_id),
            employee_id: Set(employee_id),
            method: Set(AttendanceMethod::Qr.code().into()),
            at: Set(crate::now()),
        }
        .insert(&txn)
        .await;
        // A second scan racing this one (PostgreSQL) recorded it first: that is the same check-in.
        if let Err(e) = inserted {
            return match e.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Ok(()),
                _ => Err(e.into()),
            };
        }
        audit::record(&txn, ctx, ctx.tenant_id, ("check_in", AuditEntity::Enrollment, e.id), None::<&()>, Some(&meeting_id)).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// How many of these sessions an employee attended.
pub(crate) async fn attended<C: ConnectionTrait>(db: &C, tenant_id: i64, meeting_ids: &[i64], employee_id: i64) -> Result<u32> {
    let n = attendance::Entity::find()
        .filter(attendance::Column::TenantId.eq(tenant_id))
        .filter(attendance::Column::EmployeeId.eq(employee_id))
        .filter(attendance::Column::MeetingId.is_in(meeting_ids.to_vec()))
        .count(db)
        .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A session as a class's page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Meeting {
    pub id: i64,
    pub offering_id: i64,
    pub starts_at: time::OffsetDateTime,
    pub ends_at: time::OffsetDateTime,
    pub place: String,
    /// How many checked in or were marked present.
    pub present: u32,
}

/// Most sessions one class may have (a year of daily sessions).
pub const MAX_MEETINGS: u64 = 400;

/// A class's sessions in time order, with how many attended each.
pub(crate) async fn meetings<C: ConnectionTrait>(db: &C, tenant_id: i64, offering_id: i64) -> Result<Vec<Meeting>> {
    use sea_orm::{QueryOrder, QuerySelect};
    let rows = meeting::Entity::find()
        .filter(meeting::Column::TenantId.eq(tenant_id))
        .filter(meeting::Column::OfferingId.eq(offering_id))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(MAX_MEETINGS)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let counts: Vec<(i64, i64)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::MeetingId)
        .column_as(attendance::Column::EmployeeId.count(), "n")
        .filter(attendance::Column::TenantId.eq(tenant_id))
        .filter(attendance::Column::MeetingId.is_in(ids))
        .group_by(attendance::Column::MeetingId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|m| Meeting {
            present: counts.iter().find(|(id, _)| *id == m.id).map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(0)),
            id: m.id,
            offering_id: m.offering_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            place: m.place,
        })
        .collect())
}

/// One session (the check-in page, the instructor's marking).
pub(crate) async fn meeting<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<Meeting> {
    let m = meeting::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let present = attendance::Entity::find().filter(attendance::Column::TenantId.eq(tenant_id)).filter(attendance::Column::MeetingId.eq(id)).count(db).await?;
    Ok(Meeting {
        id: m.id,
        offering_id: m.offering_id,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        place: m.place,
        present: u32::try_from(present).unwrap_or(0),
    })
}

/// Who is recorded present at a session: employee id → how.
pub(crate) async fn present<C: ConnectionTrait>(db: &C, tenant_id: i64, meeting_id: i64) -> Result<std::collections::HashMap<i64, AttendanceMethod>> {
    attendance::Entity::find()
        .filter(attendance::Column::TenantId.eq(tenant_id))
        .filter(attendance::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| Ok((a.employee_id, code(AttendanceMethod::from_code(&a.method), "cara presensi", &a.method)?)))
        .collect()
}

/// The instructor's register for a session: exactly `present` (seat holders of the class) are
/// recorded present afterwards. A QR check-in of someone left unticked is removed too: the
/// instructor, in the room, has the last word. Refused before the session starts.
pub(crate) async fn mark(store: &Store, ctx: &Ctx, meeting_id: i64, present_ids: &[i64], now: time::OffsetDateTime) -> Result<()> {
    let txn = store.write().await?;
    let m = meeting::Entity::find_by_id((ctx.tenant_id, meeting_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if now < m.starts_at - time::Duration::minutes(rules::OPENS_BEFORE_MINUTES) {
        return Err(StoreError::Conflict("present", "kehadiran belum dapat dicatat sebelum sesi dimulai".into()));
    }
    let seats: Vec<i64> = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(ctx.tenant_id))
        .filter(enrollment::Column::OfferingId.eq(m.offering_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|e| EnrollmentStatus::from_code(&e.status).is_some_and(|s| s.holds_seat()))
        .map(|e| e.employee_id)
        .collect();
    if let Some(x) = present_ids.iter().find(|x| !seats.contains(x)) {
        return Err(StoreError::invalid("present", format!("pegawai {x} bukan peserta kelas ini")));
    }
    let before = present(&txn, ctx.tenant_id, meeting_id).await?;
    let gone: Vec<i64> = before.keys().filter(|e| !present_ids.contains(e)).copied().collect();
    if !gone.is_empty() {
        attendance::Entity::delete_many()
            .filter(attendance::Column::TenantId.eq(ctx.tenant_id))
            .filter(attendance::Column::MeetingId.eq(meeting_id))
            .filter(attendance::Column::EmployeeId.is_in(gone.clone()))
            .exec(&txn)
            .await?;
    }
    let mut added: Vec<i64> = present_ids.iter().filter(|e| !before.contains_key(e)).copied().collect();
    added.sort_unstable();
    added.dedup();
    let now = crate::now();
    // Multi-row inserts: a register of a thousand is a few statements, not a thousand.
    for chunk in added.chunks(500) {
        let rows = chunk.iter().map(|e| attendance::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            meeting_id: Set(meeting_id),
            employee_id: Set(*e),
            method: Set(AttendanceMethod::Instructor.code().into()),
            at: Set(now),
        });
        attendance::Entity::insert_many(rows).exec(&txn).await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, ("mark_attendance", AuditEntity::Offering, m.offering_id), Some(&(meeting_id, &gone)), Some(&(meeting_id, &added)))
        .await?;
    txn.commit().await?;
    Ok(())
}
