//! Catalogue and annual plan (issue "Programs, partners and the annual plan"). Reading is
//! `ReadPlan`; the planner's changes `ManagePlan`; PyB submits (`SubmitPlan`) and PPK decides
//! (`DecidePlan`). Every function takes the tenant from the scope.

pub mod catalogue;
pub mod documents;
pub mod plans;

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use cakap_domain::Permission;
use cakap_domain::job::JobKind;
use cakap_domain::plan::workflow::{PlanAction, PlanStatus};

use crate::error::Result;
use crate::scope::Scope;
use catalogue::{AgreementInput, Catalogue, PartnerInput, ProgramInput};
use plans::{Plan, PlanDetail, PlanDiff, PlanRequest, RunInputs};

/// Reading the catalogue and the plans: the handle [`Scope::plans`] hands out.
pub struct Plans<'a> {
    pub(crate) scope: &'a Scope,
}

impl Plans<'_> {
    pub async fn catalogue(&self) -> Result<Catalogue> {
        catalogue::load(&self.scope.store().db, self.scope.tenant_id()).await
    }

    pub async fn list(&self) -> Result<Vec<Plan>> {
        plans::list(&self.scope.store().db, self.scope.tenant_id()).await
    }

    pub async fn get(&self, id: i64) -> Result<PlanDetail> {
        plans::detail(&self.scope.store().db, self.scope.tenant_id(), id).await
    }

    /// The documents attached to some agreements (metadata only), oldest first.
    pub async fn documents(&self, agreement_ids: &[i64]) -> Result<Vec<documents::AgreementDocument>> {
        documents::list(&self.scope.store().db, self.scope.tenant_id(), agreement_ids).await
    }

    /// One attached document with its bytes.
    pub async fn document(&self, id: i64) -> Result<documents::DocumentFile> {
        documents::get(&self.scope.store().db, self.scope.tenant_id(), id).await
    }

    /// A plan job of the tenant (generation), for its progress page.
    pub async fn job(&self, id: i64) -> Result<crate::jobs::Job> {
        let j = crate::jobs::get(&self.scope.store().db, self.scope.tenant_id(), id).await?;
        // Every kind is a plan kind today; a new kind must decide here who reads it.
        match j.kind {
            JobKind::PlanGenerate | JobKind::PlanRegenerate => Ok(j),
        }
    }

    /// How a revision differs from the version it revises.
    pub async fn diff(&self, d: &PlanDetail) -> Result<Option<PlanDiff>> {
        plans::diff(&self.scope.store().db, self.scope.tenant_id(), d).await
    }

    /// One workflow step; the permission it needs depends on the step (PyB submits, PPK
    /// approves or returns).
    pub async fn step(&self, id: i64, action: PlanAction, note: &str) -> Result<PlanStatus> {
        match action {
            PlanAction::Submit => self.scope.require(Permission::SubmitPlan)?,
            PlanAction::Approve | PlanAction::Return => self.scope.require(Permission::DecidePlan)?,
            _ => self.scope.require(Permission::ManagePlan)?,
        }
        plans::step(self.scope.store(), &self.scope.ctx(), self.scope.principal().name(), id, action, note).await
    }
}

/// The planner's changes (`ManagePlan`): the catalogue, drafting and revising plans. The handle
/// [`Scope::planner`] hands out.
pub struct Planner<'a> {
    pub(crate) scope: &'a Scope,
}

