use crate::params::Form;
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cakap_domain::{Permission, Role};
use cakap_store::users::{LoginError, LoginStep};
use serde::Deserialize;
use tower_sessions::Session;

use super::{render, render_status, see_other};
use crate::AppState;
use crate::auth::{Actor, SESSION_USER};
use crate::error::{AppError, Result};
use crate::view::{self, Layout};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    login: String,
    error: String,
    /// Where to go after the login (a page of Cakap's own), or "".
    ke: String,
}

/// The longest return address kept across a login.
const RETURN_MAX: usize = 500;

/// A return address after login, if it is a path of Cakap's own: starts with one `/`, no
/// scheme or host, no backslash or control character, bounded. Anything else goes to Beranda.
pub fn safe_return(to: &str) -> Option<String> {
    let ok = to.starts_with('/')
        && !to.starts_with("//")
        && to.len() <= RETURN_MAX
        && !to.chars().any(|c| c == '\\' || c.is_control())
        && !to.starts_with("/masuk")
        && !to.starts_with("/keluar");
    ok.then(|| to.to_string())
}

/// Where a session goes after its login: set at the password step, read once at the end.
const SESSION_RETURN: &str = "return_to";

pub const LOGIN_PATH: &str = "/masuk";
const LOGIN_COOKIE: &str = "cakap_login_csrf";

/// The login form's CSRF token from its cookie, if the browser sent one.
pub fn login_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LOGIN_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 48 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The login page with its double-submit token: kept from the cookie when there is one, so a
/// second tab does not invalidate the first; no session row is written until a login succeeds.
fn login_page(s: &AppState, headers: &HeaderMap, status: axum::http::StatusCode, login: String, error: &str, ke: &str) -> Response {
    let token = login_cookie(headers).unwrap_or_else(|| hex::encode(rand::random::<[u8; 24]>()));
    let secure = if s.cfg.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{LOGIN_COOKIE}={token}; Path={LOGIN_PATH}; HttpOnly; SameSite=Strict; Max-Age=7200{secure}");
    let mut res = render_status(status, LoginPage { csrf: token, login, error: error.into(), ke: safe_return(ke).unwrap_or_default() });
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    ke: String,
}

pub async fn view_login_get(State(s): State<AppState>, headers: HeaderMap, axum::extract::Query(q): axum::extract::Query<LoginQuery>) -> Result<Response> {
    Ok(login_page(&s, &headers, axum::http::StatusCode::OK, String::new(), "", &q.ke))
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    ke: String,
}

/// The client address: the socket peer, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` hop that is not a trusted proxy. Hops left of it were written by the
/// client and are never believed (the first hop would let anyone pick an address to dodge the
/// per-IP throttle, or a victim's to lock it out).
pub fn client_ip(headers: &HeaderMap, peer: Option<std::net::IpAddr>, trusted: &[std::net::IpAddr]) -> String {
    let Some(mut client) = peer else { return "unknown".into() };
    if trusted.contains(&client) {
        // Every X-Forwarded-For header in order, then its hops right to left.
        let hops: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
        for hop in hops.iter().rev() {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !trusted.contains(&ip) {
                        break;
                    }
                }
                // A hop that is no address ends the chain: the last one read is the client.
                Err(_) => break,
            }
        }
    }
    client.to_string()
}

/// `Retry-After` in whole seconds (at least 1).
pub fn retry_after(res: &mut Response, wait: time::Duration) {
    if let Ok(v) = axum::http::HeaderValue::from_str(&cakap_domain::throttle::wait_secs(wait).to_string()) {
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
}

/// The client address of this request ([`client_ip`] with the deployment's trusted proxies),
/// for the login throttle.
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, s: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(client_ip(&parts.headers, peer, &s.cfg.trusted_proxies)))
    }
}

