//! AKPK: the heatmap with drill-down, an employee's gap analysis, assessments and SKP, the
//! needs list with export, the calibration list, priority competencies, imports and the
//! national roll-up.

pub mod calibration;
pub mod team;

use crate::params::Form;
use crate::params::{Path, Query};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::akpk::{NeedSource, PrioritySource, SkpRating, priority_label};
use cakap_domain::competency::{Family, Method};
use cakap_domain::format::decimal;
use cakap_domain::org::Unit;
use cakap_domain::{Permission, PositionKind, Role};
use cakap_store::akpk::analysis::{self, Against, EmployeeSummary, NeedRow, NeedSort};
use cakap_store::akpk::assessments::AssessmentInput;
use cakap_store::akpk::needs::NeedInput;
use cakap_store::akpk::performance::SkpInput;
use cakap_store::akpk::priorities::PriorityInput;
use cakap_store::import::table::RowError;
use serde::Deserialize;
use tower_sessions::Session;

use super::{XCell, opt_id, render, render_status, saved_or_again, see_other, xlsx_download};
use crate::AppState;
use crate::auth::Actor;
use crate::charts::{self, Cell};
use crate::error::{AppError, Result};
pub use crate::params::NeedQuery;
use crate::view::{self, FormErrors, Layout, flash};

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{} %", decimal(v * 100.0, 0))).unwrap_or_else(|| "-".into())
}

fn num2(x: Option<f64>) -> String {
    x.map(|v| decimal(v, 2)).unwrap_or_else(|| "-".into())
}

/// A JPM as shown: "83,33", or "Belum dinilai" when nothing of the standard is assessed yet.
pub fn jpm_shown(x: Option<f64>) -> String {
    x.map(|v| decimal(v, 2)).unwrap_or_else(|| "Belum dinilai".into())
}

/// A heatmap cell of row `row` and competency `col`: the mean gap (a gap of 2 levels or more
/// is the darkest red) or the share with a gap, and the full figures as its title.
fn gap_cell(row: &str, col: &str, c: &cakap_domain::rollup::Agg, by_share: bool) -> Cell {
    let (text, share) = if by_share { (pct(c.share_with_gap()), c.share_with_gap()) } else { (num2(c.mean_gap()), c.mean_gap().map(|g| g / 2.0)) };
    let title = format!("{row} – {col}: {} dinilai, rata-rata kesenjangan {}, {} dengan kesenjangan", c.assessed, num2(c.mean_gap()), pct(c.share_with_gap()));
    Cell { text, share, title }
}

// ---------------------------------------------------------------- heatmap and drill-down

#[derive(Deserialize, Default)]
pub struct MapQuery {
    unit: Option<String>,
    /// "gap" (mean gap, default) or "persen" (share with gap).
    ukuran: Option<String>,
    /// Page of the unit's staff list.
    page: Option<u64>,
}

/// Staff listed per page under a unit's heatmap.
const STAFF_PER_PAGE: usize = 50;

struct TableRow {
    name: String,
    href: String,
    employees: usize,
    cells: Vec<String>,
    jpm: String,
    bands: Vec<u32>,
}

#[derive(Template)]
#[template(path = "akpk/map.html")]
struct MapPage {
    layout: Layout,
    heat_svg: String,
    bars_svg: String,
    by_share: bool,
    unit_param: String,
    columns: Vec<String>,
    bands: Vec<String>,
    rows: Vec<TableRow>,
    staff: Vec<EmployeeSummary>,
    staff_title: String,
    staff_total: usize,
    staff_page: u64,
    staff_pages: u64,
    staff_prev: String,
    staff_next: String,
    /// The planner's view (links to the needs and calibration lists); false for "Kesenjangan Tim".
    tenant_wide: bool,
}

impl MapPage {
    fn jpm(x: &Option<f64>) -> String {
        jpm_shown(*x)
    }
}

/// Whose heatmap: the whole instansi (planners, PPK), or a supervisor's own unit subtree
/// ("Kesenjangan Tim"), whose root unit it starts from.
enum MapScope {
    Tenant,
    Team { path: String, root: i64 },
}

fn map_scope(a: &Actor) -> Result<MapScope> {
    if a.can(Permission::ReadNeeds) {
        return Ok(MapScope::Tenant);
    }
    a.require(Permission::ReadAkpk)?;
    match (a.roles.employee_scope(), &a.unit_path) {
        (cakap_domain::ReadScope::UnitSubtree, Some(path)) => {
            // The supervised unit is the one the supervisor role was granted on.
            let root = a.grants.iter().find(|g| g.role == Role::Supervisor).and_then(|g| g.unit_id).ok_or(AppError::Forbidden)?;
            Ok(MapScope::Team { path: path.clone(), root })
        }
        _ => Err(AppError::Forbidden),
    }
}

