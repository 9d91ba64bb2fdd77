//! Users, roles, passwords, login throttling and API tokens.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use cakap_domain::access::{TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenScope};
use cakap_domain::{FieldError, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{api_token, app_user, login_attempt, user_role};
use crate::error::{Result, StoreError};
use crate::ids::next_id;

pub const MIN_PASSWORD_LEN: usize = cakap_domain::password::MIN_LEN;

pub fn hash_password(password: &str) -> String {
    // argon2id with the crate's defaults (m=19 MiB, t=2, p=1: OWASP's recommendation).
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).expect("argon2 hashing cannot fail with default params")
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// `domain::password::problem` as a field error on `password`.
fn check_password(p: &str, login: &str, name: &str) -> Result<()> {
    check_password_for(p, login, name, false)
}

/// As [`check_password`], for a user who may have a second factor (then 8 characters suffice).
fn check_password_for(p: &str, login: &str, name: &str, second_factor: bool) -> Result<()> {
    match cakap_domain::password::problem_for(p, login, name, second_factor) {
        Some(m) => Err(StoreError::invalid("password", m)),
        None => Ok(()),
    }
}

/// A role with its unit scope (supervisors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleGrant {
    pub role: Role,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserForCreate {
    /// 3–64 characters: letters, digits, `.`, `-`, `_` or `@`.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 64, pattern = "^[A-Za-z0-9._@-]{3,64}$"))]
    pub login: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// 15–128 characters, not a common password, not the login or name.
    #[serde(skip_serializing)]
    #[cfg_attr(feature = "openapi", schema(min_length = 15, max_length = 128, write_only))]
    pub password: String,
    pub employee_id: Option<i64>,
    pub roles: Vec<RoleGrant>,
}

/// A user with the roles of its tenant.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserWithRoles {
    #[serde(flatten)]
    pub user: UserView,
    pub roles: Vec<RoleGrant>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub login: String,
    pub name: String,
    pub employee_id: Option<i64>,
    pub is_super_admin: bool,
    pub active: bool,
}

impl From<&app_user::Model> for UserView {
    fn from(m: &app_user::Model) -> Self {
        UserView {
            id: m.id,
            tenant_id: m.tenant_id,
            login: m.login.clone(),
            name: m.name.clone(),
            employee_id: m.employee_id,
            is_super_admin: m.is_super_admin,
            active: m.active,
        }
    }
}

fn check_login(login: &str) -> Option<FieldError> {
    let ok = (3..=64).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    (!ok).then(|| FieldError::new("login", "nama pengguna 3–64 karakter: huruf, angka, titik, '-', '_' atau '@'"))
}

async fn check_roles<C: ConnectionTrait>(db: &C, tenant_id: i64, roles: &[RoleGrant]) -> Result<()> {
    for g in roles {
        if !g.role.assignable_by_tenant_admin() {
            return Err(StoreError::invalid("roles", "peran super admin tidak dapat diberikan di instansi"));
        }
        if g.role == Role::Supervisor && g.unit_id.is_none() {
            return Err(StoreError::invalid("roles", "peran atasan memerlukan unit kerja yang diawasi"));
        }
        if let Some(u) = g.unit_id {
            crate::org::units::get(db, tenant_id, u).await.map_err(|_| StoreError::invalid("roles", "unit untuk peran tidak ditemukan"))?;
        }
    }
    Ok(())
}

/// Creates a user of `ctx.tenant_id` with its roles.
pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &UserForCreate) -> Result<UserWithRoles> {
    let hash = check_new_user(input)?;
    let txn = store.write().await?;
    let user = insert_user(&txn, ctx, input, hash).await?;
    txn.commit().await?;
    Ok(user)
}

