//! JSON API under /api/v1: the same permissions and scopes as the pages, bearer tokens only.

pub mod akpk;
pub mod competency;
pub mod org;
pub mod plan;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use cakap_domain::Permission;
use serde::Serialize;
use utoipa::OpenApi;

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;

type ApiResult<T> = Result<Json<T>, ApiError>;

#[derive(OpenApi)]
#[openapi(
    info(title = "Cakap API", version = "1", description = "Pengembangan kompetensi ASN. Autentikasi: Authorization: Bearer <token> (buat di Profil › Token API). Kesalahan dijawab sebagai application/problem+json (RFC 9457)."),
    modifiers(&Contract),
    components(schemas(crate::error::Problem)),
    paths(
        me,
        org::list_units,
        org::get_unit,
        org::create_unit,
        org::list_positions,
        org::create_position,
        org::list_employees,
        org::get_employee,
        org::create_employee,
        org::update_employee,
        org::list_users,
        org::create_user,
        list_tenants,
        competency::list_competencies,
        competency::position_standard,
        akpk::list_assessments,
        akpk::create_assessment,
        akpk::employee_akpk,
        akpk::list_needs,
        akpk::unit_rollup,
        akpk::national_rollup,
        plan::list_partners,
        plan::list_programs,
        plan::list_plans,
        plan::create_plan,
        plan::get_plan,
        plan::step_plan
    )
)]
pub struct ApiDoc;

/// What every operation shares, added to the generated document in one place so no handler
/// can forget it: the bearer scheme (required everywhere), and the problem documents (RFC 9457)
/// that any operation may answer with.
struct Contract;

impl utoipa::Modify for Contract {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("Token API Cakap")).build()),
        );
        let problem = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content("application/problem+json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
                .build()
        };
        let common = [
            ("400", "Parameter atau badan permintaan tidak valid"),
            ("401", "Token tidak ada, salah, kedaluwarsa atau dicabut"),
            ("403", "Peran atau hak token tidak mengizinkan"),
            ("404", "Tidak ditemukan atau di luar cakupan pemilik token"),
            ("413", "Badan permintaan terlalu besar"),
            ("415", "Badan permintaan harus application/json"),
            ("422", "Isian tidak valid (errors per kolom)"),
            ("503", "Sistem sedang sibuk; coba lagi (Retry-After)"),
        ];
        for item in doc.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch].into_iter().flatten() {
                op.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
                for (code, what) in common {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| problem(what).into());
                }
            }
        }
    }
}

route_table! {
    "/openapi.json" => get(|| async { Json(ApiDoc::openapi()) }),
    "/me" => get(me),
    "/units" => get(org::list_units).post(org::create_unit),
    "/units/{id}" => get(org::get_unit),
    "/positions" => get(org::list_positions).post(org::create_position),
    "/users" => get(org::list_users).post(org::create_user),
    "/employees" => get(org::list_employees).post(org::create_employee),
    "/employees/{id}" => get(org::get_employee).put(org::update_employee),
    "/tenants" => get(list_tenants),
    "/competencies" => get(competency::list_competencies),
    "/positions/{id}/standard" => get(competency::position_standard),
    "/employees/{id}/assessments" => get(akpk::list_assessments).post(akpk::create_assessment),
    "/employees/{id}/akpk" => get(akpk::employee_akpk),
    "/needs" => get(akpk::list_needs),
    "/rollups/units" => get(akpk::unit_rollup),
    "/rollups/national" => get(akpk::national_rollup),
    "/partners" => get(plan::list_partners),
    "/programs" => get(plan::list_programs),
    "/plans" => get(plan::list_plans).post(plan::create_plan),
    "/plans/{id}" => get(plan::get_plan),
    "/plans/{id}/steps" => post(plan::step_plan),
}

