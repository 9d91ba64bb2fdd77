//! AKPK under /api/v1: the dictionary, position standards, assessments, one employee's AKPK,
//! the needs list and the roll-ups, with the same permissions and scopes as the pages.

use axum::Json;
use axum::extract::State;
use cakap_domain::Permission;
use cakap_domain::akpk::Assessment;
use cakap_domain::competency::Method;
use cakap_domain::rollup::Agg;
use cakap_store::akpk::analysis::{Against, NeedRow};
use cakap_store::akpk::assessments::AssessmentInput;
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath as Path, ApiQuery as Query, ApiResult};
use crate::AppState;
use crate::auth::ApiActor;
use crate::error::{ApiError, AppError};
use crate::params::NeedQuery;

#[utoipa::path(get, path = "/api/v1/employees/{id}/assessments", params(("id" = i64, Path)), responses((status = 200, description = "Riwayat penilaian pegawai, terbaru dahulu", body = Vec<Assessment>)))]
pub async fn list_assessments(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Vec<Assessment>> {
    Ok(Json(a.scope()?.akpk_records()?.history(id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]

pub struct AssessmentBody {
    competency_id: i64,
    /// 1–5.
    #[schema(minimum = 1, maximum = 5)]
    level: u8,
    /// self, supervisor, peer, assessor or uji_kompetensi.
    method: Method,
    /// YYYY-MM-DD.
    #[serde(with = "iso_date")]
    assessed_on: time::Date,
    /// Catatan bukti, maksimal 2000 karakter.
    #[serde(default)]
    #[schema(max_length = 2000)]
    evidence: String,
}

#[utoipa::path(post, path = "/api/v1/employees/{id}/assessments", params(("id" = i64, Path)), request_body = AssessmentBody, responses((status = 200, description = "Penilaian dicatat", body = Assessment)))]
pub async fn create_assessment(ApiActor(a): ApiActor, Path(id): Path<i64>, ApiJson(b): ApiJson<AssessmentBody>) -> ApiResult<Assessment> {
    let assessor = a.scope()?.assessor()?;
    let input = AssessmentInput {
        competency_id: b.competency_id,
        level: b.level,
        method: b.method,
        assessed_on: b.assessed_on,
        evidence: b.evidence,
        rater_name: String::new(),
    };
    Ok(Json(assessor.assess(id, input).await?))
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

#[derive(Serialize, utoipa::ToSchema)]
pub struct AkpkDto {
    employee_id: i64,
    held: Option<Against>,
    target: Option<Against>,
    /// Latest SKP: (year, rating code, gap below "Baik").
    skp: Option<(i32, &'static str, u8)>,
    /// Competency ids whose raters disagree by 2 levels or more.
    calibration: Vec<i64>,
}

#[utoipa::path(get, path = "/api/v1/employees/{id}/akpk", params(("id" = i64, Path)), responses((status = 200, description = "Kesenjangan terhadap jabatan saat ini dan target, JPM, kategori, kinerja", body = AkpkDto)))]
pub async fn employee_akpk(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<AkpkDto> {
    a.require(Permission::ReadAkpk)?;
    let e = a.scope()?.employees()?.get(id).await?;
    let an = a.scope()?.employee_analysis(id).await?;
    let ei = an.employee_index(id).ok_or(ApiError(AppError::NotFound))?;
    Ok(Json(AkpkDto {
        employee_id: id,
        held: an.against(ei, e.position_id),
        target: e.target_position_id.filter(|p| *p != e.position_id).and_then(|p| an.against(ei, p)),
        skp: an.skp.get(&id).map(|(y, r)| (*y, r.code(), r.gap())),
        calibration: an.calibration_of(ei).iter().map(|d| an.competency(d.competency).id).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/needs", params(NeedQuery), responses((status = 200, description = "Kebutuhan pengembangan kompetensi dalam urutan yang diminta (bawaan: prioritas tertinggi dahulu), 500 per halaman", body = super::PageDto<NeedRow>)))]
pub async fn list_needs(ApiActor(a): ApiActor, Query(q): Query<NeedQuery>) -> ApiResult<super::PageDto<NeedRow>> {
    const PER_PAGE: u64 = 500;
    q.no_blank_filters()?;
    let page = crate::params::api_page(q.page)?;
    let offset = ((page - 1) * PER_PAGE) as usize;
    let (_, found) = cakap_store::akpk::needs::page(a.scope()?, &q.filter()?, q.sort()?, offset, PER_PAGE as usize).await?;
    Ok(Json(super::PageDto { items: found.rows, total: found.total as u64, page, per_page: PER_PAGE }))
}

/// The measures of one group (definitions: `cakap_domain::rollup`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AggDto {
    assessed: u64,
    mean_actual: Option<f64>,
    mean_required: Option<f64>,
    mean_gap: Option<f64>,
    share_with_gap: Option<f64>,
    jpm: Option<f64>,
}

impl From<&Agg> for AggDto {
    fn from(a: &Agg) -> Self {
        AggDto {
            assessed: a.assessed,
            mean_actual: a.mean_actual(),
            mean_required: a.mean_required(),
            mean_gap: a.mean_gap(),
            share_with_gap: a.share_with_gap(),
            jpm: a.jpm(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RollupRowDto {
    unit_id: i64,
    name: String,
    /// The parent's own staff (not its sub-units).
    own_staff: bool,
    employees: usize,
    total: AggDto,
    /// In the order of `competencies`.
    cells: Vec<AggDto>,
    /// Employees per JPM band, in the order of `bands`.
    bands: Vec<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RollupDto {
    competencies: Vec<(i64, String)>,
    bands: Vec<String>,
    rows: Vec<RollupRowDto>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RollupQuery {
    /// Induk; kosong = unit teratas.
    unit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/rollups/units", params(RollupQuery), responses((status = 200, description = "Rekap per unit × kompetensi (peta kesenjangan) dan sebaran JPM", body = RollupDto)))]
pub async fn unit_rollup(ApiActor(a): ApiActor, Query(q): Query<RollupQuery>) -> ApiResult<RollupDto> {
    a.require(Permission::ReadNeeds)?;
    let an = a.scope()?.analysis().await?;
    if q.unit.is_some_and(|u| !an.units.contains_key(&u)) {
        return Err(ApiError(AppError::NotFound));
    }
    let hm = an.heatmap(q.unit);
    Ok(Json(RollupDto {
        competencies: hm.competencies.iter().map(|c| (c.id, c.name.clone())).collect(),
        bands: hm.bands,
        rows: hm
            .rows
            .iter()
            .map(|r| RollupRowDto {
                unit_id: r.unit.id,
                name: r.unit.name.clone(),
                own_staff: r.own_staff,
                employees: r.employees,
                total: (&r.total).into(),
                cells: r.cells.iter().map(Into::into).collect(),
                bands: r.bands.clone(),
            })
            .collect(),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NationalDto {
    /// (national code, name)
    competencies: Vec<(String, String)>,
    tenants: Vec<NationalTenantDto>,
    total: Vec<AggDto>,
    overall: AggDto,
    /// ASN counted (active, matching the filter).
    employees: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NationalTenantDto {
    tenant_id: i64,
    code: String,
    employees: usize,
    cells: Vec<AggDto>,
    overall: AggDto,
}

#[utoipa::path(get, path = "/api/v1/rollups/national", params(crate::params::NationalQuery), responses((status = 200, description = "Rekap nasional per instansi × kompetensi nasional (super admin), untuk ASN yang cocok dengan filter", body = NationalDto)))]
pub async fn national_rollup(State(s): State<AppState>, ApiActor(a): ApiActor, Query(q): Query<crate::params::NationalQuery>) -> ApiResult<NationalDto> {
    let n = a.nation(&s.store)?.analysis(&q.filter()?, a.today()).await?;
    Ok(Json(NationalDto {
        competencies: n.competencies,
        tenants: n
            .tenants
            .iter()
            .map(|(t, heads, cells, all)| NationalTenantDto {
                tenant_id: t.id,
                code: t.code.clone(),
                employees: *heads,
                cells: cells.iter().map(Into::into).collect(),
                overall: all.into(),
            })
            .collect(),
        total: n.total.iter().map(Into::into).collect(),
        overall: (&n.overall).into(),
        employees: n.employees,
    }))
}
