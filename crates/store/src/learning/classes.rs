//! Classes (offerings) and their enrollments. Seats are decided inside one write transaction
//! that first locks the class's row (`FOR UPDATE` on PostgreSQL; SQLite's write transactions
//! are already one at a time), so simultaneous registrations for the last seats cannot both
//! take one: exactly `capacity` hold seats, the rest wait in order.

use std::collections::HashMap;

use cakap_domain::FieldError;
use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::enrollment::{Approval, EnrollmentStatus, Nominator, OfferingStatus, Stage};
use cakap_domain::learning::notice::NoticeKind;
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
    pub approval: Approval,
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
        approval: Set(input.approval.code().into()),
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

/// A class's row (to decide what to read before a write).
pub(crate) async fn offering_model<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<offering::Model> {
    offering::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
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

/// Puts a person forward for a class: straight to a seat (or the waitlist) when the class needs
/// no approval or the nominator's approval is the last one, else waiting for the next approver,
/// who is told. The seat is decided under the class's row lock.
pub(crate) async fn nominate(store: &Store, ctx: &Ctx, offering_id: i64, employee_id: i64, by: Nominator) -> Result<EnrollmentStatus> {
    let txn = store.write().await?;
    let o = lock_offering(&txn, ctx.tenant_id, offering_id).await?;
    if o.status != OfferingStatus::Open.code() {
        return Err(StoreError::Conflict("status", "pendaftaran kelas ini sudah ditutup".into()));
    }
    let person = employee::Entity::find_by_id((ctx.tenant_id, employee_id))
        .one(&txn)
        .await?
        .filter(|e| e.active)
        .ok_or_else(|| StoreError::invalid("employee_id", "pegawai tidak ditemukan"))?;
    let approval = code(Approval::from_code(&o.approval), "persetujuan kelas", &o.approval)?;
    let stage = approval.after_nomination(by);
    let status = match stage.waiting_status() {
        Some(s) => s,
        None => seat_or_wait(&txn, ctx.tenant_id, &o, employee_id).await?,
    };
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
        nominator: Set(by.code().into()),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "employee_id", "pegawai ini sudah terdaftar di kelas ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("enroll", AuditEntity::Enrollment, id), None::<&()>, Some(&row)).await?;
    tell(&txn, ctx.tenant_id, &o, &person, stage, status).await?;
    txn.commit().await?;
    Ok(status)
}

/// A seat while the class has one for this person (their unit's reservation, or a seat nobody
/// holds), else the waitlist; inside the class's lock.
async fn seat_or_wait<C: ConnectionTrait>(db: &C, tenant_id: i64, o: &offering::Model, employee_id: i64) -> Result<EnrollmentStatus> {
    Ok(if has_seat(db, tenant_id, o, employee_id).await? { EnrollmentStatus::Enrolled } else { EnrollmentStatus::Waitlisted })
}

async fn has_seat<C: ConnectionTrait>(db: &C, tenant_id: i64, o: &offering::Model, employee_id: i64) -> Result<bool> {
    let taken = u32::try_from(seats_taken(db, tenant_id, o.id).await?).unwrap_or(u32::MAX);
    let held: Vec<_> = reservations(db, tenant_id, o.id).await?.into_iter().map(|(_, r)| r).collect();
    let path = if held.is_empty() { String::new() } else { unit_path_of(db, tenant_id, employee_id).await? };
    Ok(cakap_domain::learning::seats::has_seat(o.capacity.max(0) as u32, taken, &held, &path))
}

/// Tells the participant where they stand and, while an approval is awaited, its approver (the
/// atasan; BKPSDM works from the class's list).
async fn tell<C: ConnectionTrait>(db: &C, tenant_id: i64, o: &offering::Model, person: &employee::Model, stage: Stage, status: EnrollmentStatus) -> Result<()> {
    let kind = match status {
        EnrollmentStatus::Enrolled => NoticeKind::Enrolled,
        EnrollmentStatus::Waitlisted => NoticeKind::Waitlisted,
        _ => NoticeKind::Nominated,
    };
    super::notify::employee(db, tenant_id, person.id, kind, &o.title, "/kelas-saya").await?;
    if stage == Stage::AwaitAtasan {
        let to = super::notify::supervisors_of(db, tenant_id, person.id).await?;
        super::notify::users(
            db,
            tenant_id,
            &to,
            NoticeKind::AwaitingApproval,
            &NoticeKind::AwaitingApproval.sentence(&o.title, &person.name),
            "/kelas/persetujuan",
        )
        .await?;
    }
    Ok(())
}

/// Gives the approval an enrollment waits for (`by`: the atasan or BKPSDM); its new status.
pub(crate) async fn approve(store: &Store, ctx: &Ctx, enrollment_id: i64, by: Nominator) -> Result<EnrollmentStatus> {
    let txn = store.write().await?;
    let before = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let o = lock_offering(&txn, ctx.tenant_id, before.offering_id).await?;
    // Read again under the lock: a withdrawal may have come first.
    let before = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let status = code(EnrollmentStatus::from_code(&before.status), "status peserta", &before.status)?;
    let nominator = code(Nominator::from_code(&before.nominator), "pengusul", &before.nominator)?;
    let approval = code(Approval::from_code(&o.approval), "persetujuan kelas", &o.approval)?;
    let stage = approval.after_approval(nominator, status, by).map_err(|m| StoreError::Conflict("status", m.into()))?;
    let next = match stage.waiting_status() {
        Some(s) => s,
        None => seat_or_wait(&txn, ctx.tenant_id, &o, before.employee_id).await?,
    };
    let now = crate::now();
    let mut am: enrollment::ActiveModel = before.clone().into();
    am.status = Set(next.code().into());
    am.decided_by = Set(ctx.user_id);
    am.updated_at = Set(now);
    if next == EnrollmentStatus::Waitlisted {
        am.waitlisted_at = Set(Some(now));
    }
    let after = am.update(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("approve", AuditEntity::Enrollment, enrollment_id), Some(&before), Some(&after)).await?;
    if stage == Stage::Seat {
        let person = employee::Entity::find_by_id((ctx.tenant_id, before.employee_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
        tell(&txn, ctx.tenant_id, &o, &person, stage, next).await?;
    } else if stage == Stage::AwaitBkpsdm {
        super::notify::employee(&txn, ctx.tenant_id, before.employee_id, NoticeKind::ApprovedByAtasan, &o.title, "/kelas-saya").await?;
    }
    txn.commit().await?;
    Ok(next)
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
    let txn = store.write().await?;
    // Found first: another tenant's id is "not found" whatever the reason says.
    let before = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if let Some(e) = cakap_domain::text::reason("reason", reason, REASON_MAX, "tuliskan alasan pengunduran diri") {
        return Err(StoreError::Invalid(vec![e]));
    }
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
    let promoted = if status.holds_seat() { promote(&txn, ctx, &o, year, priorities, 1).await?.pop() } else { None };
    txn.commit().await?;
    Ok(promoted)
}

/// Seats up to `max` people from the waitlist, each the first in the class's order who has a
/// seat now (a seat freed in a unit's reservation goes to that unit's next person); they are
/// told. Inside the class's lock. The promoted enrollments.
async fn promote<C: ConnectionTrait>(txn: &C, ctx: &Ctx, o: &offering::Model, year: i32, priorities: &HashMap<i64, u8>, max: usize) -> Result<Vec<i64>> {
    let order = code(WaitlistOrder::from_code(&o.waitlist_order), "urutan daftar tunggu", &o.waitlist_order)?;
    let waiting = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(ctx.tenant_id))
        .filter(enrollment::Column::OfferingId.eq(o.id))
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Waitlisted.code()))
        .all(txn)
        .await?;
    let jp = if order == WaitlistOrder::JpShortfall { super::ledger::totals(txn, ctx.tenant_id, year).await? } else { HashMap::new() };
    let mut list: Vec<Waiting> = waiting
        .iter()
        .map(|w| Waiting {
            enrollment_id: w.id,
            since: w.waitlisted_at.unwrap_or(w.created_at),
            need_priority: priorities.get(&w.employee_id).copied().unwrap_or(0),
            jp_this_year: jp.get(&w.employee_id).copied().unwrap_or(0),
        })
        .collect();
    order.sort(&mut list);
    // The seats are counted once and kept up to date as people are seated (asking the database
    // again per candidate made releasing a hold over a long waitlist quadratic).
    let capacity = o.capacity.max(0) as u32;
    let mut taken = u32::try_from(seats_taken(txn, ctx.tenant_id, o.id).await?).unwrap_or(u32::MAX);
    let mut held: Vec<cakap_domain::learning::seats::Reservation> = reservations(txn, ctx.tenant_id, o.id).await?.into_iter().map(|(_, r)| r).collect();
    let paths: HashMap<i64, String> =
        if held.is_empty() { HashMap::new() } else { unit_paths_of(txn, ctx.tenant_id, waiting.iter().map(|w| w.employee_id)).await? };
    let by_id: HashMap<i64, &enrollment::Model> = waiting.iter().map(|w| (w.id, w)).collect();
    let mut promoted = vec![];
    for w in &list {
        if promoted.len() >= max {
            break;
        }
        let Some(&next) = by_id.get(&w.enrollment_id) else { continue };
        let path = paths.get(&next.employee_id).map(String::as_str).unwrap_or("");
        if !cakap_domain::learning::seats::has_seat(capacity, taken, &held, path) {
            continue;
        }
        taken = taken.saturating_add(1);
        for r in held.iter_mut().filter(|r| r.covers(path)) {
            r.used = (r.used + 1).min(r.seats);
        }
        let mut am: enrollment::ActiveModel = next.clone().into();
        am.status = Set(EnrollmentStatus::Enrolled.code().into());
        am.updated_at = Set(crate::now());
        let up = am.update(txn).await?;
        audit::record(txn, ctx, ctx.tenant_id, ("promote", AuditEntity::Enrollment, next.id), Some(next), Some(&up)).await?;
        super::notify::employee(txn, ctx.tenant_id, next.employee_id, NoticeKind::Promoted, &o.title, "/kelas-saya").await?;
        promoted.push(next.id);
    }
    Ok(promoted)
}

