use std::collections::HashMap;

use crate::params::Form;
use crate::params::{Path, Query};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cakap_domain::employee::{Employee, EmployeeInput};
use cakap_domain::{EmployeeStatus, Permission, PositionKind};
use cakap_store::org::employees::EmployeeSort;
use cakap_store::org::employees::{EmployeeFilter, EmployeeForm};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{opt_id, render, render_status, saved_or_again, status_done};
use crate::view::{self, FormErrors, Layout, page_query};

pub const PER_PAGE: u64 = 25;
/// Exports stop here; a bigger export is a job for the CLI.
pub const EXPORT_LIMIT: u64 = 100_000;
pub use crate::params::MAX_PAGE;

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub sort: String,
    pub page: Option<u64>,
}

impl ListQuery {
    /// The store's filter; an unknown value of any filter, or an over-long search, is a 400.
    pub fn filter(&self) -> Result<EmployeeFilter> {
        use crate::params::{choice, id_choice, search};
        Ok(EmployeeFilter {
            q: Some(search(&self.q)?),
            unit_id: id_choice("unit", Some(&self.unit))?,
            kind: choice("jenis jabatan", Some(&self.kind), PositionKind::from_code)?,
            status: choice("status", Some(&self.status), EmployeeStatus::from_code)?,
            include_inactive: false,
            sort: choice("urutan", Some(&self.sort), |v| ["nama", "-nama", "nip", "-nip"].contains(&v).then(|| EmployeeSort::parse(v)))?.unwrap_or_default(),
        })
    }
    fn keep(&self) -> Vec<(&'static str, String)> {
        vec![("q", self.q.clone()), ("unit", self.unit.clone()), ("kind", self.kind.clone()), ("status", self.status.clone()), ("sort", self.sort.clone())]
    }

    /// Link for a sortable column header: ascending first, then toggles; (query, arrow).
    fn sort_link(&self, column: &str) -> (String, &'static str) {
        let (next, arrow) = match self.sort.as_str() {
            s if s == column => (format!("-{column}"), " ▲"),
            s if s.strip_prefix('-') == Some(column) => (column.to_string(), " ▼"),
            "" if column == "nama" => ("-nama".to_string(), " ▲"),
            _ => (column.to_string(), ""),
        };
        let mut keep: Vec<(&str, String)> = self.keep().into_iter().filter(|(k, v)| *k != "sort" && !v.is_empty()).collect();
        keep.push(("sort", next));
        (serde_urlencoded::to_string(keep).unwrap_or_default(), arrow)
    }
}

