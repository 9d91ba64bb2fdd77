//! Needs added by hand: from community input, a policy, or a unit's request. Needs that follow
//! from gaps are computed by [`super::analysis`].

use cakap_domain::FieldError;
use cakap_domain::akpk::NeedSource;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::need;
use crate::error::{Result, StoreError};
use crate::ids::next_id;

pub const OPEN: &str = "open";
pub const CLOSED: &str = "closed";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NeedInput {
    pub employee_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub competency_id: i64,
    pub source: NeedSource,
    /// Levels missing as the planner judges them (1–4).
    pub gap: u8,
    pub note: String,
}

impl NeedInput {
    /// Checks that need no database.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if matches!(self.source, NeedSource::GapHeld | NeedSource::GapTarget) {
            errs.push(FieldError::new("source", "kebutuhan dari kesenjangan dihitung otomatis; pilih sumber lain"));
        }
        if !(1..=4).contains(&self.gap) {
            errs.push(FieldError::new("gap", "besar kesenjangan harus 1–4 level"));
        }
        if self.note.trim().is_empty() {
            errs.push(FieldError::new("note", "uraian kebutuhan wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("note", "uraian kebutuhan", &self.note, cakap_domain::text::NOTE_MAX, true));
        errs
    }
}

pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &NeedInput) -> Result<need::Model> {
    let mut errs = input.check();
    let txn = store.write().await?;
    if let Err(e) = super::assessments::active_competency(&txn, ctx.tenant_id, input.competency_id).await {
        match e {
            StoreError::Invalid(v) => errs.extend(v),
            other => return Err(other),
        }
    }
    if let Some(e) = input.employee_id
        && crate::org::employees::get(&txn, ctx.tenant_id, &crate::org::employees::EmployeeScope::Tenant, e).await.is_err()
    {
        errs.push(FieldError::new("employee_id", "pegawai tidak ditemukan"));
    }
    if let Some(u) = input.unit_id
        && crate::org::units::get(&txn, ctx.tenant_id, u).await.is_err()
    {
        errs.push(FieldError::new("unit_id", "unit tidak ditemukan"));
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let m = need::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(next_id()),
        employee_id: Set(input.employee_id),
        unit_id: Set(input.unit_id),
        competency_id: Set(input.competency_id),
        source: Set(input.source.code().into()),
        gap: Set(i16::from(input.gap)),
        note: Set(input.note.trim().to_string()),
        status: Set(OPEN.into()),
        created_by: Set(ctx.user_id),
        created_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("create", cakap_domain::audit::AuditEntity::Need, m.id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(m)
}

/// Open hand-added needs of the tenant, newest first.
pub(crate) async fn open<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<need::Model>> {
    Ok(need::Entity::find()
        .filter(need::Column::TenantId.eq(tenant_id))
        .filter(need::Column::Status.eq(OPEN))
        .order_by_desc(need::Column::CreatedAt)
        .all(db)
        .await?)
}

pub(crate) async fn close(store: &Store, ctx: &Ctx, id: i64) -> Result<()> {
    let txn = store.write().await?;
    let n = need::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let mut am: need::ActiveModel = n.into();
    am.status = Set(CLOSED.into());
    am.update(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("close", cakap_domain::audit::AuditEntity::Need, id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(())
}

/// The needs list (gap needs from the analysis and the open needs added by hand), filtered,
/// highest priority first: what the needs page, its export, the API and Beranda show.
pub async fn list(scope: &crate::Scope, f: &super::analysis::NeedFilter) -> Result<(std::sync::Arc<super::analysis::Analysis>, Vec<super::analysis::NeedRow>)> {
    scope.require(cakap_domain::Permission::ReadNeeds)?;
    list_for_rules(scope, f).await
}

/// The needs list without the permission check, for rules inside the store whose result
/// shows no need (the waitlist's need-priority order).
pub(crate) async fn list_for_rules(
    scope: &crate::Scope,
    f: &super::analysis::NeedFilter,
) -> Result<(std::sync::Arc<super::analysis::Analysis>, Vec<super::analysis::NeedRow>)> {
    let an = scope.analysis_unchecked().await?;
    let manual = open(&scope.store().db, scope.tenant_id()).await?;
    let rows = an.needs(&manual, f);
    Ok((an, rows))
}

/// One page of the needs list in the order asked, with the count of all that match and their
/// spread over competencies (the needs page; the whole list stays in memory only as compact
/// entries).
pub async fn page(
    scope: &crate::Scope,
    f: &super::analysis::NeedFilter,
    sort: super::analysis::NeedSort,
    offset: usize,
    limit: usize,
) -> Result<(std::sync::Arc<super::analysis::Analysis>, super::analysis::NeedPage)> {
    scope.require(cakap_domain::Permission::ReadNeeds)?;
    let an = scope.analysis_unchecked().await?;
    let manual = open(&scope.store().db, scope.tenant_id()).await?;
    let page = an.needs_page(&manual, f, sort, offset, limit);
    Ok((an, page))
}