/// The checks of a new user that need no database; the argon2 hash of its password (computed
/// before any transaction opens: it takes tens of milliseconds).
pub(crate) fn check_new_user(input: &UserForCreate) -> Result<String> {
    let mut errs = vec![];
    let login = input.login.trim().to_ascii_lowercase();
    errs.extend(check_login(&login));
    if input.name.trim().is_empty() {
        errs.push(FieldError::new("name", "nama wajib diisi"));
    }
    errs.extend(cakap_domain::text::check("name", "nama", &input.name, cakap_domain::text::NAME_MAX, false));
    if let Err(StoreError::Invalid(e)) = check_password(&input.password, &login, &input.name) {
        errs.extend(e);
    }
    if !errs.is_empty() {
        return Err(StoreError::Invalid(errs));
    }
    Ok(hash_password(&input.password))
}

/// Writes a checked user (see [`check_new_user`]) with its roles and audit row in `txn`.
pub(crate) async fn insert_user<C: ConnectionTrait>(txn: &C, ctx: &Ctx, input: &UserForCreate, hash: String) -> Result<UserWithRoles> {
    let login = input.login.trim().to_ascii_lowercase();
    check_roles(txn, ctx.tenant_id, &input.roles).await?;
    if let Some(e) = input.employee_id {
        crate::org::employees::get(txn, ctx.tenant_id, &crate::org::employees::EmployeeScope::Tenant, e)
            .await
            .map_err(|_| StoreError::invalid("employee_id", "pegawai tidak ditemukan"))?;
    }
    let id = next_id();
    let m = app_user::ActiveModel {
        id: Set(id),
        tenant_id: Set(Some(ctx.tenant_id)),
        login: Set(login),
        name: Set(input.name.trim().to_string()),
        password_hash: Set(hash),
        employee_id: Set(input.employee_id),
        is_super_admin: Set(false),
        active: Set(true),
        created_at: Set(crate::now()),
    }
    .insert(txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "login", "nama pengguna sudah dipakai"))?;
    write_roles(txn, ctx.tenant_id, id, &input.roles).await?;
    audit::record(txn, ctx, ctx.tenant_id, ("create", cakap_domain::audit::AuditEntity::User, id), None::<&()>, Some(input)).await?;
    Ok(UserWithRoles { user: (&m).into(), roles: input.roles.clone() })
}

/// Creates a national super admin (no tenant). Used by the CLI and demo data.
pub async fn create_super_admin(store: &Store, login: &str, name: &str, password: &str) -> Result<i64> {
    check_password(password, login, name)?;
    let txn = store.write().await?;
    let id = next_id();
    app_user::ActiveModel {
        id: Set(id),
        tenant_id: Set(None),
        login: Set(login.to_ascii_lowercase()),
        name: Set(name.to_string()),
        password_hash: Set(hash_password(password)),
        employee_id: Set(None),
        is_super_admin: Set(true),
        active: Set(true),
        created_at: Set(crate::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "login", "nama pengguna sudah dipakai"))?;
    audit::record(
        &txn,
        &Ctx::system(0),
        0,
        ("create", cakap_domain::audit::AuditEntity::User, id),
        None::<&()>,
        Some(&serde_json::json!({"login": login, "super_admin": true})),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

async fn write_roles<C: ConnectionTrait>(db: &C, tenant_id: i64, user_id: i64, roles: &[RoleGrant]) -> Result<()> {
    user_role::Entity::delete_many().filter(user_role::Column::TenantId.eq(tenant_id)).filter(user_role::Column::UserId.eq(user_id)).exec(db).await?;
    let mut seen = std::collections::HashSet::new();
    for g in roles.iter().filter(|g| seen.insert(g.role)) {
        user_role::ActiveModel { tenant_id: Set(tenant_id), user_id: Set(user_id), role: Set(g.role.code().to_string()), unit_id: Set(g.unit_id) }
            .insert(db)
            .await?;
    }
    Ok(())
}

pub(crate) async fn roles_of<C: ConnectionTrait>(db: &C, tenant_id: i64, user_id: i64) -> Result<Vec<RoleGrant>> {
    let rows = user_role::Entity::find().filter(user_role::Column::TenantId.eq(tenant_id)).filter(user_role::Column::UserId.eq(user_id)).all(db).await?;
    Ok(rows.into_iter().filter_map(|r| Role::from_code(&r.role).map(|role| RoleGrant { role, unit_id: r.unit_id })).collect())
}

/// A user of this tenant.
pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<app_user::Model> {
    app_user::Entity::find_by_id(id).filter(app_user::Column::TenantId.eq(tenant_id)).one(db).await?.ok_or(StoreError::NotFound)
}

/// Any user by id (for the session: the tenant comes from the user row).
pub(crate) async fn get_any<C: ConnectionTrait>(db: &C, id: i64) -> Result<app_user::Model> {
    app_user::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound)
}

pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64, q: Option<&str>, page: u64, per_page: u64) -> Result<crate::org::Page<UserWithRoles>> {
    let mut sel = app_user::Entity::find().filter(app_user::Column::TenantId.eq(tenant_id));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let pat = crate::org::like_contains(q);
        sel = sel.filter(Condition::any().add(app_user::Column::Login.like(&pat)).add(app_user::Column::Name.like(&pat)));
    }
    let total = sel.clone().count(db).await?;
    let users = sel.order_by_asc(app_user::Column::Login).paginate(db, per_page).fetch_page(crate::org::page_index(page)).await?;
    // One query for the page's roles, not one per user.
    let mut by_user: std::collections::HashMap<i64, Vec<RoleGrant>> = std::collections::HashMap::new();
    for r in user_role::Entity::find()
        .filter(user_role::Column::TenantId.eq(tenant_id))
        .filter(user_role::Column::UserId.is_in(users.iter().map(|u| u.id)))
        .all(db)
        .await?
    {
        if let Some(role) = Role::from_code(&r.role) {
            by_user.entry(r.user_id).or_default().push(RoleGrant { role, unit_id: r.unit_id });
        }
    }
    let items = users.iter().map(|u| UserWithRoles { user: u.into(), roles: by_user.remove(&u.id).unwrap_or_default() }).collect();
    Ok(crate::org::Page { items, total, page, per_page })
}

