//! Server-rendered pages, one module per area (same names as in `store`).

pub mod admin;
pub mod competency;
pub mod employees;
pub mod home;
pub mod imports;
pub mod positions;
pub mod profile;
pub mod units;
pub mod users;

use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::view_home_get))
        .route("/masuk", get(home::view_login_get).post(home::view_login_post))
        .route("/keluar", post(home::view_logout_post))
        .route("/organisasi/unit", get(units::view_units_get))
        .route("/organisasi/unit/baru", get(units::view_unit_new_get).post(units::view_unit_new_post))
        .route("/organisasi/unit/{id}", get(units::view_unit_get))
        .route("/organisasi/unit/{id}/ubah", get(units::view_unit_edit_get).post(units::view_unit_edit_post))
        .route("/organisasi/unit/{id}/status", post(units::view_unit_status_post))
        .route("/organisasi/jabatan", get(positions::view_positions_get))
        .route("/organisasi/jabatan/baru", get(positions::view_position_new_get).post(positions::view_position_new_post))
        .route("/organisasi/jabatan/{id}/ubah", get(positions::view_position_edit_get).post(positions::view_position_edit_post))
        .route("/organisasi/jabatan/{id}/status", post(positions::view_position_status_post))
        .route("/organisasi/pegawai", get(employees::view_employees_get))
        .route("/organisasi/pegawai/unduh.csv", get(employees::view_employees_csv_get))
        .route("/organisasi/pegawai/unduh.xlsx", get(employees::view_employees_xlsx_get))
        .route("/organisasi/pegawai/baru", get(employees::view_employee_new_get).post(employees::view_employee_new_post))
        .route("/organisasi/pegawai/{id}", get(employees::view_employee_get))
        .route("/organisasi/pegawai/{id}/ubah", get(employees::view_employee_edit_get).post(employees::view_employee_edit_post))
        .route("/organisasi/pegawai/{id}/status", post(employees::view_employee_status_post))
        .route("/organisasi/pegawai/impor", get(imports::view_import_get).post(imports::view_import_post))
        .route("/organisasi/pegawai/impor/templat.csv", get(imports::view_template_get))
        .route("/organisasi/pegawai/impor/{id}/simpan", post(imports::view_import_commit_post))
        .route("/organisasi/pengguna", get(users::view_users_get))
        .route("/organisasi/pengguna/baru", get(users::view_user_new_get).post(users::view_user_new_post))
        .route("/organisasi/pengguna/{id}", get(users::view_user_get).post(users::view_user_post))
        .route("/kompetensi/kamus", get(competency::view_dictionary_get))
        .route("/kompetensi/standar/{position_id}", get(competency::view_standard_get).post(competency::view_standard_post))
        .route("/kompetensi/kamus/baru", get(competency::view_competency_new_get).post(competency::view_competency_new_post))
        .route("/kompetensi/kamus/{id}", get(competency::view_competency_get))
        .route("/kompetensi/kamus/{id}/ubah", get(competency::view_competency_edit_get).post(competency::view_competency_edit_post))
        .route("/pengaturan", get(admin::view_settings_get).post(admin::view_settings_post))
        .route("/audit", get(admin::view_audit_get))
        .route("/instansi", get(admin::view_tenants_get))
        .route("/instansi/baru", get(admin::view_tenant_new_get).post(admin::view_tenant_new_post))
        .route("/instansi/{id}/ubah", get(admin::view_tenant_edit_get).post(admin::view_tenant_edit_post))
        .route("/profil", get(profile::view_profile_get))
        .route("/profil/token", post(profile::view_token_post))
        .route("/profil/token/{id}/cabut", post(profile::view_token_revoke_post))
        .route("/profil/sandi", post(profile::view_password_post))
}

/// Renders a template into a response, mapping template errors to the error page.
pub fn render(t: impl askama::Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// Renders with a status (422 for a form shown again with errors).
pub fn render_status(status: axum::http::StatusCode, t: impl askama::Template) -> Response {
    let mut r = render(t);
    if r.status().is_success() {
        *r.status_mut() = status;
    }
    r
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Empty form fields arrive as "": parse optional ids leniently.
pub fn opt_id(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// The end of every form post: saved → flash "Data berhasil disimpan." and go to `to`;
/// invalid → show the form again with its errors (and what the user typed); anything else is an
/// error page.
pub async fn saved_or_again<T, Fut>(
    session: &tower_sessions::Session,
    result: Result<T, cakap_store::StoreError>,
    to: impl FnOnce(&T) -> String,
    again: impl FnOnce(crate::view::FormErrors) -> Fut,
) -> crate::error::Result<Response>
where
    Fut: std::future::Future<Output = crate::error::Result<Response>>,
{
    match result {
        Ok(v) => {
            crate::view::flash(session, "Data berhasil disimpan.").await;
            Ok(see_other(&to(&v)))
        }
        Err(e) => match crate::error::AppError::from(e) {
            crate::error::AppError::Invalid(errs) => again(crate::view::FormErrors(errs)).await,
            other => Err(other),
        },
    }
}

/// The end of an activate/deactivate post: a refusal (e.g. a unit that still has staff) is
/// shown as the flash message on the page the user returns to.
pub async fn status_done<T>(
    session: &tower_sessions::Session,
    result: Result<T, cakap_store::StoreError>,
    done: &str,
    refused: &str,
    to: &str,
) -> crate::error::Result<Response> {
    match result {
        Ok(_) => crate::view::flash(session, done).await,
        Err(cakap_store::StoreError::Invalid(errs)) => {
            let why = errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ");
            crate::view::flash(session, &format!("{refused}: {why}.")).await
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(to))
}
