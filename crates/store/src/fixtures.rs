//! Test fixtures that go around the rater rules on purpose (feature `fixtures`, only for test
//! suites): an assessment with any method and rater name, as a data migration would write it.
//! Still one transaction with its audit row, so caches see it like any other write.

use cakap_domain::akpk::Assessment;
use sea_orm::ActiveModelTrait;

use crate::Store;
use crate::akpk::assessments::{AssessmentInput, active_competency, model, typed};
use crate::audit::{self, Ctx};
use crate::error::{Result, StoreError};

pub async fn assess(store: &Store, tenant_id: i64, employee_id: i64, input: &AssessmentInput) -> Result<Assessment> {
    input.check(crate::now().date()).map_err(StoreError::Invalid)?;
    let ctx = Ctx::system(tenant_id);
    let txn = store.write().await?;
    crate::org::employees::get(&txn, tenant_id, &crate::org::employees::EmployeeScope::Tenant, employee_id).await?;
    let c = active_competency(&txn, tenant_id, input.competency_id).await?;
    let m = model(tenant_id, employee_id, &c, input, None).insert(&txn).await?;
    let change = Some(crate::akpk::changes::Change::Employee(employee_id));
    audit::record_change(&txn, &ctx, tenant_id, ("create", cakap_domain::audit::AuditEntity::Assessment, m.id.to_string()), change, None::<&()>, Some(input))
        .await?;
    txn.commit().await?;
    typed(m)
}

/// A plan-generation job as a running one leaves its row (progress and stage), with no work
/// behind it: what a server that stopped mid-job leaves. Its id.
pub async fn running_job(store: &Store, tenant_id: i64, progress: u8, stage: &str) -> Result<i64> {
    let id = crate::jobs::insert(store, &Ctx::system(tenant_id), cakap_domain::job::JobKind::PlanGenerate, stage).await?;
    crate::jobs::set_progress(store, tenant_id, id, progress, stage).await?;
    Ok(id)
}
