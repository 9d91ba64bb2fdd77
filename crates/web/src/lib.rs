//! Cakap's web layer: pages (askama, work without JS), the JSON API under /api/v1 and the
//! middleware that every request passes: request id, sessions, CSRF.

/// A router and the list of its paths from one table, so tests that must cover every route
/// (the isolation matrix, the no-write crawl) read the same list the router was built from.
macro_rules! route_table {
    ($($path:literal => $method:expr),* $(,)?) => {
        /// Every path of this router, as registered.
        pub const PATHS: &[&str] = &[$($path),*];

        fn table() -> Router<AppState> {
            Router::new()$(.route($path, $method))*
        }
    };
}

pub mod api;
pub mod auth;
pub mod cache;
pub mod charts;
pub mod error;
pub mod mail;
pub mod pages;
pub mod params;
pub mod pdf;
pub mod session;
pub mod view;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cakap_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::auth::SESSION_CSRF;
use crate::error::{AppError, REQUEST_ID};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub cfg: WebConfig,
    pub cache: std::sync::Arc<cache::Caches>,
}

/// Default largest request body (imports): 64 MiB.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Options that differ between deployments.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest request body in bytes (`--max-upload-mb`); enforced once, in [`body_limit`], and
    /// by every body extractor (axum's own default of 2 MB is replaced by it).
    pub max_body: usize,
    /// Set the `Secure` cookie flag (behind TLS).
    pub secure_cookies: bool,
    /// Addresses of the reverse proxies in front (`--trusted-proxy`): only a request from one
    /// of them has its `X-Forwarded-For` read, and then the right-most hop that is not one of
    /// them is the client (the left-most hops are whatever the client wrote).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Cakap's address as people reach it (`--public-url`), for addresses that leave the screen
    /// (the check-in QR, the certificate's QR); "" to take the request's Host.
    pub public_url: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { max_body: MAX_BODY, secure_cookies: false, trusted_proxies: vec![], public_url: String::new() }
    }
}

pub fn router(store: Store, cfg: WebConfig) -> Router {
    let state = AppState { store: store.clone(), cfg: cfg.clone(), cache: Default::default() };
    let sessions = SessionManagerLayer::new(session::DbSessionStore::new(store, state.cache.generation()))
        .with_name("cakap_sid")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(cfg.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    let pages = pages::routes().layer(middleware::from_fn(csrf_guard)).layer(sessions);
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../static/app.css")) }))
        .route("/static/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../static/app.js")) }))
        .route("/static/accent.css", get(accent_css))
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), stale_after_write))
        .layer(middleware::from_fn_with_state(state.clone(), body_limit))
        .layer(DefaultBodyLimit::max(cfg.max_body))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(cfg.max_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(300)))
        .layer(CompressionLayer::new())
        // Inside the request id: a panic anywhere below answers with the error page and the
        // id to quote, instead of a dropped connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(cfg.secure_cookies, security_headers))
        .layer(middleware::from_fn(request_id))
}

/// The tenant's accent colour as a stylesheet, so pages carry no inline style (CSP).
async fn accent_css(axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>) -> Response {
    let hex = view::accent_hex(&q.get("c").map(|c| format!("#{c}")).unwrap_or_default()).to_string();
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], format!(":root {{ --accent: #{hex}; }}\n"))
        .into_response()
}

/// The policy every HTML response carries: scripts, styles and images from Cakap only (no
/// inline code), never framed, forms posted only to Cakap.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
                       object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every response; `no-store` on everything but the static files, so
/// pages, exports and API answers with personal data are never kept by a browser or proxy.
async fn security_headers(axum::extract::State(https): axum::extract::State<bool>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(axum::http::HeaderName::from_static(k), axum::http::HeaderValue::from_static(v));
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(h, "permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    set(h, "cross-origin-opener-policy", "same-origin");
    if https {
        set(h, "strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    if !is_static {
        set(h, "cache-control", "no-store");
    }
    res
}

fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| err.downcast_ref::<String>().cloned()).unwrap_or_default();
    tracing::error!(request_id = %error::request_id(), "panic: {what}");
    AppError::Internal("panic".into()).into_response()
}

