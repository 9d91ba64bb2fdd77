//! The atasan's team grid (`/akpk/tim/penilaian`: staff × competencies, one save) and the
//! assessment periods (`/akpk/periode`: who still has to rate whom, reminders).

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use cakap_store::akpk::team::{AtasanProgress, Grid, Period};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{render, saved_or_again, see_other};
use crate::params::{Form, Path, Query};
use crate::view::{self, FormErrors, Layout};

/// Staff per page of the grid.
const GRID_PER_PAGE: usize = 25;

#[derive(Deserialize, Default)]
pub struct GridQuery {
    /// "1": only staff not yet done in the active period.
    belum: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "akpk/team.html")]
struct TeamPage {
    layout: Layout,
    grid: Grid,
    only_pending: bool,
    page: u64,
    pages: u64,
    query_prev: String,
    query_next: String,
    errors: FormErrors,
    /// What the user typed, by field name, when the save was refused.
    typed: HashMap<String, String>,
}

impl TeamPage {
    fn field(e: &i64, c: &i64) -> String {
        format!("n_{e}_{c}")
    }
    /// The value a cell's select shows: what was typed, else the current rating.
    fn value(&self, e: &i64, c: &cakap_store::akpk::team::GridCell) -> String {
        match self.typed.get(&Self::field(e, &c.competency_id)) {
            Some(v) => v.clone(),
            None => c.level.map(|l| l.to_string()).unwrap_or_default(),
        }
    }
    fn rated(c: &cakap_store::akpk::team::GridCell) -> String {
        match (c.current, c.rated_on) {
            (true, Some(d)) => format!("dinilai {}", cakap_domain::format::date_long(d)),
            (false, Some(d)) => format!("terakhir {}; perlu dinilai lagi", cakap_domain::format::date_long(d)),
            _ => "belum dinilai".into(),
        }
    }
    fn period_text(p: &Period) -> String {
        format!("{} ({})", p.name, view::period(p.starts_on, p.ends_on))
    }
}

async fn grid_page(session: &Session, a: &Actor, q: &GridQuery, errors: FormErrors, typed: HashMap<String, String>) -> Result<Response> {
    let only_pending = q.belum.as_deref() == Some("1");
    let team = a.scope()?.team()?;
    let asked = crate::params::page(q.page);
    let mut grid = team.grid(only_pending, (asked as usize - 1) * GRID_PER_PAGE, GRID_PER_PAGE).await?;
    let pages = grid.total.div_ceil(GRID_PER_PAGE).max(1) as u64;
    let page = asked.min(pages);
    if page != asked {
        grid = team.grid(only_pending, (page as usize - 1) * GRID_PER_PAGE, GRID_PER_PAGE).await?;
    }
    let filter = [("belum", if only_pending { "1" } else { "" }.to_string())];
    let layout = Layout::new(a, session, "Penilaian Kompetensi Tim", "/akpk/tim/penilaian").await;
    Ok(render(TeamPage {
        layout,
        grid,
        only_pending,
        page,
        pages,
        query_prev: view::page_query(&filter, page.saturating_sub(1)),
        query_next: view::page_query(&filter, page + 1),
        errors,
        typed,
    }))
}

pub async fn view_team_grid_get(session: Session, a: Actor, Query(q): Query<GridQuery>) -> Result<Response> {
    grid_page(&session, &a, &q, FormErrors::default(), HashMap::new()).await
}

/// The grid's save: every `n_<employee>_<competency>` field with a level; blank cells are left
/// as they are. Refused as a whole, with what was typed kept, when any cell is wrong.
pub async fn view_team_grid_post(session: Session, a: Actor, Query(q): Query<GridQuery>, Form(fields): Form<Vec<(String, String)>>) -> Result<Response> {
    let mut cells = vec![];
    let mut errs = vec![];
    let mut typed = HashMap::new();
    for (name, value) in fields.iter().filter(|(n, _)| n.starts_with("n_")) {
        if typed.len() >= cakap_store::akpk::team::MAX_GRID_CELLS {
            return Err(AppError::BadRequest(format!("Terlalu banyak isian: paling banyak {} nilai sekali simpan.", cakap_store::akpk::team::MAX_GRID_CELLS)));
        }
        typed.insert(name.clone(), value.chars().take(2).collect::<String>());
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let mut parts = name[2..].splitn(2, '_').map(|p| p.parse::<i64>().ok());
        let (Some(Some(e)), Some(Some(c))) = (parts.next(), parts.next()) else {
            return Err(AppError::BadRequest("Isian formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.".into()));
        };
        match value.parse::<u8>() {
            Ok(level) => cells.push((e, c, level)),
            Err(_) => errs.push(cakap_domain::FieldError::new("grid", format!("nilai \"{value}\" bukan level 1–5"))),
        }
    }
    let result = if errs.is_empty() { a.scope()?.team()?.save(&cells).await } else { Err(cakap_store::StoreError::Invalid(errs)) };
    let back = format!("/akpk/tim/penilaian?{}page={}", if q.belum.as_deref() == Some("1") { "belum=1&" } else { "" }, crate::params::page(q.page));
    saved_or_again(&session, result, |_| back.clone(), |errs| grid_page(&session, &a, &q, errs, typed)).await
}