impl Planner<'_> {
    pub async fn create_partner(&self, input: &PartnerInput) -> Result<i64> {
        catalogue::create_partner(self.scope.store(), &self.scope.ctx(), input).await
    }

    pub async fn update_partner(&self, id: i64, input: &PartnerInput, active: bool) -> Result<()> {
        catalogue::update_partner(self.scope.store(), &self.scope.ctx(), id, input, active).await
    }

    /// Adds (`id` None) or changes an agreement of a partner.
    pub async fn save_agreement(&self, partner_id: i64, id: Option<i64>, input: &AgreementInput) -> Result<i64> {
        catalogue::save_agreement(self.scope.store(), &self.scope.ctx(), partner_id, id, input).await
    }

    /// Attaches a file (PDF, JPG, PNG; at most 10 MB) to an agreement; its id.
    pub async fn add_document(&self, agreement_id: i64, file_name: &str, bytes: Vec<u8>) -> Result<i64> {
        documents::add(self.scope.store(), &self.scope.ctx(), self.scope.principal().name(), agreement_id, file_name, bytes).await
    }

    /// Removes an attached document; the agreement it belonged to.
    pub async fn delete_document(&self, id: i64) -> Result<i64> {
        documents::delete(self.scope.store(), &self.scope.ctx(), id).await
    }

    /// Adds (`id` None) or changes a program.
    pub async fn save_program(&self, id: Option<i64>, input: &ProgramInput, active: bool) -> Result<i64> {
        catalogue::save_program(self.scope.store(), &self.scope.ctx(), id, input, active).await
    }

    /// What a generation reads before it solves: the needs (with this year's JP where the rule
    /// asks for them), the catalogue, competency names. Public for `cakap bench plan-job`, which
    /// times the solve alone on them beside the whole generation.
    pub async fn run_inputs(&self, rules: &cakap_domain::plan::build::Rules) -> Result<RunInputs> {
        let (_, rows) = crate::akpk::needs::list(self.scope, &Default::default()).await?;
        let cat = catalogue::load(&self.scope.store().db, self.scope.tenant_id()).await?;
        let jp = match rules.below_minimum_jp {
            Some(year) => crate::learning::ledger::totals(&self.scope.store().db, self.scope.tenant_id(), year).await?,
            None => HashMap::new(),
        };
        let (needs, programs) = plans::inputs(&rows, &jp, &cat, self.scope.today());
        let names: HashMap<i64, String> = self.scope.competencies()?.list().await?.into_iter().map(|c| (c.id, c.name)).collect();
        Ok(RunInputs { needs, programs, catalogue: cat, names, user_name: self.scope.principal().name().to_string() })
    }

    /// A new plan for a year from the ranked needs; its id.
    pub async fn generate(&self, req: &PlanRequest) -> Result<i64> {
        req.check(self.scope.today().year()).map_err(crate::StoreError::Invalid)?;
        let run = self.run_inputs(&req.rules).await?;
        plans::generate(self.scope.store(), &self.scope.ctx(), req, run, &Default::default()).await
    }

    /// The optimizer again, on an editable plan, with a new budget and rules.
    pub async fn regenerate(&self, id: i64, req: &PlanRequest) -> Result<()> {
        req.check(self.scope.today().year()).map_err(crate::StoreError::Invalid)?;
        let run = self.run_inputs(&req.rules).await?;
        plans::regenerate(self.scope.store(), &self.scope.ctx(), id, req, run, &Default::default()).await
    }

    /// [`Planner::generate`] as a background job: the request is checked first (a bad field or
    /// a year that already has a plan is refused here, with nothing started); the job's id.
    pub async fn start_generate(&self, req: &PlanRequest) -> Result<i64> {
        req.check(self.scope.today().year()).map_err(crate::StoreError::Invalid)?;
        plans::check_new(&self.scope.store().db, self.scope.tenant_id(), req).await?;
        self.start(None, req).await
    }

    /// [`Planner::regenerate`] as a background job; the job's result is the plan's id.
    pub async fn start_regenerate(&self, id: i64, req: &PlanRequest) -> Result<i64> {
        req.check(self.scope.today().year()).map_err(crate::StoreError::Invalid)?;
        plans::check_editable(&self.scope.store().db, self.scope.tenant_id(), id).await?;
        self.start(Some(id), req).await
    }

    /// The generation job for a new plan (`plan` None) or an existing one, once checked.
    async fn start(&self, plan: Option<i64>, req: &PlanRequest) -> Result<i64> {
        let kind = if plan.is_some() { JobKind::PlanRegenerate } else { JobKind::PlanGenerate };
        let (scope, req) = (self.scope.clone(), req.clone());
        crate::jobs::spawn(self.scope.store(), &self.scope.ctx(), kind, plans::GENERATION_STEPS, plans::generation_stage, move |steps| async move {
            let run = Planner { scope: &scope }.run_inputs(&req.rules).await?;
            steps.fetch_add(1, Ordering::Relaxed);
            match plan {
                None => plans::generate(scope.store(), &scope.ctx(), &req, run, &steps).await,
                Some(id) => plans::regenerate(scope.store(), &scope.ctx(), id, &req, run, &steps).await.map(|()| id),
            }
        })
        .await
    }

    pub async fn edit_item(&self, plan_id: i64, item_id: i64, quarter: i16, curriculum_fit: &str) -> Result<()> {
        plans::edit_item(self.scope.store(), &self.scope.ctx(), self.scope.principal().name(), plan_id, item_id, quarter, curriculum_fit).await
    }

    /// A new draft version of an approved plan; its id.
    pub async fn revise(&self, plan_id: i64) -> Result<i64> {
        plans::revise(self.scope.store(), &self.scope.ctx(), self.scope.principal().name(), plan_id).await
    }
}