pub async fn view_map_get(session: Session, a: Actor, Query(q): Query<MapQuery>) -> Result<Response> {
    let scope = map_scope(&a)?;
    let (an, unit, home) = match &scope {
        MapScope::Tenant => (a.scope()?.analysis().await?, crate::params::id_choice("unit", q.unit.as_deref())?, None),
        MapScope::Team { path, root } => {
            (a.scope()?.team_analysis().await?, Some(crate::params::id_choice("unit", q.unit.as_deref())?.unwrap_or(*root)), Some(path.clone()))
        }
    };
    let focus = match unit {
        // A supervisor sees only units within the supervised subtree.
        Some(u) => Some(an.units.get(&u).filter(|x| home.as_deref().is_none_or(|p| x.path.starts_with(p))).cloned().ok_or(AppError::NotFound)?),
        None => None,
    };
    let by_share = crate::params::choice("ukuran", q.ukuran.as_deref(), |v| match v {
        "gap" => Some(false),
        "persen" => Some(true),
        _ => None,
    })?
    .unwrap_or(false);
    let hm = an.heatmap(unit);
    let columns: Vec<String> = hm.competencies.iter().map(|c| c.name.clone()).collect();
    let mut labels = vec![];
    let mut cells = vec![];
    let mut rows = vec![];
    for r in &hm.rows {
        let name = if r.own_staff { format!("{} (pegawai langsung)", r.unit.name) } else { r.unit.name.clone() };
        let href = if r.own_staff { String::new() } else { format!("/akpk?unit={}{}", r.unit.id, if by_share { "&ukuran=persen" } else { "" }) };
        labels.push((name.clone(), (!href.is_empty()).then(|| href.clone())));
        let row_cells: Vec<Cell> = r.cells.iter().zip(&columns).map(|(c, col)| gap_cell(&name, col, c, by_share)).collect();
        rows.push(TableRow {
            name,
            href,
            employees: r.employees,
            cells: row_cells.iter().map(|c| c.text.clone()).collect(),
            jpm: num2(r.total.jpm()),
            bands: r.bands.clone(),
        });
        cells.push(row_cells);
    }
    let caption = if by_share { "Persentase pegawai dengan kesenjangan per unit dan kompetensi" } else { "Rata-rata kesenjangan per unit dan kompetensi" };
    let legend = if by_share { ("0 %", "100 %") } else { ("0 level", "≥ 2 level") };
    let heat_svg = charts::heatmap(&labels, &columns, &cells, caption, legend);
    // Bands run from the best (green) to the worst (red) on the heat scale, whatever their
    // number; the last series, "belum dinilai", is grey.
    let graded = hm.bands.len().saturating_sub(1);
    let colours: Vec<String> = (0..hm.bands.len())
        .map(|i| if i == graded { "#757575".into() } else { charts::band_colour(i as f64 / graded.saturating_sub(1).max(1) as f64) })
        .collect();
    let series: Vec<(String, &str)> = hm.bands.iter().cloned().zip(colours.iter().map(String::as_str)).collect();
    let bars_svg = charts::stacked_bars(
        &labels.iter().map(|l| l.0.clone()).collect::<Vec<_>>(),
        &series,
        &rows.iter().map(|r| r.bands.clone()).collect::<Vec<_>>(),
        "Sebaran JPM per unit",
    );
    let (staff_total, staff_page, staff, staff_title) = match &focus {
        Some(u) => {
            let total = an.count_in(u.id);
            let pages = total.div_ceil(STAFF_PER_PAGE).max(1) as u64;
            let page = crate::params::page(q.page).min(pages);
            let staff = an.employees_in(u.id, (page as usize - 1) * STAFF_PER_PAGE, STAFF_PER_PAGE);
            (total, page, staff, format!("Pegawai {} (termasuk sub-unit)", u.name))
        }
        None => (0, 1, vec![], String::new()),
    };
    let staff_pages = staff_total.div_ceil(STAFF_PER_PAGE).max(1) as u64;
    let staff_query = |p: u64| format!("unit={}{}&page={p}", unit.unwrap_or_default(), if by_share { "&ukuran=persen" } else { "" });
    let mut crumbs = vec![("Peta Kesenjangan".to_string(), "/akpk".to_string())];
    if let Some(u) = &focus {
        // The chain from the analysis' own units (already loaded), root first.
        let chain = u.path.split('/').filter_map(|id| id.parse::<i64>().ok()).filter_map(|id| an.units.get(&id));
        let visible = chain.filter(|c| home.as_deref().is_none_or(|p| c.path.starts_with(p)));
        crumbs.extend(visible.map(|c| (c.name.clone(), format!("/akpk?unit={}", c.id))));
    }
    let title = focus.as_ref().map(|u| format!("Peta Kesenjangan: {}", u.name)).unwrap_or_else(|| "Peta Kesenjangan Kompetensi".into());
    let layout = Layout::new(&a, &session, title, "/akpk").await.crumbs(crumbs);
    let tenant_wide = matches!(scope, MapScope::Tenant);
    Ok(render(MapPage {
        layout,
        heat_svg,
        bars_svg,
        by_share,
        unit_param: unit.map(|u| u.to_string()).unwrap_or_default(),
        columns,
        bands: hm.bands,
        rows,
        staff,
        staff_title,
        staff_total,
        staff_page,
        staff_pages,
        staff_prev: staff_query(staff_page.saturating_sub(1)),
        staff_next: staff_query(staff_page + 1),
        tenant_wide,
    }))
}

