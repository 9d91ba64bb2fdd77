//! The one door into tenant data.
//!
//! A [`Principal`] is who is asking: loaded only by authentication (a session's user id, a bearer
//! token) or named by the operator at the CLI. A [`Scope`] is a principal at work in its tenant for
//! one request. Tenant data is reached only through the role-shaped handles a scope hands out
//! (`scope.employees()`, `scope.org_admin()?`, `scope.assessor()?`, …): each handle's methods add
//! the tenant filter and the row scope themselves, open the write transaction and record the audit
//! row, so a handler cannot forget the tenant: it never names one. Fields are private, so outside
//! this crate a scope can only come from these constructors.

use std::sync::Arc;

use cakap_domain::{Permission, ReadScope, Role, Roles, Zone};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::Store;
use crate::audit::Ctx;
use crate::entity::{app_user, tenant, unit, user_role};
use crate::error::{Result, StoreError};
use crate::org::employees::EmployeeScope;
use crate::org::tenants::TenantSettings;
use crate::users::RoleGrant;

/// The tenant a principal works in, with what pages need of it on every request.
#[derive(Debug, Clone)]
pub struct TenantInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: cakap_domain::TenantKind,
    pub zone: Zone,
    pub settings: TenantSettings,
}

/// The unit a supervisor grant covers (its subtree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisedUnit {
    pub id: i64,
    pub path: String,
}

/// Who is asking. Loaded from the database by [`Principal::load`]; nothing else makes one.
#[derive(Debug, Clone)]
pub struct Principal {
    user_id: Option<i64>,
    login: String,
    name: String,
    tenant: Option<TenantInfo>,
    roles: Roles,
    grants: Vec<RoleGrant>,
    employee_id: Option<i64>,
    supervised: Option<SupervisedUnit>,
    /// The roles require a second factor and the user has none yet: pages send them to enrol.
    must_enrol_second_factor: bool,
}

impl Principal {
    /// The active user `user_id` with the roles of its tenant, or None when the user or its
    /// tenant is missing or inactive. Four small indexed reads; callers cache the result.
    pub async fn load(store: &Store, user_id: i64) -> Result<Option<Principal>> {
        let db = &store.db;
        let Some(u) = app_user::Entity::find_by_id(user_id).one(db).await? else { return Ok(None) };
        if !u.active {
            return Ok(None);
        }
        let mut grants = vec![];
        let mut tenant = None;
        if let Some(t) = u.tenant_id {
            let Some(row) = tenant::Entity::find_by_id(t).one(db).await? else { return Ok(None) };
            if !row.active {
                return Ok(None);
            }
            tenant = Some(tenant_info(row)?);
            let rows = user_role::Entity::find().filter(user_role::Column::TenantId.eq(t)).filter(user_role::Column::UserId.eq(u.id)).all(db).await?;
            grants = rows.into_iter().filter_map(|r| Role::from_code(&r.role).map(|role| RoleGrant { role, unit_id: r.unit_id })).collect();
        }
        if u.is_super_admin {
            grants.push(RoleGrant { role: Role::SuperAdmin, unit_id: None });
        }
        let mut supervised = None;
        if let (Some(t), Some(unit_id)) = (u.tenant_id, grants.iter().find(|g| g.role == Role::Supervisor).and_then(|g| g.unit_id))
            && let Some(un) = unit::Entity::find_by_id((t, unit_id)).one(db).await?
        {
            supervised = Some(SupervisedUnit { id: un.id, path: un.path });
        }
        let roles = Roles(grants.iter().map(|g| g.role).collect());
        let must_enrol_second_factor = roles.require_second_factor() && !crate::second_factor::enabled(db, u.id).await?;
        Ok(Some(Principal {
            user_id: Some(u.id),
            login: u.login,
            name: u.name,
            tenant,
            roles,
            grants,
            employee_id: u.employee_id,
            supervised,
            must_enrol_second_factor,
        }))
    }

    /// The operator at the CLI, acting as the tenant's administrator (imports, demo, benches,
    /// test fixtures).
    pub async fn operator(store: &Store, tenant_id: i64) -> Result<Principal> {
        let row = tenant::Entity::find_by_id(tenant_id).one(&store.db).await?.ok_or(StoreError::NotFound)?;
        Ok(Principal {
            user_id: None,
            login: "cli".into(),
            name: "Operator (CLI)".into(),
            tenant: Some(tenant_info(row)?),
            roles: Roles(vec![Role::Admin]),
            grants: vec![RoleGrant { role: Role::Admin, unit_id: None }],
            employee_id: None,
            supervised: None,
            must_enrol_second_factor: false,
        })
    }