pub struct Row {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub status: &'static str,
    pub golongan: String,
    pub position: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "org/employees.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    q: ListQuery,
    units: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    total: u64,
    page: u64,
    pages: u64,
    prev_q: String,
    next_q: String,
    filter_q: String,
    sort_nama: (String, &'static str),
    sort_nip: (String, &'static str),
    can_manage: bool,
}

fn row(e: Employee) -> Row {
    Row {
        id: e.id,
        nip: view::nip(&e.nip),
        status: e.status.label(),
        golongan: e.golongan.unwrap_or_default(),
        position: e.position_name,
        unit: e.unit_name,
        name: e.name,
    }
}

/// Active units for the filter select: the whole tenant, or a supervisor's subtree.
async fn unit_options(s: &AppState, a: &Actor) -> Result<Vec<(i64, String)>> {
    if !a.can(Permission::ReadOrg) {
        return Ok(vec![]);
    }
    let whole = a.roles.employee_scope() == cakap_domain::ReadScope::Tenant;
    let units = s.cache.units(a.scope()?).await?;
    Ok(units.iter().filter(|u| u.active && (whole || a.unit_path.as_deref().is_some_and(|p| u.path.starts_with(p)))).map(|u| (u.id, u.label())).collect())
}

pub async fn view_employees_get(State(s): State<AppState>, session: Session, a: Actor, Query(q): Query<ListQuery>) -> Result<Response> {
    let page = q.page.unwrap_or(1).clamp(1, MAX_PAGE);
    let res = a.scope()?.employees()?.list(&q.filter()?, page, PER_PAGE).await?;
    let pages = res.pages();
    let total = res.total;
    let rows = res.items.into_iter().map(row).collect();
    let unit_opts = unit_options(&s, &a).await?;
    let keep = q.keep();
    let title = if a.roles.employee_scope() == cakap_domain::ReadScope::Own { "Data Saya" } else { "Pegawai" };
    let layout = Layout::new(&a, &session, title, "/organisasi/pegawai").await;
    Ok(render(ListPage {
        layout,
        rows,
        units: unit_opts,
        kinds: PositionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        total,
        page,
        pages,
        prev_q: page_query(&keep, page.saturating_sub(1)),
        next_q: page_query(&keep, page + 1),
        filter_q: serde_urlencoded::to_string(keep.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default(),
        sort_nama: q.sort_link("nama"),
        sort_nip: q.sort_link("nip"),
        q,
        can_manage: a.can(Permission::ManageOrg),
    }))
}

const EXPORT_HEADERS: [&str; 9] = ["NIP", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Status", "Golongan", "Unit", "Jabatan", "Email"];

async fn export_rows(a: &Actor, q: &ListQuery) -> Result<Vec<[String; 9]>> {
    let res = a.scope()?.employees()?.list(&q.filter()?, 1, EXPORT_LIMIT).await?;
    Ok(res
        .items
        .into_iter()
        .map(|e| {
            [
                e.nip,
                e.name,
                e.gender.code().to_string(),
                view::date_short(&e.birth_date),
                e.status.label().to_string(),
                e.golongan.unwrap_or_default(),
                e.unit_name,
                e.position_name,
                e.email.unwrap_or_default(),
            ]
        })
        .collect())
}

/// CSV of the filtered rows; formula-leading cells are neutralised (domain::csv_safety).
pub async fn view_employees_csv_get(a: Actor, Query(q): Query<ListQuery>) -> Result<Response> {
    let rows = export_rows(&a, &q).await?;
    let mut w = csv::WriterBuilder::new().from_writer(vec![]);
    let io = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(EXPORT_HEADERS).map_err(io)?;
    for r in &rows {
        w.write_record(r.iter().map(|c| cakap_domain::csv_safety::escape_cell(c).into_owned())).map_err(io)?;
    }
    let body = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"pegawai.csv\"")], body).into_response())
}

pub async fn view_employees_xlsx_get(a: Actor, Query(q): Query<ListQuery>) -> Result<Response> {
    let rows = export_rows(&a, &q).await?;
    crate::pages::xlsx_download(
        "pegawai.xlsx",
        "Pegawai",
        &EXPORT_HEADERS,
        rows.into_iter().map(|r| r.into_iter().map(crate::pages::XCell::Text).collect()),
        &[(0, 20.0), (1, 32.0)],
    )
}

#[derive(Template)]
#[template(path = "org/employee_detail.html")]
struct DetailPage {
    layout: Layout,
    e: Employee,
    nip: String,
    birth: String,
    golongan: String,
    target: String,
    email: String,
    can_manage: bool,
    can_akpk: bool,
}

pub async fn view_employee_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let e = a.scope()?.employees()?.get(id).await?;
    let layout = Layout::new(&a, &session, e.name.clone(), "/organisasi/pegawai")
        .await
        .crumbs(vec![("Pegawai".into(), "/organisasi/pegawai".into()), (e.name.clone(), String::new())]);
    Ok(render(DetailPage {
        layout,
        nip: view::nip(&e.nip),
        birth: cakap_domain::format::date_long(e.birth_date),
        golongan: e
            .golongan
            .clone()
            .map(|g| match cakap_domain::golongan::pangkat(&g) {
                Some(p) => format!("{g} ({p})"),
                None => g,
            })
            .unwrap_or_else(|| "-".into()),
        target: e.target_position_name.clone().unwrap_or_else(|| "-".into()),
        email: e.email.clone().unwrap_or_else(|| "-".into()),
        e,
        can_manage: a.can(Permission::ManageOrg),
        can_akpk: a.can(Permission::ReadAkpk),
    }))
}

#[derive(Deserialize, Default)]
pub struct FormData {
    #[serde(default)]
    pub nip: String,
    #[serde(default)]
    pub nama: String,
    #[serde(default)]
    pub jenis_kelamin: String,
    #[serde(default)]
    pub tanggal_lahir: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub golongan: String,
    #[serde(default)]
    pub email: String,
    pub unit_id: Option<String>,
    pub position_id: Option<String>,
    pub target_position_id: Option<String>,
}

