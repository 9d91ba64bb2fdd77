//! The catalogue pages: partners with their MoU/PKS (and a warning before one ends), and the
//! programs the planner can put in a plan.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::plan::catalogue::{AgreementState, Jalur, PartnerKind, ProgramMode};
use cakap_domain::{Permission, PositionKind};
use cakap_store::plan::catalogue::{AgreementInput, Catalogue, PartnerInput, ProgramCompetency, ProgramInput};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{render, render_status, saved_or_again};
use crate::params::{Form, Path};
use crate::view::{FormErrors, Layout};

pub struct AgreementRow {
    pub id: i64,
    pub partner: String,
    pub number: String,
    pub period: String,
    pub state: String,
    pub warn: bool,
    pub quota: String,
    pub tariff: String,
    /// Filled where the page shows them (a partner's agreements).
    pub documents: Vec<DocumentRow>,
}

/// An attached document as a line of a list: a download link and what it is.
pub struct DocumentRow {
    pub id: i64,
    pub file_name: String,
    pub about: String,
}

fn document_rows(docs: Vec<cakap_store::plan::documents::AgreementDocument>, tz: cakap_domain::Zone) -> Vec<DocumentRow> {
    docs.into_iter()
        .map(|d| DocumentRow {
            id: d.id,
            about: format!(
                "{}, {}, diunggah {} oleh {}",
                d.kind.label(),
                cakap_domain::document::size_label(d.size.max(0) as u64),
                crate::view::datetime(&d.uploaded_at, tz),
                d.uploaded_by
            ),
            file_name: d.file_name,
        })
        .collect()
}

fn agreement_row(cat: &Catalogue, a: &cakap_store::plan::catalogue::Agreement, today: time::Date) -> AgreementRow {
    let st = a.state(today);
    AgreementRow {
        id: a.id,
        partner: cat.partner(a.partner_id).map(|p| p.name.clone()).unwrap_or_default(),
        number: a.number.clone(),
        period: format!("{} s.d. {}", crate::view::date_short(&a.valid_from), crate::view::date_short(&a.valid_to)),
        state: st.label(),
        warn: matches!(st, AgreementState::EndingSoon { .. } | AgreementState::Expired),
        quota: if a.quota > 0 { format!("{} peserta", crate::view::int(a.quota as u64)) } else { "—".into() },
        tariff: a.tariff.clone(),
        documents: vec![],
    }
}

pub struct PartnerRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub contact: String,
    pub active: bool,
    pub agreements: usize,
    pub programs: usize,
}

#[derive(Template)]
#[template(path = "plan/partners.html")]
struct PartnersPage {
    layout: Layout,
    rows: Vec<PartnerRow>,
    ending: Vec<AgreementRow>,
    can_manage: bool,
}

pub async fn view_partners_get(session: Session, a: Actor) -> Result<Response> {
    let scope = a.scope()?;
    let cat = scope.plans()?.catalogue().await?;
    let today = scope.today();
    let rows = cat
        .partners
        .iter()
        .map(|p| {
            let agreements: Vec<i64> = cat.agreements.iter().filter(|x| x.partner_id == p.id).map(|x| x.id).collect();
            PartnerRow {
                id: p.id,
                name: p.name.clone(),
                kind: p.kind.label(),
                contact: p.contact.clone(),
                active: p.active,
                agreements: agreements.len(),
                programs: cat.programs.iter().filter(|pr| pr.agreement_id.is_some_and(|x| agreements.contains(&x))).count(),
            }
        })
        .collect();
    let ending = cat.ending_soon(today).into_iter().map(|(x, _)| agreement_row(&cat, x, today)).collect();
    let layout = Layout::new(&a, &session, "Mitra dan Perjanjian Kerja Sama", "/katalog/mitra").await;
    Ok(render(PartnersPage { layout, rows, ending, can_manage: a.can(Permission::ManagePlan) }))
}

#[derive(Deserialize, Default)]
pub struct PartnerForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub active: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AgreementForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub quota: String,
    #[serde(default)]
    pub tariff: String,
}

