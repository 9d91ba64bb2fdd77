//! Who is asking: the `Actor` is built once per request from the session (pages) or a bearer
//! token (API), and every handler asks it for permission and scope. Nothing else decides access.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

use cakap_domain::{Permission, Role, Roles, Zone};
use cakap_store::org::employees::EmployeeScope;
use cakap_store::users::RoleGrant;
use cakap_store::{Principal, Scope, Store};
use tower_sessions::Session;

use crate::AppState;
use crate::error::{ApiError, AppError, Result, request_id};

pub const SESSION_USER: &str = "uid";
pub const SESSION_CSRF: &str = "csrf";
/// (user id, unix time) of a user who passed the password step and owes the code step.
pub const SESSION_PENDING: &str = "pending_uid";

/// The principal of this request as pages and the API use it. The fields are copies of the
/// cached [`Principal`] for the handlers that still read them; [`Actor::scope`] is the door into
/// tenant data.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: String,
    pub accent: String,
    pub zone: Zone,
    pub roles: Roles,
    pub grants: Vec<RoleGrant>,
    pub employee_id: Option<i64>,
    /// Path prefix of the supervised unit (supervisor role).
    pub unit_path: Option<String>,
    pub csrf: String,
    principal: Arc<Principal>,
    scope: Option<Scope>,
}

impl Actor {
    fn new(store: &Store, p: Arc<Principal>, csrf: String) -> Actor {
        let tenant = p.tenant();
        Actor {
            user_id: p.user_id().unwrap_or(0),
            login: p.login().to_string(),
            name: p.name().to_string(),
            tenant_id: tenant.map(|t| t.id),
            tenant_name: tenant.map_or_else(|| "Nasional".to_string(), |t| t.name.clone()),
            accent: tenant.map_or_else(|| "#0b5394".to_string(), |t| t.settings.accent_color.clone()),
            zone: tenant.map_or(Zone::Wib, |t| t.zone),
            roles: p.roles().clone(),
            grants: p.grants().to_vec(),
            employee_id: p.employee_id(),
            unit_path: p.supervised().map(|u| u.path.clone()),
            csrf,
            scope: Scope::of(store, p.clone(), Some(request_id())),
            principal: p,
        }
    }

    /// The tenant scope: the only way to tenant data. National users have none.
    pub fn scope(&self) -> Result<&Scope> {
        self.scope.as_ref().ok_or(AppError::Forbidden)
    }

    /// The national door (super admin): instansi, the national log and roll-up.
    pub fn nation(&self, store: &Store) -> Result<cakap_store::national::Nation> {
        Ok(cakap_store::national::Nation::of(store, self.principal.clone(), Some(request_id()))?)
    }

    /// The actor's own account: API tokens and password.
    pub fn account<'a>(&self, store: &'a Store) -> Result<cakap_store::users::Account<'a>> {
        Ok(cakap_store::users::Account::of(store, &self.principal, Some(request_id()))?)
    }

    pub fn can(&self, p: Permission) -> bool {
        self.roles.allows(p)
    }

    pub fn require(&self, p: Permission) -> Result<()> {
        if self.can(p) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Which employee rows this actor may read (the principal's rule, `Principal::employee_scope`).
    pub fn employee_scope(&self) -> EmployeeScope {
        self.principal.employee_scope()
    }

    pub fn role_label(&self) -> &'static str {
        self.roles.primary().map(|r| r.label()).unwrap_or("-")
    }

    pub fn is_super_admin(&self) -> bool {
        self.roles.has(Role::SuperAdmin)
    }

    /// Today in the actor's tenant zone (WIB for national users).
    pub fn today(&self) -> time::Date {
        self.zone.today()
    }
}

/// The actor for a user id, through the principal cache; None when the user is missing or inactive.
pub async fn load_actor(state: &AppState, user_id: i64, csrf: String) -> Result<Option<Actor>> {
    Ok(state.cache.principal(&state.store, user_id).await?.map(|p| Actor::new(&state.store, p, csrf)))
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
        let Some(uid) = uid else {
            // A page asked for without a session (a deep link, a scanned QR): back to it after
            // the login. Only a path of Cakap's own, bounded.
            let to = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
            return Err(match (parts.method == axum::http::Method::GET, crate::pages::home::safe_return(&to)) {
                (true, Some(to)) if to != "/" => AppError::LoginThenReturn(to),
                _ => AppError::NotLoggedIn,
            });
        };
        let csrf = csrf_token(&session).await?;
        match load_actor(state, uid, csrf).await? {
            // Roles that require a second factor reach nothing but its enrolment (and logout)
            // until they have one.
            Some(a) if a.principal.must_enrol_second_factor() && parts.uri.path() != crate::pages::second_factor::ENROL_PATH => {
                Err(AppError::MustEnrolSecondFactor)
            }
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
        let writing = !matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD);
        let user_id = if writing {
            // A write checks the token in the database (and records its use).
            cakap_store::users::user_for_token(&state.store, secret, true).await?.ok_or(ApiError(AppError::NotLoggedIn))?
        } else {
            match state.cache.token_holder(&state.store, secret).await? {
                Some(h) if !h.expired() => h.user_id,
                _ => return Err(ApiError(AppError::NotLoggedIn)),
            }
        };
        match load_actor(state, user_id, String::new()).await? {
            Some(a) => Ok(ApiActor(a)),
            None => Err(ApiError(AppError::NotLoggedIn)),
        }
    }
}
