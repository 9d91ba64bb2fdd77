//! Learning outside Cakap's classes: the employee's form for external learning (with its
//! evidence), the atasan's decision, the evidence download, and BKPSDM's riwayat import and
//! export in SIASN's fields.

use askama::Template;
use axum::extract::{Multipart, Query};
use axum::http::StatusCode;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_domain::learning::record::{RecordInput, SIASN_FIELDS};
use cakap_domain::plan::catalogue::Jalur;
use serde::Deserialize;
use tower_sessions::Session;

use super::classes::acted;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::pages::{XCell, attachment, render_status, see_other, xlsx_download};
use crate::params::{Form, Path};
use crate::view::{FormErrors, Layout};

/// What the external-learning form holds (kept when it is shown again).
#[derive(Default, Clone)]
pub struct ExternalForm {
    pub title: String,
    pub jalur: String,
    pub organiser: String,
    pub certificate_no: String,
    pub started_on: String,
    pub ended_on: String,
    pub hours: String,
    pub minutes: String,
}

#[derive(Template)]
#[template(path = "learning/external.html")]
struct ExternalPage {
    layout: Layout,
    form: ExternalForm,
    errors: FormErrors,
    jalur: Vec<(String, String)>,
    max_mb: usize,
}

async fn external_page(a: &Actor, session: &Session, form: ExternalForm, errors: FormErrors) -> Result<Response> {
    let status = if errors.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let layout = Layout::new(a, session, "Catat Pembelajaran di Luar Cakap", "/kelas-saya")
        .await
        .crumbs(vec![("Kelas Saya".into(), "/kelas-saya".into()), ("Catat pembelajaran".into(), String::new())]);
    let jalur = Jalur::ALL.iter().filter(|j| **j != Jalur::Pendidikan).map(|j| (j.code().to_string(), j.full())).collect();
    Ok(render_status(status, ExternalPage { layout, form, errors, jalur, max_mb: cakap_domain::document::MAX_DOCUMENT_BYTES / (1024 * 1024) }))
}

pub async fn view_external_new_get(session: Session, a: Actor) -> Result<Response> {
    a.scope()?.learner()?;
    external_page(&a, &session, ExternalForm { jalur: Jalur::Kl06.code().into(), ..Default::default() }, FormErrors::default()).await
}

pub async fn view_external_new_post(session: Session, a: Actor, mp: Multipart) -> Result<Response> {
    let scope = a.scope()?;
    let learner = scope.learner()?;
    let up = crate::pages::read_upload(&a, mp).await?;
    let form = ExternalForm {
        title: up.field("title").into(),
        jalur: up.field("jalur").into(),
        organiser: up.field("organiser").into(),
        certificate_no: up.field("certificate_no").into(),
        started_on: up.field("started_on").into(),
        ended_on: up.field("ended_on").into(),
        hours: up.field("hours").into(),
        minutes: up.field("minutes").into(),
    };
    let mut errs = vec![];
    let started_on = crate::view::required_date(&form.started_on, "started_on", "tanggal mulai", &mut errs);
    let ended_on = crate::view::required_date(&form.ended_on, "ended_on", "tanggal selesai", &mut errs);
    let number = |s: &str, max: u32| -> Option<u32> {
        let t = s.trim();
        if t.is_empty() { Some(0) } else { t.parse::<u32>().ok().filter(|n| *n <= max) }
    };
    let (hours, minutes) = (number(&form.hours, 2_000), number(&form.minutes, 59));
    if hours.is_none() {
        errs.push(cakap_domain::FieldError::new("hours", "jam harus bilangan bulat 0–2.000"));
    }
    if minutes.is_none() {
        errs.push(cakap_domain::FieldError::new("minutes", "menit harus bilangan bulat 0–59"));
    }
    let jalur = Jalur::from_code(&form.jalur);
    if jalur.is_none() {
        errs.push(cakap_domain::FieldError::new("jalur", "pilih jalur pengembangan"));
    }
    let (Some(started_on), Some(ended_on), Some(h), Some(m), Some(jalur), true) = (started_on, ended_on, hours, minutes, jalur, errs.is_empty()) else {
        return external_page(&a, &session, form, FormErrors(errs)).await;
    };
    let input = RecordInput {
        title: form.title.clone(),
        jalur,
        kind_text: String::new(),
        organiser: form.organiser.clone(),
        certificate_no: form.certificate_no.clone(),
        started_on,
        ended_on,
        // The rule of `domain::learning::jp`: whole JP, rounded down.
        jp: cakap_domain::learning::jp::from_minutes(h * 60 + m),
    };
    match learner.submit_record(&input, (&up.file_name, up.bytes)).await {
        Ok(_) => {
            crate::view::flash(&session, &format!("Pembelajaran tercatat ({} JP) dan menunggu persetujuan atasan.", input.jp)).await;
            Ok(see_other("/kelas-saya"))
        }
        Err(cakap_store::StoreError::Invalid(errs)) => external_page(&a, &session, form, FormErrors(errs)).await,
        Err(e) => Err(e.into()),
    }
}

/// The evidence of a record: its owner, their atasan, or BKPSDM.
pub async fn view_evidence_get(a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let (name, kind, bytes) = a.scope()?.record_evidence(id).await?;
    Ok(attachment(&name, kind.mime(), bytes))
}

