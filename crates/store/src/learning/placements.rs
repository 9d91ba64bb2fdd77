//! Workplace learning (`domain::learning::placement`): set up by BKPSDM, logged and reported by
//! the employee, graded by the mentor; a grade that counts puts the JP in the ledger in the same
//! transaction.

use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::jp::{JpSource, year_of};
use cakap_domain::learning::placement::{self as rules, Grade, PlacementInput, PlacementKind, PlacementStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{app_user, employee, jp_entry, partner, placement, placement_log};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

#[derive(Debug, Clone, Serialize)]
pub struct Placement {
    pub id: i64,
    pub employee_id: i64,
    pub employee_name: String,
    pub employee_nip: String,
    pub kind: PlacementKind,
    pub partner_id: Option<i64>,
    pub host: String,
    pub mentor: String,
    pub mentor_user_id: Option<i64>,
    pub starts_on: time::Date,
    pub ends_on: time::Date,
    pub jp: u32,
    pub goals: String,
    pub status: PlacementStatus,
    pub report: String,
    pub grade: Option<Grade>,
    pub grade_note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub on_date: time::Date,
    pub body: String,
}

fn typed(m: placement::Model, person: Option<&employee::Model>) -> Result<Placement> {
    Ok(Placement {
        kind: code(PlacementKind::from_code(&m.kind), "jenis penugasan", &m.kind)?,
        status: code(PlacementStatus::from_code(&m.status), "status penugasan", &m.status)?,
        grade: match &m.grade {
            Some(g) => Some(code(Grade::from_code(g), "nilai", g)?),
            None => None,
        },
        employee_name: person.map(|p| p.name.clone()).unwrap_or_default(),
        employee_nip: person.map(|p| p.nip.clone()).unwrap_or_default(),
        id: m.id,
        employee_id: m.employee_id,
        partner_id: m.partner_id,
        host: m.host,
        mentor: m.mentor,
        mentor_user_id: m.mentor_user_id,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        jp: m.jp.max(0) as u32,
        goals: m.goals,
        report: m.report,
        grade_note: m.grade_note,
    })
}

pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &PlacementInput) -> Result<i64> {
    let errs = input.check();
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let txn = store.write().await?;
    employee::Entity::find_by_id((ctx.tenant_id, input.employee_id))
        .one(&txn)
        .await?
        .filter(|e| e.active)
        .ok_or_else(|| StoreError::invalid("employee_id", "pegawai tidak ditemukan"))?;
    if let Some(p) = input.partner_id {
        partner::Entity::find_by_id((ctx.tenant_id, p)).one(&txn).await?.ok_or_else(|| StoreError::invalid("partner_id", "mitra tidak ditemukan"))?;
    }
    if let Some(u) = input.mentor_user_id {
        app_user::Entity::find_by_id(u)
            .one(&txn)
            .await?
            .filter(|x| x.tenant_id == Some(ctx.tenant_id) && x.active)
            .ok_or_else(|| StoreError::invalid("mentor_user_id", "akun mentor tidak ditemukan"))?;
    }
    let id = next_id();
    placement::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        employee_id: Set(input.employee_id),
        kind: Set(input.kind.code().into()),
        partner_id: Set(input.partner_id),
        host: Set(input.host.trim().into()),
        mentor: Set(input.mentor.trim().into()),
        mentor_user_id: Set(input.mentor_user_id),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        jp: Set(i32::try_from(input.jp).unwrap_or(i32::MAX)),
        goals: Set(input.goals.trim().into()),
        status: Set(PlacementStatus::Running.code().into()),
        report: Set(String::new()),
        grade: Set(None),
        grade_note: Set(String::new()),
        graded_by: Set(None),
        graded_at: Set(None),
        created_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("create", AuditEntity::Placement, id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(id)
}

pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<Placement> {
    let m = placement::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let person = employee::Entity::find_by_id((tenant_id, m.employee_id)).one(db).await?;
    typed(m, person.as_ref())
}

/// Placements, newest first: all (`None`), an employee's, or a mentor's.
pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: Option<i64>, mentor_user_id: Option<i64>) -> Result<Vec<Placement>> {
    let mut q = placement::Entity::find().filter(placement::Column::TenantId.eq(tenant_id));
    if let Some(e) = employee_id {
        q = q.filter(placement::Column::EmployeeId.eq(e));
    }
    if let Some(u) = mentor_user_id {
        q = q.filter(placement::Column::MentorUserId.eq(u));
    }
    let rows = q.order_by_desc(placement::Column::StartsOn).limit(1_000).all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.employee_id).collect();
    let people: std::collections::HashMap<i64, employee::Model> = employee::Entity::find()
        .filter(employee::Column::TenantId.eq(tenant_id))
        .filter(employee::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    rows.into_iter().map(|m| typed(m.clone(), people.get(&m.employee_id))).collect()
}

