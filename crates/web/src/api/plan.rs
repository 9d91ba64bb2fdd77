//! The catalogue and the annual plan under /api/v1: partners with their agreements, programs,
//! plans with their items, seats, left-out employees and what more budget would buy (the
//! optimizer's result), generation and the workflow steps, with the same permissions as the pages.

use axum::Json;
use cakap_domain::plan::build::Rules;
use cakap_domain::plan::catalogue::JalurGroup;
use cakap_domain::plan::workflow::{PlanAction, PlanStatus};
use cakap_store::plan::catalogue::{Agreement, Partner, Program};
use cakap_store::plan::plans::{Plan, PlanDetail, PlanRequest};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath as Path, ApiResult};
use crate::auth::ApiActor;
use crate::error::{ApiError, AppError};

#[derive(Serialize, utoipa::ToSchema)]
pub struct PartnerDto {
    #[serde(flatten)]
    partner: Partner,
    agreements: Vec<Agreement>,
}

#[utoipa::path(get, path = "/api/v1/partners", responses((status = 200, description = "Mitra dengan perjanjian kerja sama (MoU/PKS)", body = Vec<PartnerDto>)))]
pub async fn list_partners(ApiActor(a): ApiActor) -> ApiResult<Vec<PartnerDto>> {
    let cat = a.scope()?.plans()?.catalogue().await?;
    let rows = cat
        .partners
        .iter()
        .map(|p| PartnerDto { partner: p.clone(), agreements: cat.agreements.iter().filter(|g| g.partner_id == p.id).cloned().collect() })
        .collect();
    Ok(Json(rows))
}

#[utoipa::path(get, path = "/api/v1/programs", responses((status = 200, description = "Katalog program pengembangan kompetensi", body = Vec<Program>)))]
pub async fn list_programs(ApiActor(a): ApiActor) -> ApiResult<Vec<Program>> {
    Ok(Json(a.scope()?.plans()?.catalogue().await?.programs))
}

#[utoipa::path(get, path = "/api/v1/plans", responses((status = 200, description = "Rencana pengembangan kompetensi, semua tahun dan versi", body = Vec<Plan>)))]
pub async fn list_plans(ApiActor(a): ApiActor) -> ApiResult<Vec<Plan>> {
    Ok(Json(a.scope()?.plans()?.list().await?))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", params(("id" = i64, Path)), responses((status = 200, description = "Rencana dengan butir (isi Pasal 207), peserta per butir, pegawai yang tidak tercakup beserta alasannya, simulasi tambahan anggaran dan riwayat", body = PlanDetail)))]
pub async fn get_plan(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<PlanDetail> {
    Ok(Json(a.scope()?.plans()?.get(id).await?))
}

/// A share of the budget kept for one jalur family.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveBody {
    /// pendidikan, klasikal or nonklasikal.
    group: JalurGroup,
    #[schema(minimum = 1, maximum = 100)]
    percent: u8,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    year: i32,
    /// Maksimal 200 karakter.
    #[schema(max_length = 200)]
    title: String,
    /// Pagu anggaran dalam rupiah.
    #[schema(minimum = 1)]
    budget: i64,
    /// Minimal peserta per unit kerja (bila anggaran memungkinkan).
    #[serde(default)]
    min_per_unit: Option<u32>,
    #[serde(default)]
    reserve: Option<ReserveBody>,
    /// Utamakan pegawai yang belum mencapai 20 JP tahun ini (nilai kebutuhannya dihitung tiga kali).
    #[serde(default)]
    below_minimum_jp: bool,
}

#[utoipa::path(post, path = "/api/v1/plans", request_body = PlanBody, responses((status = 200, description = "Rencana baru disusun dari kebutuhan oleh pengoptimasi", body = PlanDetail)))]
pub async fn create_plan(ApiActor(a): ApiActor, ApiJson(b): ApiJson<PlanBody>) -> ApiResult<PlanDetail> {
    let scope = a.scope()?;
    let req = PlanRequest {
        year: b.year,
        title: b.title,
        budget: b.budget,
        rules: Rules {
            min_per_unit: b.min_per_unit.filter(|m| *m > 0),
            reserve: b.reserve.map(|r| (r.group, r.percent)),
            below_minimum_jp: b.below_minimum_jp.then(|| scope.today().year()),
        },
    };
    let id = scope.planner()?.generate(&req).await?;
    Ok(Json(scope.plans()?.get(id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// submit (PyB), return or approve (PPK).
    action: String,
    /// Catatan; wajib saat mengembalikan. Maksimal 2000 karakter.
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StepDto {
    id: i64,
    status: PlanStatus,
}

#[utoipa::path(post, path = "/api/v1/plans/{id}/steps", params(("id" = i64, Path)), request_body = StepBody, responses((status = 200, description = "Langkah alur persetujuan dijalankan; status baru", body = StepDto)))]
pub async fn step_plan(ApiActor(a): ApiActor, Path(id): Path<i64>, ApiJson(b): ApiJson<StepBody>) -> ApiResult<StepDto> {
    let action = match PlanAction::from_code(&b.action) {
        Some(x @ (PlanAction::Submit | PlanAction::Return | PlanAction::Approve)) => x,
        _ => return Err(ApiError(AppError::BadRequest("Isian 'action' harus submit, return atau approve.".into()))),
    };
    let status = a.scope()?.plans()?.step(id, action, &b.note).await?;
    Ok(Json(StepDto { id, status }))
}