#[derive(Template)]
#[template(path = "plan/partner.html")]
struct PartnerPage {
    layout: Layout,
    form: PartnerForm,
    errors: FormErrors,
    kinds: Vec<(&'static str, &'static str)>,
    editing: Option<i64>,
    agreements: Vec<AgreementRow>,
    agreement: AgreementForm,
    agreement_errors: FormErrors,
    can_manage: bool,
}

#[allow(clippy::too_many_arguments)]
async fn partner_page(
    session: &Session,
    a: &Actor,
    form: PartnerForm,
    errors: FormErrors,
    editing: Option<i64>,
    agreement: AgreementForm,
    agreement_errors: FormErrors,
) -> Result<Response> {
    let scope = a.scope()?;
    let cat = scope.plans()?.catalogue().await?;
    let today = scope.today();
    let mut agreements: Vec<AgreementRow> =
        editing.map(|id| cat.agreements.iter().filter(|x| x.partner_id == id).map(|x| agreement_row(&cat, x, today)).collect()).unwrap_or_default();
    let ids: Vec<i64> = agreements.iter().map(|r| r.id).collect();
    let mut docs: HashMap<i64, Vec<_>> = HashMap::new();
    for d in scope.plans()?.documents(&ids).await? {
        docs.entry(d.agreement_id).or_default().push(d);
    }
    for r in &mut agreements {
        r.documents = document_rows(docs.remove(&r.id).unwrap_or_default(), a.zone);
    }
    let title = match editing.and_then(|id| cat.partner(id)) {
        Some(p) => format!("Mitra: {}", p.name),
        None => "Tambah Mitra".into(),
    };
    let status = if errors.any() || agreement_errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout::new(a, session, title, "/katalog/mitra").await.crumbs(vec![("Mitra".into(), "/katalog/mitra".into())]);
    Ok(render_status(
        status,
        PartnerPage {
            layout,
            form,
            errors,
            kinds: PartnerKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
            editing,
            agreements,
            agreement,
            agreement_errors,
            can_manage: a.can(Permission::ManagePlan),
        },
    ))
}

fn partner_input(f: &PartnerForm) -> PartnerInput {
    PartnerInput { kind: f.kind.clone(), name: f.name.clone(), contact: f.contact.clone() }
}

pub async fn view_partner_new_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManagePlan)?;
    let form = PartnerForm { kind: PartnerKind::Universitas.code().into(), active: Some("1".into()), ..Default::default() };
    partner_page(&session, &a, form, FormErrors::default(), None, AgreementForm::default(), FormErrors::default()).await
}

pub async fn view_partner_new_post(session: Session, a: Actor, Form(f): Form<PartnerForm>) -> Result<Response> {
    let result = a.scope()?.planner()?.create_partner(&partner_input(&f)).await;
    saved_or_again(
        &session,
        result,
        |id| format!("/katalog/mitra/{id}"),
        |errs| partner_page(&session, &a, f, errs, None, AgreementForm::default(), FormErrors::default()),
    )
    .await
}

pub async fn view_partner_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let cat = a.scope()?.plans()?.catalogue().await?;
    let p = cat.partner(id).ok_or(AppError::NotFound)?;
    let form = PartnerForm { kind: p.kind.code().into(), name: p.name.clone(), contact: p.contact.clone(), active: p.active.then(|| "1".into()) };
    let agreement = AgreementForm { quota: "0".into(), ..Default::default() };
    partner_page(&session, &a, form, FormErrors::default(), Some(id), agreement, FormErrors::default()).await
}

pub async fn view_partner_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<PartnerForm>) -> Result<Response> {
    let planner = a.scope()?.planner()?;
    let result = planner.update_partner(id, &partner_input(&f), f.active.is_some()).await;
    saved_or_again(
        &session,
        result,
        |_| format!("/katalog/mitra/{id}"),
        |errs| partner_page(&session, &a, f, errs, Some(id), AgreementForm::default(), FormErrors::default()),
    )
    .await
}

