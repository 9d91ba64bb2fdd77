//! Classes (offerings) and their enrollments. Seats are decided inside one write transaction
//! that first locks the class's row (`FOR UPDATE` on PostgreSQL; SQLite's write transactions
//! are already one at a time), so simultaneous registrations for the last seats cannot both
//! take one: exactly `capacity` hold seats, the rest wait in order.

use std::collections::HashMap;

use cakap_domain::FieldError;
use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::enrollment::{EnrollmentStatus, OfferingStatus};
use cakap_domain::learning::waitlist::{Waiting, WaitlistOrder};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{employee, enrollment, jp_entry, offering, plan, plan_item, program};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

pub const TITLE_MAX: usize = 200;
pub const PLACE_MAX: usize = 200;
pub const LINK_MAX: usize = 500;
pub const MAX_CAPACITY: i32 = 1_000;
/// A class's cost bound (Rp 100 miliar), as a program's.
pub const MAX_COST: i64 = 100_000_000_000;
pub const REASON_MAX: usize = 1_000;

/// What the planner types for a new class.
#[derive(Debug, Clone, Serialize)]
pub struct OfferingInput {
    pub program_id: i64,
    /// The approved plan item it delivers; None for a class outside the plan.
    pub plan_item_id: Option<i64>,
    pub title: String,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub place: String,
    pub link: String,
    pub capacity: i32,
    pub cost: i64,
    pub self_register: bool,
    pub waitlist_order: WaitlistOrder,
    pub min_attendance: u8,
}

impl OfferingInput {
    fn check(&self) -> Result<()> {
        let mut errs = vec![];
        errs.extend(cakap_domain::text::check("title", "nama kelas", &self.title, TITLE_MAX, false));
        if self.title.trim().is_empty() {
            errs.push(FieldError::new("title", "nama kelas wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("place", "tempat", &self.place, PLACE_MAX, false));
        errs.extend(cakap_domain::text::check("link", "tautan daring", &self.link, LINK_MAX, false));
        if self.ends_on < self.starts_on {
            errs.push(FieldError::new("ends_on", "tanggal selesai tidak boleh sebelum tanggal mulai"));
        }
        if (self.ends_on - self.starts_on).whole_days() > 366 {
            errs.push(FieldError::new("ends_on", "satu kelas paling lama satu tahun"));
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            errs.push(FieldError::new("capacity", format!("kapasitas kelas harus 1–{MAX_CAPACITY} peserta")));
        }
        if !(0..=MAX_COST).contains(&self.cost) {
            errs.push(FieldError::new("cost", "biaya kelas harus Rp 0 – Rp 100.000.000.000"));
        }
        if self.min_attendance > 100 {
            errs.push(FieldError::new("min_attendance", "syarat kehadiran harus 0–100%"));
        }
        if errs.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errs)) }
    }
}

/// One enrollment as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enrollment {
    pub id: i64,
    pub employee_id: i64,
    pub status: EnrollmentStatus,
    pub waitlisted_at: Option<time::OffsetDateTime>,
    pub reason: String,
}

pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &OfferingInput) -> Result<i64> {
    input.check()?;
    let txn = store.write().await?;
    program::Entity::find_by_id((ctx.tenant_id, input.program_id))
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::invalid("program_id", "program tidak ditemukan"))?;
    if let Some(item) = input.plan_item_id {
        // A class delivers an item of an approved plan, and of the same program.
        let it = plan_item::Entity::find_by_id((ctx.tenant_id, item))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::invalid("plan_item_id", "butir rencana tidak ditemukan"))?;
        let p = plan::Entity::find_by_id((ctx.tenant_id, it.plan_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
        if p.status != cakap_domain::plan::workflow::PlanStatus::Approved.code() {
            return Err(StoreError::invalid("plan_item_id", "hanya butir dari rencana yang sudah ditetapkan PPK yang dapat dijadikan kelas"));
        }
        if it.program_id != input.program_id {
            return Err(StoreError::invalid("plan_item_id", "butir rencana ini untuk program lain"));
        }
    }
    let id = next_id();
    offering::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        program_id: Set(input.program_id),
        plan_item_id: Set(input.plan_item_id),
        title: Set(input.title.trim().into()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        place: Set(input.place.trim().into()),
        link: Set(input.link.trim().into()),
        capacity: Set(input.capacity),
        cost: Set(input.cost),
        self_register: Set(input.self_register),
        waitlist_order: Set(input.waitlist_order.code().into()),
        min_attendance: Set(i32::from(input.min_attendance)),
        status: Set(OfferingStatus::Open.code().into()),
        created_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("create", AuditEntity::Offering, id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(id)
}

/// The class of an enrollment, unlocked (to decide what to read before the write).
pub(crate) async fn offering_of<C: ConnectionTrait>(db: &C, tenant_id: i64, enrollment_id: i64) -> Result<offering::Model> {
    let e = enrollment::Entity::find_by_id((tenant_id, enrollment_id)).one(db).await?.ok_or(StoreError::NotFound)?;
    offering::Entity::find_by_id((tenant_id, e.offering_id)).one(db).await?.ok_or(StoreError::NotFound)
}

/// The class's row, locked for the rest of the transaction on PostgreSQL.
async fn lock_offering<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<offering::Model> {
    offering::Entity::find_by_id((tenant_id, id)).lock_exclusive().one(db).await?.ok_or(StoreError::NotFound)
}

async fn seats_taken<C: ConnectionTrait>(db: &C, tenant_id: i64, offering_id: i64) -> Result<u64> {
    let holding: Vec<&str> = EnrollmentStatus::ALL.iter().filter(|s| s.holds_seat()).map(|s| s.code()).collect();
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::OfferingId.eq(offering_id))
        .filter(enrollment::Column::Status.is_in(holding))
        .count(db)
        .await?)
}

pub(crate) async fn enroll(store: &Store, ctx: &Ctx, offering_id: i64, employee_id: i64) -> Result<EnrollmentStatus> {
    let txn = store.write().await?;
    let o = lock_offering(&txn, ctx.tenant_id, offering_id).await?;
    if o.status != OfferingStatus::Open.code() {
        return Err(StoreError::Conflict("status", "pendaftaran kelas ini sudah ditutup".into()));
    }
    employee::Entity::find_by_id((ctx.tenant_id, employee_id)).one(&txn).await?.ok_or_else(|| StoreError::invalid("employee_id", "pegawai tidak ditemukan"))?;
    let taken = seats_taken(&txn, ctx.tenant_id, offering_id).await?;
    let status = if taken < o.capacity.max(0) as u64 { EnrollmentStatus::Enrolled } else { EnrollmentStatus::Waitlisted };
    let now = crate::now();
    let id = next_id();
    let row = enrollment::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        offering_id: Set(offering_id),
        employee_id: Set(employee_id),
        status: Set(status.code().into()),
        waitlisted_at: Set((status == EnrollmentStatus::Waitlisted).then_some(now)),
        created_by: Set(ctx.user_id),
        decided_by: Set(None),
        reason: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "employee_id", "pegawai ini sudah terdaftar di kelas ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("enroll", AuditEntity::Enrollment, id), None::<&()>, Some(&row)).await?;
    txn.commit().await?;
    Ok(status)
}

fn typed(m: enrollment::Model) -> Result<Enrollment> {
    Ok(Enrollment {
        status: code(EnrollmentStatus::from_code(&m.status), "status peserta", &m.status)?,
        id: m.id,
        employee_id: m.employee_id,
        waitlisted_at: m.waitlisted_at,
        reason: m.reason,
    })
}

pub(crate) async fn enrollments<C: ConnectionTrait>(db: &C, tenant_id: i64, offering_id: i64) -> Result<Vec<Enrollment>> {
    enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::OfferingId.eq(offering_id))
        .order_by_asc(enrollment::Column::CreatedAt)
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(typed)
        .collect()
}