    /// The operator at the CLI acting nationally, as the super admin (benches, fixtures).
    pub fn national_operator() -> Principal {
        Principal {
            user_id: None,
            login: "cli".into(),
            name: "Operator (CLI)".into(),
            tenant: None,
            roles: Roles(vec![Role::SuperAdmin]),
            grants: vec![RoleGrant { role: Role::SuperAdmin, unit_id: None }],
            employee_id: None,
            supervised: None,
            must_enrol_second_factor: false,
        }
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user_id
    }
    /// The roles require a second factor the user has not set up yet.
    pub fn must_enrol_second_factor(&self) -> bool {
        self.must_enrol_second_factor
    }
    pub fn login(&self) -> &str {
        &self.login
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn tenant(&self) -> Option<&TenantInfo> {
        self.tenant.as_ref()
    }
    pub fn roles(&self) -> &Roles {
        &self.roles
    }
    pub fn grants(&self) -> &[RoleGrant] {
        &self.grants
    }
    pub fn employee_id(&self) -> Option<i64> {
        self.employee_id
    }
    pub fn supervised(&self) -> Option<&SupervisedUnit> {
        self.supervised.as_ref()
    }
    pub fn can(&self, p: Permission) -> bool {
        self.roles.allows(p)
    }

    /// Which employee rows this principal reads (`domain::access` decides, this applies it).
    pub fn employee_scope(&self) -> EmployeeScope {
        match self.roles.employee_scope() {
            ReadScope::Tenant => EmployeeScope::Tenant,
            ReadScope::UnitSubtree => match &self.supervised {
                Some(u) => EmployeeScope::UnitPath(u.path.clone()),
                None => EmployeeScope::Nothing,
            },
            ReadScope::Own => match self.employee_id {
                Some(e) => EmployeeScope::Own(e),
                None => EmployeeScope::Nothing,
            },
            ReadScope::None => EmployeeScope::Nothing,
        }
    }
}

fn tenant_info(row: tenant::Model) -> Result<TenantInfo> {
    let zone = Zone::from_code(&row.timezone).ok_or_else(|| StoreError::Other(format!("zona waktu instansi '{}' tidak dikenal", row.timezone)))?;
    let kind = crate::error::code(cakap_domain::TenantKind::from_code(&row.kind), "jenis instansi", &row.kind)?;
    Ok(TenantInfo { id: row.id, code: row.code, name: row.name, kind, zone, settings: TenantSettings::parse(&row.settings)? })
}

/// A principal at work in its tenant for one request. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Scope {
    store: Store,
    principal: Arc<Principal>,
    request_id: Option<String>,
    /// Read once per request, at first use: what every cached read model is checked against.
    revisions: tokio::sync::OnceCell<crate::revision::Revisions>,
}

impl Scope {
    /// The principal's tenant scope; None for national users (super admins have no tenant).
    pub fn of(store: &Store, principal: Arc<Principal>, request_id: Option<String>) -> Option<Scope> {
        principal.tenant.as_ref()?;
        Some(Scope { store: store.clone(), principal, request_id, revisions: Default::default() })
    }

    /// The operator's scope in a named tenant (CLI commands, benches, test fixtures).
    pub async fn operator(store: &Store, tenant_id: i64) -> Result<Scope> {
        let p = Principal::operator(store, tenant_id).await?;
        Scope::of(store, Arc::new(p), None).ok_or(StoreError::NotFound)
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn tenant(&self) -> &TenantInfo {
        self.principal.tenant.as_ref().expect("a scope always has a tenant (Scope::of)")
    }

    pub fn tenant_id(&self) -> i64 {
        self.tenant().id
    }

    /// Today in the tenant's zone.
    pub fn today(&self) -> time::Date {
        self.tenant().zone.today()
    }

    pub fn can(&self, p: Permission) -> bool {
        self.principal.can(p)
    }

    pub(crate) fn require(&self, p: Permission) -> Result<()> {
        if self.can(p) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// The tenant's data revisions as of this request's first cached read
    /// ([`crate::revision::known`]: at most one query).
    pub async fn revisions(&self) -> Result<crate::revision::Revisions> {
        self.revisions.get_or_try_init(|| crate::revision::known(&self.store, self.tenant_id())).await.copied()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Who, where and which request, for the audit row of a write.
    pub(crate) fn ctx(&self) -> Ctx {
        Ctx { tenant_id: self.tenant_id(), user_id: self.principal.user_id, request_id: self.request_id.clone() }
    }

    /// Employee records within the principal's read scope (tenant, supervised subtree, own).
    pub fn employees(&self) -> Result<crate::org::employees::Employees<'_>> {
        self.require(Permission::ReadEmployees)?;
        Ok(crate::org::employees::Employees { scope: self, reach: self.principal.employee_scope() })
    }

    /// Creating and changing units, positions and employees (BKPSDM admin).
    pub fn org_admin(&self) -> Result<crate::org::OrgAdmin<'_>> {
        self.require(Permission::ManageOrg)?;
        Ok(crate::org::OrgAdmin { scope: self })
    }

    /// The competency dictionary and position standards (`ReadCompetency`).
    pub fn competencies(&self) -> Result<crate::competency::Competencies<'_>> {
        self.require(Permission::ReadCompetency)?;
        Ok(crate::competency::Competencies { scope: self })
    }