// ---------------------------------------------------------------- one employee

#[derive(Deserialize, Default, Clone)]
pub struct AssessForm {
    #[serde(default)]
    pub competency_id: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub assessed_on: String,
    #[serde(default)]
    pub evidence: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct SkpForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    score: String,
}

struct HistoryRow {
    date: String,
    competency: String,
    /// "versi N" when judged against older indicators than the current ones.
    version: String,
    method: &'static str,
    level: u8,
    rater: String,
    evidence: String,
}

#[derive(Template)]
#[template(path = "akpk/employee.html")]
struct EmployeePage {
    layout: Layout,
    e: cakap_domain::employee::Employee,
    nip: String,
    unit: String,
    /// (heading, analysis) against the position held, then the target position if any.
    parts: Vec<(&'static str, Against)>,
    has_target: bool,
    skp: Vec<(i32, &'static str, String, u8)>,
    /// Indicator of (competency, level) in the current version: what the required level means.
    indicators: std::collections::HashMap<(i64, u8), String>,
    calibration: Vec<(String, String)>,
    history: Vec<HistoryRow>,
    methods: Vec<(&'static str, &'static str)>,
    competencies: Vec<(i64, String)>,
    form: AssessForm,
    errors: FormErrors,
    can_skp: bool,
    skp_form: SkpForm,
    skp_errors: FormErrors,
    ratings: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    printed: String,
    /// The signature block: the atasan's and the head of BKPSDM's names (blank lines when unknown),
    /// the instansi and the place and date line.
    atasan: String,
    kepala: String,
    instansi: String,
    signed_at: String,
}

/// Choices 1–n as (value, label) for a select.
fn numbers(n: usize) -> Vec<(&'static str, &'static str)> {
    ["1", "2", "3", "4", "5"].iter().take(n).map(|x| (*x, *x)).collect()
}

impl EmployeePage {
    fn gap_text(g: &Option<u8>) -> String {
        g.map(|g| g.to_string()).unwrap_or_else(|| "-".into())
    }
    fn level_text(l: &Option<u8>) -> String {
        l.map(|l| l.to_string()).unwrap_or_else(|| "belum dinilai".into())
    }
    fn method_text(m: &Option<Method>) -> &'static str {
        m.map(|m| m.label()).unwrap_or("")
    }
    fn prio_text(p: &Option<u8>) -> String {
        p.map(|p| format!("{p} ({})", priority_label(p))).unwrap_or_default()
    }
    fn jpm_text(j: &Option<f64>) -> String {
        jpm_shown(*j)
    }
    /// What the required level asks, shown under a competency with a gap.
    fn expected(&self, r: &analysis::GapRow) -> String {
        if r.gap.unwrap_or(0) == 0 {
            return String::new();
        }
        self.indicators.get(&(r.competency_id, r.required)).map(|i| format!("Level {}: {i}", r.required)).unwrap_or_default()
    }
}

/// The two forms of the AKPK page as typed, with their errors (empty on a first visit).
#[derive(Default)]
struct Typed {
    assess: AssessForm,
    assess_errors: FormErrors,
    skp: SkpForm,
    skp_errors: FormErrors,
}

async fn employee_page(session: &Session, a: &Actor, id: i64, typed: Typed) -> Result<Response> {
    let Typed { assess: form, assess_errors: errors, skp: skp_form, skp_errors } = typed;
    let scope = a.scope()?;
    let records = scope.akpk_records()?;
    let e = scope.employees()?.get(id).await?;
    let an = scope.employee_analysis(id).await?;
    let ei = an.employee_index(id).ok_or(AppError::NotFound)?;
    let held = an.against(ei, e.position_id);
    let target = e.target_position_id.filter(|p| *p != e.position_id).and_then(|p| an.against(ei, p));
    let unit = an.units.get(&e.unit_id).cloned();
    let skp =
        records.skp(id).await?.into_iter().map(|r| (r.year, r.rating.label(), r.score.map(|x| decimal(x, 2)).unwrap_or_default(), r.rating.gap())).collect();
    let names: std::collections::HashMap<i64, (String, i32)> = an.competencies.iter().map(|c| (c.id, (c.name.clone(), c.version))).collect();
    let indicators = scope.competencies()?.current_indicators().await?;
    let calibration = an
        .calibration_of(ei)
        .iter()
        .map(|d| (an.competency(d.competency).name.clone(), d.latest.iter().map(|(m, l)| format!("{} {l}", m.label())).collect::<Vec<_>>().join(", ")))
        .collect();
    let history = records
        .history(id)
        .await?
        .into_iter()
        .map(|h| HistoryRow {
            date: cakap_domain::format::date_long(h.assessed_on),
            competency: names.get(&h.competency_id).map(|n| n.0.clone()).unwrap_or_else(|| "(kompetensi nonaktif)".into()),
            version: match names.get(&h.competency_id) {
                Some((_, v)) if *v != h.competency_version => format!("indikator versi {}", h.competency_version),
                _ => String::new(),
            },
            method: h.method.label(),
            level: h.level,
            rater: h.rater_name,
            evidence: h.evidence,
        })
        .collect();
    let methods = a.scope()?.assessor()?.methods_for(id).await?.into_iter().map(|m| (m.code(), m.label())).collect();
    let competencies = an.competencies.iter().map(|c| (c.id, c.name.clone())).collect();
    let mut form = form;
    if form.assessed_on.is_empty() {
        form.assessed_on = a.today().to_string();
    }
    let atasan = records.atasan_name(e.id).await?.unwrap_or_default();
    let tenant = scope.tenant();
    let layout = Layout::new(a, session, format!("AKPK {}", e.name), "/akpk").await.crumbs(vec![
        ("Pegawai".into(), "/organisasi/pegawai".into()),
        (e.name.clone(), format!("/organisasi/pegawai/{}", e.id)),
        ("AKPK".into(), String::new()),
    ]);
    let status = if errors.any() || skp_errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        EmployeePage {
            layout,
            nip: view::nip(&e.nip),
            unit: unit.map(|u| u.name).unwrap_or_default(),
            e,
            has_target: target.is_some(),
            parts: held.map(|h| ("Terhadap jabatan saat ini", h)).into_iter().chain(target.map(|t| ("Terhadap jabatan target", t))).collect(),
            skp,
            indicators,
            calibration,
            history,
            methods,
            competencies,
            form,
            errors,
            can_skp: a.can(Permission::ManageNeeds),
            skp_form,
            skp_errors,
            ratings: SkpRating::ALL.iter().map(|r| (r.code(), r.label())).collect(),
            levels: numbers(5),
            printed: cakap_domain::format::date_long(a.today()),
            atasan,
            kepala: tenant.settings.kepala_bkpsdm.clone(),
            instansi: tenant.name.clone(),
            signed_at: cakap_domain::format::date_long(a.today()),
        },
    ))
}

