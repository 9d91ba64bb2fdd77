//! Query parameters that pages and the API both accept, parsed once into the store's filters
//! (the API never imports page modules).

use cakap_domain::PositionKind;
use cakap_domain::akpk::NeedSource;
use cakap_domain::competency::Family;
use cakap_store::akpk::analysis::{NeedFilter, NeedSort};
use serde::Deserialize;

/// Page numbers past this are served as the last allowed page rather than turned into a huge
/// offset (the store clamps the same way).
pub const MAX_PAGE: u64 = cakap_store::org::MAX_PAGE;

/// A `page` query parameter: missing or 0 is the first page, past [`MAX_PAGE`] is clamped.
pub fn page(p: Option<u64>) -> u64 {
    p.unwrap_or(1).clamp(1, MAX_PAGE)
}

/// The longest search text a list accepts (longer than any name, NIP or code).
pub const SEARCH_MAX: usize = cakap_domain::text::SEARCH_MAX;

fn bad_filter(label: &str, value: &str) -> crate::error::AppError {
    let shown: String = value.chars().take(40).collect();
    crate::error::AppError::BadRequest(format!("Nilai filter {label} '{shown}' tidak dikenal. Pilih dari daftar pada halaman."))
}

/// A filter value from a select: blank is "all", a known code is that value, anything else is
/// refused (400 naming the filter) rather than silently showing everything.
pub fn choice<T>(label: &str, value: Option<&str>, from_code: impl Fn(&str) -> Option<T>) -> Result<Option<T>, crate::error::AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => from_code(v).map(Some).ok_or_else(|| bad_filter(label, v)),
    }
}

/// An id filter (`unit=12`): blank is "all", a number is the id, anything else is refused.
pub fn id_choice(label: &str, value: Option<&str>) -> Result<Option<i64>, crate::error::AppError> {
    choice(label, value, |v| v.parse::<i64>().ok().filter(|id| *id > 0))
}

/// Search text: at most [`SEARCH_MAX`] characters (the search box says so), else a 400.
pub fn search(value: &str) -> Result<String, crate::error::AppError> {
    if value.chars().count() > SEARCH_MAX {
        return Err(crate::error::AppError::BadRequest(format!("Kata pencarian terlalu panjang: maksimal {SEARCH_MAX} karakter.")));
    }
    Ok(value.trim().to_string())
}

/// A `page` of the API: as [`page`], but past [`MAX_PAGE`] is refused (400), as its schema
/// says, rather than clamped.
pub fn api_page(p: Option<u64>) -> Result<u64, crate::error::AppError> {
    match p {
        Some(n) if n > MAX_PAGE => Err(crate::error::AppError::BadRequest(format!("Parameter 'page' maksimal {MAX_PAGE}."))),
        _ => Ok(page(p)),
    }
}

