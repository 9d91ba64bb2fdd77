//! One's own learning ("Kelas Saya"): JP this year against the 20 JP minimum, one's classes,
//! classes open for registration, certificates; and the notifications page.

use askama::Template;
use axum::response::Response;
use cakap_domain::learning::jp::MINIMUM_PER_YEAR;
use tower_sessions::Session;

use super::classes::{ClassLine, line};
use crate::auth::Actor;
use crate::error::Result;
use crate::pages::{render, see_other};
use crate::view::Layout;

pub struct MyClass {
    pub c: ClassLine,
    pub enrollment_id: i64,
    pub status: &'static str,
    pub may_withdraw: bool,
}

pub struct MyCertificate {
    pub id: i64,
    pub number: String,
    pub class_id: i64,
    pub issued: String,
    pub verify_code: String,
    pub revoked: bool,
}

/// JP of a year against the minimum, as Beranda and "Kelas Saya" show it.
pub struct JpGauge {
    pub year: i32,
    pub jp: i64,
    pub minimum: u32,
    /// 0–100, for the bar.
    pub percent: u32,
    pub short: i64,
}

impl JpGauge {
    pub fn new(year: i32, jp: i64) -> JpGauge {
        let min = MINIMUM_PER_YEAR;
        JpGauge { year, jp, minimum: min, percent: (jp.max(0) as u64 * 100 / u64::from(min)).min(100) as u32, short: (i64::from(min) - jp).max(0) }
    }
}

#[derive(Template)]
#[template(path = "learning/mine.html")]
struct MinePage {
    layout: Layout,
    gauge: JpGauge,
    entries: Vec<(String, i32, &'static str)>,
    mine: Vec<MyClass>,
    open: Vec<ClassLine>,
    certificates: Vec<MyCertificate>,
    records: Vec<(String, String, u32, &'static str, String)>,
    placements: Vec<(i64, String, &'static str)>,
}

pub async fn view_mine_get(session: Session, a: Actor) -> Result<Response> {
    let scope = a.scope()?;
    let learner = scope.learner()?;
    let year = scope.today().year();
    let entries = learner.jp(year).await?;
    let gauge = JpGauge::new(year, entries.iter().map(|e| i64::from(e.jp)).sum());
    let mine = learner
        .classes()
        .await?
        .into_iter()
        .map(|(o, e)| MyClass { c: line(&o), enrollment_id: e.id, status: e.status.label(), may_withdraw: e.status.may_withdraw() })
        .collect();
    let open = learner.open_classes().await?.iter().map(line).collect();
    let certificates = learner
        .certificates()
        .await?
        .into_iter()
        .map(|c| MyCertificate {
            id: c.id,
            number: c.number,
            class_id: c.offering_id,
            issued: a.zone.datetime(c.issued_at),
            verify_code: c.verify_code,
            revoked: c.revoked,
        })
        .collect();
    let records = learner
        .records()
        .await?
        .into_iter()
        .map(|r| (r.input.title, cakap_domain::format::date_short(r.input.ended_on), r.input.jp, r.status.label(), r.reason))
        .collect();
    let me = learner.employee_id;
    let placements = scope
        .placements()
        .await?
        .into_iter()
        .filter(|p| p.employee_id == me)
        .map(|p| (p.id, format!("{} di {}", p.kind.label(), p.host), p.status.label()))
        .collect();
    let layout = Layout::new(&a, &session, "Kelas Saya", "/kelas-saya").await;
    Ok(render(MinePage {
        layout,
        gauge,
        entries: entries.into_iter().map(|e| (e.title, e.jp, e.source.label())).collect(),
        mine,
        open,
        certificates,
        records,
        placements,
    }))
}

pub struct NoticeLine {
    pub body: String,
    pub link: String,
    pub when: String,
    pub read: bool,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "learning/notifications.html")]
struct NotificationsPage {
    layout: Layout,
    rows: Vec<NoticeLine>,
    unread: u64,
}

pub async fn view_notifications_get(session: Session, a: Actor) -> Result<Response> {
    let scope = a.scope()?;
    let (list, unread) = scope.notifications().await?;
    let rows =
        list.into_iter().map(|n| NoticeLine { body: n.body, link: n.link, when: a.zone.datetime(n.created_at), read: n.read, kind: n.kind.label() }).collect();
    let layout = Layout::new(&a, &session, "Pemberitahuan", "/pemberitahuan").await;
    Ok(render(NotificationsPage { layout, rows, unread }))
}

pub async fn view_notifications_read_post(session: Session, a: Actor) -> Result<Response> {
    a.scope()?.read_notifications().await?;
    crate::view::flash(&session, "Semua pemberitahuan ditandai sudah dibaca.").await;
    Ok(see_other("/pemberitahuan"))
}