pub async fn view_employee_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    employee_page(&session, &a, id, Typed::default()).await
}

fn parse_assessment(f: &AssessForm) -> std::result::Result<AssessmentInput, Vec<cakap_domain::FieldError>> {
    use cakap_domain::FieldError;
    let mut errs = vec![];
    let competency_id = f.competency_id.trim().parse::<i64>().map_err(|_| errs.push(FieldError::new("competency_id", "pilih kompetensi"))).unwrap_or(0);
    let level = cakap_domain::competency::Level::parse(&f.level).map_err(|m| errs.push(FieldError::new("level", m))).map(|l| l.get()).unwrap_or(0);
    let method = Method::from_code(&f.method);
    if method.is_none() {
        errs.push(FieldError::new("method", "pilih metode penilaian"));
    }
    let date = cakap_domain::format::parse_date(&f.assessed_on);
    if date.is_none() {
        errs.push(FieldError::new("assessed_on", "tanggal penilaian wajib diisi dengan benar, misalnya 26-11-2026"));
    }
    match (method, date) {
        (Some(method), Some(assessed_on)) if errs.is_empty() => {
            Ok(AssessmentInput { competency_id, level, method, assessed_on, evidence: f.evidence.clone(), rater_name: String::new() })
        }
        _ => Err(errs),
    }
}

/// Records an assessment of employee `id` by the actor: the form is parsed here, the rules
/// (reach, method, date) are the assessor's (`store::akpk::assessments::Assessor::assess`).
async fn record_assessment(a: &Actor, id: i64, f: &AssessForm) -> Result<cakap_domain::akpk::Assessment> {
    let assessor = a.scope()?.assessor()?;
    let input = parse_assessment(f).map_err(AppError::Invalid)?;
    Ok(assessor.assess(id, input).await?)
}

pub async fn view_assess_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<AssessForm>) -> Result<Response> {
    let result = record_assessment(&a, id, &f).await;
    saved_or_again(
        &session,
        result,
        |_| format!("/akpk/pegawai/{id}"),
        |errs| employee_page(&session, &a, id, Typed { assess: f.clone(), assess_errors: errs, ..Default::default() }),
    )
    .await
}

