//! The second factor on pages: the code step of a login, enrolment (QR code, first code,
//! recovery codes shown once), new recovery codes, turning it off, and an admin's reset.
//!
//! The enrolment secret is made on each view of the enrolment page and travels in the form (a
//! GET writes nothing, not even a session); it is stored only when a code made from it comes
//! back, and the store accepts only secrets of the length it makes.

use crate::params::Form;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::home::ClientIp;
use super::{render, render_status, see_other};
use crate::AppState;
use crate::auth::{Actor, SESSION_CSRF, SESSION_PENDING};
use crate::error::{AppError, Result};
use crate::params::Path;
use crate::view::{FormErrors, Layout, flash};

pub const VERIFY_PATH: &str = "/masuk/verifikasi";
pub const ENROL_PATH: &str = "/profil/dua-langkah";
/// A password step is good for this long before the code must follow.
const PENDING_SECS: i64 = 300;

fn session_err(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// The user who passed the password step in this session, while it is fresh.
async fn pending_user(session: &Session) -> Result<Option<i64>> {
    let pending: Option<(i64, i64)> = session.get(SESSION_PENDING).await.map_err(session_err)?;
    Ok(pending.filter(|(_, at)| cakap_store::now().unix_timestamp() - at <= PENDING_SECS).map(|(uid, _)| uid))
}

/// After a correct password of a user with TOTP: a new session that knows only who is half
/// way in, with its own CSRF token for the code form.
pub async fn begin(session: &Session, user_id: i64) -> Result<Response> {
    session.cycle_id().await.map_err(session_err)?;
    session.insert(SESSION_PENDING, (user_id, cakap_store::now().unix_timestamp())).await.map_err(session_err)?;
    session.insert(SESSION_CSRF, hex::encode(rand::random::<[u8; 24]>())).await.map_err(session_err)?;
    Ok(see_other(VERIFY_PATH))
}

#[derive(Template)]
#[template(path = "second_factor/verify.html")]
struct VerifyPage {
    csrf: String,
    error: String,
}

pub async fn view_verify_get(session: Session) -> Result<Response> {
    if pending_user(&session).await?.is_none() {
        return Ok(see_other(super::home::LOGIN_PATH));
    }
    let csrf = crate::auth::csrf_token(&session).await?;
    Ok(render(VerifyPage { csrf, error: String::new() }))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn view_verify_post(State(s): State<AppState>, session: Session, ClientIp(ip): ClientIp, Form(f): Form<CodeForm>) -> Result<Response> {
    let Some(uid) = pending_user(&session).await? else { return Ok(see_other(super::home::LOGIN_PATH)) };
    let csrf = crate::auth::csrf_token(&session).await?;
    match cakap_store::second_factor::verify_login(&s.store, uid, &f.code, &ip).await? {
        Ok(user) => super::home::log_in(&session, user.id).await,
        Err(cakap_store::users::LoginError::BadCredentials) => Ok(render_status(
            axum::http::StatusCode::UNAUTHORIZED,
            VerifyPage { csrf, error: "Kode salah atau sudah dipakai. Masukkan kode yang sedang tampil di aplikasi, atau satu kode pemulihan.".into() },
        )),
        Err(cakap_store::users::LoginError::Throttled(wait)) => {
            let mut res = render_status(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                VerifyPage { csrf, error: format!("Terlalu banyak kode yang salah. Coba lagi dalam {}.", cakap_domain::throttle::wait_text(wait)) },
            );
            super::home::retry_after(&mut res, wait);
            Ok(res)
        }
    }
}

#[derive(Template)]
#[template(path = "second_factor/account.html")]
struct AccountPage {
    layout: Layout,
    /// Since when it is on, as shown; empty when off.
    enabled_at: String,
    recovery_left: u64,
    required: bool,
    /// Enrolment (when off): the secret, grouped for typing, and its QR code as SVG.
    secret: String,
    secret_shown: String,
    qr_svg: String,
    /// Recovery codes just made (shown once).
    codes: Vec<String>,
    errors: FormErrors,
}

async fn account_page(s: &AppState, session: &Session, a: &Actor, secret: Option<String>, codes: Vec<String>, errors: FormErrors) -> Result<Response> {
    let status = a.account(&s.store)?.second_factor().await?;
    let (secret, secret_shown, qr_svg) = match status.enabled_at {
        Some(_) => (String::new(), String::new(), String::new()),
        None => {
            let secret = secret.unwrap_or_else(cakap_store::second_factor::new_secret);
            let issuer = format!("Cakap {}", a.tenant_name);
            let url = cakap_store::second_factor::otpauth_url(&secret, &issuer, &a.login);
            let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(e.to_string()))?;
            let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
            // The renderer's XML declaration is not allowed inside HTML.
            let svg = svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or_default();
            let shown = secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
            (secret, shown, svg)
        }
    };
    let layout = Layout::new(a, session, "Verifikasi Dua Langkah", "/profil").await.crumbs(vec![("Profil".into(), "/profil".into())]);
    let page = AccountPage {
        layout,
        enabled_at: status.enabled_at.map(|d| crate::view::datetime(&d, a.zone)).unwrap_or_default(),
        recovery_left: status.recovery_left,
        required: a.roles.require_second_factor(),
        secret,
        secret_shown,
        qr_svg,
        codes,
        errors: errors.clone(),
    };
    Ok(if errors.any() { render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, page) } else { render(page) })
}

pub async fn view_account_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    account_page(&s, &session, &a, None, vec![], FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct EnableForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

pub async fn view_enable_post(State(s): State<AppState>, session: Session, a: Actor, Form(f): Form<EnableForm>) -> Result<Response> {
    match a.account(&s.store)?.enable_second_factor(&f.secret, &f.code).await {
        Ok(codes) => account_page(&s, &session, &a, None, codes, FormErrors::default()).await,
        // The same secret again, so the app already holding it need not scan a new one.
        Err(cakap_store::StoreError::Invalid(e)) => account_page(&s, &session, &a, Some(f.secret), vec![], FormErrors(e)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn view_recovery_post(State(s): State<AppState>, session: Session, a: Actor, ClientIp(ip): ClientIp, Form(f): Form<CodeForm>) -> Result<Response> {
    match a.account(&s.store)?.renew_recovery_codes(&f.code, &ip).await {
        Ok(codes) => account_page(&s, &session, &a, None, codes, FormErrors::default()).await,
        Err(cakap_store::StoreError::Invalid(e)) => account_page(&s, &session, &a, None, vec![], FormErrors(e)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn view_disable_post(State(s): State<AppState>, session: Session, a: Actor, ClientIp(ip): ClientIp, Form(f): Form<DisableForm>) -> Result<Response> {
    match a.account(&s.store)?.disable_second_factor(&f.password, &f.code, &ip).await {
        Ok(()) => {
            flash(&session, "Verifikasi dua langkah dinonaktifkan.").await;
            Ok(see_other(ENROL_PATH))
        }
        Err(cakap_store::StoreError::Invalid(e)) => account_page(&s, &session, &a, None, vec![], FormErrors(e)).await,
        Err(e) => Err(e.into()),
    }
}

/// An admin removes a user's second factor (lost phone): the user enrols again.
pub async fn view_reset_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.scope()?.user_admin()?.reset_second_factor(id).await?;
    flash(&session, "Verifikasi dua langkah pengguna direset. Pengguna mendaftarkan ulang aplikasi autentikator saat masuk berikutnya.").await;
    Ok(see_other(&format!("/organisasi/pengguna/{id}")))
}
