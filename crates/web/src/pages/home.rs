use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cakap_domain::{Permission, Role};
use cakap_store::users::LoginError;
use serde::Deserialize;
use tower_sessions::Session;

use super::{render, render_status, see_other};
use crate::AppState;
use crate::auth::{Actor, SESSION_USER, csrf_token};
use crate::error::{AppError, Result};
use crate::view::{self, Layout};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    login: String,
    error: String,
}

pub async fn view_login_get(session: Session) -> Result<Response> {
    Ok(render(LoginPage { csrf: csrf_token(&session).await?, login: String::new(), error: String::new() }))
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

/// The client address: the socket peer, or (behind a trusted proxy) the first
/// `X-Forwarded-For` hop.
fn client_ip(headers: &HeaderMap, peer: Option<&ConnectInfo<std::net::SocketAddr>>, trust_forwarded_for: bool) -> String {
    let forwarded = || headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next()).map(|s| s.trim().to_string());
    trust_forwarded_for.then(forwarded).flatten().or_else(|| peer.map(|p| p.0.ip().to_string())).unwrap_or_else(|| "unknown".into())
}

pub async fn view_login_post(
    State(s): State<AppState>,
    session: Session,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    Form(f): Form<LoginForm>,
) -> Result<Response> {
    let ip = client_ip(&headers, peer.as_ref().map(|e| &e.0), s.cfg.trust_forwarded_for);
    let again = |error: &str, csrf: String| LoginPage { csrf, login: f.login.clone(), error: error.into() };
    match cakap_store::users::authenticate(&s.store, &f.login, &f.password, &ip).await? {
        Ok(user) => {
            // New session id at login: a fixed (attacker-planted) id never becomes authenticated.
            session.cycle_id().await.map_err(|e| AppError::Internal(e.to_string()))?;
            session.insert(SESSION_USER, user.id).await.map_err(|e| AppError::Internal(e.to_string()))?;
            // A fresh CSRF token for the authenticated session.
            session.remove::<String>(crate::auth::SESSION_CSRF).await.ok();
            Ok(see_other("/"))
        }
        Err(LoginError::BadCredentials) => {
            Ok(render_status(axum::http::StatusCode::UNAUTHORIZED, again("Nama pengguna atau kata sandi salah.", csrf_token(&session).await?)))
        }
        Err(LoginError::Throttled) => Ok(render_status(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            again("Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit lalu coba lagi.", csrf_token(&session).await?),
        )),
    }
}

pub async fn view_logout_post(session: Session) -> Result<Response> {
    session.flush().await.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(see_other("/masuk"))
}

pub struct Card {
    pub label: String,
    pub value: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    cards: Vec<Card>,
    jobs: Vec<(String, String, i64, i64, i64)>,
    visi: String,
}

/// AKPK at a glance: the planner's open needs and calibration list; an employee's own JPM.
async fn akpk_cards(s: &AppState, a: &Actor, t: i64, cards: &mut Vec<Card>) -> Result<()> {
    use cakap_store::akpk::analysis::Analysis;
    use cakap_store::org::employees::EmployeeScope;
    if a.can(Permission::ReadNeeds) {
        let an = s.cache.tenant(&s.store, t).await?;
        let needs = an.needs(&cakap_store::akpk::needs::open(&s.store.db, t).await?, &Default::default());
        let high = needs.iter().filter(|n| n.priority >= 60).count();
        cards.push(Card { label: "Kebutuhan pengembangan kompetensi".into(), value: view::int(needs.len() as u64), href: "/akpk/kebutuhan".into() });
        cards.push(Card { label: "Kebutuhan prioritas tinggi".into(), value: view::int(high as u64), href: "/akpk/kebutuhan".into() });
        cards.push(Card { label: "Penilaian perlu kalibrasi".into(), value: view::int(an.calibration.len() as u64), href: "/akpk/kalibrasi".into() });
    } else if a.can(Permission::ReadAkpk)
        && let Some(e) = a.employee_id
    {
        let an = Analysis::load(&s.store.db, t, &EmployeeScope::Own(e)).await?;
        if let Some(ei) = an.employee_index(e) {
            let me = an.summary(ei);
            let value = me.jpm.map(|j| cakap_domain::format::decimal(j, 2)).unwrap_or_else(|| "-".into());
            let label = format!("JPM saya{}", me.band.map(|b| format!(" ({b})")).unwrap_or_default());
            cards.push(Card { label, value, href: format!("/akpk/pegawai/{e}") });
        }
    }
    Ok(())
}

/// Beranda per role (UI.md): admin sees data health and imports; others see their scope.
pub async fn view_home_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    let layout = Layout::new(&a, &session, "Beranda", "/").await;
    let mut cards = vec![];
    let mut jobs = vec![];
    let mut visi = String::new();
    if a.is_super_admin() {
        let tenants = cakap_store::org::tenants::list(&s.store.db).await?;
        cards.push(Card { label: "Instansi terdaftar".into(), value: view::int(tenants.len() as u64), href: "/instansi".into() });
    }
    if let Some(t) = a.tenant_id {
        let tenant = cakap_store::org::tenants::get(&s.store.db, t).await?;
        let settings = cakap_store::org::tenants::TenantSettings::from_json(&tenant.settings);
        visi = settings.visi;
        if a.can(Permission::ReadEmployees) {
            let page = cakap_store::org::employees::list(&s.store.db, t, &a.employee_scope(), &Default::default(), 1, 1).await?;
            let label = if a.roles.has(Role::Supervisor) && !a.roles.has(Role::Admin) { "Pegawai di unit Anda" } else { "Pegawai aktif" };
            cards.push(Card { label: label.into(), value: view::int(page.total), href: "/organisasi/pegawai".into() });
        }
        if a.can(Permission::ManageOrg) {
            let units = cakap_store::org::units::list(&s.store.db, t).await?;
            cards.push(Card {
                label: "Unit kerja".into(),
                value: view::int(units.iter().filter(|u| u.active).count() as u64),
                href: "/organisasi/unit".into(),
            });
            for j in cakap_store::import::employees::recent_jobs(&s.store.db, t, 5).await? {
                jobs.push((view::datetime(&j.created_at, &tenant.timezone), j.file_name, j.row_count, j.inserted, j.updated));
            }
        }
        akpk_cards(&s, &a, t, &mut cards).await?;
    }
    Ok(render(HomePage { layout, cards, jobs, visi }))
}