pub(crate) async fn log<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<Vec<LogEntry>> {
    Ok(placement_log::Entity::find()
        .filter(placement_log::Column::TenantId.eq(tenant_id))
        .filter(placement_log::Column::PlacementId.eq(id))
        .order_by_asc(placement_log::Column::OnDate)
        .order_by_asc(placement_log::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|l| LogEntry { on_date: l.on_date, body: l.body })
        .collect())
}

/// The employee's logbook entry for a day of the placement.
pub(crate) async fn add_log(store: &Store, ctx: &Ctx, id: i64, on_date: time::Date, body: &str) -> Result<()> {
    let mut errs: Vec<_> = cakap_domain::text::check("body", "catatan", body, rules::LOG_MAX, true).into_iter().collect();
    if body.trim().is_empty() {
        errs.push(cakap_domain::FieldError::new("body", "tuliskan apa yang dipelajari atau dikerjakan"));
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let txn = store.write().await?;
    let p = placement::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if p.status != PlacementStatus::Running.code() {
        return Err(StoreError::Conflict("body", "logbook ditutup setelah laporan akhir diserahkan".into()));
    }
    if on_date < p.starts_on || on_date > p.ends_on {
        return Err(StoreError::invalid("on_date", "tanggal catatan harus di dalam masa penugasan"));
    }
    let n = placement_log::Entity::find()
        .filter(placement_log::Column::TenantId.eq(ctx.tenant_id))
        .filter(placement_log::Column::PlacementId.eq(id))
        .count(&txn)
        .await?;
    if n >= rules::MAX_LOG_ENTRIES {
        return Err(StoreError::invalid("body", format!("logbook paling banyak {} catatan", rules::MAX_LOG_ENTRIES)));
    }
    placement_log::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(next_id()),
        placement_id: Set(id),
        on_date: Set(on_date),
        body: Set(body.trim().into()),
        created_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The employee's final report; the logbook closes and the mentor may grade.
pub(crate) async fn report(store: &Store, ctx: &Ctx, id: i64, text: &str) -> Result<()> {
    let mut errs: Vec<_> = cakap_domain::text::check("report", "laporan akhir", text, rules::REPORT_MAX, true).into_iter().collect();
    if text.trim().is_empty() {
        errs.push(cakap_domain::FieldError::new("report", "laporan akhir wajib diisi"));
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let txn = store.write().await?;
    let before = placement::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if before.status != PlacementStatus::Running.code() {
        return Err(StoreError::Conflict("report", "laporan akhir sudah diserahkan".into()));
    }
    let mut am: placement::ActiveModel = before.into();
    am.report = Set(text.trim().into());
    am.status = Set(PlacementStatus::Reported.code().into());
    am.update(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("report", AuditEntity::Placement, id), None::<&()>, Some(&text.chars().count())).await?;
    txn.commit().await?;
    Ok(())
}

/// The mentor's grade of a reported placement; a grade that counts puts its JP in the ledger.
pub(crate) async fn grade(store: &Store, ctx: &Ctx, id: i64, grade: Grade, note: &str) -> Result<()> {
    if let Some(e) = cakap_domain::text::check("note", "catatan penilaian", note, rules::REPORT_MAX, true) {
        return Err(StoreError::Invalid(vec![e]));
    }
    let txn = store.write().await?;
    let before = placement::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if before.status != PlacementStatus::Reported.code() {
        return Err(StoreError::Conflict("grade", "penilaian diberikan setelah laporan akhir diserahkan, sekali saja".into()));
    }
    let p = typed(before.clone(), None)?;
    let mut am: placement::ActiveModel = before.clone().into();
    am.grade = Set(Some(grade.code().into()));
    am.grade_note = Set(note.trim().into());
    am.status = Set(PlacementStatus::Graded.code().into());
    am.graded_by = Set(ctx.user_id);
    am.graded_at = Set(Some(crate::now()));
    am.update(&txn).await?;
    if grade.counts() {
        jp_entry::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            id: Set(next_id()),
            employee_id: Set(p.employee_id),
            year: Set(year_of(p.ends_on)),
            jp: Set(i32::try_from(p.jp).unwrap_or(i32::MAX)),
            source: Set(JpSource::Placement.code().into()),
            source_id: Set(Some(id)),
            title: Set(format!("{} di {}", p.kind.label(), p.host)),
            recorded_at: Set(crate::now()),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, ctx, ctx.tenant_id, ("grade", AuditEntity::Placement, id), None::<&()>, Some(&grade.code())).await?;
    let to = super::notify::accounts_of(&txn, ctx.tenant_id, p.employee_id).await?;
    let body = format!(
        "{} di {} dinilai \"{}\"{}.",
        p.kind.label(),
        p.host,
        grade.label(),
        if grade.counts() { format!("; {} JP tercatat", p.jp) } else { String::new() }
    );
    super::notify::users(&txn, ctx.tenant_id, &to, cakap_domain::learning::notice::NoticeKind::Certificate, &body, &format!("/magang/{id}")).await?;
    txn.commit().await?;
    Ok(())
}