/// The form's fields as the store takes them; dates and numbers typed wrong are field errors
/// (named), not a generic 400.
fn agreement_input(f: &AgreementForm) -> std::result::Result<AgreementInput, FormErrors> {
    let mut errs = vec![];
    let date = |s: &str, field: &'static str, label: &str, errs: &mut Vec<cakap_domain::FieldError>| {
        if s.trim().is_empty() {
            return None;
        }
        let d = cakap_domain::format::parse_date(s);
        if d.is_none() {
            errs.push(cakap_domain::FieldError::new(field, format!("{label} tidak valid; tulis seperti 31-12-2027")));
        }
        d
    };
    let valid_from = date(&f.valid_from, "valid_from", "tanggal mulai", &mut errs);
    let valid_to = date(&f.valid_to, "valid_to", "tanggal berakhir", &mut errs);
    let quota = if f.quota.trim().is_empty() {
        0
    } else {
        f.quota.trim().replace('.', "").parse::<i32>().unwrap_or_else(|_| {
            errs.push(cakap_domain::FieldError::new("quota", "kuota harus bilangan bulat 0–100.000"));
            0
        })
    };
    if !errs.is_empty() {
        return Err(FormErrors(errs));
    }
    Ok(AgreementInput { number: f.number.clone(), scope: f.scope.clone(), valid_from, valid_to, quota, tariff: f.tariff.clone() })
}

pub async fn view_agreement_new_post(session: Session, a: Actor, Path(partner_id): Path<i64>, Form(f): Form<AgreementForm>) -> Result<Response> {
    let scope = a.scope()?;
    let planner = scope.planner()?;
    let cat = scope.plans()?.catalogue().await?;
    let p = cat.partner(partner_id).ok_or(AppError::NotFound)?;
    let form = PartnerForm { kind: p.kind.code().into(), name: p.name.clone(), contact: p.contact.clone(), active: p.active.then(|| "1".into()) };
    let result = match agreement_input(&f) {
        Ok(input) => planner.save_agreement(partner_id, None, &input).await.map_err(AppError::from),
        Err(errs) => Err(AppError::Invalid(errs.0)),
    };
    saved_or_again(
        &session,
        result,
        |_| format!("/katalog/mitra/{partner_id}"),
        |errs| partner_page(&session, &a, form, FormErrors::default(), Some(partner_id), f, errs),
    )
    .await
}

#[derive(Template)]
#[template(path = "plan/agreement.html")]
struct AgreementPage {
    layout: Layout,
    id: i64,
    partner_id: i64,
    agreement: AgreementForm,
    agreement_errors: FormErrors,
    documents: Vec<DocumentRow>,
    document_errors: FormErrors,
    max_documents: u64,
    max_mb: usize,
}

async fn agreement_page(session: &Session, a: &Actor, id: i64, form: AgreementForm, errors: FormErrors) -> Result<Response> {
    agreement_page_with(session, a, id, form, errors, FormErrors::default()).await
}

async fn agreement_page_with(session: &Session, a: &Actor, id: i64, form: AgreementForm, errors: FormErrors, document_errors: FormErrors) -> Result<Response> {
    let scope = a.scope()?;
    let plans = scope.plans()?;
    let cat = plans.catalogue().await?;
    let ag = cat.agreement(id).ok_or(AppError::NotFound)?;
    let documents = document_rows(plans.documents(&[id]).await?, a.zone);
    let partner = cat.partner(ag.partner_id).map(|p| p.name.clone()).unwrap_or_default();
    let status = if errors.any() || document_errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout::new(a, session, format!("Ubah Perjanjian {}", ag.number), "/katalog/mitra")
        .await
        .crumbs(vec![("Mitra".into(), "/katalog/mitra".into()), (partner, format!("/katalog/mitra/{}", ag.partner_id))]);
    let page = AgreementPage {
        layout,
        id,
        partner_id: ag.partner_id,
        agreement: form,
        agreement_errors: errors,
        documents,
        document_errors,
        max_documents: cakap_store::plan::documents::MAX_PER_AGREEMENT,
        max_mb: cakap_domain::document::MAX_DOCUMENT_BYTES / (1024 * 1024),
    };
    Ok(render_status(status, page))
}

