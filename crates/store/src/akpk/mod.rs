//! AKPK (issue: Competencies and needs analysis): assessments, SKP ratings, priority
//! competencies, needs, and the analysis that turns them into gaps, JPM and ranked needs.
//! Every function takes the tenant.

pub mod analysis;
pub mod assessments;
pub mod changes;
pub mod imports;
pub mod national;
pub mod needs;
pub mod performance;
pub mod priorities;
pub mod team;

use cakap_domain::akpk::{Assessment, SkpRating};

use crate::error::Result;
use crate::import::table::Table;
use crate::scope::Scope;

/// Loads the kept analyses of the largest tenants (by active employees, at most `limit`), largest
/// first, so the first dashboard after a server start does not pay the load (seconds for a
/// ministry). Run in the background at start; a tenant whose load fails is skipped. The number
/// loaded.
pub async fn warm(store: &crate::Store, limit: usize) -> Result<usize> {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = store
        .db
        .query_all_raw(Statement::from_string(
            store.db.get_database_backend(),
            "SELECT tenant_id, COUNT(*) AS n FROM employee WHERE active = TRUE GROUP BY tenant_id ORDER BY n DESC, tenant_id".to_string(),
        ))
        .await?;
    let mut done = 0;
    for r in rows.into_iter().take(limit) {
        let t: i64 = r.try_get_by_index(0)?;
        let now = crate::revision::current(&store.db, t).await?.for_analysis();
        if crate::scope::kept_analysis(store, t, now).await.is_ok() {
            done += 1;
        }
    }
    Ok(done)
}

/// One SKP rating of an employee.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SkpRecord {
    pub year: i32,
    pub rating: SkpRating,
    pub score: Option<f64>,
}

/// Reading one employee's AKPK records (`ReadAkpk`, within the principal's employee reach): the
/// handle [`Scope::akpk_records`] hands out.
pub struct Records<'a> {
    pub(crate) scope: &'a Scope,
}

impl Records<'_> {
    /// Not found outside the principal's reach, so an id of another unit or tenant tells nothing.
    async fn check(&self, employee_id: i64) -> Result<()> {
        self.scope.employees()?.get(employee_id).await.map(|_| ())
    }

    /// The employee's assessments, newest first.
    pub async fn history(&self, employee_id: i64) -> Result<Vec<Assessment>> {
        self.check(employee_id).await?;
        assessments::for_employee(&self.scope.store().db, self.scope.tenant_id(), employee_id).await?.into_iter().map(assessments::typed).collect()
    }

    /// The name of the employee's atasan (the nearest supervisor above them), for the AKPK's
    /// signature block; None when the unit has none.
    pub async fn atasan_name(&self, employee_id: i64) -> Result<Option<String>> {
        self.check(employee_id).await?;
        let db = &self.scope.store().db;
        let t = self.scope.tenant_id();
        let Some(&first) = crate::learning::notify::supervisors_of(db, t, employee_id).await?.first() else { return Ok(None) };
        use sea_orm::EntityTrait;
        Ok(crate::entity::app_user::Entity::find_by_id(first).one(db).await?.map(|u| u.name))
    }

    /// The employee's SKP ratings, latest year first.
    pub async fn skp(&self, employee_id: i64) -> Result<Vec<SkpRecord>> {
        self.check(employee_id).await?;
        performance::for_employee(&self.scope.store().db, self.scope.tenant_id(), employee_id)
            .await?
            .into_iter()
            .map(|r| Ok(SkpRecord { rating: crate::error::code(SkpRating::from_code(&r.rating), "predikat SKP", &r.rating)?, year: r.year, score: r.score }))
            .collect()
    }
}

/// Keeping the needs list and its inputs (`ManageNeeds`: the planner, the BKPSDM admin): manual
/// needs, SKP ratings, the policy priorities and the bulk imports. The handle
/// [`Scope::needs_admin`] hands out.
pub struct NeedsAdmin<'a> {
    pub(crate) scope: &'a Scope,
}

