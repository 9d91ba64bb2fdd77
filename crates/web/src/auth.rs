//! Who is asking: the `Actor` is built once per request from the session (pages) or a bearer
//! token (API), and every handler asks it for permission and scope. Nothing else decides access.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use cakap_domain::{Permission, ReadScope, Role, Roles};
use cakap_store::Store;
use cakap_store::audit::Ctx;
use cakap_store::org::employees::EmployeeScope;
use cakap_store::users::RoleGrant;
use tower_sessions::Session;

use crate::AppState;
use crate::error::{ApiError, AppError, Result, request_id};

pub const SESSION_USER: &str = "uid";
pub const SESSION_CSRF: &str = "csrf";

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: String,
    pub accent: String,
    pub roles: Roles,
    pub grants: Vec<RoleGrant>,
    pub employee_id: Option<i64>,
    /// Path prefix of the supervised unit (supervisor role).
    pub unit_path: Option<String>,
    pub csrf: String,
}

impl Actor {
    pub fn can(&self, p: Permission) -> bool {
        self.roles.allows(p)
    }

    pub fn require(&self, p: Permission) -> Result<()> {
        if self.can(p) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// The actor's tenant; national users have none and are refused tenant pages.
    pub fn tenant(&self) -> Result<i64> {
        self.tenant_id.ok_or(AppError::Forbidden)
    }

    pub fn ctx(&self) -> Ctx {
        Ctx { tenant_id: self.tenant_id.unwrap_or(0), user_id: Some(self.user_id), request_id: Some(request_id()) }
    }

    /// Which employee rows this actor may read.
    pub fn employee_scope(&self) -> EmployeeScope {
        match self.roles.employee_scope() {
            ReadScope::Tenant => EmployeeScope::Tenant,
            ReadScope::UnitSubtree => match &self.unit_path {
                Some(p) => EmployeeScope::UnitPath(p.clone()),
                None => EmployeeScope::Nothing,
            },
            ReadScope::Own => match self.employee_id {
                Some(e) => EmployeeScope::Own(e),
                None => EmployeeScope::Nothing,
            },
            ReadScope::None => EmployeeScope::Nothing,
        }
    }

    pub fn role_label(&self) -> &'static str {
        self.roles.primary().map(|r| r.label()).unwrap_or("-")
    }

    pub fn is_super_admin(&self) -> bool {
        self.roles.has(Role::SuperAdmin)
    }
}

/// Loads the actor for a user id; None when the user is missing or inactive.
pub async fn load_actor(store: &Store, user_id: i64, csrf: String) -> Result<Option<Actor>> {
    let Ok(u) = cakap_store::users::get_any(&store.db, user_id).await else { return Ok(None) };
    if !u.active {
        return Ok(None);
    }
    let (mut grants, tenant_name, accent) = match u.tenant_id {
        Some(t) => {
            let tenant = cakap_store::org::tenants::get(&store.db, t).await?;
            if !tenant.active {
                return Ok(None);
            }
            let settings = cakap_store::org::tenants::TenantSettings::from_json(&tenant.settings);
            (cakap_store::users::roles_of(&store.db, t, u.id).await?, tenant.name, settings.accent_color)
        }
        None => (vec![], "Nasional".to_string(), "#0b5394".to_string()),
    };
    if u.is_super_admin {
        grants.push(RoleGrant { role: Role::SuperAdmin, unit_id: None });
    }
    let mut unit_path = None;
    if let (Some(t), Some(g)) = (u.tenant_id, grants.iter().find(|g| g.role == Role::Supervisor))
        && let Some(unit_id) = g.unit_id
    {
        unit_path = cakap_store::org::units::get(&store.db, t, unit_id).await.ok().map(|u| u.path);
    }
    Ok(Some(Actor {
        user_id: u.id,
        login: u.login,
        name: u.name,
        tenant_id: u.tenant_id,
        tenant_name,
        accent,
        roles: Roles(grants.iter().map(|g| g.role).collect()),
        grants,
        employee_id: u.employee_id,
        unit_path,
        csrf,
    }))
}

/// The CSRF token of this session, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String> {
    if let Some(t) = session.get::<String>(SESSION_CSRF).await.map_err(|e| AppError::Internal(e.to_string()))? {
        return Ok(t);
    }
    let t = hex::encode(rand::random::<[u8; 24]>());
    session.insert(SESSION_CSRF, &t).await.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(t)
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let session = Session::from_request_parts(parts, state).await.map_err(|_| AppError::Internal("session layer missing".into()))?;
        let uid: Option<i64> = session.get(SESSION_USER).await.map_err(|e| AppError::Internal(e.to_string()))?;
        let Some(uid) = uid else { return Err(AppError::NotLoggedIn) };
        let csrf = csrf_token(&session).await?;
        match load_actor(&state.store, uid, csrf).await? {
            Some(a) => Ok(a),
            None => {
                let _ = session.flush().await;
                Err(AppError::NotLoggedIn)
            }
        }
    }
}

/// The API's actor, from `Authorization: Bearer <token>`. Session cookies are not accepted by
/// the API, so it needs no CSRF protection.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|h| h.to_str().ok()).unwrap_or("");
        let Some(secret) = header.strip_prefix("Bearer ").map(str::trim) else { return Err(ApiError(AppError::NotLoggedIn)) };
        let user = cakap_store::users::user_for_token(&state.store, secret).await?.ok_or(ApiError(AppError::NotLoggedIn))?;
        match load_actor(&state.store, user.id, String::new()).await? {
            Some(a) => Ok(ApiActor(a)),
            None => Err(ApiError(AppError::NotLoggedIn)),
        }
    }
}