/// What the user form changes: roles always, the active flag and password when given.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub roles: Vec<RoleGrant>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

/// Applies the user form in one transaction: a refused password leaves the roles as they were.
pub(crate) async fn update(store: &Store, ctx: &Ctx, id: i64, change: &UserUpdate) -> Result<()> {
    let hash = match change.password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            let u = get(&store.db, ctx.tenant_id, id).await?;
            check_password_for(p, &u.login, &u.name, crate::second_factor::enabled(&store.db, id).await?)?;
            Some(hash_password(p))
        }
        None => None,
    };
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, id).await?;
    check_roles(&txn, ctx.tenant_id, &change.roles).await?;
    let old_roles = roles_of(&txn, ctx.tenant_id, id).await?;
    if old_roles != change.roles {
        write_roles(&txn, ctx.tenant_id, id, &change.roles).await?;
        audit::record(&txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::UserRole, id), Some(&old_roles), Some(&change.roles)).await?;
    }
    let mut am: app_user::ActiveModel = before.clone().into();
    if let Some(active) = change.active.filter(|a| *a != before.active) {
        am.active = Set(active);
        let action = if active { "activate" } else { "deactivate" };
        audit::record(
            &txn,
            ctx,
            ctx.tenant_id,
            (action, cakap_domain::audit::AuditEntity::User, id),
            None::<&()>,
            Some(&serde_json::json!({"active": active})),
        )
        .await?;
    }
    if let Some(hash) = hash {
        am.password_hash = Set(hash);
        // A reset by the admin ends every session and token of the user.
        crate::sessions::end_all_for(&txn, id, None).await?;
        audit::record(&txn, ctx, ctx.tenant_id, ("password", cakap_domain::audit::AuditEntity::User, id), None::<&()>, None::<&()>).await?;
    }
    if am.is_changed() {
        am.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Sets a new password for a user of `tenant_id` (None: the user's own, any tenant).
pub(crate) async fn set_password(store: &Store, ctx: &Ctx, tenant_id: Option<i64>, id: i64, password: &str, keep_session: Option<&str>) -> Result<()> {
    let who = match tenant_id {
        Some(t) => get(&store.db, t, id).await?,
        None => get_any(&store.db, id).await?,
    };
    check_password_for(password, &who.login, &who.name, crate::second_factor::enabled(&store.db, id).await?)?;
    let hash = hash_password(password);
    let txn = store.write().await?;
    let before = match tenant_id {
        Some(t) => get(&txn, t, id).await?,
        None => get_any(&txn, id).await?,
    };
    let mut am: app_user::ActiveModel = before.clone().into();
    am.password_hash = Set(hash);
    am.update(&txn).await?;
    crate::sessions::end_all_for(&txn, id, keep_session).await?;
    audit::record(&txn, ctx, before.tenant_id.unwrap_or(0), ("password", cakap_domain::audit::AuditEntity::User, id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(())
}

/// Why a login failed. Unknown user and wrong password look the same to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    BadCredentials,
    /// Too many recent failures (`domain::throttle`): try again after this long.
    Throttled(Duration),
}

/// Where a correct password leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginStep {
    /// Logged in.
    Done(app_user::Model),
    /// The user has a second factor: the code step follows ([`crate::second_factor::verify_login`]).
    /// Nothing is recorded yet, so a known password does not reset the throttle for code guesses.
    SecondFactor(app_user::Model),
}

/// Checks a password, throttled per login and address with back-off (`domain::throttle`);
/// every checked attempt is recorded, refused ones are not.
pub async fn authenticate(store: &Store, login: &str, password: &str, ip: &str) -> Result<Result<LoginStep, LoginError>> {
    let login = crate::throttle::normal_login(login);
    if let Some(wait) = crate::throttle::retry_after(&store.db, &login, ip, crate::now()).await? {
        return Ok(Err(LoginError::Throttled(wait)));
    }
    let user = app_user::Entity::find().filter(app_user::Column::Login.eq(login.clone())).one(&store.db).await?;
    let ok = match &user {
        Some(u) => verify_password(password, &u.password_hash) && u.active,
        None => {
            // Spend the same time as a real check, so timing does not reveal which logins exist.
            let _ = verify_password(password, DUMMY_HASH.get_or_init(|| hash_password("cakap-dummy")));
            false
        }
    };
    if let (true, Some(u)) = (ok, &user)
        && crate::second_factor::enabled(&store.db, u.id).await?
    {
        return Ok(Ok(LoginStep::SecondFactor(u.clone())));
    }
    let txn = store.write().await?;
    crate::throttle::record(&txn, &login, ip, ok).await?;
    if let (true, Some(u)) = (ok, &user) {
        let ctx = Ctx { tenant_id: u.tenant_id.unwrap_or(0), user_id: Some(u.id), request_id: None };
        audit::record(&txn, &ctx, ctx.tenant_id, ("login", cakap_domain::audit::AuditEntity::User, u.id), None::<&()>, Some(&serde_json::json!({"ip": ip})))
            .await?;
    }
    txn.commit().await?;
    Ok(match (ok, user) {
        (true, Some(u)) => Ok(LoginStep::Done(u)),
        _ => Err(LoginError::BadCredentials),
    })
}

/// Compares secrets (tokens, codes) in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// What [`purge_expired`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub login_attempts: u64,
}

/// Failed login attempts are kept this long (the throttle reads an hour; a week serves audits
/// of guessing), then purged. Successes are kept as long as they make an address familiar
/// (`domain::throttle::FAMILIAR_FOR`).
pub const LOGIN_ATTEMPT_RETENTION: Duration = Duration::days(7);

/// Deletes sessions past their expiry and login attempts past [`LOGIN_ATTEMPT_RETENTION`]; run
/// by `cakap serve` every few minutes so neither table grows without bound.
pub async fn purge_expired(store: &Store, now: time::OffsetDateTime) -> Result<Purged> {
    let txn = store.write().await?;
    let sessions =
        crate::entity::web_session::Entity::delete_many().filter(crate::entity::web_session::Column::ExpiresAt.lte(now)).exec(&txn).await?.rows_affected;
    let failures = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.lt(now - LOGIN_ATTEMPT_RETENTION))
        .exec(&txn)
        .await?
        .rows_affected;
    let successes =
        login_attempt::Entity::delete_many().filter(login_attempt::Column::At.lt(now - cakap_domain::throttle::FAMILIAR_FOR)).exec(&txn).await?.rows_affected;
    let login_attempts = failures + successes;
    txn.commit().await?;
    Ok(Purged { sessions, login_attempts })
}