#[derive(Deserialize, Default)]
pub struct DecideForm {
    #[serde(default)]
    pub reason: String,
}

pub async fn view_record_approve_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let res = a.scope()?.decide_record(id, true, "").await;
    if matches!(res, Err(cakap_store::StoreError::NotFound)) {
        return Err(AppError::NotFound);
    }
    acted(&session, res, |_| "Pembelajaran disetujui; JP-nya tercatat.".to_string(), "/kelas/persetujuan").await
}

pub async fn view_record_reject_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<DecideForm>) -> Result<Response> {
    let res = a.scope()?.decide_record(id, false, &f.reason).await;
    if matches!(res, Err(cakap_store::StoreError::NotFound)) {
        return Err(AppError::NotFound);
    }
    acted(&session, res, |_| "Pembelajaran tidak disetujui; pegawai diberi tahu alasannya.".to_string(), "/kelas/persetujuan").await
}

#[derive(Template)]
#[template(path = "learning/riwayat.html")]
struct RiwayatPage {
    layout: Layout,
    fields: Vec<&'static str>,
    errors: Vec<cakap_store::import::RowError>,
    message: String,
    years: Vec<i32>,
}

async fn riwayat_page(a: &Actor, session: &Session, errors: Vec<cakap_store::import::RowError>, message: String) -> Result<Response> {
    let status = if message.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let this = a.scope()?.today().year();
    let layout = Layout::new(a, session, "Riwayat Diklat/Kursus (SIASN)", "/jp").await;
    Ok(render_status(status, RiwayatPage { layout, fields: SIASN_FIELDS.to_vec(), errors, message, years: (this - 3..=this).rev().collect() }))
}

pub async fn view_riwayat_get(session: Session, a: Actor) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    riwayat_page(&a, &session, vec![], String::new()).await
}

pub async fn view_riwayat_template_get(a: Actor) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    Ok(crate::pages::csv_template("templat-riwayat-kursus-siasn.csv", &SIASN_FIELDS))
}

/// The riwayat import: all rows or none.
pub async fn view_riwayat_post(session: Session, a: Actor, mp: Multipart) -> Result<Response> {
    let classes = a.scope()?.classes()?;
    let up = crate::pages::read_upload(&a, mp).await?;
    let crate::pages::Upload { file_name, bytes, .. } = up;
    if bytes.is_empty() {
        return riwayat_page(&a, &session, vec![], "Pilih berkas yang akan diunggah.".into()).await;
    }
    let table = match cakap_store::import::read_table_blocking(file_name, bytes).await {
        Ok(t) => t,
        Err(e) => return riwayat_page(&a, &session, vec![], e.to_string()).await,
    };
    match classes.import_riwayat(&table).await? {
        Ok(n) => {
            crate::view::flash(&session, &format!("Impor selesai: {n} riwayat diklat/kursus tersimpan dan JP-nya tercatat.")).await;
            Ok(see_other("/jp"))
        }
        Err(errors) => {
            let msg = format!("Tidak ada data yang disimpan: {} kesalahan ditemukan. Perbaiki berkas lalu unggah kembali.", errors.len());
            riwayat_page(&a, &session, errors, msg).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    pub tahun: Option<String>,
}

async fn export_rows(a: &Actor, q: &ExportQuery) -> Result<(i32, Vec<cakap_store::learning::records::ExportRow>)> {
    let scope = a.scope()?;
    let this = scope.today().year();
    let year = crate::params::choice("tahun", q.tahun.as_deref(), |v| v.parse::<i32>().ok().filter(|y| (this - 10..=this).contains(y)))?.unwrap_or(this);
    Ok((year, scope.export_riwayat(year).await?))
}

/// Completions and approved records of a year in SIASN's fields, as CSV (`;`-free, quoted).
pub async fn view_riwayat_csv_get(a: Actor, Query(q): Query<ExportQuery>) -> Result<Response> {
    let (year, rows) = export_rows(&a, &q).await?;
    let mut w = csv::Writer::from_writer(vec![]);
    let csv_err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(SIASN_FIELDS).map_err(csv_err)?;
    for r in &rows {
        // A cell that a spreadsheet would run as a formula is defused.
        w.write_record(r.iter().map(|c| cakap_domain::csv_safety::escape_cell(c).into_owned())).map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(&format!("riwayat-kursus-siasn-{year}.csv"), "text/csv; charset=utf-8", bytes))
}

pub async fn view_riwayat_xlsx_get(a: Actor, Query(q): Query<ExportQuery>) -> Result<Response> {
    let (year, rows) = export_rows(&a, &q).await?;
    let cells = rows.into_iter().map(|r| {
        r.into_iter().enumerate().map(|(i, c)| if i == 4 { c.parse::<f64>().map(XCell::Num).unwrap_or(XCell::Text(c)) } else { XCell::Text(c) }).collect()
    });
    xlsx_download(
        &format!("riwayat-kursus-siasn-{year}.xlsx"),
        "Riwayat Kursus SIASN",
        &SIASN_FIELDS,
        cells,
        &[(0, 22.0), (1, 44.0), (2, 24.0), (3, 36.0), (5, 24.0), (7, 14.0), (8, 14.0)],
    )
}