fn agreement_form(ag: &cakap_store::plan::catalogue::Agreement) -> AgreementForm {
    AgreementForm {
        number: ag.number.clone(),
        scope: ag.scope.clone(),
        valid_from: crate::view::date_short(&ag.valid_from),
        valid_to: crate::view::date_short(&ag.valid_to),
        quota: ag.quota.to_string(),
        tariff: ag.tariff.clone(),
    }
}

pub async fn view_agreement_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.scope()?.planner()?;
    let cat = a.scope()?.plans()?.catalogue().await?;
    let form = agreement_form(cat.agreement(id).ok_or(AppError::NotFound)?);
    agreement_page(&session, &a, id, form, FormErrors::default()).await
}

/// Attaches an uploaded file to the agreement; a refused file (kind, size, count) is named on
/// the agreement's page, with the agreement's fields as stored.
pub async fn view_document_new_post(session: Session, a: Actor, Path(id): Path<i64>, mp: axum::extract::Multipart) -> Result<Response> {
    let scope = a.scope()?;
    let planner = scope.planner()?;
    let up = crate::pages::read_upload(&a, mp).await?;
    match planner.add_document(id, &up.file_name, up.bytes).await {
        Ok(_) => {
            crate::view::flash(&session, "Dokumen berhasil diunggah.").await;
            Ok(crate::pages::see_other(&format!("/katalog/perjanjian/{id}#dokumen")))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => {
            let cat = scope.plans()?.catalogue().await?;
            let form = agreement_form(cat.agreement(id).ok_or(AppError::NotFound)?);
            agreement_page_with(&session, &a, id, form, FormErrors::default(), FormErrors(errs)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Downloads an attached document (anyone who reads the catalogue), always as an attachment
/// with the type of its real kind, so a browser never renders it as a page of Cakap.
pub async fn view_document_get(a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let f = a.scope()?.plans()?.document(id).await?;
    Ok(crate::pages::attachment(&f.meta.file_name, f.meta.kind.mime(), f.content))
}

pub async fn view_document_delete_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let agreement_id = a.scope()?.planner()?.delete_document(id).await?;
    crate::view::flash(&session, "Dokumen dihapus.").await;
    Ok(crate::pages::see_other(&format!("/katalog/perjanjian/{agreement_id}#dokumen")))
}

pub async fn view_agreement_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<AgreementForm>) -> Result<Response> {
    let scope = a.scope()?;
    let planner = scope.planner()?;
    let cat = scope.plans()?.catalogue().await?;
    let partner_id = cat.agreement(id).ok_or(AppError::NotFound)?.partner_id;
    let result = match agreement_input(&f) {
        Ok(input) => planner.save_agreement(partner_id, Some(id), &input).await.map_err(AppError::from),
        Err(errs) => Err(AppError::Invalid(errs.0)),
    };
    saved_or_again(&session, result, |_| format!("/katalog/mitra/{partner_id}"), |errs| agreement_page(&session, &a, id, f, errs)).await
}

// ---------------------------------------------------------------- programs

pub struct ProgramRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub jalur: String,
    pub jp: i32,
    pub mode: &'static str,
    pub organiser: String,
    pub competencies: String,
    pub suits: String,
    pub audience: String,
    pub fixed: String,
    pub per: String,
    pub capacity: i32,
    pub plannable: bool,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "plan/programs.html")]
struct ProgramsPage {
    layout: Layout,
    rows: Vec<ProgramRow>,
    can_manage: bool,
}

pub async fn view_programs_get(session: Session, a: Actor) -> Result<Response> {
    let scope = a.scope()?;
    let cat = scope.plans()?.catalogue().await?;
    let names: HashMap<i64, String> = scope.competencies()?.list().await?.into_iter().map(|c| (c.id, c.name)).collect();
    let today = scope.today();
    let rows = cat
        .programs
        .iter()
        .map(|p| ProgramRow {
            id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            jalur: p.jalur.full(),
            jp: p.jp,
            mode: p.mode.label(),
            organiser: cat.organiser(p),
            competencies: p
                .competencies
                .iter()
                .map(|c| format!("{} → level {}", names.get(&c.competency_id).cloned().unwrap_or_default(), c.target_level))
                .collect::<Vec<_>>()
                .join("; "),
            suits: cakap_store::plan::plans::suits_label(&p.suits),
            audience: p.audience.text(),
            fixed: cakap_domain::format::rupiah(p.fixed_cost),
            per: cakap_domain::format::rupiah(p.cost_per_participant),
            capacity: p.capacity,
            plannable: cat.plannable(p, today),
            active: p.active,
        })
        .collect();
    let layout = Layout::new(&a, &session, "Katalog Program Pengembangan", "/katalog/program").await;
    Ok(render(ProgramsPage { layout, rows, can_manage: a.can(Permission::ManagePlan) }))
}

/// The program form arrives as pairs: the fixed fields, `lvl_{competency id}` = target level
/// (empty for none) and `suit_{jenis jabatan}` checkboxes.
pub struct ProgramForm {
    pub code: String,
    pub name: String,
    pub jalur: String,
    pub jp: String,
    pub mode: String,
    pub agreement_id: String,
    pub outline: String,
    pub fixed_cost: String,
    pub cost_per_participant: String,
    pub capacity: String,
    pub suits: Vec<String>,
    pub audience: String,
    pub levels: HashMap<i64, u8>,
    pub active: bool,
}

impl ProgramForm {
    fn from_pairs(f: &[(String, String)]) -> ProgramForm {
        let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        ProgramForm {
            code: get("code"),
            name: get("name"),
            jalur: get("jalur"),
            jp: get("jp"),
            mode: get("mode"),
            agreement_id: get("agreement_id"),
            outline: get("outline"),
            fixed_cost: get("fixed_cost"),
            cost_per_participant: get("cost_per_participant"),
            capacity: get("capacity"),
            suits: f.iter().filter_map(|(k, _)| k.strip_prefix("suit_").map(str::to_string)).take(PositionKind::ALL.len() + 1).collect(),
            audience: get("audience"),
            // Bounded by the tenant's dictionary below: a level for an unknown id is refused there.
            levels: f
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("lvl_")?.parse::<i64>().ok()?, v.trim().parse::<u8>().ok()?)))
                .take(cakap_store::plan::catalogue::MAX_PROGRAM_COMPETENCIES + 1)
                .collect(),
            active: f.iter().any(|(k, _)| k == "active"),
        }
    }

    fn input(&self) -> std::result::Result<ProgramInput, FormErrors> {
        let mut errs = vec![];
        let mut num = |s: &str, field: &'static str, label: &str, rupiah: bool| -> i64 {
            let v = if rupiah { cakap_domain::format::parse_rupiah(s) } else { s.trim().parse::<i64>().ok().filter(|n| *n >= 0) };
            v.unwrap_or_else(|| {
                errs.push(cakap_domain::FieldError::new(field, format!("{label} harus angka{}", if rupiah { " rupiah, mis. 25.000.000" } else { " bulat" })));
                0
            })
        };
        let jp = num(&self.jp, "jp", "JP", false);
        let capacity = num(&self.capacity, "capacity", "kapasitas kelas", false);
        let fixed_cost = num(&self.fixed_cost, "fixed_cost", "biaya tetap per kelas", true);
        let cost_per_participant = num(&self.cost_per_participant, "cost_per_participant", "biaya per peserta", true);
        if !errs.is_empty() {
            return Err(FormErrors(errs));
        }
        let mut competencies: Vec<ProgramCompetency> = self.levels.iter().map(|(c, l)| ProgramCompetency { competency_id: *c, target_level: *l }).collect();
        competencies.sort_by_key(|c| c.competency_id);
        Ok(ProgramInput {
            code: self.code.clone(),
            name: self.name.clone(),
            jalur: self.jalur.clone(),
            jp: jp.clamp(0, i64::from(i32::MAX)) as i32,
            mode: self.mode.clone(),
            agreement_id: self.agreement_id.trim().parse().ok(),
            outline: self.outline.clone(),
            fixed_cost,
            cost_per_participant,
            capacity: capacity.clamp(0, i64::from(i32::MAX)) as i32,
            suits: self.suits.clone(),
            audience: self.audience.clone(),
            competencies,
        })
    }
}