/// Marks an enrolled participant as having completed the class, and adds the program's JP to
/// their ledger for the year the class ended (`domain::learning::jp::year_of`), in the same
/// transaction: the ledger never shows a completion that is not recorded, or the other way round.
pub(crate) async fn complete(store: &Store, ctx: &Ctx, enrollment_id: i64) -> Result<()> {
    let txn = store.write().await?;
    let before = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let o = offering::Entity::find_by_id((ctx.tenant_id, before.offering_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let p = program::Entity::find_by_id((ctx.tenant_id, o.program_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    complete_in(&txn, ctx, before, &o, &p).await?;
    txn.commit().await?;
    Ok(())
}

/// The completion of one enrollment of class `o` (program `p`), with its ledger row.
async fn complete_in<C: ConnectionTrait>(txn: &C, ctx: &Ctx, before: enrollment::Model, o: &offering::Model, p: &program::Model) -> Result<()> {
    let enrollment_id = before.id;
    let status = code(EnrollmentStatus::from_code(&before.status), "status peserta", &before.status)?;
    if status != EnrollmentStatus::Enrolled {
        return Err(StoreError::Conflict("status", format!("hanya peserta terdaftar yang dapat dinyatakan selesai (status: {})", status.label())));
    }
    let mut am: enrollment::ActiveModel = before.clone().into();
    am.status = Set(EnrollmentStatus::Completed.code().into());
    am.decided_by = Set(ctx.user_id);
    am.updated_at = Set(crate::now());
    let after = am.update(txn).await?;
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
    .insert(txn)
    .await?;
    audit::record(txn, ctx, ctx.tenant_id, ("complete", AuditEntity::Enrollment, enrollment_id), Some(&before), Some(&after)).await?;
    Ok(())
}

/// A class as lists and its page show it, with its program and seat counts.
#[derive(Debug, Clone, Serialize)]
pub struct OfferingRow {
    pub id: i64,
    pub program_id: i64,
    pub program_code: String,
    pub program_name: String,
    pub jalur: String,
    pub jp: i32,
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
    pub approval: Approval,
    pub status: OfferingStatus,
    /// Seats held (enrolled, completed, failed).
    pub taken: u32,
    pub waitlisted: u32,
    /// Nominations waiting for an approval.
    pub pending: u32,
}

impl OfferingRow {
    pub fn free(&self) -> u32 {
        (self.capacity.max(0) as u32).saturating_sub(self.taken)
    }
}

/// Classes per page of a list.
pub const PAGE_SIZE: u64 = 50;

/// Which classes a list shows.
#[derive(Debug, Clone, Default)]
pub struct OfferingFilter {
    /// Classes running in this year (any overlap).
    pub year: Option<i32>,
    /// Only these classes (an instructor's, a learner's); None: all.
    pub only: Option<Vec<i64>>,
    /// Only classes open for self-registration and not yet ended on this day.
    pub open_on: Option<time::Date>,
}

/// Classes by start date (latest first), a page of them, and the total.
pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64, f: &OfferingFilter, page: u64) -> Result<(Vec<OfferingRow>, u64)> {
    let mut q = offering::Entity::find().filter(offering::Column::TenantId.eq(tenant_id));
    if let Some(y) = f.year {
        let (Ok(a), Ok(b)) = (time::Date::from_calendar_date(y, time::Month::January, 1), time::Date::from_calendar_date(y, time::Month::December, 31)) else {
            return Ok((vec![], 0));
        };
        q = q.filter(offering::Column::StartsOn.lte(b)).filter(offering::Column::EndsOn.gte(a));
    }
    if let Some(ids) = &f.only {
        if ids.is_empty() {
            return Ok((vec![], 0));
        }
        q = q.filter(offering::Column::Id.is_in(ids.clone()));
    }
    if let Some(d) = f.open_on {
        q = q
            .filter(offering::Column::SelfRegister.eq(true))
            .filter(offering::Column::Status.eq(OfferingStatus::Open.code()))
            .filter(offering::Column::EndsOn.gte(d));
    }
    let q = q.order_by_desc(offering::Column::StartsOn).order_by_asc(offering::Column::Id);
    let total = q.clone().count(db).await?;
    let rows = q.paginate(db, PAGE_SIZE).fetch_page(page.max(1) - 1).await?;
    Ok((rows_of(db, tenant_id, rows).await?, total))
}

/// One class.
pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<OfferingRow> {
    let o = offering::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    rows_of(db, tenant_id, vec![o]).await?.pop().ok_or(StoreError::NotFound)
}

async fn rows_of<C: ConnectionTrait>(db: &C, tenant_id: i64, rows: Vec<offering::Model>) -> Result<Vec<OfferingRow>> {
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let prog_ids: Vec<i64> = rows.iter().map(|o| o.program_id).collect();
    let programs: HashMap<i64, program::Model> = program::Entity::find()
        .filter(program::Column::TenantId.eq(tenant_id))
        .filter(program::Column::Id.is_in(prog_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    // Counts per class and status, one query for the page.
    let counts: Vec<(i64, String, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::OfferingId)
        .column(enrollment::Column::Status)
        .column_as(enrollment::Column::Id.count(), "n")
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::OfferingId.is_in(ids))
        .group_by(enrollment::Column::OfferingId)
        .group_by(enrollment::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|o| {
            let p = programs.get(&o.program_id).ok_or(StoreError::NotFound)?;
            let mut r = OfferingRow {
                id: o.id,
                program_id: o.program_id,
                program_code: p.code.clone(),
                program_name: p.name.clone(),
                jalur: p.jalur.clone(),
                jp: p.jp,
                plan_item_id: o.plan_item_id,
                title: o.title,
                starts_on: o.starts_on,
                ends_on: o.ends_on,
                place: o.place,
                link: o.link,
                capacity: o.capacity,
                cost: o.cost,
                self_register: o.self_register,
                waitlist_order: code(WaitlistOrder::from_code(&o.waitlist_order), "urutan daftar tunggu", &o.waitlist_order)?,
                min_attendance: o.min_attendance.clamp(0, 100) as u8,
                approval: code(Approval::from_code(&o.approval), "persetujuan kelas", &o.approval)?,
                status: code(OfferingStatus::from_code(&o.status), "status kelas", &o.status)?,
                taken: 0,
                waitlisted: 0,
                pending: 0,
            };
            for (_, st, n) in counts.iter().filter(|(id, _, _)| *id == r.id) {
                let n = u32::try_from(*n).unwrap_or(0);
                match EnrollmentStatus::from_code(st) {
                    Some(s) if s.holds_seat() => r.taken += n,
                    Some(EnrollmentStatus::Waitlisted) => r.waitlisted += n,
                    Some(EnrollmentStatus::Nominated | EnrollmentStatus::Approved) => r.pending += n,
                    _ => {}
                }
            }
            Ok(r)
        })
        .collect()
}

/// A participant of a class as its page lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    pub enrollment_id: i64,
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub unit_id: i64,
    pub status: EnrollmentStatus,
    pub nominator: Nominator,
    pub reason: String,
    pub waitlisted_at: Option<time::OffsetDateTime>,
    /// Sessions attended.
    pub attended: u32,
    /// The certificate: (id, number, revoked).
    pub certificate: Option<(i64, String, bool)>,
}

/// Everyone ever enrolled in a class: seat holders first, then the waitlist, then the rest.
pub(crate) async fn participants<C: ConnectionTrait>(db: &C, tenant_id: i64, offering_id: i64) -> Result<Vec<Participant>> {
    use crate::entity::{attendance, certificate, meeting};
    let list = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::OfferingId.eq(offering_id))
        .order_by_asc(enrollment::Column::CreatedAt)
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await?;
    let emp_ids: Vec<i64> = list.iter().map(|e| e.employee_id).collect();
    let people: HashMap<i64, employee::Model> = employee::Entity::find()
        .filter(employee::Column::TenantId.eq(tenant_id))
        .filter(employee::Column::Id.is_in(emp_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let meetings: Vec<i64> = meeting::Entity::find()
        .select_only()
        .column(meeting::Column::Id)
        .filter(meeting::Column::TenantId.eq(tenant_id))
        .filter(meeting::Column::OfferingId.eq(offering_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut attended: HashMap<i64, u32> = HashMap::new();
    if !meetings.is_empty() {
        let rows: Vec<(i64, i64)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::EmployeeId)
            .column_as(attendance::Column::MeetingId.count(), "n")
            .filter(attendance::Column::TenantId.eq(tenant_id))
            .filter(attendance::Column::MeetingId.is_in(meetings))
            .group_by(attendance::Column::EmployeeId)
            .into_tuple()
            .all(db)
            .await?;
        attended = rows.into_iter().map(|(e, n)| (e, u32::try_from(n).unwrap_or(0))).collect();
    }
    let enr_ids: Vec<i64> = list.iter().map(|e| e.id).collect();
    let certs: HashMap<i64, (i64, String, bool)> = certificate::Entity::find()
        .filter(certificate::Column::TenantId.eq(tenant_id))
        .filter(certificate::Column::EnrollmentId.is_in(enr_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.enrollment_id, (c.id, c.number, c.revoked_at.is_some())))
        .collect();
    let mut out = list
        .into_iter()
        .map(|e| {
            let p = people.get(&e.employee_id).ok_or(StoreError::NotFound)?;
            Ok(Participant {
                enrollment_id: e.id,
                employee_id: e.employee_id,
                nip: p.nip.clone(),
                name: p.name.clone(),
                unit_id: p.unit_id,
                status: code(EnrollmentStatus::from_code(&e.status), "status peserta", &e.status)?,
                nominator: code(Nominator::from_code(&e.nominator), "pengusul", &e.nominator)?,
                reason: e.reason,
                waitlisted_at: e.waitlisted_at,
                attended: attended.get(&e.employee_id).copied().unwrap_or(0),
                certificate: certs.get(&e.id).cloned(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let rank = |s: EnrollmentStatus| {
        if s.holds_seat() {
            0
        } else if matches!(s, EnrollmentStatus::Nominated | EnrollmentStatus::Approved) {
            1
        } else if s == EnrollmentStatus::Waitlisted {
            2
        } else {
            3
        }
    };
    out.sort_by_key(|p| rank(p.status));
    Ok(out)
}

/// Completes a class by its attendance rule: each enrolled participant who attended enough of
/// its sessions is completed (their JP go to the ledger), the others fail; the class is done.
/// One transaction: a class is never half-completed. Returns (completed, failed).
pub(crate) async fn close(store: &Store, ctx: &Ctx, offering_id: i64) -> Result<(u32, u32)> {
    let txn = store.write().await?;
    let o = lock_offering(&txn, ctx.tenant_id, offering_id).await?;
    if o.status == OfferingStatus::Done.code() || o.status == OfferingStatus::Cancelled.code() {
        return Err(StoreError::Conflict("status", "kelas ini sudah ditutup".into()));
    }
    let people = participants(&txn, ctx.tenant_id, offering_id).await?;
    let sessions = crate::entity::meeting::Entity::find()
        .filter(crate::entity::meeting::Column::TenantId.eq(ctx.tenant_id))
        .filter(crate::entity::meeting::Column::OfferingId.eq(offering_id))
        .count(&txn)
        .await?;
    if sessions == 0 {
        return Err(StoreError::Conflict("status", "kelas ini belum memiliki sesi; tambahkan sesi dan catat kehadiran lebih dahulu".into()));
    }
    let sessions = u32::try_from(sessions).unwrap_or(u32::MAX);
    let min = o.min_attendance.clamp(0, 100) as u8;
    let prog = program::Entity::find_by_id((ctx.tenant_id, o.program_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let mut rows: HashMap<i64, enrollment::Model> = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(ctx.tenant_id))
        .filter(enrollment::Column::OfferingId.eq(offering_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let (mut done, mut failed) = (0, 0);
    for p in people.iter().filter(|p| p.status == EnrollmentStatus::Enrolled) {
        let before = rows.remove(&p.enrollment_id).ok_or(StoreError::NotFound)?;
        if cakap_domain::learning::attendance::completes(p.attended, sessions, min) {
            complete_in(&txn, ctx, before, &o, &prog).await?;
            done += 1;
        } else {
            let mut am: enrollment::ActiveModel = before.clone().into();
            am.status = Set(EnrollmentStatus::Failed.code().into());
            am.reason = Set(format!("kehadiran {} dari {sessions} sesi, kurang dari {min}%", p.attended));
            am.decided_by = Set(ctx.user_id);
            am.updated_at = Set(crate::now());
            let after = am.update(&txn).await?;
            audit::record(&txn, ctx, ctx.tenant_id, ("fail", AuditEntity::Enrollment, p.enrollment_id), Some(&before), Some(&after)).await?;
            failed += 1;
        }
    }
    let mut am: offering::ActiveModel = o.clone().into();
    am.status = Set(OfferingStatus::Done.code().into());
    am.update(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("close", AuditEntity::Offering, offering_id), None::<&()>, Some(&(done, failed))).await?;
    txn.commit().await?;
    Ok((done, failed))
}

/// The classes an employee is or was in, with their status there: (class id, enrollment).
pub(crate) async fn of_employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<(i64, Enrollment)>> {
    enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::EmployeeId.eq(employee_id))
        .order_by_desc(enrollment::Column::CreatedAt)
        .limit(500)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Ok((m.offering_id, typed(m)?)))
        .collect()
}

/// One enrollment's row (for the handles' checks of whose it is).
pub(crate) async fn enrollment<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<enrollment::Model> {
    enrollment::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
}

/// Most nominations a "waiting for approval" list shows at once.
pub const MAX_WAITING: u64 = 1_000;

/// Enrollments of the tenant in `status` (a waiting stage), with their classes, oldest first.
pub(crate) async fn waiting_for<C: ConnectionTrait>(db: &C, tenant_id: i64, status: EnrollmentStatus) -> Result<Vec<(OfferingRow, Participant)>> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::Status.eq(status.code()))
        .order_by_asc(enrollment::Column::CreatedAt)
        .limit(MAX_WAITING)
        .all(db)
        .await?;
    let mut classes: Vec<i64> = rows.iter().map(|e| e.offering_id).collect();
    classes.sort_unstable();
    classes.dedup();
    let mut out = vec![];
    for o in classes {
        let row = get(db, tenant_id, o).await?;
        for p in participants(db, tenant_id, o).await?.into_iter().filter(|p| p.status == status) {
            out.push((row.clone(), p));
        }
    }
    Ok(out)
}

/// A unit's reservation as the class page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReservationRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub seats: u32,
    pub used: u32,
}

/// A class's reservations with the seats their units' staff hold now.
pub(crate) async fn reservations<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    offering_id: i64,
) -> Result<Vec<(ReservationRow, cakap_domain::learning::seats::Reservation)>> {
    use crate::entity::{seat_reservation, unit};
    let rows = seat_reservation::Entity::find()
        .filter(seat_reservation::Column::TenantId.eq(tenant_id))
        .filter(seat_reservation::Column::OfferingId.eq(offering_id))
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let units: HashMap<i64, unit::Model> =
        unit::Entity::find().filter(unit::Column::TenantId.eq(tenant_id)).all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    // The unit path of every seat holder.
    let holders: Vec<i64> = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::OfferingId.eq(offering_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|e| EnrollmentStatus::from_code(&e.status).is_some_and(|s| s.holds_seat()))
        .map(|e| e.employee_id)
        .collect();
    let paths: Vec<String> = employee::Entity::find()
        .filter(employee::Column::TenantId.eq(tenant_id))
        .filter(employee::Column::Id.is_in(holders))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| units.get(&e.unit_id).map(|u| u.path.clone()))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let u = units.get(&r.unit_id)?;
            let seats = r.seats.max(0) as u32;
            let used = (paths.iter().filter(|p| p.starts_with(&u.path)).count() as u32).min(seats);
            Some((
                ReservationRow { unit_id: u.id, unit_name: u.name.clone(), seats, used },
                cakap_domain::learning::seats::Reservation { unit_path: u.path.clone(), seats, used },
            ))
        })
        .collect())
}

/// The unit paths of employees, by employee id (two queries, whatever their number).
async fn unit_paths_of<C: ConnectionTrait>(db: &C, tenant_id: i64, employees: impl Iterator<Item = i64>) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = employees.collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(1000) {
        let people =
            employee::Entity::find().filter(employee::Column::TenantId.eq(tenant_id)).filter(employee::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        let unit_ids: Vec<i64> = people.iter().map(|e| e.unit_id).collect();
        let paths: HashMap<i64, String> = crate::entity::unit::Entity::find()
            .filter(crate::entity::unit::Column::TenantId.eq(tenant_id))
            .filter(crate::entity::unit::Column::Id.is_in(unit_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.path))
            .collect();
        out.extend(people.into_iter().filter_map(|e| paths.get(&e.unit_id).map(|p| (e.id, p.clone()))));
    }
    Ok(out)
}

/// The unit path of an employee (for their class's reservations).
async fn unit_path_of<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<String> {
    let e = employee::Entity::find_by_id((tenant_id, employee_id)).one(db).await?.ok_or(StoreError::NotFound)?;
    Ok(crate::entity::unit::Entity::find_by_id((tenant_id, e.unit_id)).one(db).await?.map(|u| u.path).unwrap_or_default())
}

/// Holds `seats` of a class for a unit's staff (0 removes the hold). Inside the class's lock:
/// the holds may not exceed the class, nor nest.
pub(crate) async fn reserve(store: &Store, ctx: &Ctx, offering_id: i64, unit_id: i64, seats: u32, year: i32, priorities: &HashMap<i64, u8>) -> Result<()> {
    use crate::entity::{seat_reservation, unit};
    let txn = store.write().await?;
    let o = lock_offering(&txn, ctx.tenant_id, offering_id).await?;
    let u = unit::Entity::find_by_id((ctx.tenant_id, unit_id)).one(&txn).await?.ok_or_else(|| StoreError::invalid("unit_id", "unit tidak ditemukan"))?;
    if o.status != OfferingStatus::Open.code() {
        return Err(StoreError::Conflict("seats", "kelas ini sudah ditutup".into()));
    }
    let mut list: Vec<cakap_domain::learning::seats::Reservation> =
        reservations(&txn, ctx.tenant_id, offering_id).await?.into_iter().filter(|(r, _)| r.unit_id != unit_id).map(|(_, r)| r).collect();
    if seats > 0 {
        list.push(cakap_domain::learning::seats::Reservation { unit_path: u.path.clone(), seats, used: 0 });
    }
    if let Some(m) = cakap_domain::learning::seats::check(o.capacity.max(0) as u32, &list) {
        return Err(StoreError::invalid("seats", m));
    }
    seat_reservation::Entity::delete_many()
        .filter(seat_reservation::Column::TenantId.eq(ctx.tenant_id))
        .filter(seat_reservation::Column::OfferingId.eq(offering_id))
        .filter(seat_reservation::Column::UnitId.eq(unit_id))
        .exec(&txn)
        .await?;
    if seats > 0 {
        seat_reservation::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            offering_id: Set(offering_id),
            unit_id: Set(unit_id),
            seats: Set(i32::try_from(seats).unwrap_or(i32::MAX)),
            created_by: Set(ctx.user_id),
            created_at: Set(crate::now()),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, ("reserve", AuditEntity::Offering, offering_id), None::<&()>, Some(&(unit_id, seats))).await?;
    // Seats a smaller hold lets go of go to the waitlist at once.
    promote(&txn, ctx, &o, year, priorities, usize::MAX).await?;
    txn.commit().await?;
    Ok(())
}