impl FormData {
    fn to_form(&self) -> EmployeeForm {
        EmployeeForm {
            person: EmployeeInput {
                nip: self.nip.clone(),
                nama: self.nama.clone(),
                jenis_kelamin: self.jenis_kelamin.clone(),
                tanggal_lahir: self.tanggal_lahir.clone(),
                status: self.status.clone(),
                golongan: self.golongan.clone(),
                email: self.email.clone(),
            },
            unit_id: opt_id(&self.unit_id),
            position_id: opt_id(&self.position_id),
            target_position_id: opt_id(&self.target_position_id),
        }
    }
}

#[derive(Template)]
#[template(path = "org/employee_form.html")]
struct FormPage {
    layout: Layout,
    f: EmployeeInput,
    unit_id: Option<i64>,
    position_id: Option<i64>,
    target_id: Option<i64>,
    errors: FormErrors,
    units: Vec<(i64, String)>,
    positions: Vec<(i64, String)>,
    /// Golongan as a list to choose from (DOMAIN.md "Identity"), not free text.
    golongan_pns: &'static [(&'static str, &'static str)],
    golongan_pppk: &'static [&'static str],
}

async fn form_page(s: &AppState, session: &Session, a: &Actor, title: &str, form: EmployeeForm, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let all_units = s.cache.units(scope).await?;
    let unit_names: HashMap<i64, &str> = all_units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let units = all_units.iter().filter(|u| u.active).map(|u| (u.id, u.label())).collect();
    let positions = scope
        .positions()?
        .all()
        .await?
        .into_iter()
        .filter(|p| p.active)
        .map(|p| (p.id, format!("{} – {}", p.name, unit_names.get(&p.unit_id).copied().unwrap_or_default())))
        .collect();
    let layout = Layout::new(a, session, title, "/organisasi/pegawai").await;
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        FormPage {
            layout,
            unit_id: form.unit_id,
            position_id: form.position_id,
            target_id: form.target_position_id,
            f: form.person,
            errors,
            units,
            positions,
            golongan_pns: &cakap_domain::golongan::PNS,
            golongan_pppk: &cakap_domain::golongan::PPPK,
        },
    ))
}

pub async fn view_employee_new_get(State(s): State<AppState>, session: Session, a: Actor) -> Result<Response> {
    a.scope()?.org_admin()?;
    let mut form = EmployeeForm::default();
    form.person.status = "PNS".into();
    form.person.jenis_kelamin = "L".into();
    form_page(&s, &session, &a, "Tambah Pegawai", form, FormErrors::default()).await
}

pub async fn view_employee_new_post(State(s): State<AppState>, session: Session, a: Actor, Form(f): Form<FormData>) -> Result<Response> {
    let form = f.to_form();
    let result = a.scope()?.org_admin()?.create_employee(&form).await;
    saved_or_again(&session, result, |e| format!("/organisasi/pegawai/{}", e.id), |errs| form_page(&s, &session, &a, "Tambah Pegawai", form, errs)).await
}

pub async fn view_employee_edit_get(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.scope()?.org_admin()?;
    let e = a.scope()?.employees()?.get(id).await?;
    let form = EmployeeForm {
        person: EmployeeInput {
            nip: e.nip.clone(),
            nama: e.name.clone(),
            jenis_kelamin: e.gender.code().to_string(),
            tanggal_lahir: view::date_short(&e.birth_date),
            status: e.status.label().to_string(),
            golongan: e.golongan.clone().unwrap_or_default(),
            email: e.email.clone().unwrap_or_default(),
        },
        unit_id: Some(e.unit_id),
        position_id: Some(e.position_id),
        target_position_id: e.target_position_id,
    };
    form_page(&s, &session, &a, &format!("Ubah Pegawai: {}", e.name), form, FormErrors::default()).await
}

pub async fn view_employee_edit_post(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<FormData>) -> Result<Response> {
    let admin = a.scope()?.org_admin()?;
    let e = a.scope()?.employees()?.get(id).await?;
    let form = f.to_form();
    let result = admin.update_employee(id, &form).await;
    let title = format!("Ubah Pegawai: {}", e.name);
    saved_or_again(&session, result, |_| format!("/organisasi/pegawai/{id}"), |errs| form_page(&s, &session, &a, &title, form, errs)).await
}

pub async fn view_employee_status_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<super::units::StatusForm>) -> Result<Response> {
    let result = a.scope()?.org_admin()?.set_employee_active(id, f.active).await;
    let done = if f.active { "Pegawai diaktifkan kembali." } else { "Pegawai dinonaktifkan." };
    status_done(&session, result, done, "Status pegawai tidak dapat diubah", &format!("/organisasi/pegawai/{id}")).await
}