pub fn routes() -> Router<AppState> {
    table().fallback(|| async { ApiError(crate::error::AppError::NotFound) })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    id: i64,
    login: String,
    name: String,
    tenant_id: Option<i64>,
    roles: Vec<&'static str>,
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, description = "Pengguna pemilik token", body = Me)))]
async fn me(ApiActor(a): ApiActor) -> ApiResult<Me> {
    Ok(Json(Me { id: a.user_id, login: a.login, name: a.name, tenant_id: a.tenant_id, roles: a.roles.0.iter().map(|r| r.code()).collect() }))
}

/// Why a value did not deserialize, in Bahasa Indonesia: serde's own texts name Rust types
/// ("expected struct EmployeeForm", "invalid digit found in string").
fn reason(e: &str) -> &'static str {
    if e.contains("missing field") {
        "wajib diisi"
    } else if e.contains("unknown field") {
        "tidak dikenal"
    } else if e.contains("tidak dikenal") || e.contains("unknown variant") {
        "nilainya tidak dikenal"
    } else if e.contains("invalid digit") || e.contains("invalid type") || e.contains("expected") || e.contains("too large") || e.contains("too small") {
        "jenis atau rentang nilainya tidak sesuai"
    } else {
        "tidak valid"
    }
}

/// The field a path names ("." for the whole body).
fn field(path: &serde_path_to_error::Path) -> String {
    let p = path.to_string();
    if p == "." || p.is_empty() { "badan permintaan".to_string() } else { format!("'{}'", p.chars().take(60).collect::<String>()) }
}

/// Query parameters parsed into a typed value; a bad one is a problem document naming it.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de).map(ApiQuery).map_err(|e| {
            let why = reason(&e.inner().to_string());
            ApiError(crate::error::AppError::BadRequest(format!("Parameter {} {why}.", field(e.path()))))
        })
    }
}

/// Path parameters: one that does not parse (an id that is no number, or too big) is a 404
/// problem document, as an unknown id is.
pub struct ApiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| ApiPath(p.0)).map_err(|_| ApiError(crate::error::AppError::NotFound))
    }
}

/// A JSON body: `application/json` (else 415), within the body limit, parsed with the failing
/// field named in Bahasa Indonesia (400), never serde's text naming Rust types.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(ApiError(crate::error::AppError::UnsupportedMedia));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| ApiError(crate::error::AppError::TooLarge(0)))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// JSON bodies are parsed here so a malformed body gets an Indonesian message, not a 500.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let syntax = |e: &serde_json::Error| format!("JSON tidak valid (baris {}, kolom {}).", e.line(), e.column());
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let text = inner.to_string();
        let msg = if inner.is_syntax() || inner.is_eof() {
            syntax(inner)
        } else if let Some(name) = crate::params::named_field(&text) {
            // A missing field is reported at its parent, so its name is appended; an unknown
            // field's path already ends with it.
            let path = e.path().to_string();
            let full = if text.contains("unknown field") {
                path
            } else if path == "." {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            format!("Isian '{}' {}.", full.chars().take(60).collect::<String>(), reason(&text))
        } else {
            format!("Isian {} {}.", field(e.path()), reason(&text))
        };
        ApiError(crate::error::AppError::BadRequest(msg))
    })?;
    // Trailing text after the value is as wrong as a broken value.
    de.end().map_err(|e| ApiError(crate::error::AppError::BadRequest(syntax(&e))))?;
    Ok(value)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PageDto<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: u64,
    pub(crate) page: u64,
    pub(crate) per_page: u64,
}

#[utoipa::path(get, path = "/api/v1/tenants", responses((status = 200, description = "Semua instansi (super admin)", body = Vec<cakap_domain::org::Tenant>)))]
async fn list_tenants(State(s): State<AppState>, ApiActor(a): ApiActor) -> ApiResult<Vec<cakap_domain::org::Tenant>> {
    a.require(Permission::ManageTenants)?;
    Ok(Json(a.nation(&s.store)?.tenants().await?))
}