/// An id from an optional text field; blank or unreadable is none.
pub fn opt_id(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// The needs list's filters (`/akpk/kebutuhan`, its exports, `/api/v1/needs`).
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedQuery {
    /// Unit kerja (beserta sub-unitnya).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub unit: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    pub competency: Option<String>,
    #[param(value_type = Option<cakap_domain::competency::Family>)]
    pub family: Option<String>,
    #[param(value_type = Option<PositionKind>)]
    pub kind: Option<String>,
    /// Nama jabatan (maksimal 100 karakter).
    #[param(max_length = 100)]
    pub jabatan: Option<String>,
    #[param(value_type = Option<NeedSource>)]
    pub source: Option<String>,
    /// Nama atau NIP pegawai (maksimal 100 karakter).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Prioritas minimal: `tinggi` (≥ 60) atau `sedang` (≥ 35).
    #[param(value_type = Option<String>)]
    pub prioritas: Option<String>,
    /// Urutan: `prioritas` (bawaan), `kesenjangan`, `nama`, `unit`, `kompetensi`.
    #[param(value_type = Option<String>)]
    pub urut: Option<String>,
    /// Halaman (500 baris); 0 dan 1 sama-sama halaman pertama.
    #[param(minimum = 0, maximum = 100000)]
    pub page: Option<u64>,
}

impl NeedQuery {
    /// The store's filter; an unknown value of any filter is a 400.
    pub fn filter(&self) -> Result<NeedFilter, crate::error::AppError> {
        Ok(NeedFilter {
            unit_id: id_choice("unit", self.unit.as_deref())?,
            competency_id: id_choice("kompetensi", self.competency.as_deref())?,
            family: choice("kelompok kompetensi", self.family.as_deref(), Family::from_code)?,
            position_kind: choice("jenis jabatan", self.kind.as_deref(), PositionKind::from_code)?,
            position_name: match self.jabatan.as_deref().map(search).transpose()? {
                Some(j) if !j.is_empty() => Some(j),
                _ => None,
            },
            source: choice("sumber", self.source.as_deref(), NeedSource::from_code)?,
            employee: match self.q.as_deref().map(search).transpose()? {
                Some(q) if !q.is_empty() => Some(q),
                _ => None,
            },
            min_priority: choice("prioritas", self.prioritas.as_deref(), min_priority)?,
        })
    }

    /// The order asked for; an unknown one is a 400.
    pub fn sort(&self) -> Result<NeedSort, crate::error::AppError> {
        Ok(choice("urut", self.urut.as_deref(), NeedSort::from_code)?.unwrap_or_default())
    }
    /// The API's stricter reading: a filter sent empty is refused (its schema is an id or a
    /// code), where a page's empty select means "all".
    pub fn no_blank_filters(&self) -> Result<(), crate::error::AppError> {
        let given = [("unit", &self.unit), ("competency", &self.competency), ("family", &self.family), ("kind", &self.kind), ("source", &self.source)];
        match given.iter().find(|(_, v)| v.as_deref().is_some_and(|v| v.trim().is_empty())) {
            Some((name, _)) => Err(crate::error::AppError::BadRequest(format!("Parameter '{name}' kosong; hapus parameter itu untuk semua nilai."))),
            None => Ok(()),
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
            ("q", v(&self.q)),
            ("prioritas", v(&self.prioritas)),
            ("urut", v(&self.urut)),
        ]
    }
}

/// The national roll-up's ad-hoc filters (page and API): jenis jabatan, PNS/PPPK, golongan
/// (only with a status, since PNS and PPPK number theirs apart), gender and age band.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NationalQuery {
    /// Jenis jabatan: jpt, administrator, pengawas, pelaksana, fungsional.
    pub jenis: Option<String>,
    /// pns or pppk.
    pub status: Option<String>,
    /// A golongan of that status: III/a (PNS), IX (PPPK).
    pub golongan: Option<String>,
    /// L or P.
    pub jk: Option<String>,
    /// Age band: lt30, 30_39, 40_49, 50plus.
    pub usia: Option<String>,
}

impl NationalQuery {
    pub fn filter(&self) -> Result<cakap_domain::national::Filter, crate::error::AppError> {
        use cakap_domain::org::{EmployeeStatus, Gender};
        let status = choice("status", self.status.as_deref(), EmployeeStatus::from_code)?;
        let golongan = match (self.golongan.as_deref().map(str::trim).filter(|g| !g.is_empty()), status) {
            (None, _) => None,
            (Some(_), None) => return Err(crate::error::AppError::BadRequest("Filter golongan memerlukan status (PNS atau PPPK).".into())),
            (Some(g), Some(s)) => Some(cakap_domain::national::golongan_index(g, s).ok_or_else(|| bad_filter("golongan", g))?),
        };
        Ok(cakap_domain::national::Filter {
            kind: choice("jenis jabatan", self.jenis.as_deref(), PositionKind::from_code)?,
            status,
            gender: choice("jenis kelamin", self.jk.as_deref(), Gender::from_code)?,
            golongan,
            age: choice("usia", self.usia.as_deref(), cakap_domain::national::AgeBand::from_code)?,
        })
    }
}

/// The priority filter's codes: at least "tinggi" or at least "sedang".
pub fn min_priority(code: &str) -> Option<u8> {
    match code {
        "tinggi" => Some(cakap_domain::akpk::HIGH_PRIORITY),
        "sedang" => Some(cakap_domain::akpk::MEDIUM_PRIORITY),
        _ => None,
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

/// The field serde names in "missing field `kind`" or "unknown field `x`, expected …" (serde
/// reports these at the parent's path, so the name comes from the message).
pub(crate) fn named_field(e: &str) -> Option<&str> {
    let rest = e.strip_prefix("missing field `").or_else(|| e.strip_prefix("unknown field `"))?;
    rest.split('`').next()
}

/// A URL-encoded form body for pages: one that does not parse (a field of the wrong type, a
/// missing field, a body that is no form) is a 400 naming the field in Bahasa Indonesia, never
/// the framework's text naming Rust types. The body is already bounded by the body-limit layers.
pub struct Form<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = crate::error::AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        use crate::error::AppError;
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| AppError::TooLarge(0))?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(de).map(Form).map_err(|e| {
            let text = e.inner().to_string();
            let name = named_field(&text).map(str::to_string).unwrap_or_else(|| e.path().to_string());
            let name: String = name.chars().take(60).collect();
            if name == "." || name.is_empty() {
                AppError::BadRequest("Isian formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.".into())
            } else {
                AppError::BadRequest(format!("Isian formulir '{name}' tidak ada atau tidak sesuai. Muat ulang halaman lalu coba lagi."))
            }
        })
    }
}