// ---------------------------------------------------------------- periods

#[derive(Template)]
#[template(path = "akpk/periods.html")]
struct PeriodsPage {
    layout: Layout,
    periods: Vec<Period>,
    active: Option<i64>,
    can_manage: bool,
    form: PeriodForm,
    errors: FormErrors,
}

impl PeriodsPage {
    fn dates(p: &Period) -> String {
        view::period(p.starts_on, p.ends_on)
    }
    fn is_active(&self, p: &Period) -> bool {
        self.active == Some(p.id)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct PeriodForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

async fn periods_page(session: &Session, a: &Actor, form: PeriodForm, errors: FormErrors) -> Result<Response> {
    let periods = a.scope()?.periods()?;
    let list = periods.list().await?;
    let active = periods.active().await?.map(|p| p.id);
    let layout = Layout::new(a, session, "Periode Penilaian Kompetensi", "/akpk/periode").await;
    Ok(render(PeriodsPage { layout, periods: list, active, can_manage: a.can(cakap_domain::Permission::ManageNeeds), form, errors }))
}

pub async fn view_periods_get(session: Session, a: Actor) -> Result<Response> {
    periods_page(&session, &a, PeriodForm::default(), FormErrors::default()).await
}

pub async fn view_periods_post(session: Session, a: Actor, Form(f): Form<PeriodForm>) -> Result<Response> {
    let mut errs = vec![];
    let starts = view::required_date(&f.starts_on, "starts_on", "tanggal mulai", &mut errs);
    let ends = view::required_date(&f.ends_on, "ends_on", "tanggal selesai", &mut errs);
    let result = match (starts, ends) {
        (Some(s), Some(e)) if errs.is_empty() => a.scope()?.periods()?.create(&f.name, s, e).await,
        _ => {
            // The name's problems too, in the same answer (one day, so no date problem is added).
            errs.extend(cakap_domain::akpk::check_period(&f.name, time::Date::MIN, time::Date::MIN));
            Err(cakap_store::StoreError::Invalid(errs))
        }
    };
    saved_or_again(&session, result, |p| format!("/akpk/periode/{}", p.id), |errs| periods_page(&session, &a, f.clone(), errs)).await
}

#[derive(Template)]
#[template(path = "akpk/period.html")]
struct PeriodPage {
    layout: Layout,
    period: Period,
    rows: Vec<AtasanProgress>,
    staff: usize,
    done: usize,
    behind: usize,
    reminded: String,
}

impl PeriodPage {
    fn dates(&self) -> String {
        view::period(self.period.starts_on, self.period.ends_on)
    }
}

pub async fn view_period_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let periods = scope.periods()?;
    let period = periods.get(id).await?;
    let rows = periods.progress(id).await?;
    let (staff, done) = rows.iter().fold((0, 0), |acc, r| (acc.0 + r.staff, acc.1 + r.done));
    let behind = rows.iter().filter(|r| r.done < r.staff).count();
    let reminded = period.reminded_at.map(|t| view::datetime(&t, scope.tenant().zone)).unwrap_or_default();
    let layout = Layout::new(&a, &session, format!("Periode Penilaian: {}", period.name), "/akpk/periode")
        .await
        .crumbs(vec![("Periode Penilaian".into(), "/akpk/periode".into()), (period.name.clone(), String::new())]);
    Ok(render(PeriodPage { layout, period, rows, staff, done, behind, reminded }))
}

pub async fn view_period_remind_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let told = a.scope()?.periods()?.remind(id).await?;
    let text = if told == 0 {
        "Semua atasan sudah menilai lengkap; tidak ada pengingat yang dikirim.".to_string()
    } else {
        format!("Pengingat dikirim kepada {told} atasan.")
    };
    view::flash(&session, &text).await;
    Ok(see_other(&format!("/akpk/periode/{id}")))
}
