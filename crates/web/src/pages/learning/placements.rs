//! Magang, detasering, coaching and mentoring: BKPSDM's list and form, and a placement's page
//! where the employee keeps the logbook and hands in the report and the mentor grades it.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_domain::learning::placement::{Grade, PlacementInput, PlacementKind};
use serde::Deserialize;
use tower_sessions::Session;

use super::classes::acted;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{render, render_status};
use crate::params::{Form, Path};
use crate::view::{FormErrors, Layout, period};

pub struct PlacementLine {
    pub id: i64,
    pub who: String,
    pub kind: &'static str,
    pub host: String,
    pub period: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "learning/placements.html")]
struct PlacementsPage {
    layout: Layout,
    rows: Vec<PlacementLine>,
    can_manage: bool,
}

pub async fn view_placements_get(session: Session, a: Actor) -> Result<Response> {
    let list = a.scope()?.placements().await?;
    let rows = list
        .into_iter()
        .map(|p| PlacementLine {
            id: p.id,
            who: format!("{} ({})", p.employee_name, crate::view::nip(&p.employee_nip)),
            kind: p.kind.label(),
            host: p.host,
            period: period(p.starts_on, p.ends_on),
            status: p.status.label(),
        })
        .collect();
    let layout = Layout::new(&a, &session, "Magang dan Pembelajaran di Tempat Kerja", "/magang").await;
    Ok(render(PlacementsPage { layout, rows, can_manage: a.can(Permission::ManageClasses) }))
}

#[derive(Deserialize, Default, Clone)]
pub struct PlacementForm {
    #[serde(default)]
    pub nip: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub partner_id: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub mentor: String,
    #[serde(default)]
    pub mentor_user_id: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub jp: String,
    #[serde(default)]
    pub goals: String,
}

#[derive(Template)]
#[template(path = "learning/placement_form.html")]
struct PlacementFormPage {
    layout: Layout,
    form: PlacementForm,
    errors: FormErrors,
    kinds: Vec<(&'static str, &'static str)>,
    partners: Vec<(String, String)>,
    accounts: Vec<(String, String)>,
}

async fn placement_form(a: &Actor, session: &Session, form: PlacementForm, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let cat = scope.plans()?.catalogue().await?;
    let partners = cat.partners.iter().filter(|p| p.active).map(|p| (p.id.to_string(), p.name.clone())).collect();
    let accounts = scope.classes()?.instructor_accounts().await?.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout =
        Layout::new(a, session, "Penugasan Baru", "/magang").await.crumbs(vec![("Magang".into(), "/magang".into()), ("Penugasan baru".into(), String::new())]);
    Ok(render_status(
        status,
        PlacementFormPage { layout, form, errors, kinds: PlacementKind::ALL.iter().map(|k| (k.code(), k.label())).collect(), partners, accounts },
    ))
}

pub async fn view_placement_new_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    placement_form(&a, &session, PlacementForm { kind: PlacementKind::Magang.code().into(), ..Default::default() }, FormErrors::default()).await
}

pub async fn view_placement_new_post(session: Session, a: Actor, Form(f): Form<PlacementForm>) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    let scope = a.scope()?;
    let mut errs = vec![];
    let nip: String = f.nip.chars().filter(char::is_ascii_digit).collect();
    let emp = if nip.len() == 18 || nip.len() == 16 { scope.employees()?.by_nip(&nip).await? } else { None };
    if emp.is_none() {
        errs.push(cakap_domain::FieldError::new("nip", "NIP tidak ditemukan di instansi ini"));
    }
    let starts_on = crate::view::required_date(&f.starts_on, "starts_on", "tanggal mulai", &mut errs);
    let ends_on = crate::view::required_date(&f.ends_on, "ends_on", "tanggal selesai", &mut errs);
    let jp = f.jp.trim().parse::<u32>().ok();
    if jp.is_none() {
        errs.push(cakap_domain::FieldError::new("jp", "JP harus bilangan bulat"));
    }
    let kind = PlacementKind::from_code(&f.kind);
    if kind.is_none() {
        errs.push(cakap_domain::FieldError::new("kind", "pilih jenis penugasan"));
    }
    let (Some(emp), Some(starts_on), Some(ends_on), Some(jp), Some(kind), true) = (emp, starts_on, ends_on, jp, kind, errs.is_empty()) else {
        return placement_form(&a, &session, f, FormErrors(errs)).await;
    };
    let input = PlacementInput {
        employee_id: emp.id,
        kind,
        partner_id: crate::params::opt_id(&Some(f.partner_id.clone())),
        host: f.host.clone(),
        mentor: f.mentor.clone(),
        mentor_user_id: crate::params::opt_id(&Some(f.mentor_user_id.clone())),
        starts_on,
        ends_on,
        jp,
        goals: f.goals.clone(),
    };
    let res = scope.classes()?.create_placement(&input).await;
    crate::pages::saved_or_again(&session, res, |id| format!("/magang/{id}"), |errs| placement_form(&a, &session, f.clone(), errs)).await
}

