//! The annual plan's pages: the list and the form that generates a plan from needs, the plan
//! with who is covered and who is left out and why, what more budget would buy, its workflow
//! (PyB submits, PPK approves or returns with a comment), the print view and the XLSX export.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_domain::format::{int, rupiah};
use cakap_domain::plan::build::{LeftOut, Rules};
use cakap_domain::plan::catalogue::JalurGroup;
use cakap_domain::plan::workflow::{PlanAction, PlanStatus};
use cakap_store::plan::catalogue::Catalogue;
use cakap_store::plan::plans::{PlanDetail, PlanRequest};
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{XCell, render, render_status, see_other, xlsx_download};
use crate::params::{Form, Path};
use crate::view::{FormErrors, Layout};

/// Left-out rows a plan's page lists (the XLSX has them all).
pub const LEFT_OUT_SHOWN: usize = 300;

/// The generate / regenerate form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct RequestForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub min_per_unit: String,
    #[serde(default)]
    pub reserve_group: String,
    #[serde(default)]
    pub reserve_percent: String,
    /// The checkbox "below 20 JP first": present when ticked.
    #[serde(default)]
    pub below_minimum_jp: Option<String>,
}

impl RequestForm {
    fn of(p: &cakap_store::plan::plans::Plan) -> RequestForm {
        RequestForm {
            year: p.year.to_string(),
            title: p.title.clone(),
            budget: int(p.budget),
            min_per_unit: p.rules.min_per_unit.map(|m| m.to_string()).unwrap_or_default(),
            reserve_group: p.rules.reserve.map(|r| r.0.code().to_string()).unwrap_or_default(),
            reserve_percent: p.rules.reserve.map(|r| r.1.to_string()).unwrap_or_default(),
            below_minimum_jp: p.rules.below_minimum_jp.map(|_| "1".into()),
        }
    }

    /// The request; the JP rule counts the ledger of `this_year` (the tenant's today).
    fn request(&self, this_year: i32) -> std::result::Result<PlanRequest, AppError> {
        let mut errs = vec![];
        let year = self.year.trim().parse::<i32>().unwrap_or_else(|_| {
            errs.push(cakap_domain::FieldError::new("year", "tahun rencana harus angka, mis. 2027"));
            0
        });
        let budget = cakap_domain::format::parse_rupiah(&self.budget).unwrap_or_else(|| {
            errs.push(cakap_domain::FieldError::new("budget", "pagu anggaran harus angka rupiah, mis. 750.000.000"));
            0
        });
        let min_per_unit = match self.min_per_unit.trim() {
            "" | "0" => None,
            s => s.parse::<u32>().ok().or_else(|| {
                errs.push(cakap_domain::FieldError::new("min_per_unit", "minimal peserta per unit harus bilangan bulat 1–1.000"));
                None
            }),
        };
        let group = match self.reserve_group.trim() {
            "" => None,
            s => JalurGroup::from_code(s).or_else(|| {
                errs.push(cakap_domain::FieldError::new("reserve_group", "kelompok jalur tidak dikenal"));
                None
            }),
        };
        let reserve = match group {
            None => None,
            Some(g) => match self.reserve_percent.trim().trim_end_matches('%').parse::<u8>() {
                Ok(p) => Some((g, p)),
                Err(_) => {
                    errs.push(cakap_domain::FieldError::new("reserve_percent", "porsi anggaran yang dicadangkan harus 1–100%"));
                    None
                }
            },
        };
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let below_minimum_jp = self.below_minimum_jp.is_some().then_some(this_year);
        Ok(PlanRequest { year, title: self.title.clone(), budget, rules: Rules { min_per_unit, reserve, below_minimum_jp } })
    }
}

pub struct PlanRow {
    pub id: i64,
    pub year: i32,
    pub version: i32,
    pub title: String,
    pub status: &'static str,
    pub approved: bool,
    pub budget: String,
    pub cost: String,
}

#[derive(Template)]
#[template(path = "plan/plans.html")]
struct PlansPage {
    layout: Layout,
    rows: Vec<PlanRow>,
    can_manage: bool,
    form: RequestForm,
    errors: FormErrors,
    groups: Vec<(&'static str, &'static str)>,
    programs: usize,
}

