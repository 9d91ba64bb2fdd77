use crate::params::Form;
use crate::params::{Path, Query};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::org::Unit;
use cakap_domain::{Permission, UnitKind};
use cakap_store::org::units::UnitInput;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::Actor;
use crate::error::Result;
use crate::pages::{opt_id, render, render_status, saved_or_again, status_done};
use crate::view::{FormErrors, Layout};

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub depth: usize,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "org/units.html")]
struct UnitsPage {
    layout: Layout,
    rows: Vec<UnitRow>,
    q: String,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
pub struct UnitsQuery {
    #[serde(default)]
    q: String,
}

/// The whole tree (a tenant has hundreds of units, not millions), or with `q` the units whose
/// name or code contains it, still in tree order so each keeps its indentation.
pub async fn view_units_get(session: Session, a: Actor, Query(q): Query<UnitsQuery>) -> Result<Response> {
    let needle = q.q.trim().to_lowercase();
    let rows = a
        .scope()?
        .units()?
        .list()
        .await?
        .into_iter()
        .filter(|u| needle.is_empty() || u.name.to_lowercase().contains(&needle) || u.code.to_lowercase().contains(&needle))
        .map(|u| UnitRow { depth: u.depth(), kind: u.kind.label(), id: u.id, name: u.name, code: u.code, active: u.active })
        .collect();
    let layout = Layout::new(&a, &session, "Unit Kerja", "/organisasi/unit").await;
    Ok(render(UnitsPage { layout, rows, q: q.q, can_manage: a.can(Permission::ManageOrg) }))
}

#[derive(Template)]
#[template(path = "org/unit_detail.html")]
struct UnitPage {
    layout: Layout,
    unit: Unit,
    staff: u64,
    children: Vec<(i64, String)>,
    positions: Vec<(String, String)>,
    can_manage: bool,
}

pub async fn view_unit_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let units = scope.units()?;
    let unit = units.get(id).await?;
    let all = units.list().await?;
    let children = all.iter().filter(|u| u.parent_id == Some(id)).map(|u| (u.id, u.name.clone())).collect();
    let filter = cakap_store::org::positions::PositionFilter { unit_id: Some(id), ..Default::default() };
    let positions = scope.positions()?.list(&filter, 1, 200).await?.items.into_iter().map(|p| (p.name, p.jenjang.label().to_string())).collect();
    let ef = cakap_store::org::employees::EmployeeFilter { unit_id: Some(id), ..Default::default() };
    // Staff within the reader's own reach (an instructor reads no employee rows: 0).
    let staff = match scope.employees() {
        Ok(employees) => employees.list(&ef, 1, 1).await?.total,
        Err(_) => 0,
    };
    let mut crumbs = vec![("Organisasi".to_string(), "/organisasi/unit".to_string())];
    for anc in units.ancestors(&unit).await? {
        crumbs.push((anc.name.clone(), format!("/organisasi/unit/{}", anc.id)));
    }
    let layout = Layout::new(&a, &session, unit.name.clone(), "/organisasi/unit").await.crumbs(crumbs);
    Ok(render(UnitPage { layout, unit, staff, children, positions, can_manage: a.can(Permission::ManageOrg) }))
}

#[derive(Deserialize, Default)]
pub struct UnitFormData {
    pub parent_id: Option<String>,
    pub code: String,
    pub name: String,
    pub kind: String,
}

pub struct UnitFormView {
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Template)]
#[template(path = "org/unit_form.html")]
struct UnitForm {
    layout: Layout,
    form: UnitFormView,
    errors: FormErrors,
    parents: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
}

/// `exclude`: the unit being edited, whose own subtree cannot become its parent.
async fn form_page(session: &Session, a: &Actor, title: &str, form: UnitFormView, errors: FormErrors, exclude: Option<&Unit>) -> Result<Response> {
    let parents =
        a.scope()?.units()?.list().await?.into_iter().filter(|u| u.active && exclude.is_none_or(|e| !e.contains(u))).map(|u| (u.id, u.indented())).collect();
    let layout = Layout::new(a, session, title, "/organisasi/unit").await;
    let kinds = UnitKind::ALL.iter().map(|k| (k.code(), k.label())).collect();
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(status, UnitForm { layout, form, errors, parents, kinds }))
}

fn input(f: &UnitFormData) -> UnitInput {
    UnitInput { parent_id: opt_id(&f.parent_id), code: f.code.clone(), name: f.name.clone(), kind: f.kind.clone() }
}

fn view_of(f: &UnitFormData) -> UnitFormView {
    UnitFormView { parent_id: opt_id(&f.parent_id), code: f.code.clone(), name: f.name.clone(), kind: f.kind.clone() }
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<i64>,
}

pub async fn view_unit_new_get(session: Session, a: Actor, Query(q): Query<NewQuery>) -> Result<Response> {
    a.require(Permission::ManageOrg)?;
    let form = UnitFormView { parent_id: q.parent, code: String::new(), name: String::new(), kind: "bidang".into() };
    form_page(&session, &a, "Tambah Unit", form, FormErrors::default(), None).await
}

pub async fn view_unit_new_post(session: Session, a: Actor, Form(f): Form<UnitFormData>) -> Result<Response> {
    let result = a.scope()?.org_admin()?.create_unit(&input(&f)).await;
    saved_or_again(&session, result, |u| format!("/organisasi/unit/{}", u.id), |errs| form_page(&session, &a, "Tambah Unit", view_of(&f), errs, None)).await
}

pub async fn view_unit_edit_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    scope.org_admin()?;
    let u = scope.units()?.get(id).await?;
    let form = UnitFormView { parent_id: u.parent_id, code: u.code.clone(), name: u.name.clone(), kind: u.kind.code().to_string() };
    form_page(&session, &a, &format!("Ubah Unit: {}", u.name), form, FormErrors::default(), Some(&u)).await
}

pub async fn view_unit_edit_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<UnitFormData>) -> Result<Response> {
    let scope = a.scope()?;
    let admin = scope.org_admin()?;
    let u = scope.units()?.get(id).await?;
    let result = admin.update_unit(id, &input(&f)).await;
    let title = format!("Ubah Unit: {}", u.name);
    saved_or_again(&session, result, |_| format!("/organisasi/unit/{id}"), |errs| form_page(&session, &a, &title, view_of(&f), errs, Some(&u))).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    pub active: bool,
}

pub async fn view_unit_status_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<StatusForm>) -> Result<Response> {
    let result = a.scope()?.org_admin()?.set_unit_active(id, f.active).await;
    let done = if f.active { "Unit diaktifkan kembali." } else { "Unit dinonaktifkan." };
    status_done(&session, result, done, "Unit tidak dapat dinonaktifkan", &format!("/organisasi/unit/{id}")).await
}
