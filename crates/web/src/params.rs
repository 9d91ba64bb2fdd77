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