async fn plans_page(session: &Session, a: &Actor, form: RequestForm, errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let plans = scope.plans()?;
    let list = plans.list().await?;
    let cat = plans.catalogue().await?;
    let today = scope.today();
    let rows = list
        .iter()
        .map(|p| PlanRow {
            id: p.id,
            year: p.year,
            version: p.version,
            title: p.title.clone(),
            status: p.status.label(),
            approved: p.status == PlanStatus::Approved,
            budget: rupiah(p.budget),
            cost: rupiah(p.cost),
        })
        .collect();
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout::new(a, session, "Rencana Pengembangan Kompetensi", "/rencana").await;
    Ok(render_status(
        status,
        PlansPage {
            layout,
            rows,
            can_manage: a.can(Permission::ManagePlan),
            form,
            errors,
            groups: JalurGroup::ALL.iter().map(|g| (g.code(), g.label())).collect(),
            programs: cat.programs.iter().filter(|p| cat.plannable(p, today)).count(),
        },
    ))
}

pub async fn view_plans_get(session: Session, a: Actor) -> Result<Response> {
    let year = a.today().year() + 1;
    let form = RequestForm { year: year.to_string(), title: format!("Rencana Pengembangan Kompetensi ASN Tahun {year}"), ..Default::default() };
    plans_page(&session, &a, form, FormErrors::default()).await
}

/// Generation runs as a job: the request is checked here (a bad field comes back on the form
/// as typed), then the job's page shows its progress and opens the plan when it is done.
pub async fn view_plan_new_post(session: Session, a: Actor, Form(f): Form<RequestForm>) -> Result<Response> {
    let planner = a.scope()?.planner()?;
    let result = match f.request(a.today().year()) {
        Ok(req) => planner.start_generate(&req).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(job) => Ok(see_other(&format!("/rencana/tugas/{job}"))),
        Err(AppError::Invalid(errs)) => plans_page(&session, &a, f.clone(), FormErrors(errs)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "plan/job.html")]
struct JobPage {
    layout: Layout,
    id: i64,
    kind: &'static str,
    running: bool,
    progress: u8,
    stage: String,
    started: String,
    error: String,
    back: String,
}

/// A generation job: its progress while it runs (the page refreshes itself), the plan once it
/// is done, the reason when it failed.
pub async fn view_plan_job_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    use cakap_domain::job::JobStatus;
    let j = a.scope()?.plans()?.job(id).await?;
    if let (JobStatus::Done, Some(plan)) = (j.status, j.result_id) {
        return Ok(see_other(&format!("/rencana/{plan}")));
    }
    let layout = Layout::new(&a, &session, j.kind.label(), "/rencana").await;
    // A failed job keeps no result: back to the plans, where the form is.
    let back = "/rencana".to_string();
    Ok(render(JobPage {
        layout,
        id: j.id,
        kind: j.kind.label(),
        running: j.status == JobStatus::Running,
        progress: j.progress,
        stage: j.stage,
        started: crate::view::datetime(&j.created_at, a.zone),
        error: j.error.trim_end_matches('.').to_string(),
        back,
    }))
}

pub struct ItemRow {
    pub id: i64,
    pub no: usize,
    pub program: String,
    pub competencies: String,
    pub jalur: String,
    pub organiser: String,
    pub quarter: i16,
    pub fit: String,
    pub classes: i32,
    pub participants: i32,
    pub jp: i32,
    pub budget: String,
    pub people: Vec<(String, String, String)>,
}

