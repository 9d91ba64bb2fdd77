//! Organisation under /api/v1: units, positions, employees and users, through the same scope
//! handles as the pages.

use axum::Json;
use cakap_domain::employee::Employee;
use cakap_domain::org::{Position, Unit};
use cakap_store::org::employees::{EmployeeFilter, EmployeeForm};

use super::{ApiJson, ApiPath as Path, ApiQuery, ApiResult, PageDto};
use crate::auth::ApiActor;

#[utoipa::path(get, path = "/api/v1/units", responses((status = 200, description = "Unit kerja instansi, urut pohon", body = Vec<Unit>)))]
pub async fn list_units(ApiActor(a): ApiActor) -> ApiResult<Vec<Unit>> {
    Ok(Json(a.scope()?.units()?.list().await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Satu unit", body = Unit)))]
pub async fn get_unit(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Unit> {
    Ok(Json(a.scope()?.units()?.get(id).await?))
}

#[utoipa::path(get, path = "/api/v1/positions", responses((status = 200, description = "Jabatan instansi", body = Vec<Position>)))]
pub async fn list_positions(ApiActor(a): ApiActor) -> ApiResult<Vec<Position>> {
    Ok(Json(a.scope()?.positions()?.all().await?))
}

/// The API's list filter: typed values (an unknown kind or status is a 400, not ignored).
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployeeQuery {
    /// Nama atau NIP (maksimal 100 karakter).
    #[serde(default)]
    #[param(max_length = 100)]
    q: String,
    /// Unit kerja (beserta sub-unitnya).
    unit: Option<i64>,
    kind: Option<cakap_domain::PositionKind>,
    status: Option<cakap_domain::EmployeeStatus>,
    /// Halaman (100 baris); 0 dan 1 sama-sama halaman pertama.
    #[param(minimum = 0, maximum = 100000)]
    page: Option<u64>,
}

impl EmployeeQuery {
    fn filter(&self) -> Result<EmployeeFilter, crate::error::AppError> {
        Ok(EmployeeFilter { q: Some(crate::params::search(&self.q)?), unit_id: self.unit, kind: self.kind, status: self.status, ..Default::default() })
    }
}

#[utoipa::path(get, path = "/api/v1/employees", params(EmployeeQuery), responses((status = 200, description = "Pegawai yang boleh dilihat pemilik token", body = PageDto<Employee>)))]
pub async fn list_employees(ApiActor(a): ApiActor, ApiQuery(q): ApiQuery<EmployeeQuery>) -> ApiResult<PageDto<Employee>> {
    let page = crate::params::api_page(q.page)?;
    let res = a.scope()?.employees()?.list(&q.filter()?, page, 100).await?;
    Ok(Json(PageDto { items: res.items, total: res.total, page, per_page: 100 }))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Satu pegawai", body = Employee)))]
pub async fn get_employee(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Employee> {
    Ok(Json(a.scope()?.employees()?.get(id).await?))
}

#[utoipa::path(post, path = "/api/v1/employees", request_body = EmployeeForm, responses((status = 200, description = "Pegawai dibuat", body = Employee)))]
pub async fn create_employee(ApiActor(a): ApiActor, ApiJson(f): ApiJson<EmployeeForm>) -> ApiResult<Employee> {
    let admin = a.scope()?.org_admin()?;
    Ok(Json(admin.create_employee(&f).await?))
}

#[utoipa::path(put, path = "/api/v1/employees/{id}", params(("id" = i64, Path)), request_body = EmployeeForm, responses((status = 200, description = "Pegawai diubah", body = Employee)))]
pub async fn update_employee(ApiActor(a): ApiActor, Path(id): Path<i64>, ApiJson(f): ApiJson<EmployeeForm>) -> ApiResult<Employee> {
    let admin = a.scope()?.org_admin()?;
    Ok(Json(admin.update_employee(id, &f).await?))
}

#[utoipa::path(post, path = "/api/v1/units", request_body = cakap_store::org::units::UnitInput, responses((status = 200, description = "Unit dibuat", body = Unit)))]
pub async fn create_unit(ApiActor(a): ApiActor, ApiJson(input): ApiJson<cakap_store::org::units::UnitInput>) -> ApiResult<Unit> {
    let admin = a.scope()?.org_admin()?;
    Ok(Json(admin.create_unit(&input).await?))
}

#[utoipa::path(post, path = "/api/v1/positions", request_body = cakap_store::org::positions::PositionInput, responses((status = 200, description = "Jabatan dibuat", body = Position)))]
pub async fn create_position(ApiActor(a): ApiActor, ApiJson(input): ApiJson<cakap_store::org::positions::PositionInput>) -> ApiResult<Position> {
    let admin = a.scope()?.org_admin()?;
    Ok(Json(admin.create_position(&input).await?))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, description = "Pengguna instansi dengan perannya", body = Vec<cakap_store::users::UserWithRoles>)))]
pub async fn list_users(ApiActor(a): ApiActor) -> ApiResult<Vec<cakap_store::users::UserWithRoles>> {
    Ok(Json(a.scope()?.user_admin()?.list(None, 1, 10_000).await?.items))
}

#[utoipa::path(post, path = "/api/v1/users", request_body = cakap_store::users::UserForCreate, responses((status = 200, description = "Pengguna dibuat", body = cakap_store::users::UserWithRoles)))]
pub async fn create_user(ApiActor(a): ApiActor, ApiJson(input): ApiJson<cakap_store::users::UserForCreate>) -> ApiResult<cakap_store::users::UserWithRoles> {
    let admin = a.scope()?.user_admin()?;
    Ok(Json(admin.create(&input).await?))
}
