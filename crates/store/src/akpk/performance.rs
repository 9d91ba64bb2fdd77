//! SKP performance ratings, one per employee per year (DOMAIN.md, "Performance").

use std::collections::HashMap;

use cakap_domain::akpk::SkpRating;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::performance_rating;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkpInput {
    pub year: i32,
    pub rating: SkpRating,
    pub score: Option<f64>,
}

impl SkpInput {
    pub fn check(&self, this_year: i32) -> std::result::Result<(), Vec<cakap_domain::FieldError>> {
        let mut errs = vec![];
        if !(2015..=this_year).contains(&self.year) {
            errs.push(cakap_domain::FieldError::new("year", format!("tahun SKP harus 2015–{this_year}")));
        }
        if let Some(s) = self.score
            && !(0.0..=120.0).contains(&s)
        {
            errs.push(cakap_domain::FieldError::new("score", "nilai SKP harus 0–120"));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}

pub(crate) fn model(tenant_id: i64, employee_id: i64, i: &SkpInput) -> performance_rating::ActiveModel {
    performance_rating::ActiveModel {
        tenant_id: Set(tenant_id),
        employee_id: Set(employee_id),
        year: Set(i.year),
        rating: Set(i.rating.code().into()),
        score: Set(i.score),
    }
}

/// Insert or replace on (tenant, employee, year): a corrected rating replaces the old one.
pub(crate) fn upsert(rows: Vec<performance_rating::ActiveModel>) -> sea_orm::InsertMany<performance_rating::ActiveModel> {
    performance_rating::Entity::insert_many(rows).on_conflict(
        OnConflict::columns([performance_rating::Column::TenantId, performance_rating::Column::EmployeeId, performance_rating::Column::Year])
            .update_columns([performance_rating::Column::Rating, performance_rating::Column::Score])
            .to_owned(),
    )
}

pub(crate) async fn set(store: &Store, ctx: &Ctx, employee_id: i64, input: &SkpInput) -> Result<()> {
    input.check(crate::now().year()).map_err(StoreError::Invalid)?;
    let txn = store.write().await?;
    crate::org::employees::get(&txn, ctx.tenant_id, &crate::org::employees::EmployeeScope::Tenant, employee_id).await?;
    upsert(vec![model(ctx.tenant_id, employee_id, input)]).exec(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::PerformanceRating, employee_id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(())
}

/// One employee's ratings, latest year first.
pub(crate) async fn for_employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<performance_rating::Model>> {
    Ok(performance_rating::Entity::find()
        .filter(performance_rating::Column::TenantId.eq(tenant_id))
        .filter(performance_rating::Column::EmployeeId.eq(employee_id))
        .order_by_desc(performance_rating::Column::Year)
        .all(db)
        .await?)
}

/// The latest rating of every employee of the tenant who has one.
pub(crate) async fn latest<C: ConnectionTrait>(db: &C, tenant_id: i64, only_employee: Option<i64>) -> Result<HashMap<i64, (i32, SkpRating)>> {
    let mut out: HashMap<i64, (i32, SkpRating)> = HashMap::new();
    let mut q = performance_rating::Entity::find().filter(performance_rating::Column::TenantId.eq(tenant_id));
    if let Some(e) = only_employee {
        q = q.filter(performance_rating::Column::EmployeeId.eq(e));
    }
    for r in q.all(db).await? {
        let Some(rating) = SkpRating::from_code(&r.rating) else { continue };
        let e = out.entry(r.employee_id).or_insert((r.year, rating));
        if r.year > e.0 {
            *e = (r.year, rating);
        }
    }
    Ok(out)
}
