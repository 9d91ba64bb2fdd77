//! One error type for pages and the API. Pages get an HTML page (or a redirect to the login),
//! the API gets an RFC 9457 problem document; both carry the request id a user can quote.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cakap_domain::FieldError;
use cakap_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Silakan masuk terlebih dahulu.")]
    NotLoggedIn,
    /// Not logged in on a page read: log in, then come back to it (a QR scanned on a phone).
    #[error("Silakan masuk terlebih dahulu.")]
    LoginThenReturn(String),
    /// The user's roles require a second factor they have not set up: pages send them to enrol.
    #[error("Aktifkan verifikasi dua langkah terlebih dahulu.")]
    MustEnrolSecondFactor,
    #[error("Anda tidak memiliki akses ke halaman ini.")]
    Forbidden,
    #[error("Halaman tidak ditemukan.")]
    NotFound,
    #[error("Periksa kembali isian Anda.")]
    Invalid(Vec<FieldError>),
    #[error("Sesi formulir tidak valid atau kedaluwarsa. Muat ulang halaman lalu coba lagi.")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    /// The body is over the limit (bytes; 0 when only the layer below knows it).
    #[error("{}", too_large(*.0))]
    TooLarge(usize),
    /// A request body that is not `application/json` where the API takes JSON.
    #[error("Badan permintaan harus berjenis application/json.")]
    UnsupportedMedia,
    #[error("Sistem sedang sibuk memproses data lain (misalnya impor). Coba lagi dalam beberapa saat; isian Anda belum disimpan.")]
    Busy,
    #[error("Terjadi kesalahan pada server. Sebutkan kode permintaan saat melapor.")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotLoggedIn | AppError::LoginThenReturn(_) => StatusCode::UNAUTHORIZED,
            AppError::MustEnrolSecondFactor => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Busy => AppError::Busy,
            StoreError::Invalid(errs) => AppError::Invalid(errs),
            StoreError::Conflict(field, msg) => AppError::Invalid(vec![FieldError::new(field, msg)]),
            StoreError::Db(e) => AppError::Internal(e.to_string()),
            StoreError::Other(m) => AppError::BadRequest(m),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

fn too_large(limit: usize) -> String {
    if limit == 0 {
        return "Berkas atau isian terlalu besar untuk diterima. Perkecil berkas (misalnya pecah menjadi beberapa berkas) lalu coba lagi.".into();
    }
    format!(
        "Berkas atau isian terlalu besar: batasnya {} MiB. Perkecil berkas (misalnya pecah menjadi beberapa berkas) lalu coba lagi.",
        crate::view::int((limit / (1024 * 1024)) as u64)
    )
}

tokio::task_local! {
    /// The current request's id, for error pages and logs.
    pub static REQUEST_ID: String;
}

pub fn request_id() -> String {
    REQUEST_ID.try_with(|r| r.clone()).unwrap_or_default()
}

/// Page errors.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::NotLoggedIn = self {
            return Redirect::to("/masuk").into_response();
        }
        if let AppError::LoginThenReturn(to) = &self {
            let q = serde_urlencoded::to_string([("ke", to.as_str())]).unwrap_or_default();
            return Redirect::to(&format!("/masuk?{q}")).into_response();
        }
        if let AppError::MustEnrolSecondFactor = self {
            return Redirect::to(crate::pages::second_factor::ENROL_PATH).into_response();
        }
        if let AppError::Internal(detail) = &self {
            tracing::error!(request_id = %request_id(), "{detail}");
        }
        let msg = match &self {
            AppError::Invalid(errs) => {
                let items: Vec<String> = errs.iter().map(|e| format!("<li>{}: {}</li>", esc(e.field), esc(&e.message))).collect();
                format!("<p>{}</p><ul>{}</ul>", esc(&self.to_string()), items.join(""))
            }
            _ => format!("<p>{}</p>", esc(&self.to_string())),
        };
        let body = format!(
            "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} · Cakap</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body class=\"error-page\"><main><h1>{title}</h1>{msg}<p class=\"muted\">Kode permintaan: <code>{rid}</code></p><p><a class=\"btn\" href=\"/\">Kembali ke Beranda</a></p></main></body></html>",
            title = self.status().canonical_reason().map(title_id).unwrap_or("Kesalahan"),
            rid = esc(&request_id()),
        );
        let mut res = (self.status(), Html(body)).into_response();
        if let AppError::Busy = self {
            res.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        }
        res
    }
}

fn title_id(reason: &str) -> &'static str {
    match reason {
        "Forbidden" => "Akses ditolak",
        "Not Found" => "Tidak ditemukan",
        "Unprocessable Entity" => "Isian tidak valid",
        "Bad Request" => "Permintaan tidak valid",
        "Service Unavailable" => "Sedang sibuk",
        "Payload Too Large" => "Berkas terlalu besar",
        _ => "Kesalahan",
    }
}

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The problem document of an API error (RFC 9457), as the OpenAPI document describes it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    r#type: String,
    title: String,
    status: u16,
    /// What went wrong, in Bahasa Indonesia.
    detail: String,
    /// The request id, to quote when reporting.
    request_id: String,
    /// Field errors (422 only).
    errors: Option<Vec<FieldError>>,
}

/// API errors: RFC 9457 problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        if let AppError::Internal(detail) = &e {
            tracing::error!(request_id = %request_id(), "{detail}");
        }
        let status = e.status();
        let mut body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": e.to_string(),
            "request_id": request_id(),
        });
        if let AppError::Invalid(errs) = &e {
            body["errors"] = serde_json::to_value(errs).unwrap_or_default();
        }
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response()
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_status() {
        assert_eq!(AppError::NotLoggedIn.into_response().status(), StatusCode::SEE_OTHER);
        assert_eq!(AppError::Forbidden.into_response().status(), StatusCode::FORBIDDEN);
        assert_eq!(AppError::NotFound.into_response().status(), StatusCode::NOT_FOUND);
        assert_eq!(AppError::Invalid(vec![]).into_response().status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ApiError(AppError::NotLoggedIn).into_response().status(), StatusCode::UNAUTHORIZED);
        let busy: AppError = StoreError::Busy.into();
        let res = busy.into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers().get(header::RETRY_AFTER).unwrap(), "5");
        assert_eq!(AppError::from(StoreError::Forbidden).status(), StatusCode::FORBIDDEN);
        let conflict: AppError = StoreError::Conflict("nip", "NIP sudah terdaftar".into()).into();
        assert!(matches!(conflict, AppError::Invalid(ref e) if e[0].field == "nip"));
    }
}