// ---- API tokens ----

pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a token and returns (row, secret). The secret is shown once and stored only hashed.
pub(crate) async fn create_token(
    store: &Store,
    ctx: &Ctx,
    user_id: i64,
    name: &str,
    days: Option<i64>,
    scope: TokenScope,
) -> Result<(api_token::Model, String)> {
    if name.trim().is_empty() || name.trim().chars().count() > 100 {
        return Err(StoreError::invalid("name", "nama token wajib diisi (maksimal 100 karakter)"));
    }
    // Every token expires: 90 days unless asked otherwise, never more than a year.
    let days = days.unwrap_or(TOKEN_DEFAULT_DAYS);
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        return Err(StoreError::invalid("days", format!("masa berlaku token 1–{TOKEN_MAX_DAYS} hari")));
    }
    let secret = format!("cakap_{}", hex::encode(rand::random::<[u8; 24]>()));
    let txn = store.write().await?;
    get_any(&txn, user_id).await?;
    let now = crate::now();
    let m = api_token::ActiveModel {
        id: Set(next_id()),
        user_id: Set(user_id),
        name: Set(name.trim().to_string()),
        token_hash: Set(token_hash(&secret)),
        created_at: Set(now),
        expires_at: Set(Some(now + Duration::days(days))),
        last_used_at: Set(None),
        revoked_at: Set(None),
        scope: Set(scope.code().to_string()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        ctx,
        ctx.tenant_id,
        ("create", cakap_domain::audit::AuditEntity::ApiToken, m.id),
        None::<&()>,
        Some(&serde_json::json!({"name": m.name, "user_id": user_id, "days": days, "scope": scope})),
    )
    .await?;
    txn.commit().await?;
    Ok((m, secret))
}

