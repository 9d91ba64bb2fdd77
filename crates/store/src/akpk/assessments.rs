//! Assessments: one level of one competency for one employee, with method, rater, date and
//! evidence. Never edited in place: a new judgement is a new row, so the history stays.

use cakap_domain::akpk::{Assessment, RaterFacts, methods_for};
use cakap_domain::competency::{Competency, Method, Rating};
use cakap_domain::{FieldError, Permission};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::audit;
use crate::entity::assessment;
use crate::error::{Result, StoreError};
use crate::ids::next_id;
use crate::scope::Scope;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssessmentInput {
    pub competency_id: i64,
    pub level: u8,
    pub method: Method,
    pub assessed_on: Date,
    pub evidence: String,
    pub rater_name: String,
}

/// Days since the Julian epoch: the order of assessments for the effective-level rule.
pub fn day(d: Date) -> i32 {
    d.to_julian_day()
}

impl AssessmentInput {
    pub fn check(&self, today: Date) -> std::result::Result<(), Vec<FieldError>> {
        let mut errs = vec![];
        if !(1..=5).contains(&self.level) {
            errs.push(FieldError::new("level", format!("level harus 1–5, ditemukan {}", self.level)));
        }
        if self.assessed_on > today {
            errs.push(FieldError::new("assessed_on", "tanggal penilaian tidak boleh di masa depan"));
        }
        if self.assessed_on.year() < 2000 {
            errs.push(FieldError::new("assessed_on", "tanggal penilaian tidak wajar (sebelum tahun 2000)"));
        }
        errs.extend(cakap_domain::text::check("evidence", "catatan bukti", &self.evidence, cakap_domain::text::EVIDENCE_MAX, true));
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

pub(crate) async fn active_competency<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<Competency> {
    match crate::competency::get(db, tenant_id, id).await.and_then(crate::competency::typed) {
        Ok(c) if c.active => Ok(c),
        Ok(_) | Err(StoreError::NotFound) => Err(StoreError::invalid("competency_id", "kompetensi tidak ditemukan atau tidak aktif")),
        Err(e) => Err(e),
    }
}

pub(crate) fn model(tenant_id: i64, employee_id: i64, c: &Competency, input: &AssessmentInput, rater_user_id: Option<i64>) -> assessment::ActiveModel {
    assessment::ActiveModel {
        tenant_id: Set(tenant_id),
        id: Set(next_id()),
        employee_id: Set(employee_id),
        competency_id: Set(c.id),
        competency_version: Set(c.version),
        level: Set(i16::from(input.level)),
        method: Set(input.method.code().into()),
        rater_user_id: Set(rater_user_id),
        rater_name: Set(input.rater_name.trim().to_string()),
        assessed_on: Set(input.assessed_on),
        evidence: Set(input.evidence.trim().to_string()),
        created_at: Set(crate::now()),
    }
}

/// Recording assessments: the handle [`Scope::assessor`] hands out. Who may rate whom with
/// which method is `domain::akpk::methods_for`, applied here to the employee's unit.
pub struct Assessor<'a> {
    pub(crate) scope: &'a Scope,
}

impl Assessor<'_> {
    /// The methods the principal may use for this employee; not found outside its reach.
    pub async fn methods_for(&self, employee_id: i64) -> Result<Vec<Method>> {
        let db = &self.scope.store().db;
        self.allowed(db, employee_id).await
    }

    async fn allowed<C: ConnectionTrait>(&self, db: &C, employee_id: i64) -> Result<Vec<Method>> {
        let p = self.scope.principal();
        let e = crate::org::employees::get(db, self.scope.tenant_id(), &p.employee_scope(), employee_id).await?;
        let supervises = match p.supervised() {
            Some(s) if p.roles().has(cakap_domain::Role::Supervisor) => {
                crate::org::units::get(db, self.scope.tenant_id(), e.unit_id).await?.path.starts_with(&s.path)
            }
            _ => false,
        };
        Ok(methods_for(RaterFacts { is_self: p.employee_id() == Some(employee_id), supervises, records_results: p.can(Permission::ManageNeeds) }))
    }

