//! The planner's calibration list (`/akpk/kalibrasi`): where raters disagree by two levels or
//! more, filtered, exported, and settled one by one with a calibrated level and its reason.

use askama::Template;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_store::akpk::analysis::Analysis;
use serde::Deserialize;
use tower_sessions::Session;

use super::unit_options;
use crate::auth::Actor;
use crate::error::Result;
use crate::pages::{XCell, render, saved_or_again, xlsx_download};
use crate::params::{Form, Query};
use crate::view::{self, FormErrors, Layout};

const PER_PAGE: usize = 50;

#[derive(Deserialize, Default, Clone)]
pub struct CalibrationQuery {
    unit: Option<String>,
    kompetensi: Option<String>,
    /// Name or NIP (at most 100 characters).
    q: Option<String>,
    page: Option<u64>,
}

impl CalibrationQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![("unit", v(&self.unit)), ("kompetensi", v(&self.kompetensi)), ("q", v(&self.q))]
    }
}

pub struct Row {
    pub employee_id: i64,
    pub competency_id: i64,
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub competency: String,
    /// The latest level of each method, as text.
    pub levels: String,
}

#[derive(Template)]
#[template(path = "akpk/calibration.html")]
struct CalibrationPage {
    layout: Layout,
    q: CalibrationQuery,
    rows: Vec<Row>,
    total: usize,
    page: u64,
    pages: u64,
    query: String,
    query_prev: String,
    query_next: String,
    units: Vec<(i64, String)>,
    competencies: Vec<(i64, String)>,
    /// The settle form as typed, and its errors (shown on its row).
    form: CalibrateForm,
    errors: FormErrors,
    can_manage: bool,
}

impl CalibrationPage {
    /// Whether the settle form that failed belongs to this row.
    fn failed_here(&self, r: &Row) -> bool {
        self.errors.any() && self.form.employee_id == r.employee_id.to_string() && self.form.competency_id == r.competency_id.to_string()
    }
}

fn matching(an: &Analysis, q: &CalibrationQuery) -> Result<Vec<Row>> {
    let unit = crate::params::id_choice("unit", q.unit.as_deref())?;
    let competency = crate::params::id_choice("kompetensi", q.kompetensi.as_deref())?;
    let text = q.q.as_deref().map(crate::params::search).transpose()?;
    Ok(an
        .calibration_matching(unit, competency, text.as_deref())
        .into_iter()
        .map(|d| {
            let e = &an.employees[d.employee];
            let c = an.competency(d.competency);
            Row {
                employee_id: e.id,
                competency_id: c.id,
                nip: view::nip(&e.nip),
                name: e.name.clone(),
                unit: an.units.get(&e.unit_id).map(|u| u.name.clone()).unwrap_or_default(),
                competency: c.name.clone(),
                levels: d.latest.iter().map(|(m, l)| format!("{}: {l}", m.label())).collect::<Vec<_>>().join(" · "),
            }
        })
        .collect())
}

async fn page(session: &Session, a: &Actor, q: CalibrationQuery, form: CalibrateForm, errors: FormErrors) -> Result<Response> {
    a.require(Permission::ReadNeeds)?;
    let an = a.scope()?.analysis().await?;
    let all = matching(&an, &q)?;
    let total = all.len();
    let pages = total.div_ceil(PER_PAGE).max(1) as u64;
    let page = crate::params::page(q.page).min(pages);
    let rows = all.into_iter().skip((page as usize - 1) * PER_PAGE).take(PER_PAGE).collect();
    let pairs = q.pairs();
    let layout = Layout::new(a, session, "Perlu Kalibrasi", "/akpk/kalibrasi").await;
    Ok(render(CalibrationPage {
        layout,
        rows,
        total,
        page,
        pages,
        query: view::filter_query(&pairs),
        query_prev: view::page_query(&pairs, page.saturating_sub(1)),
        query_next: view::page_query(&pairs, page + 1),
        units: unit_options(an.units.values()),
        competencies: an.competencies.iter().map(|c| (c.id, c.name.clone())).collect(),
        form,
        errors,
        can_manage: a.can(Permission::ManageNeeds),
        q,
    }))
}

pub async fn view_calibration_get(session: Session, a: Actor, Query(q): Query<CalibrationQuery>) -> Result<Response> {
    page(&session, &a, q, CalibrateForm::default(), FormErrors::default()).await
}

pub async fn view_calibration_xlsx_get(a: Actor, Query(q): Query<CalibrationQuery>) -> Result<Response> {
    a.require(Permission::ReadNeeds)?;
    let an = a.scope()?.analysis().await?;
    let rows = matching(&an, &q)?
        .into_iter()
        .map(|r| vec![XCell::Text(r.nip), XCell::Text(r.name), XCell::Text(r.unit), XCell::Text(r.competency), XCell::Text(r.levels)]);
    xlsx_download(
        "perlu-kalibrasi.xlsx",
        "Perlu Kalibrasi",
        &["NIP", "Nama", "Unit", "Kompetensi", "Level terbaru per penilai"],
        rows,
        &[(0, 24.0), (1, 30.0), (2, 30.0), (3, 30.0), (4, 50.0)],
    )
}

#[derive(Deserialize, Default, Clone)]
pub struct CalibrateForm {
    #[serde(default)]
    employee_id: String,
    #[serde(default)]
    competency_id: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    note: String,
    /// The list's filters and page, to return to.
    #[serde(default)]
    back: String,
}

/// Settles one disagreement; back to the same filtered list, or the list again with the row's
/// errors and what was typed.
pub async fn view_calibrate_post(session: Session, a: Actor, Form(f): Form<CalibrateForm>) -> Result<Response> {
    let admin = a.scope()?.needs_admin()?;
    let employee = f.employee_id.trim().parse::<i64>().unwrap_or(0);
    let competency = f.competency_id.trim().parse::<i64>().unwrap_or(0);
    let level = f.level.trim().parse::<u8>().unwrap_or(0);
    let result = admin.calibrate(employee, competency, level, &f.note).await;
    // Only the list's own query goes back into the address.
    let back: String = f.back.chars().filter(|c| c.is_ascii_alphanumeric() || "=&%+-_.".contains(*c)).take(300).collect();
    let q: CalibrationQuery = serde_urlencoded::from_str(&back).unwrap_or_default();
    saved_or_again(&session, result, |_| format!("/akpk/kalibrasi?{back}"), |errs| page(&session, &a, q, f.clone(), errs)).await
}
