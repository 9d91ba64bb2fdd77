//! JSON API under /api/v1: the same permissions and scopes as the pages, bearer tokens only.

pub mod akpk;
pub mod competency;
pub mod org;

use axum::extract::State;
use axum::routing::get;
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
    info(title = "Cakap API", version = "1", description = "Pengembangan kompetensi ASN. Autentikasi: Authorization: Bearer <token>."),
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
        akpk::national_rollup
    )
)]
pub struct ApiDoc;

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
}

pub fn routes() -> Router<AppState> {
    table().fallback(|| async { ApiError(crate::error::AppError::NotFound) })
}

#[derive(Serialize)]
pub struct Me {
    id: i64,
    login: String,
    name: String,
    tenant_id: Option<i64>,
    roles: Vec<&'static str>,
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, description = "Pengguna pemilik token")))]
async fn me(ApiActor(a): ApiActor) -> ApiResult<Me> {
    Ok(Json(Me { id: a.user_id, login: a.login, name: a.name, tenant_id: a.tenant_id, roles: a.roles.0.iter().map(|r| r.code()).collect() }))
}

/// Query parameters parsed into a typed value; a bad one is a problem document naming it.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q).map(ApiQuery).map_err(|e| ApiError(crate::error::AppError::BadRequest(format!("parameter tidak valid: {e}"))))
    }
}

#[derive(Serialize)]
pub struct PageDto<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: u64,
    pub(crate) page: u64,
    pub(crate) per_page: u64,
}

/// JSON bodies are parsed here so a malformed body gets an Indonesian message, not a 500.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError(crate::error::AppError::BadRequest(format!("JSON tidak valid: {e}"))))
}

#[utoipa::path(get, path = "/api/v1/tenants", responses((status = 200, description = "Semua instansi (super admin)")))]
async fn list_tenants(State(s): State<AppState>, ApiActor(a): ApiActor) -> ApiResult<Vec<cakap_domain::org::Tenant>> {
    a.require(Permission::ManageTenants)?;
    Ok(Json(a.nation(&s.store)?.tenants().await?))
}
