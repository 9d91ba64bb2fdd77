//! Assessments: one level of one competency for one employee, with method, rater, date and
//! evidence. Never edited in place: a new judgement is a new row, so the history stays.

use cakap_domain::FieldError;
use cakap_domain::competency::{Method, Rating};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{assessment, competency};
use crate::error::{Result, StoreError};
use crate::ids::next_id;

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
        if self.evidence.chars().count() > 2000 {
            errs.push(FieldError::new("evidence", "catatan bukti maksimal 2.000 karakter"));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

pub(crate) async fn active_competency<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<competency::Model> {
    match crate::competency::get(db, tenant_id, id).await {
        Ok(c) if c.active => Ok(c),
        Ok(_) | Err(StoreError::NotFound) => Err(StoreError::invalid("competency_id", "kompetensi tidak ditemukan atau tidak aktif")),
        Err(e) => Err(e),
    }
}

pub(crate) fn model(tenant_id: i64, employee_id: i64, c: &competency::Model, input: &AssessmentInput, rater_user_id: Option<i64>) -> assessment::ActiveModel {
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

/// Records one assessment. The caller has decided the actor may rate this employee with this
/// method (the web layer: self by the employee, supervisor by the atasan, others by planners).
pub async fn add(store: &Store, ctx: &Ctx, employee_id: i64, input: &AssessmentInput) -> Result<assessment::Model> {
    input.check(crate::now().date()).map_err(StoreError::Invalid)?;
    let txn = store.write().await?;
    crate::org::employees::get(&txn, ctx.tenant_id, &crate::org::employees::EmployeeScope::Tenant, employee_id).await?;
    let c = active_competency(&txn, ctx.tenant_id, input.competency_id).await?;
    let m = model(ctx.tenant_id, employee_id, &c, input, ctx.user_id).insert(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, "create", "assessment", m.id, None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(m)
}

/// An employee's assessments, newest first.
pub async fn for_employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<assessment::Model>> {
    Ok(assessment::Entity::find()
        .filter(assessment::Column::TenantId.eq(tenant_id))
        .filter(assessment::Column::EmployeeId.eq(employee_id))
        .order_by_desc(assessment::Column::AssessedOn)
        .order_by_desc(assessment::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Every rating of the tenant as (employee, competency, rating), sorted by employee then
/// competency: the input of the analysis, read as bare tuples.
pub async fn ratings<C: ConnectionTrait>(db: &C, tenant_id: i64, only_employee: Option<i64>) -> Result<Vec<(i64, i64, Rating)>> {
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
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(e, c, m, l, d)| Some((e, c, Rating { method: Method::from_code(&m)?, level: u8::try_from(l).ok()?, day: day(d) })))
        .collect())
}