/// The active user behind a bearer secret, if the token is valid. `writing`: the request may
/// change data, and only then is `last_used_at` recorded (a GET never writes to the database).
/// Whose a token is and until when, for a token that exists and is not revoked (whether the
/// user is active is the principal's question). Reads only: the web caches this per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHolder {
    pub user_id: i64,
    pub expires_at: Option<time::OffsetDateTime>,
}

impl TokenHolder {
    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|e| e < crate::now())
    }
}

pub async fn token_holder(store: &Store, secret: &str) -> Result<Option<TokenHolder>> {
    let tok = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(token_hash(secret))).one(&store.db).await?;
    Ok(tok.filter(|t| t.revoked_at.is_none()).map(|t| TokenHolder { user_id: t.user_id, expires_at: t.expires_at }))
}

/// The cache key of a token secret: its hash, never the secret itself.
pub fn token_key(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// `writing`: the request may change data, so a read-only token is refused
/// ([`StoreError::Forbidden`]).
pub async fn user_for_token(store: &Store, secret: &str, writing: bool) -> Result<Option<i64>> {
    let Some(tok) = api_token::Entity::find().filter(api_token::Column::TokenHash.eq(token_hash(secret))).one(&store.db).await? else {
        return Ok(None);
    };
    let now = crate::now();
    if tok.revoked_at.is_some() || tok.expires_at.is_some_and(|e| e < now) {
        return Ok(None);
    }
    if writing && TokenScope::from_code(&tok.scope) != Some(TokenScope::ReadWrite) {
        return Err(StoreError::Forbidden);
    }
    let user = get_any(&store.db, tok.user_id).await?;
    if !user.active {
        return Ok(None);
    }
    // last_used_at is advisory; update at most once a minute to keep reads cheap.
    if writing && tok.last_used_at.is_none_or(|t| now - t > Duration::minutes(1)) {
        let mut am: api_token::ActiveModel = tok.into();
        am.last_used_at = Set(Some(now));
        am.update(&store.db).await?;
    }
    Ok(Some(user.id))
}

pub(crate) async fn tokens_of<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<Vec<api_token::Model>> {
    Ok(api_token::Entity::find().filter(api_token::Column::UserId.eq(user_id)).order_by_desc(api_token::Column::CreatedAt).all(db).await?)
}

pub(crate) async fn revoke_token(store: &Store, ctx: &Ctx, user_id: i64, token_id: i64) -> Result<()> {
    let txn = store.write().await?;
    let tok = api_token::Entity::find_by_id(token_id).filter(api_token::Column::UserId.eq(user_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let mut am: api_token::ActiveModel = tok.into();
    am.revoked_at = Set(Some(crate::now()));
    am.update(&txn).await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("revoke", cakap_domain::audit::AuditEntity::ApiToken, token_id), None::<&()>, None::<&()>).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) async fn by_login<C: ConnectionTrait>(db: &C, login: &str) -> Result<Option<app_user::Model>> {
    Ok(app_user::Entity::find().filter(app_user::Column::Login.eq(login.trim().to_ascii_lowercase())).one(db).await?)
}

// ---- handles ----

/// Keeping the tenant's users and their roles (`ManageUsers`): the handle
/// [`crate::Scope::user_admin`] hands out.
pub struct UserAdmin<'a> {
    pub(crate) scope: &'a crate::Scope,
}

impl UserAdmin<'_> {
    /// One page of the tenant's users (search on login and name).
    pub async fn list(&self, q: Option<&str>, page: u64, per_page: u64) -> Result<crate::org::Page<UserWithRoles>> {
        list(&self.scope.store().db, self.scope.tenant_id(), q, page, per_page).await
    }

    pub async fn get(&self, id: i64) -> Result<UserWithRoles> {
        let db = &self.scope.store().db;
        let t = self.scope.tenant_id();
        let m = get(db, t, id).await?;
        Ok(UserWithRoles { user: (&m).into(), roles: roles_of(db, t, id).await? })
    }

    pub async fn create(&self, input: &UserForCreate) -> Result<UserWithRoles> {
        create(self.scope.store(), &self.scope.ctx(), input).await
    }

    /// Roles, active flag and password of one user, in one transaction.
    pub async fn update(&self, id: i64, change: &UserUpdate) -> Result<()> {
        update(self.scope.store(), &self.scope.ctx(), id, change).await
    }

    /// Removes a user's second factor (lost phone and recovery codes) and ends their sessions;
    /// they enrol again at their next login.
    pub async fn reset_second_factor(&self, id: i64) -> Result<()> {
        crate::second_factor::reset(self.scope.store(), &self.scope.ctx(), Some(self.scope.tenant_id()), id).await
    }

    /// Whether each of these users has a second factor (the users list shows it).
    pub async fn second_factor_of(&self, ids: &[i64]) -> Result<std::collections::HashSet<i64>> {
        crate::second_factor::enabled_among(&self.scope.store().db, ids).await
    }
}

