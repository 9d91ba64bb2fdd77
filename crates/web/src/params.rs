//! Query parameters that pages and the API both accept, parsed once into the store's filters
//! (the API never imports page modules).

use cakap_domain::PositionKind;
use cakap_domain::akpk::NeedSource;
use cakap_domain::competency::Family;
use cakap_store::akpk::analysis::NeedFilter;
use serde::Deserialize;

/// Page numbers past this are served as the last allowed page rather than turned into a huge
/// offset (the store clamps the same way).
pub const MAX_PAGE: u64 = cakap_store::org::MAX_PAGE;

/// A `page` query parameter: missing or 0 is the first page, past [`MAX_PAGE`] is clamped.
pub fn page(p: Option<u64>) -> u64 {
    p.unwrap_or(1).clamp(1, MAX_PAGE)
}

/// An id from an optional text field; blank or unreadable is none.
pub fn opt_id(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// The needs list's filters (`/akpk/kebutuhan`, its exports, `/api/v1/needs`).
#[derive(Deserialize, Default, Clone)]
pub struct NeedQuery {
    pub unit: Option<String>,
    pub competency: Option<String>,
    pub family: Option<String>,
    pub kind: Option<String>,
    pub jabatan: Option<String>,
    pub source: Option<String>,
    pub page: Option<u64>,
}

impl NeedQuery {
    pub fn filter(&self) -> NeedFilter {
        NeedFilter {
            unit_id: opt_id(&self.unit),
            competency_id: opt_id(&self.competency),
            family: self.family.as_deref().and_then(Family::from_code),
            position_kind: self.kind.as_deref().and_then(PositionKind::from_code),
            position_name: self.jabatan.clone(),
            source: self.source.as_deref().and_then(NeedSource::from_code),
        }
    }
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let v = |o: &Option<String>| o.clone().unwrap_or_default();
        vec![
            ("unit", v(&self.unit)),
            ("competency", v(&self.competency)),
            ("family", v(&self.family)),
            ("kind", v(&self.kind)),
            ("jabatan", v(&self.jabatan)),
            ("source", v(&self.source)),
        ]
    }
}

/// Path parameters for pages: a value that does not parse (an id that is no number, or too
/// big) is "not found", as an unknown id is, never the framework's text naming Rust types.
pub struct Path<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S> for Path<T> {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Path(p.0)).map_err(|_| crate::error::AppError::NotFound)
    }
}

/// Query parameters for pages: one that does not parse is a 400 in Bahasa Indonesia, never
/// the framework's text.
pub struct Query<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = crate::error::AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|_| crate::error::AppError::BadRequest("parameter pada alamat tidak valid (misalnya nomor halaman harus berupa angka)".into()))
    }
}