/// A declared body over the limit is refused before it is read, with a page (or problem
/// document) that says the limit; a body that turns out longer than declared is cut off by
/// `RequestBodyLimitLayer` and reported the same way by the extractor that reads it.
async fn body_limit(axum::extract::State(s): axum::extract::State<AppState>, req: Request, next: Next) -> Response {
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let api = req.uri().path().starts_with("/api/");
    let too_large = || {
        let e = AppError::TooLarge(s.cfg.max_body);
        if api { error::ApiError(e).into_response() } else { e.into_response() }
    };
    if declared.is_some_and(|n| n > s.cfg.max_body as u64) {
        return too_large();
    }
    let res = next.run(req).await;
    // Whichever extractor hit the limit (form, JSON, multipart), the user reads the same answer.
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { res }
}

/// Any request that may write makes cached principals and revisions stale once it has completed.
async fn stale_after_write(axum::extract::State(s): axum::extract::State<AppState>, req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    let res = next.run(req).await;
    if writes {
        s.store.note_write();
        s.cache.bump();
    }
    res
}

async fn healthz(axum::extract::State(s): axum::extract::State<AppState>) -> Response {
    match s.store.ping().await {
        Ok(_) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({"status": "error", "detail": e.to_string()}))).into_response(),
    }
}

/// Gives every request an id: in the task-local used by error pages and logs, and in the
/// `x-request-id` response header.
async fn request_id(req: Request, next: Next) -> Response {
    let id = hex::encode(rand::random::<[u8; 8]>());
    let span = tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let mut res = REQUEST_ID.scope(id.clone(), tracing::Instrument::instrument(next.run(req), span)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res.headers_mut().insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    res.headers_mut().insert("x-frame-options", HeaderValue::from_static("DENY"));
    res.headers_mut().insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}

/// Every state-changing form carries the session's CSRF token in `_csrf`. URL-encoded bodies are
/// checked here; multipart uploads are checked by their handler (see `pages::read_upload`), because
/// reading a multipart body here would mean buffering whole files twice.
/// The login form's body is a login and a password: a bigger one is refused unread.
const LOGIN_BODY_LIMIT: usize = 16 * 1024;

/// Header carrying the CSRF token for requests sent by script.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Every page POST carries the session's CSRF token, whatever its content type, checked here
/// before the handler runs: from the `X-CSRF-Token` header, else the `_csrf` field of a
/// URL-encoded or multipart body. A POST without a session (or, for the login form, without
/// its double-submit cookie) is refused before its body is read, so a stranger cannot make the
/// server buffer a large body.
async fn csrf_guard(session: Session, req: Request, next: Next) -> Result<Response, AppError> {
    if req.method() != Method::POST {
        return Ok(next.run(req).await);
    }
    let login = req.uri().path() == pages::home::LOGIN_PATH;
    // The login form has no session yet (a GET never writes one): its token is a double-submit
    // cookie, which a cross-site form cannot read or set.
    let expected: Option<String> =
        if login { pages::home::login_cookie(req.headers()) } else { session.get(SESSION_CSRF).await.map_err(|e| AppError::Internal(e.to_string()))? };
    let Some(expected) = expected else { return Err(AppError::Csrf) };
    let matches = |got: Option<&str>| got.is_some_and(|g| constant_time_eq(expected.as_bytes(), g.as_bytes()));
    if let Some(h) = req.headers().get(CSRF_HEADER) {
        return if matches(h.to_str().ok()) { Ok(next.run(req).await) } else { Err(AppError::Csrf) };
    }
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (parts, body) = req.into_parts();
    let limit = if login { LOGIN_BODY_LIMIT } else { usize::MAX };
    // Bounded above by the body-limit layers (the upload limit) for every other page.
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| AppError::TooLarge(if login { LOGIN_BODY_LIMIT } else { 0 }))?;
    let got = if ct.starts_with("multipart/form-data") {
        multipart_field(&ct, bytes.clone(), "_csrf").await
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default().into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v)
    };
    if !matches(got.as_deref()) {
        return Err(AppError::Csrf);
    }
    Ok(next.run(Request::from_parts(parts, Body::from(bytes))).await)
}

/// The text of one field of a buffered multipart body (files are skipped unread).
async fn multipart_field(content_type: &str, bytes: axum::body::Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) && field.file_name().is_none() {
            return field.text().await.ok();
        }
    }
    None
}

pub use cakap_store::users::constant_time_eq;

/// Re-exports for the binary, so it does not pin its own axum version.
pub mod reexport {
    pub use axum;
}
