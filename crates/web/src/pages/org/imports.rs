//! Employee import: upload → check every row (preview) → commit, all or nothing.

use crate::params::Path;
use askama::Template;
use axum::extract::Multipart;
use axum::response::Response;
use cakap_domain::Permission;
use cakap_store::import::employees::{ImportMode, ImportSummary, TEMPLATE_HEADERS};
use cakap_store::import::read_table_blocking;
use tower_sessions::Session;

use crate::auth::Actor;
use crate::error::Result;
use crate::pages::{render_status, see_other};
use crate::view::{Layout, flash};

#[derive(Template)]
#[template(path = "org/import.html")]
struct ImportPage {
    layout: Layout,
    summary: Option<ImportSummary>,
    file_name: String,
    job_id: Option<i64>,
    message: String,
}

async fn page(a: &Actor, session: &Session, summary: Option<ImportSummary>, file_name: String, job_id: Option<i64>, message: String) -> Result<Response> {
    let layout = Layout::new(a, session, "Impor Pegawai", "/organisasi/pegawai")
        .await
        .crumbs(vec![("Pegawai".into(), "/organisasi/pegawai".into()), ("Impor".into(), String::new())]);
    let bad = summary.as_ref().is_some_and(|s| s.error_count > 0) || !message.is_empty();
    let status = if bad { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    Ok(render_status(status, ImportPage { layout, summary, file_name, job_id, message }))
}

pub async fn view_import_get(session: Session, a: Actor) -> Result<Response> {
    a.scope()?.org_admin()?;
    page(&a, &session, None, String::new(), None, String::new()).await
}

pub async fn view_template_get(a: Actor) -> Result<Response> {
    a.require(Permission::ManageOrg)?;
    Ok(crate::pages::csv_template("templat-pegawai.csv", &TEMPLATE_HEADERS))
}

pub async fn view_import_post(session: Session, a: Actor, mp: Multipart) -> Result<Response> {
    let admin = a.scope()?.org_admin()?;
    let up = crate::pages::read_upload(&a, mp).await?;
    let mode = if up.field("mode") == "insert" { ImportMode::InsertOnly } else { ImportMode::Upsert };
    let crate::pages::Upload { file_name, bytes, .. } = up;
    if bytes.is_empty() {
        return page(&a, &session, None, file_name, None, "Pilih berkas yang akan diunggah.".into()).await;
    }
    let table = match read_table_blocking(file_name.clone(), bytes).await {
        Ok(t) => t,
        Err(e) => return page(&a, &session, None, file_name, None, e.to_string()).await,
    };
    let summary = admin.check_employee_table(mode, &table).await;
    let job_id = if summary.error_count == 0 && summary.rows > 0 { Some(admin.save_employee_preview(&file_name, mode, &table, &summary).await?) } else { None };
    let msg = if summary.rows == 0 && summary.error_count == 0 { "Berkas tidak berisi baris data.".to_string() } else { String::new() };
    page(&a, &session, Some(summary), file_name, job_id, msg).await
}

pub async fn view_import_commit_post(session: Session, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let summary = a.scope()?.org_admin()?.commit_employee_preview(id).await?;
    if summary.written {
        flash(&session, &format!("Impor selesai: {} pegawai baru, {} diperbarui.", summary.inserted, summary.updated)).await;
        Ok(see_other("/organisasi/pegawai"))
    } else {
        page(&a, &session, Some(summary), String::new(), None, "Data berubah sejak pemeriksaan; tidak ada yang disimpan.".into()).await
    }
}