#[derive(Template)]
#[template(path = "learning/placement.html")]
struct PlacementPage {
    layout: Layout,
    p: cakap_store::learning::placements::Placement,
    kind: &'static str,
    status: &'static str,
    period: String,
    grade: String,
    log: Vec<(String, String)>,
    own: bool,
    may_grade: bool,
    running: bool,
    reported: bool,
    grades: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    today: String,
}

async fn placement_page(a: &Actor, session: &Session, id: i64, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let view = scope.placement(id).await?;
    let p = view.placement.clone();
    let log = view.log().await?.into_iter().map(|l| (cakap_domain::format::date_long(l.on_date), l.body)).collect();
    let layout = Layout::new(a, session, format!("{} di {}", p.kind.label(), p.host), "/magang")
        .await
        .crumbs(vec![("Magang".into(), "/magang".into()), (p.host.clone(), String::new())]);
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        PlacementPage {
            layout,
            kind: p.kind.label(),
            status: p.status.label(),
            period: period(p.starts_on, p.ends_on),
            grade: p.grade.map(|g| g.label().to_string()).unwrap_or_default(),
            running: p.status == cakap_domain::learning::placement::PlacementStatus::Running,
            reported: p.status == cakap_domain::learning::placement::PlacementStatus::Reported,
            own: view.own,
            may_grade: view.may_grade,
            p,
            log,
            grades: Grade::ALL.iter().map(|g| (g.code(), g.label())).collect(),
            errors,
            today: cakap_domain::format::date_short(scope.today()),
        },
    ))
}

pub async fn view_placement_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    placement_page(&a, &session, id, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
pub struct LogForm {
    #[serde(default)]
    pub on_date: String,
    #[serde(default)]
    pub body: String,
}

pub async fn view_placement_log_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<LogForm>) -> Result<Response> {
    let scope = a.scope()?;
    let view = scope.placement(id).await?;
    let Some(date) = cakap_domain::format::parse_date(&f.on_date) else {
        return placement_page(&a, &session, id, FormErrors(vec![cakap_domain::FieldError::new("on_date", "tanggal wajib diisi seperti 31-12-2027")])).await;
    };
    match view.add_log(date, &f.body).await {
        Ok(()) => {
            crate::view::flash(&session, "Catatan logbook disimpan.").await;
            Ok(crate::pages::see_other(&format!("/magang/{id}")))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => placement_page(&a, &session, id, FormErrors(errs)).await,
        Err(cakap_store::StoreError::Conflict(field, why)) => {
            placement_page(&a, &session, id, FormErrors(vec![cakap_domain::FieldError::new(field, why)])).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    pub report: String,
}

pub async fn view_placement_report_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<ReportForm>) -> Result<Response> {
    let view = a.scope()?.placement(id).await?;
    match view.report(&f.report).await {
        Ok(()) => {
            crate::view::flash(&session, "Laporan akhir diserahkan; mentor dapat memberi nilai.").await;
            Ok(crate::pages::see_other(&format!("/magang/{id}")))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => placement_page(&a, &session, id, FormErrors(errs)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct GradeForm {
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub note: String,
}

pub async fn view_placement_grade_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<GradeForm>) -> Result<Response> {
    let view = a.scope()?.placement(id).await?;
    let grade = Grade::from_code(&f.grade).ok_or_else(|| AppError::BadRequest("Pilih nilai: kurang, sesuai atau melampaui.".into()))?;
    let res = view.grade(grade, &f.note).await;
    acted(&session, res, |_| format!("Penugasan dinilai \"{}\".", grade.label()), &format!("/magang/{id}")).await
}