    /// Records one assessment of `employee_id` by the principal: 404 outside its reach, 403 when
    /// it may rate nobody there, a field error for a method it may not use. Checked, written and
    /// audited in one transaction; the date must not be after today in the tenant's zone.
    pub async fn assess(&self, employee_id: i64, mut input: AssessmentInput) -> Result<Assessment> {
        let (t, ctx) = (self.scope.tenant_id(), self.scope.ctx());
        let txn = self.scope.store().write().await?;
        let allowed = self.allowed(&txn, employee_id).await?;
        if allowed.is_empty() {
            return Err(StoreError::Forbidden);
        }
        let mut errs = input.check(self.scope.today()).err().unwrap_or_default();
        if !allowed.contains(&input.method) {
            errs.push(FieldError::new("method", "Anda tidak berwenang menilai dengan metode ini"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        input.rater_name = self.scope.principal().name().to_string();
        let c = active_competency(&txn, t, input.competency_id).await?;
        let m = model(t, employee_id, &c, &input, ctx.user_id).insert(&txn).await?;
        let change = Some(super::changes::Change::Employee(employee_id));
        audit::record_change(&txn, &ctx, t, ("create", cakap_domain::audit::AuditEntity::Assessment, m.id.to_string()), change, None::<&()>, Some(&input))
            .await?;
        txn.commit().await?;
        typed(m)
    }
}

pub(crate) fn typed(m: assessment::Model) -> Result<Assessment> {
    Ok(Assessment {
        method: Method::from_code(&m.method).ok_or_else(|| StoreError::Other(format!("metode penilaian '{}' tidak dikenal", m.method)))?,
        level: u8::try_from(m.level).map_err(|_| StoreError::Other(format!("level penilaian {} tidak wajar", m.level)))?,
        id: m.id,
        employee_id: m.employee_id,
        competency_id: m.competency_id,
        competency_version: m.competency_version,
        rater_name: m.rater_name,
        assessed_on: m.assessed_on,
        evidence: m.evidence,
    })
}

/// An employee's assessments, newest first.
pub(crate) async fn for_employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<assessment::Model>> {
    Ok(assessment::Entity::find()
        .filter(assessment::Column::TenantId.eq(tenant_id))
        .filter(assessment::Column::EmployeeId.eq(employee_id))
        .order_by_desc(assessment::Column::AssessedOn)
        .order_by_desc(assessment::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Every rating of the tenant as (employee, competency, rating), sorted by employee, competency
/// and the order they were made: the input of the analysis, read as bare tuples.
pub(crate) async fn ratings<C: ConnectionTrait>(db: &C, tenant_id: i64, only_employee: Option<i64>) -> Result<Vec<(i64, i64, Rating)>> {
    let mut q = assessment::Entity::find();
    if let Some(e) = only_employee {
        q = q.filter(assessment::Column::EmployeeId.eq(e));
    }
    let rows: Vec<(i64, i64, String, i16, Date)> = q
        .select_only()
        .columns([
            assessment::Column::EmployeeId,
            assessment::Column::CompetencyId,
            assessment::Column::Method,
            assessment::Column::Level,
            assessment::Column::AssessedOn,
        ])
        .filter(assessment::Column::TenantId.eq(tenant_id))
        .order_by_asc(assessment::Column::EmployeeId)
        .order_by_asc(assessment::Column::CompetencyId)
        // Ratings of the same day are told apart by when they were recorded: one employee's
        // analysis and the tenant's must pick the same "latest".
        .order_by_asc(assessment::Column::AssessedOn)
        .order_by_asc(assessment::Column::CreatedAt)
        .order_by_asc(assessment::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, c, m, l, d)| Some((e, c, Rating { method: Method::from_code(&m)?, level: u8::try_from(l).ok()?, day: day(d) })))
        .collect())
}

/// How many assessments the whole database holds (benchmarks report it beside their timings).
pub async fn count_all(store: &crate::Store) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(assessment::Entity::find().count(&store.db).await?)
}