pub struct Summary {
    pub budget: String,
    pub cost: String,
    pub left: String,
    pub covered: String,
    pub left_out: String,
    pub by_reason: Vec<(&'static str, usize)>,
    pub needs_people: usize,
}

pub struct WhatIfRow {
    pub percent: u8,
    pub budget: String,
    pub people: String,
    pub more_people: String,
    pub value_gain: String,
}

pub struct DiffView {
    pub base_version: i32,
    pub items: Vec<(String, String, String)>,
    pub added: Vec<(String, String)>,
    pub removed: Vec<(String, String)>,
    pub money: String,
}

/// The plan, shaped for its page and its print.
pub struct PlanView {
    pub id: i64,
    pub year: i32,
    pub version: i32,
    pub title: String,
    pub status: PlanStatus,
    pub status_label: &'static str,
    pub summary: Summary,
    pub what_if: Vec<WhatIfRow>,
    pub items: Vec<ItemRow>,
    pub left_out: Vec<(String, String, String, &'static str)>,
    pub left_out_more: usize,
    pub events: Vec<(String, &'static str, String, String)>,
    pub unmet: Vec<String>,
    pub rules: String,
}

async fn view_of(a: &Actor, s: &AppState, d: &PlanDetail, cat: &Catalogue) -> Result<PlanView> {
    let scope = a.scope()?;
    let names: HashMap<i64, String> = scope.competencies()?.list().await?.into_iter().map(|c| (c.id, c.name)).collect();
    let units: HashMap<i64, String> = s.cache.units(scope).await?.iter().map(|u| (u.id, u.name.clone())).collect();
    let p = &d.plan;
    let mut per_item: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for st in &d.seats {
        per_item.entry(st.item_id).or_default().push((crate::view::nip(&st.nip), st.name.clone(), units.get(&st.unit_id).cloned().unwrap_or_default()));
    }
    let items = d
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let prog = cat.programs.iter().find(|x| x.id == it.program_id);
            ItemRow {
                id: it.id,
                no: i + 1,
                program: prog.map(|x| x.name.clone()).unwrap_or_default(),
                competencies: prog
                    .map(|x| {
                        x.competencies
                            .iter()
                            .map(|c| format!("{} (level {})", names.get(&c.competency_id).cloned().unwrap_or_default(), c.target_level))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default(),
                jalur: prog.map(|x| x.jalur.full()).unwrap_or_default(),
                organiser: prog.map(|x| cat.organiser(x)).unwrap_or_default(),
                quarter: it.quarter,
                fit: it.curriculum_fit.clone(),
                classes: it.classes,
                participants: it.participants,
                jp: prog.map(|x| x.jp).unwrap_or(0),
                budget: rupiah(it.budget),
                people: per_item.remove(&it.id).unwrap_or_default(),
            }
        })
        .collect();
    let mut by_reason: Vec<(&'static str, usize)> = vec![];
    for r in [LeftOut::Budget, LeftOut::Capacity, LeftOut::NoProgram] {
        let n = d.left_out.iter().filter(|l| l.reason == r).count();
        if n > 0 {
            by_reason.push((r.label(), n));
        }
    }
    let covered = d.seats.len();
    let what_if = p
        .what_if
        .iter()
        .map(|w| WhatIfRow {
            percent: w.percent,
            budget: rupiah(w.budget as i64),
            people: int(w.people as i64),
            more_people: format!("+{}", int(w.people as i64 - covered as i64)),
            value_gain: if p.value > 0 {
                format!("+{}%", cakap_domain::format::decimal((w.value as f64 / p.value as f64 - 1.0) * 100.0, 1))
            } else {
                "—".into()
            },
        })
        .collect();
    let left_out = d
        .left_out
        .iter()
        .take(LEFT_OUT_SHOWN)
        .map(|l| (crate::view::nip(&l.nip), l.name.clone(), units.get(&l.unit_id).cloned().unwrap_or_default(), l.reason.label()))
        .collect();
    let mut rules = vec![];
    if let Some(m) = p.rules.min_per_unit {
        rules.push(format!("minimal {m} peserta per unit"));
    }
    if let Some((g, pct)) = p.rules.reserve {
        rules.push(format!("{pct}% anggaran dicadangkan untuk {}", g.label().to_lowercase()));
    }
    if let Some(y) = p.rules.below_minimum_jp {
        rules.push(format!("pegawai yang belum mencapai {} JP pada tahun {y} didahulukan", cakap_domain::learning::jp::MINIMUM_PER_YEAR));
    }
    Ok(PlanView {
        id: p.id,
        year: p.year,
        version: p.version,
        title: p.title.clone(),
        status: p.status,
        status_label: p.status.label(),
        summary: Summary {
            budget: rupiah(p.budget),
            cost: rupiah(p.cost),
            left: rupiah(p.budget - p.cost),
            covered: int(covered as i64),
            left_out: int(d.left_out.len() as i64),
            by_reason,
            needs_people: covered + d.left_out.len(),
        },
        what_if,
        items,
        left_out,
        left_out_more: d.left_out.len().saturating_sub(LEFT_OUT_SHOWN),
        events: d.events.iter().map(|e| (crate::view::datetime(&e.at, a.zone), e.action.label(), e.user_name.clone(), e.note.clone())).collect(),
        unmet: p.unmet.clone(),
        rules: if rules.is_empty() { "tanpa aturan tambahan".into() } else { rules.join("; ") },
    })
}

#[derive(Template)]
#[template(path = "plan/plan.html")]
struct PlanPage {
    layout: Layout,
    v: PlanView,
    diff: Option<DiffView>,
    form: RequestForm,
    errors: FormErrors,
    groups: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    can_submit: bool,
    can_decide: bool,
    can_revise: bool,
}

async fn plan_page(s: &AppState, session: &Session, a: &Actor, id: i64, form: Option<RequestForm>, errors: FormErrors) -> Result<Response> {
    let plans = a.scope()?.plans()?;
    let d = plans.get(id).await?;
    let cat = plans.catalogue().await?;
    let diff = plans.diff(&d).await?.map(|x| {
        let prog = |id: i64| cat.programs.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
        DiffView {
            base_version: x.base_version,
            items: x
                .items
                .iter()
                .map(|i| {
                    (
                        prog(i.program_id),
                        format!("{} → {} peserta", i.participants_before, i.participants_after),
                        format!("{} → {}", rupiah(i.budget_before), rupiah(i.budget_after)),
                    )
                })
                .collect(),
            added: x.added.iter().map(|s| (crate::view::nip(&s.nip), s.name.clone())).collect(),
            removed: x.removed.iter().map(|s| (crate::view::nip(&s.nip), s.name.clone())).collect(),
            money: format!("Pagu {} → {}; biaya {} → {}", rupiah(x.budget_before), rupiah(d.plan.budget), rupiah(x.cost_before), rupiah(d.plan.cost)),
        }
    });
    let latest = plans.list().await?.iter().filter(|p| p.year == d.plan.year).map(|p| p.version).max() == Some(d.plan.version);
    let form = form.unwrap_or_else(|| RequestForm::of(&d.plan));
    let v = view_of(a, s, &d, &cat).await?;
    let status = d.plan.status;
    let status_code = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout =
        Layout::new(a, session, format!("{} (versi {})", d.plan.title, d.plan.version), "/rencana").await.crumbs(vec![("Rencana".into(), "/rencana".into())]);
    Ok(render_status(
        status_code,
        PlanPage {
            layout,
            v,
            diff,
            form,
            errors,
            groups: JalurGroup::ALL.iter().map(|g| (g.code(), g.label())).collect(),
            can_edit: status.editable() && a.can(Permission::ManagePlan),
            can_submit: status.editable() && a.can(Permission::SubmitPlan),
            can_decide: status == PlanStatus::Submitted && a.can(Permission::DecidePlan),
            can_revise: status == PlanStatus::Approved && latest && a.can(Permission::ManagePlan),
        },
    ))
}

pub async fn view_plan_get(State(s): State<AppState>, session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    plan_page(&s, &session, &a, id, None, FormErrors::default()).await
}

pub async fn view_plan_regenerate_post(
    State(s): State<AppState>,
    session: Session,
    a: Actor,
    Path(id): Path<i64>,
    Form(f): Form<RequestForm>,
) -> Result<Response> {
    let planner = a.scope()?.planner()?;
    let result = match f.request(a.today().year()) {
        // A plan no longer editable (submitted, approved): the reason as the page's message.
        Ok(req) => match planner.start_regenerate(id, &req).await {
            Err(e @ cakap_store::StoreError::Conflict(..)) => return done(&session, Err::<(), _>(e), "", id).await,
            other => other.map_err(AppError::from),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(job) => Ok(see_other(&format!("/rencana/tugas/{job}"))),
        Err(AppError::Invalid(errs)) => plan_page(&s, &session, &a, id, Some(f.clone()), FormErrors(errs)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ItemForm {
    pub item_id: i64,
    pub quarter: i16,
    #[serde(default)]
    pub curriculum_fit: String,
}

pub async fn view_plan_item_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<ItemForm>) -> Result<Response> {
    let result = a.scope()?.planner()?.edit_item(id, f.item_id, f.quarter, &f.curriculum_fit).await;
    done(&session, result, "Butir rencana disimpan.", id).await
}

#[derive(Deserialize)]
pub struct StepForm {
    pub action: String,
    #[serde(default)]
    pub note: String,
}

/// A step's outcome as the flash message on the plan's page (a refusal names why).
async fn done<T>(session: &Session, result: std::result::Result<T, cakap_store::StoreError>, ok: &str, id: i64) -> Result<Response> {
    match result {
        Ok(_) => crate::view::flash(session, ok).await,
        Err(cakap_store::StoreError::Invalid(errs)) => {
            crate::view::flash(session, &errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")).await
        }
        Err(cakap_store::StoreError::Conflict(_, msg)) => crate::view::flash(session, &msg).await,
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(&format!("/rencana/{id}")))
}

pub async fn view_plan_step_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<StepForm>) -> Result<Response> {
    let action = match PlanAction::from_code(&f.action) {
        Some(x @ (PlanAction::Submit | PlanAction::Return | PlanAction::Approve)) => x,
        _ => return Err(AppError::BadRequest("langkah tidak dikenal".into())),
    };
    let result = a.scope()?.plans()?.step(id, action, &f.note).await;
    let ok = match action {
        PlanAction::Submit => "Rencana diajukan ke PPK.",
        PlanAction::Return => "Rencana dikembalikan kepada perencana dengan catatan.",
        _ => "Rencana ditetapkan.",
    };
    done(&session, result, ok, id).await
}

pub async fn view_plan_revise_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    match a.scope()?.planner()?.revise(id).await {
        Ok(new) => {
            crate::view::flash(&session, "Revisi dibuat sebagai versi baru (draf).").await;
            Ok(see_other(&format!("/rencana/{new}")))
        }
        Err(e) => done(&session, Err::<(), _>(e), "", id).await,
    }
}

#[derive(Template)]
#[template(path = "plan/print.html")]
struct PrintPage {
    v: PlanView,
    tenant: String,
    bkpsdm_name: String,
    place_date: String,
    approved: bool,
}

/// A plan and its view, as the print, the PDF and the XLSX show it.
async fn document_of(a: &Actor, s: &AppState, id: i64) -> Result<(PlanDetail, PlanView)> {
    let plans = a.scope()?.plans()?;
    let d = plans.get(id).await?;
    let cat = plans.catalogue().await?;
    let v = view_of(a, s, &d, &cat).await?;
    Ok((d, v))
}

/// The day the PPK approved the plan, in the tenant's zone; None while it is not approved.
fn approved_on(a: &Actor, d: &PlanDetail) -> Option<time::Date> {
    d.events.iter().rev().find(|e| e.action == PlanAction::Approve).map(|e| a.zone.date_of(e.at))
}

pub async fn view_plan_print_get(State(s): State<AppState>, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let (d, v) = document_of(&a, &s, id).await?;
    let settings = &scope.tenant().settings;
    let approved_at = approved_on(&a, &d).unwrap_or_else(|| a.today());
    Ok(render(PrintPage {
        v,
        tenant: scope.tenant().name.clone(),
        bkpsdm_name: settings.kepala_bkpsdm.clone(),
        place_date: cakap_domain::format::date_long(approved_at),
        approved: d.plan.status == PlanStatus::Approved,
    }))
}

/// The plan as its PDF document: the kop, the Pasal 207 table, what the budget leaves out and
/// what more would buy, the signatures (Kepala BKPSDM, PPK), and as attachments the
/// participants of every item and those left out with the reason.
pub async fn view_plan_pdf_get(State(s): State<AppState>, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    use crate::pdf::{Block, Column, Doc, Row, Signature, Table};
    let scope = a.scope()?;
    let (d, v) = document_of(&a, &s, id).await?;
    let tenant = scope.tenant();
    let approved_at = approved_on(&a, &d);
    let office = office(tenant.kind);
    let mut blocks = vec![
        Block::Title(v.title.to_uppercase()),
        Block::Subtitle(format!("Tahun {} · versi {} · {}", v.year, v.version, v.status_label)),
        Block::Para(format!(
            "Pagu anggaran {}; biaya rencana {}; sisa {}. Tercakup {} dari {} pegawai yang memiliki kebutuhan pengembangan kompetensi. Aturan: {}.",
            v.summary.budget, v.summary.cost, v.summary.left, v.summary.covered, v.summary.needs_people, v.rules
        )),
    ];
    let mut rows: Vec<Row> = v
        .items
        .iter()
        .map(|i| {
            Row::new(vec![
                i.no.to_string(),
                format!("{}\n{}", i.program, i.competencies),
                format!("{} orang\n{} kelas, {} JP", int(i.participants as i64), i.classes, i.jp),
                i.jalur.clone(),
                i.organiser.clone(),
                format!("Triwulan {}", i.quarter),
                i.fit.clone(),
                i.budget.clone(),
            ])
        })
        .collect();
    rows.push(Row {
        cells: vec![
            String::new(),
            "Jumlah".into(),
            format!("{} orang", v.summary.covered),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            v.summary.cost.clone(),
        ],
        bold: true,
    });
    blocks.push(Block::Table(Table {
        columns: vec![
            Column::new("No", 0.35),
            Column::new("Program dan kompetensi (level yang dituju)", 3.2),
            Column::new("Sasaran peserta", 1.2),
            Column::new("Jenis dan jalur", 1.6),
            Column::new("Penyelenggara", 1.6),
            Column::new("Jadwal", 0.9),
            Column::new("Kesesuaian kurikulum", 2.0),
            Column::num("Anggaran", 1.3),
        ],
        rows,
    }));
    if !v.summary.by_reason.is_empty() {
        let reasons: Vec<String> = v.summary.by_reason.iter().map(|(r, n)| format!("{} ({n})", r.to_lowercase())).collect();
        let more: Vec<String> =
            v.what_if.iter().map(|w| format!("+{}% ({}) mencakup {} pegawai, nilai {}", w.percent, w.budget, w.people, w.value_gain)).collect();
        let mut text = format!("Belum tercakup {} pegawai: {}.", v.summary.left_out, reasons.join("; "));
        if !more.is_empty() {
            text.push_str(&format!(" Bila anggaran ditambah: {}.", more.join("; ")));
        }
        blocks.push(Block::Para(text));
    }
    for u in &v.unmet {
        blocks.push(Block::Para(format!("Catatan: {u}")));
    }
    // "Serang, 4 Desember 2026": the place is the region's name without its kind.
    let place = ["Pemerintah Kabupaten ", "Pemerintah Kota ", "Pemerintah Provinsi "].iter().find_map(|k| tenant.name.strip_prefix(k)).unwrap_or("");
    let date = cakap_domain::format::date_long(approved_at.unwrap_or_else(|| a.today()));
    let place_date = if place.is_empty() { date } else { format!("{place}, {date}") };
    let blank = "(........................................)".to_string();
    let bkpsdm = tenant.settings.kepala_bkpsdm.trim();
    blocks.push(Block::Signatures(vec![
        Signature {
            above: vec![String::new(), "Disusun oleh,".into(), "Kepala BKPSDM".into()],
            name: if bkpsdm.is_empty() { blank.clone() } else { bkpsdm.to_string() },
            below: vec![],
        },
        Signature {
            above: vec![place_date, if approved_at.is_some() { "Ditetapkan oleh,".into() } else { "Mengetahui,".into() }, "Pejabat Pembina Kepegawaian".into()],
            name: blank,
            below: vec![],
        },
    ]));
    let people: Vec<Row> = v
        .items
        .iter()
        .flat_map(|i| {
            i.people.iter().map(move |(nip, name, unit)| Row::new(vec![i.no.to_string(), nip.clone(), name.clone(), unit.clone(), i.program.clone()]))
        })
        .collect();
    if !people.is_empty() {
        blocks.push(Block::PageBreak);
        blocks.push(Block::Heading("Lampiran 1. Sasaran peserta per butir".into()));
        blocks.push(Block::Table(Table {
            columns: vec![
                Column::new("Butir", 0.5),
                Column::new("NIP", 1.9),
                Column::new("Nama", 2.4),
                Column::new("Unit kerja", 2.6),
                Column::new("Program", 3.0),
            ],
            rows: people,
        }));
    }
    if !v.left_out.is_empty() {
        blocks.push(Block::Heading("Lampiran 2. Pegawai yang belum tercakup dan alasannya".into()));
        blocks.push(Block::Table(Table {
            columns: vec![Column::new("NIP", 1.9), Column::new("Nama", 2.4), Column::new("Unit kerja", 2.6), Column::new("Alasan", 3.0)],
            rows: v.left_out.iter().map(|(nip, name, unit, why)| Row::new(vec![nip.clone(), name.clone(), unit.clone(), why.to_string()])).collect(),
        }));
        if v.left_out_more > 0 {
            blocks.push(Block::Para(format!("… dan {} pegawai lainnya; daftar lengkap ada pada unduhan XLSX.", int(v.left_out_more as i64))));
        }
    }
    let doc = Doc { landscape: true, title: format!("{} · versi {}", v.title, v.version), kop: vec![tenant.name.to_uppercase(), office.to_string()], blocks };
    // Layout and drawing are CPU work: off the async workers.
    let bytes = tokio::task::spawn_blocking(move || crate::pdf::render(&doc)).await.map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(crate::pdf::download(&format!("rencana-{}-v{}.pdf", v.year, v.version), bytes))
}

pub async fn view_plan_xlsx_get(State(s): State<AppState>, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let (d, v) = document_of(&a, &s, id).await?;
    let units: HashMap<i64, String> = s.cache.units(scope).await?.iter().map(|u| (u.id, u.name.clone())).collect();
    let item_of: HashMap<i64, &str> = v.items.iter().map(|i| (i.id, i.program.as_str())).collect();
    let t = |x: &str| XCell::Text(x.to_string());
    let mut rows: Vec<Vec<XCell>> = vec![];
    for i in &v.items {
        let budget = d.items.iter().find(|x| x.id == i.id).map_or(0, |x| x.budget);
        rows.push(vec![
            t("Butir"),
            XCell::Num(i.no as f64),
            t(&i.competencies),
            t(&i.program),
            t(&i.jalur),
            t(&i.organiser),
            t(&format!("Triwulan {}", i.quarter)),
            t(&i.fit),
            XCell::Num(f64::from(i.classes)),
            XCell::Num(f64::from(i.participants)),
            XCell::Num(budget as f64),
            t(""),
            t(""),
        ]);
    }
    // A person's row: the kind, the reason or program, and who (the item columns left empty).
    let person = |kind: &str, reason: &str, program: &str, nip: &str, name: &str, unit_id: i64| {
        let mut r = vec![t(kind), XCell::Num(0.0), t(reason), t(program)];
        r.extend((0..4).map(|_| t("")));
        r.extend((0..3).map(|_| XCell::Num(0.0)));
        r.push(t(nip));
        r.push(t(&format!("{name} · {}", units.get(&unit_id).map(String::as_str).unwrap_or(""))));
        r
    };
    for st in &d.seats {
        rows.push(person("Peserta", "", item_of.get(&st.item_id).copied().unwrap_or(""), &st.nip, &st.name, st.unit_id));
    }
    for l in &d.left_out {
        rows.push(person("Tidak tercakup", l.reason.label(), "", &l.nip, &l.name, l.unit_id));
    }
    let headers = [
        "Baris",
        "No",
        "Jenis kompetensi / alasan",
        "Program",
        "Jenis & jalur",
        "Penyelenggara",
        "Jadwal",
        "Kesesuaian kurikulum",
        "Kelas",
        "Peserta",
        "Anggaran (Rp)",
        "NIP",
        "Nama · unit",
    ];
    let name = format!("rencana-{}-v{}.xlsx", d.plan.year, d.plan.version);
    xlsx_download(&name, "Rencana", &headers, rows, &[(2, 40.0), (3, 40.0), (4, 28.0), (5, 28.0), (7, 50.0), (11, 22.0), (12, 40.0)])
}

/// The office under the instansi's name in a kop: a ministry's HR bureau, a region's BKPSDM.
pub fn office(kind: cakap_domain::TenantKind) -> &'static str {
    match kind {
        cakap_domain::TenantKind::Kementerian | cakap_domain::TenantKind::Lembaga => "BIRO SUMBER DAYA MANUSIA",
        _ => "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
    }
}
