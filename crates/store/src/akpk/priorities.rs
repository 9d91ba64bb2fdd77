//! Priority competencies of the instansi: what its vision/mission and priority programs call
//! for (seeds: policy is an input of AKPK). They raise the priority of matching needs.

use cakap_domain::akpk::PrioritySource;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::priority_competency;
use crate::error::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityInput {
    pub competency_id: i64,
    pub source: PrioritySource,
    pub reason: String,
}

pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<priority_competency::Model>> {
    Ok(priority_competency::Entity::find().filter(priority_competency::Column::TenantId.eq(tenant_id)).all(db).await?)
}

/// The instansi's policy as the planner records it: misi and priority programs (tenant
/// settings) and the priority competencies they call for, saved together or not at all.
pub(crate) async fn set_policy(store: &Store, ctx: &Ctx, misi: &str, program: &str, items: &[PriorityInput]) -> Result<()> {
    let txn = store.write().await?;
    replace(&txn, ctx, items).await?;
    // Read inside the write transaction, so a concurrent change to other settings is kept.
    let mut settings = crate::org::tenants::TenantSettings::parse(&crate::org::tenants::get(&txn, ctx.tenant_id).await?.settings)?;
    settings.misi = misi.trim().to_string();
    settings.program_prioritas = program.trim().to_string();
    settings.validate()?;
    crate::org::tenants::save_settings_in(&txn, ctx, ctx.tenant_id, &settings).await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces the tenant's priority competencies with `items`.
async fn replace<C: ConnectionTrait>(txn: &C, ctx: &Ctx, items: &[PriorityInput]) -> Result<()> {
    let mut errs = vec![];
    let mut seen = std::collections::HashSet::new();
    for it in items {
        // A form with a field twice (hand-made or replayed) would break the table's key.
        if !seen.insert(it.competency_id) {
            errs.push(cakap_domain::FieldError::new("competency_id", "kompetensi yang sama dipilih lebih dari sekali"));
            continue;
        }
        if let Err(e) = super::assessments::active_competency(txn, ctx.tenant_id, it.competency_id).await {
            errs.extend(match e {
                StoreError::Invalid(v) => v,
                other => return Err(other),
            });
        }
        errs.extend(cakap_domain::text::check("reason", "alasan prioritas", &it.reason, cakap_domain::text::NOTE_MAX, true));
        if it.reason.trim().is_empty() {
            errs.push(cakap_domain::FieldError::new("reason", "alasan prioritas wajib diisi (kaitkan dengan visi, misi atau program prioritas)"));
        }
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    let before = list(txn, ctx.tenant_id).await?;
    priority_competency::Entity::delete_many().filter(priority_competency::Column::TenantId.eq(ctx.tenant_id)).exec(txn).await?;
    if !items.is_empty() {
        priority_competency::Entity::insert_many(items.iter().map(|it| priority_competency::ActiveModel {
            tenant_id: Set(ctx.tenant_id),
            competency_id: Set(it.competency_id),
            source: Set(it.source.code().into()),
            reason: Set(it.reason.trim().to_string()),
        }))
        .exec(txn)
        .await?;
    }
    audit::record(txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::PriorityCompetency, ctx.tenant_id), Some(&before), Some(&items))
        .await?;
    Ok(())
}
