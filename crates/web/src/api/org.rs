//! Organisation under /api/v1: units, positions, employees and users, through the same scope
//! handles as the pages.

use axum::Json;
use axum::extract::Path;
use cakap_domain::employee::Employee;
use cakap_domain::org::{Position, Unit};
use cakap_store::org::employees::{EmployeeFilter, EmployeeForm};

use super::{ApiQuery, ApiResult, PageDto, parse_json};
use crate::auth::ApiActor;

#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, description = "Unit kerja instansi, urut pohon")))]
pub async fn list_units(ApiActor(a): ApiActor) -> ApiResult<Vec<Unit>> {
    Ok(Json(a.scope()?.units()?.list().await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Satu unit"), (status = 404, description = "Tidak ditemukan")))]
pub async fn get_unit(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Unit> {
    Ok(Json(a.scope()?.units()?.get(id).await?))
}

#[utoipa::path(get, path = "/api/v1/positions", responses((status = 200, description = "Jabatan instansi")))]
pub async fn list_positions(ApiActor(a): ApiActor) -> ApiResult<Vec<Position>> {
    Ok(Json(a.scope()?.positions()?.all().await?))
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
    fn filter(&self) -> Result<EmployeeFilter, crate::error::AppError> {
        Ok(EmployeeFilter { q: Some(crate::params::search(&self.q)?), unit_id: self.unit, kind: self.kind, status: self.status, ..Default::default() })
    }
}

#[utoipa::path(get, path = "/api/v1/employees", params(("q" = Option<String>, Query), ("unit" = Option<i64>, Query), ("kind" = Option<String>, Query), ("status" = Option<String>, Query), ("page" = Option<u64>, Query)), responses((status = 200, description = "Pegawai yang boleh dilihat pemilik token")))]
pub async fn list_employees(ApiActor(a): ApiActor, ApiQuery(q): ApiQuery<EmployeeQuery>) -> ApiResult<PageDto<Employee>> {
    let page = q.page.unwrap_or(1).clamp(1, crate::params::MAX_PAGE);
    let res = a.scope()?.employees()?.list(&q.filter()?, page, 100).await?;
    Ok(Json(PageDto { items: res.items, total: res.total, page, per_page: 100 }))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Satu pegawai"), (status = 404, description = "Tidak ditemukan atau di luar cakupan")))]
pub async fn get_employee(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Employee> {
    Ok(Json(a.scope()?.employees()?.get(id).await?))
}

#[utoipa::path(post, path = "/api/v1/employees", request_body(content = String, content_type = "application/json", description = "EmployeeForm: nip, nama, jenis_kelamin, tanggal_lahir, status, golongan, email, unit_id, position_id, target_position_id"), responses((status = 200, description = "Pegawai dibuat"), (status = 422, description = "Isian tidak valid (errors per kolom)")))]
pub async fn create_employee(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<Employee> {
    let admin = a.scope()?.org_admin()?;
    let f: EmployeeForm = parse_json(&body)?;
    Ok(Json(admin.create_employee(&f).await?))
}

#[utoipa::path(put, path = "/api/v1/employees/{id}", params(("id" = i64, Path)), request_body(content = String, content_type = "application/json", description = "EmployeeForm"), responses((status = 200, description = "Pegawai diubah"), (status = 422, description = "Isian tidak valid")))]
pub async fn update_employee(ApiActor(a): ApiActor, Path(id): Path<i64>, body: axum::body::Bytes) -> ApiResult<Employee> {
    let admin = a.scope()?.org_admin()?;
    let f: EmployeeForm = parse_json(&body)?;
    Ok(Json(admin.update_employee(id, &f).await?))
}

#[utoipa::path(post, path = "/api/v1/units", request_body(content = String, content_type = "application/json", description = "UnitInput: parent_id, code, name, kind"), responses((status = 200, description = "Unit dibuat"), (status = 422, description = "Isian tidak valid")))]
pub async fn create_unit(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<Unit> {
    let admin = a.scope()?.org_admin()?;
    let input: cakap_store::org::units::UnitInput = parse_json(&body)?;
    Ok(Json(admin.create_unit(&input).await?))
}

#[utoipa::path(post, path = "/api/v1/positions", request_body(content = String, content_type = "application/json", description = "PositionInput: unit_id, code, name, jenjang, criticality"), responses((status = 200, description = "Jabatan dibuat"), (status = 422, description = "Isian tidak valid")))]
pub async fn create_position(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<Position> {
    let admin = a.scope()?.org_admin()?;
    let input: cakap_store::org::positions::PositionInput = parse_json(&body)?;
    Ok(Json(admin.create_position(&input).await?))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, description = "Pengguna instansi dengan perannya")))]
pub async fn list_users(ApiActor(a): ApiActor) -> ApiResult<Vec<cakap_store::users::UserWithRoles>> {
    Ok(Json(a.scope()?.user_admin()?.list(None, 1, 10_000).await?.items))
}

#[utoipa::path(post, path = "/api/v1/users", request_body(content = String, content_type = "application/json", description = "UserForCreate: login, name, password, employee_id, roles [{role, unit_id}]"), responses((status = 200, description = "Pengguna dibuat"), (status = 422, description = "Isian tidak valid")))]
pub async fn create_user(ApiActor(a): ApiActor, body: axum::body::Bytes) -> ApiResult<cakap_store::users::UserWithRoles> {
    let admin = a.scope()?.user_admin()?;
    let input: cakap_store::users::UserForCreate = parse_json(&body)?;
    Ok(Json(admin.create(&input).await?))
}