pub struct CompetencyChoice {
    pub id: i64,
    pub name: String,
    pub family: &'static str,
    pub level: u8,
}

#[derive(Template)]
#[template(path = "plan/program_form.html")]
struct ProgramFormPage {
    layout: Layout,
    form: ProgramForm,
    errors: FormErrors,
    jalur: Vec<(&'static str, String)>,
    modes: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    agreements: Vec<(String, String)>,
    competencies: Vec<CompetencyChoice>,
    editing: Option<i64>,
}

async fn program_page(session: &Session, a: &Actor, form: ProgramForm, errors: FormErrors, editing: Option<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let cat = scope.plans()?.catalogue().await?;
    let today = scope.today();
    let agreements = cat
        .agreements
        .iter()
        .map(|x| {
            (x.id.to_string(), format!("{} · {} ({})", cat.partner(x.partner_id).map(|p| p.name.as_str()).unwrap_or(""), x.number, x.state(today).label()))
        })
        .collect();
    let competencies = scope
        .competencies()?
        .list()
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| CompetencyChoice { level: form.levels.get(&c.id).copied().unwrap_or(0), id: c.id, name: c.name, family: c.family.label() })
        .collect();
    let title = if editing.is_some() { format!("Ubah Program: {}", form.name) } else { "Tambah Program".into() };
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout::new(a, session, title, "/katalog/program").await.crumbs(vec![("Katalog Program".into(), "/katalog/program".into())]);
    Ok(render_status(
        status,
        ProgramFormPage {
            layout,
            form,
            errors,
            jalur: Jalur::ALL.iter().map(|j| (j.code(), j.full())).collect(),
            modes: ProgramMode::ALL.iter().map(|m| (m.code(), m.label())).collect(),
            kinds: PositionKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
            agreements,
            competencies,
            editing,
        },
    ))
}

