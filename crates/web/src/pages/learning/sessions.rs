//! A session's attendance: the instructor's screen (the rotating check-in QR and the register)
//! and the participant's check-in, which the QR opens on their phone.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::classes::{acted, clock};
use crate::AppState;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::render;
use crate::params::{Form, Path};
use crate::view::Layout;

pub struct RegisterLine {
    pub employee_id: i64,
    pub nip: String,
    pub name: String,
    pub present: bool,
    pub how: &'static str,
}

#[derive(Template)]
#[template(path = "learning/session.html")]
struct SessionPage {
    layout: Layout,
    id: i64,
    class_id: i64,
    when: String,
    place: String,
    open_now: bool,
    code: String,
    qr_svg: String,
    url: String,
    people: Vec<RegisterLine>,
    present: usize,
}

/// The address Cakap is reached at, for links that leave the screen (a QR): `--public-url`
/// when set, else the request's Host (bounded, plain host[:port] characters only), https when
/// cookies are marked secure.
pub fn origin(s: &AppState, headers: &HeaderMap) -> String {
    if !s.cfg.public_url.is_empty() {
        return s.cfg.public_url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b)))
        .unwrap_or("localhost");
    format!("{}://{host}", if s.cfg.secure_cookies { "https" } else { "http" })
}

/// The instructor's (or BKPSDM's) screen for a session: the QR with the code of this minute
/// (the page reloads itself every 20 seconds) and the register to tick.
pub async fn view_session_get(State(s): State<AppState>, headers: HeaderMap, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let view = scope.session_class(id).await?;
    if !view.runs_attendance() {
        return Err(AppError::Forbidden);
    }
    let now = time::OffsetDateTime::now_utc();
    let m = view.meeting(id).await?;
    let open_now = cakap_domain::learning::attendance::checkin_open(now, m.starts_at, m.ends_at);
    let code = view.checkin_code(id, now).await?;
    let url = format!("{}/hadir/{id}?kode={code}", origin(&s, &headers));
    let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(e.to_string()))?;
    let qr_svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(280, 280).quiet_zone(true).build();
    let present = view.present(id).await?;
    let people: Vec<RegisterLine> = view
        .participants()
        .await?
        .into_iter()
        .filter(|p| p.status.holds_seat())
        .map(|p| RegisterLine {
            present: present.contains_key(&p.employee_id),
            how: present.get(&p.employee_id).map_or("", |m| m.label()),
            employee_id: p.employee_id,
            nip: crate::view::nip(&p.nip),
            name: p.name,
        })
        .collect();
    let when = format!("{} – {}", a.zone.datetime(m.starts_at), clock(m.ends_at, a.zone));
    let layout = Layout::new(&a, &session, format!("Presensi: {}", view.row.title), "/kelas").await.crumbs(vec![
        ("Kelas".into(), "/kelas".into()),
        (view.row.title.clone(), format!("/kelas/{}", view.row.id)),
        ("Presensi".into(), String::new()),
    ]);
    Ok(render(SessionPage { layout, id, class_id: view.row.id, when, place: m.place, open_now, code, qr_svg, url, present: present.len(), people }))
}

/// Most boxes one register takes (a class's largest capacity).
const MAX_TICKS: usize = cakap_store::learning::classes::MAX_CAPACITY as usize;

/// The register as ticked: a `hadir` field per present participant (their employee id).
pub async fn view_register_post(session: Session, a: Actor, Path(id): Path<i64>, Form(fields): Form<Vec<(String, String)>>) -> Result<Response> {
    let ticked: Vec<&String> = fields.iter().filter(|(k, _)| k == "hadir").map(|(_, v)| v).collect();
    if ticked.len() > MAX_TICKS {
        return Err(AppError::BadRequest(format!("Daftar hadir berisi lebih dari {MAX_TICKS} peserta.")));
    }
    let ids: Vec<i64> =
        ticked.iter().map(|v| v.trim().parse::<i64>().map_err(|_| AppError::BadRequest("Isian daftar hadir tidak valid.".into()))).collect::<Result<_>>()?;
    let scope = a.scope()?;
    let view = scope.session_class(id).await?;
    let res = view.mark(id, &ids, time::OffsetDateTime::now_utc()).await;
    acted(&session, res, |_| format!("Daftar hadir disimpan: {} peserta hadir.", ids.len()), &format!("/kelas/sesi/{id}")).await
}

#[derive(Deserialize, Default)]
pub struct CheckinQuery {
    #[serde(default)]
    pub kode: String,
}

#[derive(Template)]
#[template(path = "learning/checkin.html")]
struct CheckinPage {
    layout: Layout,
    title: String,
    when: String,
    place: String,
    code: String,
    error: String,
}

async fn checkin_page(a: &Actor, session: &Session, id: i64, code: &str, error: String) -> Result<Response> {
    let scope = a.scope()?;
    let (m, o) = scope.learner()?.session(id).await?;
    // Only for a class one is in: others learn nothing about the session.
    scope.class(o.id).await?;
    let layout = Layout::new(a, session, "Presensi Kelas", "/kelas-saya").await;
    let page = CheckinPage {
        layout,
        title: o.title,
        when: format!("{} – {}", a.zone.datetime(m.starts_at), clock(m.ends_at, a.zone)),
        place: m.place,
        code: code.chars().filter(char::is_ascii_hexdigit).take(8).collect(),
        error,
    };
    Ok(if page.error.is_empty() { render(page) } else { crate::pages::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, page) })
}

/// What the QR opens: the session and a button to check in (a GET writes nothing).
pub async fn view_checkin_get(session: Session, a: Actor, Path(id): Path<i64>, Query(q): Query<CheckinQuery>) -> Result<Response> {
    checkin_page(&a, &session, id, &q.kode, String::new()).await
}

#[derive(Deserialize, Default)]
pub struct CheckinForm {
    #[serde(default)]
    pub kode: String,
}

pub async fn view_checkin_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<CheckinForm>) -> Result<Response> {
    let scope = a.scope()?;
    let learner = scope.learner()?;
    let (_, o) = learner.session(id).await?;
    scope.class(o.id).await?;
    match learner.check_in(id, &f.kode, time::OffsetDateTime::now_utc()).await {
        Ok(()) => {
            crate::view::flash(&session, &format!("Kehadiran Anda di kelas \"{}\" tercatat.", o.title)).await;
            Ok(crate::pages::see_other("/kelas-saya"))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => {
            checkin_page(&a, &session, id, &f.kode, errs.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ")).await
        }
        Err(cakap_store::StoreError::Conflict(_, why)) => checkin_page(&a, &session, id, &f.kode, why).await,
        Err(e) => Err(e.into()),
    }
}