pub async fn view_skp_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<SkpForm>) -> Result<Response> {
    let admin = a.scope()?.needs_admin()?;
    use cakap_domain::FieldError;
    let mut errs = vec![];
    let year = f.year.trim().parse::<i32>().map_err(|_| errs.push(FieldError::new("year", "tahun SKP wajib diisi, misalnya 2025"))).unwrap_or(0);
    let rating = SkpRating::from_code(&f.rating);
    if rating.is_none() {
        errs.push(FieldError::new("rating", "pilih predikat kinerja"));
    }
    let score = if f.score.trim().is_empty() {
        None
    } else {
        let v = cakap_domain::format::parse_decimal(&f.score);
        if v.is_none() {
            errs.push(FieldError::new("score", "nilai SKP harus berupa angka"));
        }
        v
    };
    let result = match rating {
        Some(rating) if errs.is_empty() => admin.set_skp(id, &SkpInput { year, rating, score }).await,
        _ => Err(cakap_store::StoreError::Invalid(errs)),
    };
    saved_or_again(
        &session,
        result,
        |_| format!("/akpk/pegawai/{id}"),
        |errs| employee_page(&session, &a, id, Typed { skp: f.clone(), skp_errors: errs, ..Default::default() }),
    )
    .await
}

// ---------------------------------------------------------------- needs

#[derive(Template)]
#[template(path = "akpk/needs.html")]
struct NeedsPage {
    layout: Layout,
    q: NeedQuery,
    rows: Vec<NeedRow>,
    total: usize,
    page: u64,
    pages: u64,
    query: String,
    query_prev: String,
    query_next: String,
    units: Vec<(i64, String)>,
    competencies: Vec<(i64, String)>,
    families: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    sorts: Vec<(&'static str, &'static str)>,
    can_manage: bool,
    by_competency: Vec<(String, usize, usize)>,
}

impl NeedsPage {
    fn src(s: &NeedSource) -> &'static str {
        s.label()
    }
    fn plabel(p: &u8) -> &'static str {
        priority_label(*p)
    }
    fn total_text(&self) -> String {
        view::int(self.total as u64)
    }
    fn lvl(l: &Option<u8>) -> String {
        l.map(|l| l.to_string()).unwrap_or_else(|| "-".into())
    }
}

const NEEDS_PER_PAGE: u64 = 50;

/// Units as indented options (tree order).
pub(crate) fn unit_options<'a>(units: impl Iterator<Item = &'a Unit>) -> Vec<(i64, String)> {
    let mut units: Vec<&Unit> = units.filter(|u| u.active).collect();
    units.sort_by(|a, b| a.path.cmp(&b.path));
    units.into_iter().map(|u| (u.id, u.indented())).collect()
}

pub async fn view_needs_get(session: Session, a: Actor, Query(q): Query<NeedQuery>) -> Result<Response> {
    let (filter, sort) = (q.filter()?, q.sort()?);
    let per = NEEDS_PER_PAGE as usize;
    let asked = q.page.unwrap_or(1).max(1);
    let offset = (asked.saturating_sub(1) as usize).saturating_mul(per);
    let (an, mut found) = cakap_store::akpk::needs::page(a.scope()?, &filter, sort, offset, per).await?;
    let pages = (found.total as u64).div_ceil(NEEDS_PER_PAGE).max(1);
    let page = asked.min(pages);
    if page != asked {
        // Past the last page (an old link after the list shrank): show the last one.
        found = cakap_store::akpk::needs::page(a.scope()?, &filter, sort, (page as usize - 1) * per, per).await?.1;
    }
    let by_comp = found.by_competency.iter().map(|(c, n, high)| (c.name.clone(), *n, *high)).collect();
    let total = found.total;
    let shown = found.rows;
    let pairs = q.pairs();
    let layout = Layout::new(&a, &session, "Daftar Kebutuhan Pengembangan Kompetensi", "/akpk/kebutuhan").await;
    Ok(render(NeedsPage {
        layout,
        total,
        page,
        pages,
        query: view::filter_query(&pairs),
        query_prev: view::page_query(&pairs, page.saturating_sub(1)),
        query_next: view::page_query(&pairs, page + 1),
        units: unit_options(an.units.values()),
        competencies: an.competencies.iter().map(|c| (c.id, c.name.clone())).collect(),
        families: Family::ALL.iter().map(|f| (f.code(), f.label())).collect(),
        kinds: PositionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        sources: NeedSource::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        sorts: NeedSort::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        can_manage: a.can(Permission::ManageNeeds),
        by_competency: by_comp,
        rows: shown,
        q,
    }))
}

/// Rows one needs export carries at most (a 200,000-employee ministry has ~460,000 needs).
const NEEDS_EXPORT_MAX: usize = 100_000;

pub const NEED_EXPORT_HEADERS: [&str; 14] = [
    "Prioritas",
    "Tingkat",
    "NIP",
    "Nama",
    "Unit",
    "Jabatan",
    "Kompetensi",
    "Kelompok",
    "Sumber",
    "Level Dipersyaratkan",
    "Level Saat Ini",
    "Kesenjangan",
    "Keterangan",
    "Jenis Jabatan",
];

