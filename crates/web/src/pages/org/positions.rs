use std::collections::HashMap;

use crate::params::Form;
use crate::params::{Path, Query};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::{Jenjang, Permission, PositionKind};
use cakap_store::org::positions::{PositionFilter, PositionInput};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::Actor;
use crate::error::Result;
use crate::pages::{render, render_status, saved_or_again, status_done};
use crate::view::{FormErrors, Layout, page_query};

pub const PER_PAGE: u64 = 25;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    pub page: Option<u64>,
}

pub struct Row {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub jenjang: &'static str,
    pub unit: String,
    pub criticality: i16,
}

#[derive(Template)]
#[template(path = "org/positions.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    total: u64,
    page: u64,
    pages: u64,
    prev_q: String,
    next_q: String,
    can_manage: bool,
}

pub async fn view_positions_get(State(s): State<AppState>, session: Session, a: Actor, Query(q): Query<ListQuery>) -> Result<Response> {
    let scope = a.scope()?;
    let page = crate::params::page(q.page);
    let f = PositionFilter {
        q: Some(crate::params::search(&q.q)?),
        kind: crate::params::choice("jenis jabatan", Some(&q.kind), PositionKind::from_code)?,
        ..Default::default()
    };
    let res = scope.positions()?.list(&f, page, PER_PAGE).await?;
    // Labels from the cached unit options (kept per org revision), not a load per view.
    let options = s.cache.units(scope).await?;
    let units: HashMap<i64, &str> = options.iter().map(|u| (u.id, u.name.as_str())).collect();
    let pages = res.pages();
    let rows = res
        .items
        .into_iter()
        .map(|p| Row {
            id: p.id,
            code: p.code,
            name: p.name,
            jenjang: p.jenjang.label(),
            unit: units.get(&p.unit_id).map(|n| n.to_string()).unwrap_or_default(),
            criticality: p.criticality,
        })
        .collect();
    let keep = [("q", q.q.clone()), ("kind", q.kind.clone())];
    let layout = Layout::new(&a, &session, "Jabatan", "/organisasi/jabatan").await;
    Ok(render(ListPage {
        layout,
        rows,
        kinds: PositionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        q: q.q,
        kind: q.kind,
        total: res.total,
        page,
        pages,
        prev_q: page_query(&keep, page.saturating_sub(1)),
        next_q: page_query(&keep, page + 1),
        can_manage: a.can(Permission::ManageOrg),
    }))
}

#[derive(Deserialize, Default)]
pub struct FormData {
    #[serde(default)]
    pub unit_id: i64,
    pub code: String,
    pub name: String,
    pub jenjang: String,
    #[serde(default)]
    pub criticality: i16,
}

#[derive(Template)]
#[template(path = "org/position_form.html")]
struct FormPage {
    layout: Layout,
    form: FormData,
    errors: FormErrors,
    units: Vec<(i64, String)>,
    jenjangs: Vec<(&'static str, &'static str)>,
    editing: Option<i64>,
    active: bool,
}

async fn form_page(
    s: &AppState,
    session: &Session,
    a: &Actor,
    title: &str,
    form: FormData,
    errors: FormErrors,
    editing: Option<(i64, bool)>,
) -> Result<Response> {
    let units = s.cache.units(a.scope()?).await?.iter().filter(|u| u.active).map(|u| (u.id, u.label())).collect();
    let layout = Layout::new(a, session, title, "/organisasi/jabatan").await;
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        FormPage {
            layout,
            form,
            errors,
            units,
            jenjangs: Jenjang::ALL.iter().map(|j| (j.code(), j.label())).collect(),
            editing: editing.map(|e| e.0),
            active: editing.map(|e| e.1).unwrap_or(true),
        },
    ))
}

fn input(f: &FormData) -> PositionInput {
    PositionInput { unit_id: f.unit_id, code: f.code.clone(), name: f.name.clone(), jenjang: f.jenjang.clone(), criticality: f.criticality }
}

pub async fn view_position_new_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageOrg)?;
    let form = FormData { criticality: 2, jenjang: "pelaksana".into(), ..Default::default() };
    form_page(&s, &session, &a, "Tambah Jabatan", form, FormErrors::default(), None).await
}

pub async fn view_position_new_post(State(s): State<AppState>, session: Session, a: Actor, Form(f): Form<FormData>) -> Result<Response> {
    let result = a.scope()?.org_admin()?.create_position(&input(&f)).await;
    saved_or_again(&session, result, |_| "/organisasi/jabatan".into(), |errs| form_page(&s, &session, &a, "Tambah Jabatan", f, errs, None)).await
}

pub async fn view_position_edit_get(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    scope.org_admin()?;
    let p = scope.positions()?.get(id).await?;
    let form = FormData { unit_id: p.unit_id, code: p.code, name: p.name.clone(), jenjang: p.jenjang.code().to_string(), criticality: p.criticality };
    form_page(&s, &session, &a, &format!("Ubah Jabatan: {}", p.name), form, FormErrors::default(), Some((id, p.active))).await
}

pub async fn view_position_edit_post(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<FormData>) -> Result<Response> {
    let scope = a.scope()?;
    let admin = scope.org_admin()?;
    let p = scope.positions()?.get(id).await?;
    let result = admin.update_position(id, &input(&f)).await;
    let title = format!("Ubah Jabatan: {}", p.name);
    saved_or_again(&session, result, |_| "/organisasi/jabatan".into(), |errs| form_page(&s, &session, &a, &title, f, errs, Some((id, p.active)))).await
}

pub async fn view_position_status_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<super::units::StatusForm>) -> Result<Response> {
    let result = a.scope()?.org_admin()?.set_position_active(id, f.active).await;
    let done = if f.active { "Jabatan diaktifkan kembali." } else { "Jabatan dinonaktifkan." };
    status_done(&session, result, done, "Jabatan tidak dapat dinonaktifkan", "/organisasi/jabatan").await
}
