//! JSON API under /api/v1: the same permissions and scopes as the pages, bearer tokens only.

pub mod akpk;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use cakap_domain::Permission;
use cakap_domain::org::{Position, Unit};
use cakap_store::org::employees::EmployeeForm;
use serde::Serialize;
use utoipa::OpenApi;

use crate::AppState;
use crate::auth::ApiActor;
use crate::error::ApiError;
use cakap_domain::employee::Employee;
use cakap_store::org::employees::EmployeeFilter;

type ApiResult<T> = Result<Json<T>, ApiError>;

#[derive(OpenApi)]
#[openapi(
    info(title = "Cakap API", version = "1", description = "Pengembangan kompetensi ASN. Autentikasi: Authorization: Bearer <token>."),
    paths(
        me,
        list_units,
        get_unit,
        create_unit,
        list_positions,
        create_position,
        list_employees,
        get_employee,
        create_employee,
        update_employee,
        list_users,
        create_user,
        list_tenants,
        akpk::list_competencies,
        akpk::position_standard,
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
    "/units" => get(list_units).post(create_unit),
    "/units/{id}" => get(get_unit),
    "/positions" => get(list_positions).post(create_position),
    "/users" => get(list_users).post(create_user),
    "/employees" => get(list_employees).post(create_employee),
    "/employees/{id}" => get(get_employee).put(update_employee),
    "/tenants" => get(list_tenants),
    "/competencies" => get(akpk::list_competencies),
    "/positions/{id}/standard" => get(akpk::position_standard),
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

#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, description = "Unit kerja instansi, urut pohon")))]
async fn list_units(ApiActor(a): ApiActor) -> ApiResult<Vec<Unit>> {
    Ok(Json(a.scope()?.units()?.list().await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Satu unit"), (status = 404, description = "Tidak ditemukan")))]
async fn get_unit(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Unit> {
    Ok(Json(a.scope()?.units()?.get(id).await?))
}

#[utoipa::path(get, path = "/api/v1/positions", responses((status = 200, description = "Jabatan instansi")))]
async fn list_positions(ApiActor(a): ApiActor) -> ApiResult<Vec<Position>> {
    Ok(Json(a.scope()?.positions()?.all().await?))
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

/// The API's list filter: typed values (an unknown kind or status is a 400, not ignored).
#[derive(serde::Deserialize, Default)]
pub struct EmployeeQuery {
    #[serde(default)]
    q: String,
    unit: Option<i64>,
    kind: Option<cakap_domain::PositionKind>,
    status: Option<cakap_domain::EmployeeStatus>,
    page: Option<u64>,
}

impl EmployeeQuery {
    fn filter(&self) -> EmployeeFilter {
        EmployeeFilter { q: Some(self.q.chars().take(100).collect()), unit_id: self.unit, kind: self.kind, status: self.status, ..Default::default() }
    }
}

#[derive(Serialize)]
pub struct PageDto<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total: u64,
    pub(crate) page: u64,
    pub(crate) per_page: u64,
}

#[utoipa::path(get, path = "/api/v1/employees", params(("q" = Option<String>, Query), ("unit" = Option<i64>, Query), ("kind" = Option<String>, Query), ("status" = Option<String>, Query), ("page" = Option<u64>, Query)), responses((status = 200, description = "Pegawai yang boleh dilihat pemilik token")))]
async fn list_employees(ApiActor(a): ApiActor, ApiQuery(q): ApiQuery<EmployeeQuery>) -> ApiResult<PageDto<Employee>> {
    let page = q.page.unwrap_or(1).clamp(1, crate::params::MAX_PAGE);
    let res = a.scope()?.employees()?.list(&q.filter(), page, 100).await?;
    Ok(Json(PageDto { items: res.items, total: res.total, page, per_page: 100 }))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Satu pegawai"), (status = 404, description = "Tidak ditemukan atau di luar cakupan")))]
async fn get_employee(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Employee> {
    Ok(Json(a.scope()?.employees()?.get(id).await?))
}

#[utoipa::path(post, path = "/api/v1/employees", request_body(content = String, content_type = "application/json", description = "EmployeeForm: nip, nama, jenis_kelamin, tanggal_lahir, status, golongan, email, unit_id, position_id, target_position_id"), responses((status = 200, description = "Pegawai dibuat"), (status = 422, description = "Isian tidak valid (errors per kolom)")))]
async fn create_employee(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<Employee> {
    let admin = a.scope()?.org_admin()?;
    let f: EmployeeForm = parse_json(&body)?;
    Ok(Json(admin.create_employee(&f).await?))
}

#[utoipa::path(put, path = "/api/v1/employees/{id}", params(("id" = i64, Path)), request_body(content = String, content_type = "application/json", description = "EmployeeForm"), responses((status = 200, description = "Pegawai diubah"), (status = 422, description = "Isian tidak valid")))]
async fn update_employee(ApiActor(a): ApiActor, Path(id): Path<i64>, body: axum::body::Bytes) -> ApiResult<Employee> {
    let admin = a.scope()?.org_admin()?;
    let f: EmployeeForm = parse_json(&body)?;
    Ok(Json(admin.update_employee(id, &f).await?))
}

#[utoipa::path(post, path = "/api/v1/units", request_body(content = String, content_type = "application/json", description = "UnitInput: parent_id, code, name, kind"), responses((status = 200, description = "Unit dibuat"), (status = 422, description = "Isian tidak valid")))]
async fn create_unit(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<Unit> {
    let admin = a.scope()?.org_admin()?;
    let input: cakap_store::org::units::UnitInput = parse_json(&body)?;
    Ok(Json(admin.create_unit(&input).await?))
}

#[utoipa::path(post, path = "/api/v1/positions", request_body(content = String, content_type = "application/json", description = "PositionInput: unit_id, code, name, jenjang, criticality"), responses((status = 200, description = "Jabatan dibuat"), (status = 422, description = "Isian tidak valid")))]
async fn create_position(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<Position> {
    let admin = a.scope()?.org_admin()?;
    let input: cakap_store::org::positions::PositionInput = parse_json(&body)?;
    Ok(Json(admin.create_position(&input).await?))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, description = "Pengguna instansi dengan perannya")))]
async fn list_users(ApiActor(a): ApiActor) -> ApiResult<Vec<cakap_store::users::UserWithRoles>> {
    Ok(Json(a.scope()?.user_admin()?.list(None, 1, 10_000).await?.items))
}

#[utoipa::path(post, path = "/api/v1/users", request_body(content = String, content_type = "application/json", description = "UserForCreate: login, name, password, employee_id, roles [{role, unit_id}]"), responses((status = 200, description = "Pengguna dibuat"), (status = 422, description = "Isian tidak valid")))]
async fn create_user(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<cakap_store::users::UserWithRoles> {
    let admin = a.scope()?.user_admin()?;
    let input: cakap_store::users::UserForCreate = parse_json(&body)?;
    Ok(Json(admin.create(&input).await?))
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