pub async fn view_needs_xlsx_get(a: Actor, Query(q): Query<NeedQuery>) -> Result<Response> {
    let (_, found) = cakap_store::akpk::needs::page(a.scope()?, &q.filter()?, q.sort()?, 0, NEEDS_EXPORT_MAX).await?;
    let rest = found.total.saturating_sub(found.rows.len());
    let rows = found.rows;
    let opt = |v: Option<u8>| v.map(|x| XCell::Num(f64::from(x))).unwrap_or(XCell::Text(String::new()));
    // Past the cap the file says how many were left out, so nobody reads it as the whole list.
    let note = (rest > 0).then(|| {
        let mut row: Vec<XCell> = (0..NEED_EXPORT_HEADERS.len()).map(|_| XCell::Text(String::new())).collect();
        row[3] =
            XCell::Text(format!("{} kebutuhan lain tidak dimuat; saring daftar (unit, kompetensi, prioritas) untuk mengunduhnya.", view::int(rest as u64)));
        row
    });
    let out = rows.into_iter().map(|r| {
        vec![
            XCell::Num(f64::from(r.priority)),
            XCell::Text(priority_label(r.priority).into()),
            XCell::Text(r.nip),
            XCell::Text(r.employee_name),
            XCell::Text(r.unit_name),
            XCell::Text(r.position_name),
            XCell::Text(r.competency_name),
            XCell::Text(r.family.label().into()),
            XCell::Text(r.source.label().into()),
            opt(r.required),
            opt(r.actual),
            XCell::Num(f64::from(r.gap)),
            XCell::Text(r.note),
            XCell::Text(r.position_kind.map(|k| k.label()).unwrap_or("").into()),
        ]
    });
    let out = out.chain(note);
    xlsx_download(
        "kebutuhan-pengembangan-kompetensi.xlsx",
        "Kebutuhan",
        &NEED_EXPORT_HEADERS,
        out,
        &[(2, 20.0), (3, 30.0), (4, 30.0), (5, 30.0), (6, 28.0), (12, 40.0)],
    )
}

#[derive(Deserialize, Default, Clone)]
pub struct NeedForm {
    #[serde(default)]
    competency_id: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    nip: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    gap: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "akpk/need_form.html")]
struct NeedFormPage {
    layout: Layout,
    f: NeedForm,
    errors: FormErrors,
    units: Vec<(i64, String)>,
    competencies: Vec<(i64, String)>,
    sources: Vec<(&'static str, &'static str)>,
    gaps: Vec<(&'static str, &'static str)>,
}

async fn need_form(session: &Session, a: &Actor, f: NeedForm, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let units = scope.units()?.list().await?;
    let competencies = scope.competencies()?.list().await?.into_iter().filter(|c| c.active).map(|c| (c.id, c.name)).collect();
    let layout = Layout::new(a, session, "Tambah Kebutuhan", "/akpk/kebutuhan")
        .await
        .crumbs(vec![("Kebutuhan".into(), "/akpk/kebutuhan".into()), ("Tambah".into(), String::new())]);
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        NeedFormPage {
            layout,
            f,
            errors,
            units: unit_options(units.iter()),
            competencies,
            sources: [NeedSource::Community, NeedSource::Policy, NeedSource::Manual].iter().map(|k| (k.code(), k.label())).collect(),
            gaps: numbers(4),
        },
    ))
}

pub async fn view_need_new_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageNeeds)?;
    need_form(&session, &a, NeedForm { gap: "1".into(), ..Default::default() }, FormErrors::default()).await
}

pub async fn view_need_new_post(session: Session, a: Actor, Form(f): Form<NeedForm>) -> Result<Response> {
    let scope = a.scope()?;
    let admin = scope.needs_admin()?;
    use cakap_domain::FieldError;
    let mut errs = vec![];
    let employee_id = match f.nip.chars().filter(|c| !c.is_whitespace()).collect::<String>() {
        n if n.is_empty() => None,
        n => match scope.employees()?.by_nip(&n).await? {
            Some(e) => Some(e.id),
            None => {
                errs.push(FieldError::new("nip", format!("NIP {n} tidak terdaftar di instansi ini")));
                None
            }
        },
    };
    let source = NeedSource::from_code(&f.source);
    if source.is_none() {
        errs.push(FieldError::new("source", "pilih sumber kebutuhan"));
    }
    let competency_id = f.competency_id.trim().parse::<i64>().unwrap_or(0);
    let gap = f.gap.trim().parse::<u8>().unwrap_or(0);
    let input = NeedInput {
        employee_id,
        unit_id: opt_id(&Some(f.unit_id.clone())),
        competency_id,
        source: source.unwrap_or(NeedSource::Manual),
        gap,
        note: f.note.clone(),
    };
    // Report the NIP together with every other problem of the form.
    errs.extend(input.check());
    let result = if errs.is_empty() { admin.create_need(&input).await } else { Err(cakap_store::StoreError::Invalid(errs)) };
    saved_or_again(&session, result, |_| "/akpk/kebutuhan".into(), |errs| need_form(&session, &a, f.clone(), errs)).await
}

