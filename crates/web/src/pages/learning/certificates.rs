//! Certificates: the PDF (A4, the kop, the signature block, a QR to the public verification
//! page), revocation, and the public page itself, which shows the data as signed, so a PDF
//! whose text was edited is caught by reading the two side by side.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use cakap_domain::Permission;
use serde::Deserialize;
use tower_sessions::Session;

use super::classes::acted;
use crate::AppState;
use crate::auth::Actor;
use crate::error::{AppError, Result};
use crate::params::{Form, Path};
use crate::pdf::{Block, Doc, Signature};

/// The period a certificate states, from its signed dates (as written if one does not read).
fn signed_period(v: &cakap_store::learning::certificates::Verified) -> String {
    match (cakap_domain::format::parse_date(&v.started_on), cakap_domain::format::parse_date(&v.ended_on)) {
        (Some(a), Some(b)) => crate::view::period(a, b),
        _ => format!("{} s.d. {}", v.started_on, v.ended_on),
    }
}

/// The verification address of a code.
pub fn verify_url(s: &AppState, headers: &HeaderMap, code: &str) -> String {
    format!("{}/verifikasi/{code}", super::sessions::origin(s, headers))
}

pub async fn view_certificate_pdf_get(State(s): State<AppState>, headers: HeaderMap, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let (v, code, nip) = scope.certificate(id).await?;
    let tenant = scope.tenant();
    let url = verify_url(&s, &headers, &code);
    let qr = qrcode::QrCode::new(url.as_bytes()).map_err(|e| AppError::Internal(e.to_string()))?;
    let width = qr.width();
    let modules: Vec<bool> = qr.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    let place = ["Pemerintah Kabupaten ", "Pemerintah Kota ", "Pemerintah Provinsi "].iter().find_map(|k| tenant.name.strip_prefix(k)).unwrap_or("");
    let issued = cakap_domain::format::parse_date(&v.issued_on).map(cakap_domain::format::date_long).unwrap_or_else(|| v.issued_on.clone());
    let period = signed_period(&v);
    let head = tenant.settings.kepala_bkpsdm.trim();
    let mut blocks = vec![
        Block::Title("SERTIFIKAT".into()),
        Block::Subtitle(format!("Nomor: {}", v.number)),
        Block::Para("Diberikan kepada:".into()),
        Block::Title(v.name.clone()),
        Block::Subtitle(format!("NIP {}", crate::view::nip(&nip))),
        Block::Para(format!(
            "yang telah mengikuti dan menyelesaikan {} (jalur {}) sebanyak {} jam pelajaran (JP) pada {}, diselenggarakan oleh {}.",
            v.program, v.jalur, v.jp, period, v.organiser
        )),
    ];
    if v.revoked_at.is_some() {
        blocks.push(Block::Para(format!("SERTIFIKAT INI TELAH DICABUT: {}", v.revoked_reason)));
    }
    blocks.push(Block::Signatures(vec![Signature {
        above: vec![if place.is_empty() { issued } else { format!("{place}, {issued}") }, "Kepala BKPSDM".into()],
        name: if head.is_empty() { "(........................................)".into() } else { head.to_string() },
        below: vec![],
    }]));
    blocks.push(Block::Qr {
        modules,
        width,
        size: 92.0,
        beside: vec![
            "Pindai kode QR ini atau buka alamat di bawah untuk memeriksa keaslian sertifikat. Halaman itu menampilkan data yang tercatat dan ditandatangani; bila berbeda dengan dokumen ini, dokumen ini telah diubah.".into(),
            url,
            format!("Ditandatangani secara elektronik (Ed25519) oleh {}.", tenant.name),
        ],
    });
    let kop = vec![tenant.name.to_uppercase(), crate::pages::plan::plans::office(tenant.kind).to_string()];
    let doc = Doc { landscape: false, title: format!("Sertifikat {}", v.number), kop, blocks };
    let bytes = tokio::task::spawn_blocking(move || crate::pdf::render(&doc)).await.map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(crate::pdf::download(&format!("sertifikat-{}.pdf", v.number.replace('/', "-")), bytes))
}

/// The certificate as an Open Badges 3.0 credential (JSON-LD), to carry to another wallet.
pub async fn view_certificate_badge_get(State(s): State<AppState>, headers: HeaderMap, a: Actor, Path(id): Path<i64>) -> Result<Response> {
    let scope = a.scope()?;
    let vc = match scope.open_badge(id, |code| verify_url(&s, &headers, code)).await {
        Err(cakap_store::StoreError::Conflict(_, why)) => return Err(AppError::BadRequest(format!("Tidak dapat diekspor: {why}."))),
        other => other?,
    };
    let bytes = serde_json::to_vec_pretty(&vc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::pages::attachment(&format!("openbadge-{id}.json"), "application/ld+json", bytes))
}

#[derive(Deserialize, Default)]
pub struct RevokeForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub back: String,
}

pub async fn view_certificate_revoke_post(session: Session, a: Actor, Path(id): Path<i64>, Form(f): Form<RevokeForm>) -> Result<Response> {
    a.require(Permission::ManageClasses)?;
    let res = a.scope()?.classes()?.revoke_certificate(id, &f.reason).await;
    let back = super::classes::BackForm { back: f.back.clone(), reason: String::new() }.back();
    acted(&session, res, |_| "Sertifikat dicabut; JP-nya dikeluarkan dari catatan.".to_string(), &back).await
}

#[derive(Template)]
#[template(path = "learning/verify.html")]
struct VerifyPage {
    found: bool,
    v: Option<cakap_store::learning::certificates::Verified>,
    issued: String,
    period: String,
    revoked_at: String,
}

/// The public verification page (no login): what was signed, whether the signature holds,
/// and any revocation. An unknown code is a 404 with the same page saying so.
pub async fn view_verify_get(State(s): State<AppState>, Path(code): Path<String>) -> Result<Response> {
    let found = cakap_store::learning::certificates::verify(&s.store, &code).await;
    let v = match found {
        Ok(v) => Some(v),
        Err(cakap_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let long = |d: &str| cakap_domain::format::parse_date(d).map(cakap_domain::format::date_long).unwrap_or_else(|| d.to_string());
    let page = VerifyPage {
        found: v.is_some(),
        issued: v.as_ref().map(|v| long(&v.issued_on)).unwrap_or_default(),
        period: v.as_ref().map(signed_period).unwrap_or_default(),
        revoked_at: v.as_ref().and_then(|v| v.revoked_at).map(|t| v.as_ref().map_or(cakap_domain::Zone::Wib, |v| v.zone).datetime(t)).unwrap_or_default(),
        v,
    };
    let status = if page.found { axum::http::StatusCode::OK } else { axum::http::StatusCode::NOT_FOUND };
    Ok(crate::pages::render_status(status, page))
}