/// Makes this session the logged-in session of `user_id` (after the password, or after the code
/// step) and goes to Beranda: a new session id, so a fixed (attacker-planted) id never becomes
/// authenticated, and the session's own CSRF token, written with it, so no later GET has to
/// write one. What the session held before (a pending code step) is dropped.
pub async fn log_in(session: &Session, user_id: i64) -> Result<Response> {
    let err = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
    let to: Option<String> = session.remove(SESSION_RETURN).await.map_err(err)?;
    session.cycle_id().await.map_err(err)?;
    session.remove::<(i64, i64)>(crate::auth::SESSION_PENDING).await.map_err(err)?;
    session.insert(SESSION_USER, user_id).await.map_err(err)?;
    session.insert(crate::auth::SESSION_CSRF, hex::encode(rand::random::<[u8; 24]>())).await.map_err(err)?;
    Ok(see_other(&to.and_then(|t| safe_return(&t)).unwrap_or_else(|| "/".into())))
}

pub async fn view_login_post(
    State(s): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> Result<Response> {
    let outcome = cakap_store::users::authenticate(&s.store, &f.login, &f.password, &ip).await?;
    let keep_return = |session: Session| {
        let to = safe_return(&f.ke);
        async move {
            if let Some(to) = to {
                session.insert(SESSION_RETURN, to).await.map_err(|e| AppError::Internal(e.to_string()))?;
            }
            Ok::<_, AppError>(())
        }
    };
    match outcome {
        Ok(LoginStep::Done(user)) => {
            keep_return(session.clone()).await?;
            log_in(&session, user.id).await
        }
        Ok(LoginStep::SecondFactor(user)) => {
            let r = super::second_factor::begin(&session, user.id).await;
            keep_return(session.clone()).await?;
            r
        }
        Err(LoginError::BadCredentials) => {
            Ok(login_page(&s, &headers, axum::http::StatusCode::UNAUTHORIZED, f.login.clone(), "Nama pengguna atau kata sandi salah.", &f.ke))
        }
        Err(LoginError::Throttled(wait)) => {
            let msg = format!("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {}.", cakap_domain::throttle::wait_text(wait));
            let mut res = login_page(&s, &headers, axum::http::StatusCode::TOO_MANY_REQUESTS, f.login.clone(), &msg, &f.ke);
            retry_after(&mut res, wait);
            Ok(res)
        }
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

/// Something waiting for this user, with where to do it ("Menunggu tindakan Anda").
pub struct Task {
    pub text: String,
    pub href: String,
}

/// What waits for each role: the PPK's plans to decide, the PyB's to submit, approvals of
/// classes and external learning, the atasan's staff to rate in the active period, the
/// planner's period progress and calibration, the instructor's classes. Only what the role may
/// open; nothing when nothing waits.
async fn tasks_for(a: &Actor) -> Result<Vec<Task>> {
    let scope = a.scope()?;
    let mut out = vec![];
    let plans = if a.can(Permission::DecidePlan) || a.can(Permission::SubmitPlan) { scope.plans()?.list().await? } else { vec![] };
    if a.can(Permission::DecidePlan) {
        for p in plans.iter().filter(|p| p.status == cakap_domain::plan::workflow::PlanStatus::Submitted) {
            out.push(Task { text: format!("Rencana \"{}\" ({}) menunggu penetapan Anda", p.title, p.year), href: format!("/rencana/{}", p.id) });
        }
    }
    if a.can(Permission::SubmitPlan) {
        use cakap_domain::plan::workflow::PlanStatus::{Draft, Returned};
        for p in plans.iter().filter(|p| matches!(p.status, Draft | Returned)) {
            let what = if p.status == Returned { "dikembalikan PPK untuk diperbaiki" } else { "siap diajukan ke PPK" };
            out.push(Task { text: format!("Rencana \"{}\" ({}) {what}", p.title, p.year), href: format!("/rencana/{}", p.id) });
        }
    }
    if a.can(Permission::ManageClasses) || a.can(Permission::NominateTeam) {
        let classes = if a.can(Permission::ManageClasses) { scope.awaiting_bkpsdm().await?.len() } else { scope.team_learning()?.pending().await?.len() };
        let records = scope.records_awaiting().await?.len();
        if classes > 0 {
            out.push(Task { text: format!("{} usulan peserta kelas menunggu persetujuan Anda", view::int(classes as u64)), href: "/kelas/persetujuan".into() });
        }
        if records > 0 {
            out.push(Task {
                text: format!("{} pembelajaran eksternal menunggu persetujuan Anda", view::int(records as u64)),
                href: "/kelas/persetujuan".into(),
            });
        }
    }
    if let Ok(team) = scope.team() {
        let grid = team.grid(true, 0, 0).await?;
        if grid.pending > 0 {
            let period = grid.period.as_ref().map(|p| format!(" pada {}", p.name)).unwrap_or_default();
            out.push(Task {
                text: format!("{} dari {} pegawai Anda belum dinilai lengkap{period}", view::int(grid.pending as u64), view::int(grid.staff as u64)),
                href: "/akpk/tim/penilaian?belum=1".into(),
            });
        }
    }
    if a.can(Permission::ManageNeeds)
        && let Some(p) = scope.periods()?.active().await?
    {
        let progress = scope.periods()?.progress(p.id).await?;
        let behind = progress.iter().filter(|r| r.done < r.staff).count();
        if behind > 0 {
            out.push(Task { text: format!("{}: {} atasan belum selesai menilai", p.name, view::int(behind as u64)), href: format!("/akpk/periode/{}", p.id) });
        }
    }
    if a.can(Permission::TeachClasses) {
        let today = scope.today();
        for c in scope.taught_classes().await?.into_iter().filter(|c| c.ends_on >= today).take(5) {
            out.push(Task { text: format!("Anda mengajar \"{}\" ({})", c.title, view::period(c.starts_on, c.ends_on)), href: format!("/kelas/{}", c.id) });
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    tasks: Vec<Task>,
    cards: Vec<Card>,
    jobs: Vec<(String, String, i64, i64, i64)>,
    visi: String,
    gauge: Option<super::learning::mine::JpGauge>,
}

/// Delivery at a glance: one's JP against 20, what waits for the atasan's or BKPSDM's
/// approval, the classes an instructor teaches.
async fn learning_cards(a: &Actor, cards: &mut Vec<Card>) -> Result<Option<super::learning::mine::JpGauge>> {
    let scope = a.scope()?;
    if a.can(Permission::ManageClasses) {
        let year = scope.today().year();
        let (_, total) = scope.class_list(&cakap_store::learning::classes::OfferingFilter { year: Some(year), ..Default::default() }, 1).await?;
        cards.push(Card { label: format!("Kelas tahun {year}"), value: view::int(total), href: "/kelas".into() });
        let waiting = scope.awaiting_bkpsdm().await?.len();
        cards.push(Card { label: "Usulan menunggu persetujuan BKPSDM".into(), value: view::int(waiting as u64), href: "/kelas/persetujuan".into() });
    } else if a.can(Permission::NominateTeam) {
        let waiting = scope.team_learning()?.pending().await?.len();
        cards.push(Card { label: "Usulan peserta menunggu persetujuan Anda".into(), value: view::int(waiting as u64), href: "/kelas/persetujuan".into() });
    }
    if a.can(Permission::TeachClasses) {
        let n = scope.taught_classes().await?.len();
        cards.push(Card { label: "Kelas yang Anda ajar".into(), value: view::int(n as u64), href: "/kelas".into() });
    }
    if let Ok(learner) = scope.learner() {
        let year = scope.today().year();
        let jp: i64 = learner.jp(year).await?.iter().map(|e| i64::from(e.jp)).sum();
        return Ok(Some(super::learning::mine::JpGauge::new(year, jp)));
    }
    Ok(None)
}

/// AKPK at a glance: the planner's open needs and calibration list; an employee's own JPM.
async fn akpk_cards(a: &Actor, cards: &mut Vec<Card>) -> Result<()> {
    if a.can(Permission::ReadNeeds) {
        let an = a.scope()?.analysis().await?;
        let scope = a.scope()?;
        // One pass: the per-competency spread already counts the high priorities.
        let found = cakap_store::akpk::needs::page(scope, &Default::default(), Default::default(), 0, 0).await?.1;
        let (all, high) = (found.total, found.by_competency.iter().map(|c| c.2).sum::<usize>());
        cards.push(Card { label: "Kebutuhan pengembangan kompetensi".into(), value: view::int(all as u64), href: "/akpk/kebutuhan".into() });
        cards.push(Card { label: "Kebutuhan prioritas tinggi".into(), value: view::int(high as u64), href: "/akpk/kebutuhan?prioritas=tinggi".into() });
        cards.push(Card { label: "Penilaian perlu kalibrasi".into(), value: view::int(an.calibration.len() as u64), href: "/akpk/kalibrasi".into() });
    } else if a.can(Permission::ReadAkpk)
        && let Some(e) = a.employee_id
    {
        let an = a.scope()?.employee_analysis(e).await?;
        if let Some(ei) = an.employee_index(e) {
            let me = an.summary(ei);
            let value = super::akpk::jpm_shown(me.jpm);
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
    let mut gauge = None;
    let mut tasks = vec![];
    if a.is_super_admin() {
        let tenants = a.nation(&s.store)?.tenants().await?;
        cards.push(Card { label: "Instansi terdaftar".into(), value: view::int(tenants.len() as u64), href: "/instansi".into() });
    }
    if let Ok(scope) = a.scope() {
        visi = scope.tenant().settings.visi.clone();
        // An instructor reads no employee: no "Pegawai: 0" card.
        if let Ok(employees) = scope.employees()
            && !matches!(a.roles.employee_scope(), cakap_domain::ReadScope::None | cakap_domain::ReadScope::Own)
        {
            let label = if a.roles.has(Role::Supervisor) && !a.roles.has(Role::Admin) { "Pegawai di unit Anda" } else { "Pegawai aktif" };
            cards.push(Card { label: label.into(), value: view::int(employees.count_active().await?), href: "/organisasi/pegawai".into() });
        }
        if a.can(Permission::ManageOrg) {
            let units = s.cache.units(scope).await?;
            cards.push(Card {
                label: "Unit kerja".into(),
                value: view::int(units.iter().filter(|u| u.active).count() as u64),
                href: "/organisasi/unit".into(),
            });
            for j in s.cache.recent_jobs(scope).await?.iter() {
                jobs.push((view::datetime(&j.created_at, a.zone), j.file_name.clone(), j.rows, j.inserted, j.updated));
            }
        }
        akpk_cards(&a, &mut cards).await?;
        gauge = learning_cards(&a, &mut cards).await?;
        tasks = tasks_for(&a).await?;
    }
    Ok(render(HomePage { layout, tasks, cards, jobs, visi, gauge }))
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    fn h(xff: &[&str]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for v in xff {
            m.append("x-forwarded-for", v.parse().unwrap());
        }
        m
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// The defect: with `--trust-forwarded-for` the first (client-written) hop was the address.
    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxy = [ip("10.0.0.2")];
        // Client 203.0.113.7 wrote a fake first hop; the proxy appended the real address.
        assert_eq!(client_ip(&h(&["1.2.3.4, 203.0.113.7"]), Some(ip("10.0.0.2")), &proxy), "203.0.113.7");
        // Two proxies, both trusted.
        let two = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(client_ip(&h(&["6.6.6.6, 198.51.100.9, 10.0.0.3"]), Some(ip("10.0.0.2")), &two), "198.51.100.9");
        // Headers split over several lines read as one list.
        assert_eq!(client_ip(&h(&["6.6.6.6", "198.51.100.9"]), Some(ip("10.0.0.2")), &proxy), "198.51.100.9");
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(client_ip(&h(&["1.2.3.4"]), Some(ip("203.0.113.7")), &proxy), "203.0.113.7");
        assert_eq!(client_ip(&h(&["1.2.3.4"]), Some(ip("203.0.113.7")), &[]), "203.0.113.7");
        // Garbage ends the chain at the last address read.
        assert_eq!(client_ip(&h(&["rubbish"]), Some(ip("10.0.0.2")), &proxy), "10.0.0.2");
        assert_eq!(client_ip(&h(&[]), None, &proxy), "unknown");
    }
}