pub async fn view_need_close_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.scope()?.needs_admin()?.close_need(id).await?;
    flash(&session, "Kebutuhan ditutup.").await;
    Ok(see_other("/akpk/kebutuhan"))
}

// ---------------------------------------------------------------- calibration

// ---------------------------------------------------------------- priorities

#[derive(Template)]
#[template(path = "akpk/priorities.html")]
struct PrioritiesPage {
    layout: Layout,
    visi: String,
    misi: String,
    program: String,
    /// (competency id, name, family label, chosen source code, reason)
    rows: Vec<(i64, String, &'static str, String, String)>,
    sources: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    can_edit: bool,
}

async fn priorities_page(session: &Session, a: &Actor, typed: Option<(String, String, Vec<PriorityInput>)>, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let settings = &scope.tenant().settings;
    let current = scope.needs_admin()?.priorities().await?;
    let (misi, program, chosen) = typed.unwrap_or((settings.misi.clone(), settings.program_prioritas.clone(), current));
    let rows = scope
        .competencies()?
        .list()
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| {
            let pick = chosen.iter().find(|p| p.competency_id == c.id);
            (c.id, c.name, c.family.label(), pick.map(|p| p.source.code().to_string()).unwrap_or_default(), pick.map(|p| p.reason.clone()).unwrap_or_default())
        })
        .collect();
    let layout = Layout::new(a, session, "Prioritas Kebijakan", "/akpk/prioritas").await;
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(render_status(
        status,
        PrioritiesPage {
            layout,
            visi: settings.visi.clone(),
            misi,
            program,
            rows,
            sources: PrioritySource::ALL.iter().map(|p| (p.code(), p.label())).collect(),
            errors,
            can_edit: a.can(Permission::ManageNeeds),
        },
    ))
}

pub async fn view_priorities_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ReadNeeds)?;
    priorities_page(&session, &a, None, FormErrors::default()).await
}

/// Form fields: `misi`, `program`, and per competency `src_<id>` (empty = not a priority) and
/// `why_<id>`.
pub async fn view_priorities_post(session: Session, a: Actor, Form(f): Form<Vec<(String, String)>>) -> Result<Response> {
    let admin = a.scope()?.needs_admin()?;
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let items: Vec<PriorityInput> = f
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("src_")?.parse::<i64>().ok()?;
            let source = PrioritySource::from_code(v)?;
            Some(PriorityInput { competency_id: id, source, reason: get(&format!("why_{id}")) })
        })
        .collect();
    let (misi, program) = (get("misi"), get("program"));
    let result = admin.set_policy(&misi, &program, &items).await;
    saved_or_again(
        &session,
        result,
        |_| "/akpk/prioritas".into(),
        |errs| priorities_page(&session, &a, Some((misi.clone(), program.clone(), items.clone())), errs),
    )
    .await
}

// ---------------------------------------------------------------- imports

#[derive(Template)]
#[template(path = "akpk/import.html")]
struct ImportPage {
    layout: Layout,
    kind: String,
    errors: Vec<RowError>,
    message: String,
}

async fn import_page(a: &Actor, session: &Session, kind: String, errors: Vec<RowError>, message: String) -> Result<Response> {
    let layout = Layout::new(a, session, "Impor Hasil Penilaian dan SKP", "/akpk/impor").await;
    let status = if errors.is_empty() && message.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(render_status(status, ImportPage { layout, kind, errors, message }))
}

pub async fn view_import_get(session: Session, a: Actor) -> Result<Response> {
    a.scope()?.needs_admin()?;
    import_page(&a, &session, "penilaian".into(), vec![], String::new()).await
}

pub async fn view_import_template_get(a: Actor, Path(kind): Path<String>) -> Result<Response> {
    a.require(Permission::ManageNeeds)?;
    let (name, headers): (&str, &[&str]) = match kind.as_str() {
        "penilaian.csv" => ("templat-penilaian.csv", &cakap_store::akpk::imports::ASSESSMENT_HEADERS),
        "skp.csv" => ("templat-skp.csv", &cakap_store::akpk::imports::SKP_HEADERS),
        _ => return Err(AppError::NotFound),
    };
    Ok(super::csv_template(name, headers))
}