impl NeedsAdmin<'_> {
    /// Adds a need by hand; its id.
    pub async fn create_need(&self, input: &needs::NeedInput) -> Result<i64> {
        Ok(needs::create(self.scope.store(), &self.scope.ctx(), input).await?.id)
    }

    pub async fn close_need(&self, id: i64) -> Result<()> {
        needs::close(self.scope.store(), &self.scope.ctx(), id).await
    }

    /// Sets one employee's SKP rating of a year (replacing that year's).
    pub async fn set_skp(&self, employee_id: i64, input: &performance::SkpInput) -> Result<()> {
        performance::set(self.scope.store(), &self.scope.ctx(), employee_id, input).await
    }

    /// The policy priorities as they stand.
    pub async fn priorities(&self) -> Result<Vec<priorities::PriorityInput>> {
        priorities::list(&self.scope.store().db, self.scope.tenant_id())
            .await?
            .into_iter()
            .map(|p| {
                let source = crate::error::code(cakap_domain::akpk::PrioritySource::from_code(&p.source), "sumber prioritas", &p.source)?;
                Ok(priorities::PriorityInput { competency_id: p.competency_id, source, reason: p.reason })
            })
            .collect()
    }

    /// Misi, priority programs and priority competencies, saved together or not at all.
    pub async fn set_policy(&self, misi: &str, program: &str, items: &[priorities::PriorityInput]) -> Result<()> {
        priorities::set_policy(self.scope.store(), &self.scope.ctx(), misi, program, items).await
    }

    /// Settles raters' disagreement on one competency of one employee: the planner's level
    /// (1–5) with the reason, recorded as a calibration (its own method: the raters' levels stay
    /// in the history). It decides the effective level and closes the disagreement until a newer
    /// rating. Only for a pair on the calibration list.
    pub async fn calibrate(&self, employee_id: i64, competency_id: i64, level: u8, note: &str) -> Result<()> {
        let scope = self.scope;
        let an = scope.analysis_unchecked().await?;
        let open = an.employee_index(employee_id).is_some_and(|ei| an.calibration_of(ei).iter().any(|d| an.competency(d.competency).id == competency_id));
        let mut errs = vec![];
        if !open {
            errs.push(cakap_domain::FieldError::new("competency_id", "penilaian ini tidak (lagi) perlu dikalibrasi"));
        }
        if !(1..=5).contains(&level) {
            errs.push(cakap_domain::FieldError::new("level", "pilih level hasil kalibrasi 1–5"));
        }
        if note.trim().is_empty() {
            errs.push(cakap_domain::FieldError::new("note", "alasan kalibrasi wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("note", "alasan kalibrasi", note, cakap_domain::text::EVIDENCE_MAX, true));
        if !errs.is_empty() {
            return Err(crate::error::StoreError::Invalid(errs));
        }
        let (t, ctx) = (scope.tenant_id(), scope.ctx());
        let input = assessments::AssessmentInput {
            competency_id,
            level,
            method: cakap_domain::competency::Method::Calibration,
            assessed_on: scope.today(),
            evidence: note.trim().to_string(),
            rater_name: scope.principal().name().to_string(),
        };
        let txn = scope.store().write().await?;
        let c = assessments::active_competency(&txn, t, competency_id).await?;
        use sea_orm::ActiveModelTrait;
        let m = assessments::model(t, employee_id, &c, &input, ctx.user_id).insert(&txn).await?;
        let change = Some(changes::Change::Employee(employee_id));
        crate::audit::record_change(
            &txn,
            &ctx,
            t,
            ("calibrate", cakap_domain::audit::AuditEntity::Assessment, m.id.to_string()),
            change,
            None::<&()>,
            Some(&input),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// All or nothing: rows written, or every problem by row and column.
    pub async fn import_assessments(&self, table: &Table) -> Result<imports::Outcome> {
        imports::import_assessments(self.scope.store(), &self.scope.ctx(), table).await
    }

    pub async fn import_skp(&self, table: &Table) -> Result<imports::Outcome> {
        imports::import_skp(self.scope.store(), &self.scope.ctx(), table).await
    }
}