/// Withdraws an enrollment (with its reason) and, when it held a seat, promotes the next
/// person on the waitlist by the class's order; the promoted enrollment's id. `priorities`:
/// each employee's highest need priority among the program's competencies (read by the caller
/// for a class ordered by need priority; empty otherwise).
pub(crate) async fn withdraw(store: &Store, ctx: &Ctx, enrollment_id: i64, reason: &str, year: i32, priorities: &HashMap<i64, u8>) -> Result<Option<i64>> {
    if let Some(e) = cakap_domain::text::reason("reason", reason, REASON_MAX, "tuliskan alasan pengunduran diri") {
        return Err(StoreError::Invalid(vec![e]));
    }
    let txn = store.write().await?;
    let before = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let o = lock_offering(&txn, ctx.tenant_id, before.offering_id).await?;
    let status = code(EnrollmentStatus::from_code(&before.status), "status peserta", &before.status)?;
    if !status.may_withdraw() {
        return Err(StoreError::Conflict("status", format!("peserta berstatus \"{}\" tidak dapat mengundurkan diri", status.label())));
    }
    let mut am: enrollment::ActiveModel = before.clone().into();
    am.status = Set(EnrollmentStatus::Withdrawn.code().into());
    am.reason = Set(reason.trim().into());
    am.decided_by = Set(ctx.user_id);
    am.updated_at = Set(crate::now());
    let after = am.update(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("withdraw", AuditEntity::Enrollment, enrollment_id), Some(&before), Some(&after)).await?;
    let mut promoted = None;
    if status.holds_seat() && seats_taken(&txn, ctx.tenant_id, o.id).await? < o.capacity.max(0) as u64 {
        let order = code(WaitlistOrder::from_code(&o.waitlist_order), "urutan daftar tunggu", &o.waitlist_order)?;
        let waiting = enrollment::Entity::find()
            .filter(enrollment::Column::TenantId.eq(ctx.tenant_id))
            .filter(enrollment::Column::OfferingId.eq(o.id))
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Waitlisted.code()))
            .all(&txn)
            .await?;
        let jp = if order == WaitlistOrder::JpShortfall { super::ledger::totals(&txn, ctx.tenant_id, year).await? } else { HashMap::new() };
        let list: Vec<Waiting> = waiting
            .iter()
            .map(|w| Waiting {
                enrollment_id: w.id,
                since: w.waitlisted_at.unwrap_or(w.created_at),
                need_priority: priorities.get(&w.employee_id).copied().unwrap_or(0),
                jp_this_year: jp.get(&w.employee_id).copied().unwrap_or(0),
            })
            .collect();
        if let Some(next) = order.next(&list).and_then(|n| waiting.iter().find(|w| w.id == n.enrollment_id)) {
            let mut am: enrollment::ActiveModel = next.clone().into();
            am.status = Set(EnrollmentStatus::Enrolled.code().into());
            am.updated_at = Set(crate::now());
            let up = am.update(&txn).await?;
            audit::record(&txn, ctx, ctx.tenant_id, ("promote", AuditEntity::Enrollment, next.id), Some(next), Some(&up)).await?;
            promoted = Some(next.id);
        }
    }
    txn.commit().await?;
    Ok(promoted)
}

/// Marks an enrolled participant as having completed the class, and adds the program's JP to
/// their ledger for the year the class ended (`domain::learning::jp::year_of`), in the same
/// transaction: the ledger never shows a completion that is not recorded, or the other way round.
pub(crate) async fn complete(store: &Store, ctx: &Ctx, enrollment_id: i64) -> Result<()> {
    let txn = store.write().await?;
    let before = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let status = code(EnrollmentStatus::from_code(&before.status), "status peserta", &before.status)?;
    if status != EnrollmentStatus::Enrolled {
        return Err(StoreError::Conflict("status", format!("hanya peserta terdaftar yang dapat dinyatakan selesai (status: {})", status.label())));
    }
    let o = offering::Entity::find_by_id((ctx.tenant_id, before.offering_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let p = program::Entity::find_by_id((ctx.tenant_id, o.program_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let mut am: enrollment::ActiveModel = before.clone().into();
    am.status = Set(EnrollmentStatus::Completed.code().into());
    am.decided_by = Set(ctx.user_id);
    am.updated_at = Set(crate::now());
    let after = am.update(&txn).await?;
    jp_entry::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(next_id()),
        employee_id: Set(before.employee_id),
        year: Set(cakap_domain::learning::jp::year_of(o.ends_on)),
        jp: Set(p.jp),
        source: Set(cakap_domain::learning::jp::JpSource::Enrollment.code().into()),
        source_id: Set(Some(enrollment_id)),
        title: Set(format!("{} ({})", p.name, o.title)),
        recorded_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("complete", AuditEntity::Enrollment, enrollment_id), Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(())
}