    /// Keeping teknis competencies and position standards (`ManageCompetency`).
    pub fn competency_admin(&self) -> Result<crate::competency::CompetencyAdmin<'_>> {
        self.require(Permission::ManageCompetency)?;
        Ok(crate::competency::CompetencyAdmin { scope: self })
    }

    /// The unit tree (`ReadOrg`).
    pub fn units(&self) -> Result<crate::org::units::Units<'_>> {
        self.require(Permission::ReadOrg)?;
        Ok(crate::org::units::Units { scope: self })
    }

    /// The tenant's positions (`ReadOrg`).
    pub fn positions(&self) -> Result<crate::org::positions::Positions<'_>> {
        self.require(Permission::ReadOrg)?;
        Ok(crate::org::positions::Positions { scope: self })
    }

    /// The tenant-wide AKPK analysis (planners, admins, PPK: `ReadNeeds`), kept while the
    /// tenant's revisions stand.
    pub async fn analysis(&self) -> Result<Arc<crate::akpk::analysis::Analysis>> {
        self.require(Permission::ReadNeeds)?;
        self.analysis_unchecked().await
    }

    /// The tenant's analysis for rules inside the store (see `akpk::needs::list_for_rules`).
    ///
    /// A kept analysis whose revisions moved is brought up to date from the change log
    /// (`akpk::changes`) when every change since can be applied in place; otherwise, and when
    /// revisions moved without a logged change (a writer that bypassed the log), it is reloaded.
    pub(crate) async fn analysis_unchecked(&self) -> Result<Arc<crate::akpk::analysis::Analysis>> {
        kept_analysis(&self.store, self.tenant_id(), self.revisions().await?.for_analysis()).await
    }

    /// One employee's AKPK analysis, if the employee is within reach (`ReadAkpk`); another
    /// tenant's or an unreachable one is "not found". It may hold the rest of the tenant (the
    /// kept tenant-wide analysis): callers read `employee_id`'s rows only (`employee_index`,
    /// `against`, `calibration_of`).
    pub async fn employee_analysis(&self, employee_id: i64) -> Result<Arc<crate::akpk::analysis::Analysis>> {
        self.require(Permission::ReadAkpk)?;
        self.employees()?.get(employee_id).await?;
        let t = self.tenant_id();
        // A tenant's analysis kept in memory answers at once (brought up to date from the change
        // log): reading one employee alone still reads the tenant's units and positions.
        if self.store.caches.analysis.holds(&t) {
            return self.analysis_unchecked().await;
        }
        let load = async { Ok(Arc::new(crate::akpk::analysis::Analysis::load(&self.store.db, t, &EmployeeScope::Own(employee_id)).await?)) };
        self.store.caches.own.get_or_load((t, employee_id), self.revisions().await?.for_analysis(), load).await
    }

    /// One employee's assessment history and SKP ratings, within the principal's reach.
    pub fn akpk_records(&self) -> Result<crate::akpk::Records<'_>> {
        self.require(Permission::ReadAkpk)?;
        Ok(crate::akpk::Records { scope: self })
    }

    /// Manual needs, SKP ratings, policy priorities and the AKPK imports (planner, admin).
    pub fn needs_admin(&self) -> Result<crate::akpk::NeedsAdmin<'_>> {
        self.require(Permission::ManageNeeds)?;
        Ok(crate::akpk::NeedsAdmin { scope: self })
    }

    /// The analysis of the supervised subtree: the supervisor's own team, never a path the
    /// caller chooses.
    ///
    /// Kept per supervised unit while the tenant's analysis revisions stand (Beranda, the grid
    /// and the team's heatmap would otherwise each read the team's assessments on every view).
    pub async fn team_analysis(&self) -> Result<Arc<crate::akpk::analysis::Analysis>> {
        self.require(Permission::ReadAkpk)?;
        let unit = self.principal.supervised().ok_or(StoreError::Forbidden)?;
        let (t, path) = (self.tenant_id(), unit.path.clone());
        let load = async { Ok(Arc::new(crate::akpk::analysis::Analysis::load(&self.store.db, t, &EmployeeScope::UnitPath(path)).await?)) };
        self.store.caches.team.get_or_load((t, unit.id), self.revisions().await?.for_analysis(), load).await
    }

    /// The supervisor's team grid: their own staff only (`ReadAkpk`, the supervisor role and a
    /// supervised unit).
    pub fn team(&self) -> Result<crate::akpk::team::Team<'_>> {
        self.require(Permission::ReadAkpk)?;
        if !self.principal.roles().has(cakap_domain::Role::Supervisor) || self.principal.supervised().is_none() {
            return Err(StoreError::Forbidden);
        }
        Ok(crate::akpk::team::Team { scope: self })
    }

    /// Assessment periods: read by anyone who reads AKPK; kept and reminded by `ManageNeeds`.
    pub fn periods(&self) -> Result<crate::akpk::team::Periods<'_>> {
        self.require(Permission::ReadAkpk)?;
        Ok(crate::akpk::team::Periods { scope: self })
    }

    /// The tenant's users and roles (`ManageUsers`).
    pub fn user_admin(&self) -> Result<crate::users::UserAdmin<'_>> {
        self.require(Permission::ManageUsers)?;
        Ok(crate::users::UserAdmin { scope: self })
    }

    /// The tenant's settings (`ManageSettings`).
    pub fn settings_admin(&self) -> Result<crate::org::tenants::SettingsAdmin<'_>> {
        self.require(Permission::ManageSettings)?;
        Ok(crate::org::tenants::SettingsAdmin { scope: self })
    }

    /// The tenant's audit log (`ReadAudit`).
    pub fn audit(&self) -> Result<crate::audit::AuditLog<'_>> {
        self.require(Permission::ReadAudit)?;
        Ok(crate::audit::AuditLog { store: &self.store, tenant_id: self.tenant_id() })
    }

    /// The catalogue and the plans (`ReadPlan`); workflow steps check their own permission.
    pub fn plans(&self) -> Result<crate::plan::Plans<'_>> {
        self.require(Permission::ReadPlan)?;
        Ok(crate::plan::Plans { scope: self })
    }

    /// Running classes and their enrollments (`ManageClasses`).
    pub fn classes(&self) -> Result<crate::learning::Classes<'_>> {
        self.require(Permission::ManageClasses)?;
        Ok(crate::learning::Classes { scope: self })
    }

    /// The planner's changes to the catalogue and the plans (`ManagePlan`).
    pub fn planner(&self) -> Result<crate::plan::Planner<'_>> {
        self.require(Permission::ManagePlan)?;
        Ok(crate::plan::Planner { scope: self })
    }

    /// Recording assessments: who may rate whom with which method is decided inside.
    pub fn assessor(&self) -> Result<crate::akpk::assessments::Assessor<'_>> {
        self.require(Permission::ReadAkpk)?;
        Ok(crate::akpk::assessments::Assessor { scope: self })
    }
}