pub async fn view_import_post(session: Session, a: Actor, mp: Multipart) -> Result<Response> {
    let admin = a.scope()?.needs_admin()?;
    let up = super::read_upload(&a, mp).await?;
    let kind = up.field("kind").to_string();
    let super::Upload { file_name, bytes, .. } = up;
    if bytes.is_empty() {
        return import_page(&a, &session, kind, vec![], "Pilih berkas yang akan diunggah.".into()).await;
    }
    let table = match cakap_store::import::read_table_blocking(file_name.clone(), bytes).await {
        Ok(t) => t,
        Err(e) => return import_page(&a, &session, kind, vec![], e.to_string()).await,
    };
    let outcome = match kind.as_str() {
        "skp" => admin.import_skp(&table).await?,
        _ => admin.import_assessments(&table).await?,
    };
    match outcome {
        Ok(n) => {
            let what = if kind == "skp" { "nilai SKP" } else { "hasil penilaian" };
            flash(&session, &format!("Impor selesai: {n} {what} disimpan.")).await;
            Ok(see_other("/akpk/impor"))
        }
        Err(errors) => {
            let msg = format!("Tidak ada data yang disimpan: {} kesalahan ditemukan. Perbaiki berkas lalu unggah kembali.", errors.len());
            import_page(&a, &session, kind, errors, msg).await
        }
    }
}

// ---------------------------------------------------------------- national

#[derive(Template)]
#[template(path = "akpk/national.html")]
struct NationalPage {
    layout: Layout,
    heat_svg: String,
    /// How many tenants the heatmap shows (the largest), of how many.
    heat_shown: (usize, usize),
    columns: Vec<String>,
    /// (tenant name, employees, cells, overall mean gap, overall share, JPM)
    rows: Vec<(String, String, Vec<String>, String, String, String)>,
    total: Vec<String>,
    /// (mean gap, share with gap, JPM, effective assessments, ASN counted)
    overall: (String, String, String, String, String),
    q: crate::params::NationalQuery,
    filtered: bool,
    /// Instansi being recomputed in the background.
    pending: usize,
    /// The filter's options: (code, label)
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    golongan: Vec<(String, String)>,
    genders: Vec<(&'static str, &'static str)>,
    ages: Vec<(&'static str, &'static str)>,
}

/// Tenants in the national heatmap: the largest by ASN counted (the table lists all).
const NATIONAL_HEAT_ROWS: usize = 40;

pub async fn view_national_get(State(s): State<AppState>, session: Session, a: Actor, Query(q): Query<crate::params::NationalQuery>) -> Result<Response> {
    use cakap_domain::org::{EmployeeStatus, Gender};
    let filter = q.filter()?;
    let n = a.nation(&s.store)?.analysis(&filter, a.today()).await?;
    let columns: Vec<String> = n.competencies.iter().map(|c| c.1.clone()).collect();
    let mut largest: Vec<&(cakap_domain::org::Tenant, usize, Vec<cakap_domain::rollup::Agg>, cakap_domain::rollup::Agg)> = n.tenants.iter().collect();
    largest.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.name.cmp(&y.0.name)));
    largest.truncate(NATIONAL_HEAT_ROWS);
    let labels: Vec<(String, Option<String>)> = largest.iter().map(|t| (t.0.name.clone(), None)).collect();
    let cells: Vec<Vec<Cell>> =
        largest.iter().map(|(t, _, cs, _)| cs.iter().zip(&columns).map(|(c, col)| gap_cell(&t.name, col, c, false)).collect()).collect();
    let heat_svg = charts::heatmap(&labels, &columns, &cells, "Rata-rata kesenjangan per instansi dan kompetensi nasional", ("0 level", "≥ 2 level"));
    let rows = n
        .tenants
        .iter()
        .map(|(t, heads, cs, all)| {
            (
                t.name.clone(),
                view::int(*heads as u64),
                cs.iter().map(|c| num2(c.mean_gap())).collect(),
                num2(all.mean_gap()),
                pct(all.share_with_gap()),
                num2(all.jpm()),
            )
        })
        .collect();
    let golongan = cakap_domain::golongan::PNS
        .iter()
        .map(|(c, p)| (c.to_string(), format!("PNS {c} ({p})")))
        .chain(cakap_domain::golongan::PPPK.iter().map(|c| (c.to_string(), format!("PPPK {c}"))))
        .collect();
    let layout = Layout::new(&a, &session, "Rekap Nasional AKPK", "/nasional").await;
    Ok(render(NationalPage {
        layout,
        heat_svg,
        heat_shown: (largest.len(), n.tenants.len()),
        columns,
        rows,
        total: n.total.iter().map(|c| num2(c.mean_gap())).collect(),
        overall: (
            num2(n.overall.mean_gap()),
            pct(n.overall.share_with_gap()),
            num2(n.overall.jpm()),
            view::int(n.overall.assessed),
            view::int(n.employees as u64),
        ),
        filtered: !filter.is_empty(),
        pending: n.pending,
        q,
        kinds: PositionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        statuses: EmployeeStatus::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        golongan,
        genders: Gender::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        ages: cakap_domain::national::AgeBand::ALL.iter().map(|k| (k.code(), k.label())).collect(),
    }))
}