/// One API token as its owner sees it (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created_at: time::OffsetDateTime,
    pub expires_at: Option<time::OffsetDateTime>,
    pub last_used_at: Option<time::OffsetDateTime>,
    pub revoked: bool,
    pub scope: TokenScope,
}

/// A principal's own account (any logged-in user, with or without a tenant): its API tokens
/// and its password. Made by [`Account::of`] for a principal that is a user.
pub struct Account<'a> {
    store: &'a Store,
    user_id: i64,
    tenant_id: i64,
    second_factor_required: bool,
    request_id: Option<String>,
}

impl<'a> Account<'a> {
    pub fn of(store: &'a Store, principal: &crate::Principal, request_id: Option<String>) -> Result<Account<'a>> {
        let user_id = principal.user_id().ok_or(StoreError::Forbidden)?;
        Ok(Account {
            store,
            user_id,
            tenant_id: principal.tenant().map_or(0, |t| t.id),
            second_factor_required: principal.roles().require_second_factor(),
            request_id,
        })
    }

    fn ctx(&self) -> Ctx {
        Ctx { tenant_id: self.tenant_id, user_id: Some(self.user_id), request_id: self.request_id.clone() }
    }

    /// The user's tokens, newest first.
    pub async fn tokens(&self) -> Result<Vec<TokenView>> {
        tokens_of(&self.store.db, self.user_id)
            .await?
            .into_iter()
            .map(|t| {
                let scope = crate::error::code(TokenScope::from_code(&t.scope), "cakupan token", &t.scope)?;
                Ok(TokenView {
                    id: t.id,
                    name: t.name,
                    created_at: t.created_at,
                    expires_at: t.expires_at,
                    last_used_at: t.last_used_at,
                    revoked: t.revoked_at.is_some(),
                    scope,
                })
            })
            .collect()
    }

    /// A new token of `days` (None: 90) and `scope`; the secret, shown once.
    pub async fn create_token(&self, name: &str, days: Option<i64>, scope: TokenScope) -> Result<String> {
        Ok(create_token(self.store, &self.ctx(), self.user_id, name, days, scope).await?.1)
    }

    /// Revokes one of the user's own tokens (another user's: not found).
    pub async fn revoke_token(&self, token_id: i64) -> Result<()> {
        revoke_token(self.store, &self.ctx(), self.user_id, token_id).await
    }

    /// Changes the password after checking the current one (a field error on `old` when wrong),
    /// ending the user's other sessions (all but `this_session`) and revoking their API tokens.
    /// The check of the old password is throttled as a login from `ip` is (a stolen session must
    /// not become a password-guessing oracle).
    pub async fn change_password(&self, old: &str, new: &str, this_session: Option<&str>, ip: &str) -> Result<()> {
        let u = get_any(&self.store.db, self.user_id).await?;
        crate::throttle::refuse_if_waiting(&self.store.db, &u.login, ip, "old").await?;
        if !verify_password(old, &u.password_hash) {
            crate::throttle::record_failure(self.store, &u.login, ip).await?;
            return Err(StoreError::invalid("old", "Kata sandi lama salah."));
        }
        set_password(self.store, &self.ctx(), None, self.user_id, new, this_session).await
    }

    /// The user's second factor: on since when, and how many recovery codes are left.
    pub async fn second_factor(&self) -> Result<crate::second_factor::Status> {
        crate::second_factor::status(&self.store.db, self.user_id).await
    }

    /// Turns TOTP on with `secret` (from [`crate::second_factor::new_secret`], shown to the user)
    /// once `code` proves the app has it; the recovery codes, shown once.
    pub async fn enable_second_factor(&self, secret: &str, code: &str) -> Result<Vec<String>> {
        crate::second_factor::enable(self.store, &self.ctx(), self.user_id, secret, code).await
    }

    /// New recovery codes after a valid code; the old ones stop working.
    pub async fn renew_recovery_codes(&self, code: &str, ip: &str) -> Result<Vec<String>> {
        crate::second_factor::renew_recovery_codes(self.store, &self.ctx(), self.user_id, code, ip).await
    }

    /// Turns TOTP off after the password and a valid code; refused where the roles require it.
    pub async fn disable_second_factor(&self, password: &str, code: &str, ip: &str) -> Result<()> {
        crate::second_factor::disable_own(self.store, &self.ctx(), self.user_id, self.second_factor_required, password, code, ip).await
    }
}

/// The user with this login, as the CLI and operators look one up.
pub async fn find_login<C: ConnectionTrait>(db: &C, login: &str) -> Result<Option<UserView>> {
    Ok(by_login(db, login).await?.as_ref().map(UserView::from))
}

/// A token for the user with this login, issued by the operator (`cakap token create`): the
/// secret, shown once; audited in the user's tenant as the user's own.
pub async fn issue_token(store: &Store, login: &str, name: &str, days: Option<i64>, scope: TokenScope) -> Result<String> {
    let u = by_login(&store.db, login).await?.ok_or(StoreError::NotFound)?;
    let ctx = Ctx { tenant_id: u.tenant_id.unwrap_or(0), user_id: Some(u.id), request_id: None };
    Ok(create_token(store, &ctx, u.id, name, days, scope).await?.1)
}