/// The kept analysis of tenant `t` at revisions `now` (`Revisions::for_analysis`): current, or
/// brought up to date from the change log when every change since can be applied in place, or
/// reloaded (also when revisions moved without a logged change: a writer that bypassed the log).
pub(crate) async fn kept_analysis(store: &Store, t: i64, now: crate::revision::Revisions) -> Result<Arc<crate::akpk::analysis::Analysis>> {
    use crate::akpk::analysis::Analysis;
    let db = &store.db;
    let update = |stale: Option<(crate::revision::Revisions, Arc<Analysis>)>| async move {
        // A request that read its revisions just before another brought the analysis up to date
        // asks for an older version: the newer analysis serves it (reloading a ministry to show
        // it older data cost seconds). The next request applies from there, which is idempotent.
        if let Some((was, kept)) = &stale
            && was.covers(&now)
        {
            return Ok(kept.clone());
        }
        if let Some((was, mut kept)) = stale
            && was.national_log == now.national_log
            && was.analysis_log < now.analysis_log
            && let Some(changes) = crate::akpk::changes::between(db, t, was.analysis_log, now.analysis_log).await?
            && Arc::make_mut(&mut kept).apply(db, t, &changes).await?
        {
            return Ok(kept);
        }
        store.caches.analysis_loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(Arc::new(Analysis::load(db, t, &EmployeeScope::Tenant).await?))
    };
    store.caches.analysis.get_or_update(t, now, update).await
}