pub async fn view_program_new_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManagePlan)?;
    let form = ProgramForm::from_pairs(&[
        ("jalur".into(), "KL03".into()),
        ("mode".into(), "tatap_muka".into()),
        ("capacity".into(), "30".into()),
        ("active".into(), "1".into()),
    ]);
    program_page(&session, &a, form, FormErrors::default(), None).await
}

async fn save(session: &Session, a: &Actor, id: Option<i64>, pairs: Vec<(String, String)>) -> Result<Response> {
    let planner = a.scope()?.planner()?;
    let form = ProgramForm::from_pairs(&pairs);
    let result = match form.input() {
        Ok(input) => planner.save_program(id, &input, form.active || id.is_none()).await.map_err(AppError::from),
        Err(errs) => Err(AppError::Invalid(errs.0)),
    };
    saved_or_again(session, result, |_| "/katalog/program".into(), |errs| program_page(session, a, form, errs, id)).await
}

pub async fn view_program_new_post(session: Session, a: Actor, Form(f): Form<Vec<(String, String)>>) -> Result<Response> {
    save(&session, &a, None, f).await
}

pub async fn view_program_get(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    a.scope()?.planner()?;
    let cat = a.scope()?.plans()?.catalogue().await?;
    let p = cat.programs.iter().find(|p| p.id == id).ok_or(AppError::NotFound)?;
    let form = ProgramForm {
        code: p.code.clone(),
        name: p.name.clone(),
        jalur: p.jalur.code().into(),
        jp: p.jp.to_string(),
        mode: p.mode.code().into(),
        agreement_id: p.agreement_id.map(|x| x.to_string()).unwrap_or_default(),
        outline: p.outline.clone(),
        fixed_cost: cakap_domain::format::int(p.fixed_cost),
        cost_per_participant: cakap_domain::format::int(p.cost_per_participant),
        capacity: p.capacity.to_string(),
        suits: p.suits.iter().map(|k| k.code().to_string()).collect(),
        audience: p.audience.text(),
        levels: p.competencies.iter().map(|c| (c.competency_id, c.target_level)).collect(),
        active: p.active,
    };
    program_page(&session, &a, form, FormErrors::default(), Some(id)).await
}

pub async fn view_program_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<Vec<(String, String)>>) -> Result<Response> {
    save(&session, &a, Some(id), f).await
}
