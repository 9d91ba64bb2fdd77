//! The competency dictionary and position standards under /api/v1.

use axum::Json;
use serde::Serialize;

use super::{ApiPath as Path, ApiResult};
use crate::auth::ApiActor;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CompetencyDto {
    id: i64,
    code: String,
    family: cakap_domain::competency::Family,
    name: String,
    description: String,
    national_code: Option<String>,
    version: i32,
    /// Indicator of levels 1–5 in the current version.
    levels: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/competencies", responses((status = 200, description = "Kamus kompetensi instansi: nasional (manajerial, sosial kultural) dan teknis, dengan indikator level 1–5", body = Vec<CompetencyDto>)))]
pub async fn list_competencies(ApiActor(a): ApiActor) -> ApiResult<Vec<CompetencyDto>> {
    let competencies = a.scope()?.competencies()?;
    // Two queries for the whole dictionary, not one per competency.
    let indicators = competencies.current_indicators().await?;
    let mut out = vec![];
    for c in competencies.list().await?.into_iter().filter(|c| c.active) {
        let levels = (1..=5u8).filter_map(|l| indicators.get(&(c.id, l)).cloned()).collect();
        out.push(CompetencyDto {
            id: c.id,
            code: c.code,
            family: c.family,
            name: c.name,
            description: c.description,
            national_code: c.national_code,
            version: c.version,
            levels,
        });
    }
    Ok(Json(out))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StandardDto {
    competency_id: i64,
    code: String,
    name: String,
    /// Default by jenjang (national competencies).
    default: Option<u8>,
    /// What applies; null = not required.
    required: Option<u8>,
    overridden: bool,
}

#[utoipa::path(get, path = "/api/v1/positions/{id}/standard", params(("id" = i64, Path)), responses((status = 200, description = "Standar kompetensi jabatan", body = Vec<StandardDto>)))]
pub async fn position_standard(ApiActor(a): ApiActor, Path(id): Path<i64>) -> ApiResult<Vec<StandardDto>> {
    let rows = a.scope()?.competencies()?.standard(id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| StandardDto {
                competency_id: r.competency.id,
                code: r.competency.code,
                name: r.competency.name,
                default: r.default,
                required: r.required,
                overridden: r.overridden,
            })
            .collect(),
    ))
}
