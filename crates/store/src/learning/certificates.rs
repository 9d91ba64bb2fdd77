//! Certificates: issued for a completed enrollment, numbered, signed with the tenant's Ed25519
//! key over the canonical payload (`domain::learning::certificate`), found by the verify code in
//! their QR, revocable with a reason (which takes the completion's JP back out of the ledger).

use cakap_domain::audit::AuditEntity;
use cakap_domain::learning::certificate::{self as rules, CertificateData};
use cakap_domain::learning::enrollment::EnrollmentStatus;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{certificate, employee, enrollment, jp_entry, offering, program, signing_key, tenant};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

pub const REASON_MAX: usize = 1_000;

/// What the public verification page shows: the data as signed, the NIP masked, whether the
/// signature holds under the tenant's published key, and a revocation if any.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    pub number: String,
    pub tenant_name: String,
    pub name: String,
    pub nip_masked: String,
    pub program: String,
    pub jalur: String,
    pub jp: u64,
    pub started_on: String,
    pub ended_on: String,
    pub organiser: String,
    pub issued_on: String,
    pub signature_valid: bool,
    pub revoked_at: Option<time::OffsetDateTime>,
    pub revoked_reason: String,
    /// For checking offline: the payload, the signature and the public key (hex).
    pub payload: String,
    pub signature: String,
    pub public_key: String,
    /// The issuing tenant's zone, for the times the page shows.
    pub zone: cakap_domain::Zone,
}

/// The tenant's signing key, made on first use (one per tenant; rotation is a later step).
async fn key<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<(i64, [u8; 32])> {
    let existing =
        signing_key::Entity::find().filter(signing_key::Column::TenantId.eq(tenant_id)).order_by_desc(signing_key::Column::CreatedAt).one(db).await?;
    if let Some(k) = existing {
        let seed: [u8; 32] = hex::decode(&k.seed).ok().and_then(|v| v.try_into().ok()).ok_or_else(|| StoreError::Other("kunci tanda tangan rusak".into()))?;
        return Ok((k.id, seed));
    }
    let seed: [u8; 32] = rand::random();
    let id = next_id();
    signing_key::ActiveModel {
        tenant_id: Set(tenant_id),
        id: Set(id),
        seed: Set(hex::encode(seed)),
        public_key: Set(hex::encode(rules::public_key(&seed))),
        created_at: Set(crate::now()),
    }
    .insert(db)
    .await?;
    Ok((id, seed))
}

/// Issues the certificate of a completed enrollment; its id. `today` is the tenant's date.
pub(crate) async fn issue(store: &Store, ctx: &Ctx, enrollment_id: i64, today: time::Date) -> Result<i64> {
    let txn = store.write().await?;
    let e = enrollment::Entity::find_by_id((ctx.tenant_id, enrollment_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if code(EnrollmentStatus::from_code(&e.status), "status peserta", &e.status)? != EnrollmentStatus::Completed {
        return Err(StoreError::Conflict("status", "sertifikat hanya untuk peserta yang telah menyelesaikan kelas".into()));
    }
    let o = offering::Entity::find_by_id((ctx.tenant_id, e.offering_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let p = program::Entity::find_by_id((ctx.tenant_id, o.program_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let person = employee::Entity::find_by_id((ctx.tenant_id, e.employee_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let t = tenant::Entity::find_by_id(ctx.tenant_id).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let organiser = crate::plan::catalogue::organiser_of(&txn, ctx.tenant_id, p.agreement_id).await?;
    let year = today.year();
    let issued_this_year = certificate::Entity::find()
        .filter(certificate::Column::TenantId.eq(ctx.tenant_id))
        .filter(certificate::Column::Number.like(format!("%/{year}")))
        .count(&txn)
        .await?;
    let data = CertificateData {
        number: rules::number(issued_this_year as u32 + 1, &p.code, &t.code, year),
        tenant: t.code.clone(),
        name: person.name,
        nip: person.nip,
        program: p.name,
        jalur: p.jalur,
        jp: p.jp.max(0) as u32,
        started_on: o.starts_on,
        ended_on: o.ends_on,
        organiser,
        issued_on: today,
    };
    let (key_id, seed) = key(&txn, ctx.tenant_id).await?;
    let payload = data.canonical();
    let id = next_id();
    let row = certificate::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        enrollment_id: Set(enrollment_id),
        number: Set(data.number.clone()),
        verify_code: Set(hex::encode(rand::random::<[u8; 16]>())),
        key_id: Set(key_id),
        signature: Set(hex::encode(rules::sign(&seed, &payload))),
        payload: Set(payload),
        issued_at: Set(crate::now()),
        revoked_at: Set(None),
        revoked_by: Set(None),
        revoked_reason: Set(String::new()),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "enrollment_id", "sertifikat untuk peserta ini sudah terbit"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("issue", AuditEntity::Certificate, id), None::<&()>, Some(&row.number)).await?;
    super::notify::employee(&txn, ctx.tenant_id, e.employee_id, cakap_domain::learning::notice::NoticeKind::Certificate, &o.title, "/kelas-saya").await?;
    txn.commit().await?;
    Ok(id)
}

/// The verify code of a certificate of the tenant (for its QR and PDF).
pub(crate) async fn verify_code<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<String> {
    Ok(certificate::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?.verify_code)
}

/// Revokes a certificate with a reason; the completion's JP leave the ledger.
pub(crate) async fn revoke(store: &Store, ctx: &Ctx, id: i64, reason: &str) -> Result<()> {
    let txn = store.write().await?;
    let before = certificate::Entity::find_by_id((ctx.tenant_id, id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    if let Some(e) = cakap_domain::text::reason("reason", reason, REASON_MAX, "tuliskan alasan pencabutan") {
        return Err(StoreError::Invalid(vec![e]));
    }
    if before.revoked_at.is_some() {
        return Err(StoreError::Conflict("status", "sertifikat ini sudah dicabut".into()));
    }
    let mut am: certificate::ActiveModel = before.clone().into();
    am.revoked_at = Set(Some(crate::now()));
    am.revoked_by = Set(ctx.user_id);
    am.revoked_reason = Set(reason.trim().into());
    let after = am.update(&txn).await?;
    jp_entry::Entity::delete_many()
        .filter(jp_entry::Column::TenantId.eq(ctx.tenant_id))
        .filter(jp_entry::Column::Source.eq(cakap_domain::learning::jp::JpSource::Enrollment.code()))
        .filter(jp_entry::Column::SourceId.eq(before.enrollment_id))
        .exec(&txn)
        .await?;
    audit::record(&txn, ctx, ctx.tenant_id, ("revoke", AuditEntity::Certificate, id), Some(&before.revoked_reason), Some(&after.revoked_reason)).await?;
    txn.commit().await?;
    Ok(())
}

/// The public verification of a code (no login, any tenant: the code is 128 random bits).
/// Not found for an unknown or malformed code.
pub async fn verify(store: &Store, verify_code: &str) -> Result<Verified> {
    if verify_code.len() != 32 || !verify_code.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::NotFound);
    }
    let c = certificate::Entity::find()
        .filter(certificate::Column::VerifyCode.eq(verify_code.to_ascii_lowercase()))
        .one(&store.db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let k = signing_key::Entity::find_by_id((c.tenant_id, c.key_id)).one(&store.db).await?.ok_or(StoreError::NotFound)?;
    let t = tenant::Entity::find_by_id(c.tenant_id).one(&store.db).await?.ok_or(StoreError::NotFound)?;
    let public: Option<[u8; 32]> = hex::decode(&k.public_key).ok().and_then(|v| v.try_into().ok());
    let sig: Option<[u8; 64]> = hex::decode(&c.signature).ok().and_then(|v| v.try_into().ok());
    let signature_valid = matches!((public, sig), (Some(p), Some(s)) if rules::verify(&p, &c.payload, &s));
    let v: serde_json::Value = serde_json::from_str(&c.payload).unwrap_or_default();
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    Ok(Verified {
        number: s("number"),
        tenant_name: t.name,
        name: s("name"),
        // Masked when signed (a payload of an older format held it whole: masked here too).
        nip_masked: if s("nip").contains('*') { s("nip") } else { rules::masked_nip(&s("nip")) },
        program: s("program"),
        jalur: s("jalur"),
        jp: v["jp"].as_u64().unwrap_or(0),
        started_on: s("started_on"),
        ended_on: s("ended_on"),
        organiser: s("organiser"),
        issued_on: s("issued_on"),
        signature_valid,
        revoked_at: c.revoked_at,
        revoked_reason: c.revoked_reason,
        payload: c.payload,
        signature: c.signature,
        public_key: k.public_key,
        zone: cakap_domain::Zone::from_code(&t.timezone).unwrap_or(cakap_domain::Zone::Wib),
    })
}

/// A certificate as its holder's list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Owned {
    pub id: i64,
    pub number: String,
    pub offering_id: i64,
    pub verify_code: String,
    pub issued_at: time::OffsetDateTime,
    pub revoked: bool,
}

/// A certificate as an Open Badges 3.0 credential secured with the tenant's key (a revoked one
/// is not given out).
pub(crate) async fn open_badge<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64, verify_url: &str) -> Result<serde_json::Value> {
    let c = certificate::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    if c.revoked_at.is_some() {
        return Err(StoreError::Conflict("status", "sertifikat ini telah dicabut".into()));
    }
    let data = CertificateData::from_canonical(&c.payload).ok_or_else(|| StoreError::Other("format sertifikat tidak dikenal".into()))?;
    let k = signing_key::Entity::find_by_id((tenant_id, c.key_id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let seed: [u8; 32] = hex::decode(&k.seed).ok().and_then(|v| v.try_into().ok()).ok_or_else(|| StoreError::Other("kunci tanda tangan rusak".into()))?;
    let t = tenant::Entity::find_by_id(tenant_id).one(db).await?.ok_or(StoreError::NotFound)?;
    let public = rules::public_key(&seed);
    let issued = c.issued_at.to_offset(time::UtcOffset::UTC);
    let created =
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", issued.year(), u8::from(issued.month()), issued.day(), issued.hour(), issued.minute(), issued.second());
    let vc = cakap_domain::learning::badge::credential(&data, &t.name, &public, verify_url);
    Ok(cakap_domain::learning::badge::secure(&vc, &seed, &created))
}

/// An employee's certificates, newest first.
pub(crate) async fn of_employee<C: ConnectionTrait>(db: &C, tenant_id: i64, employee_id: i64) -> Result<Vec<Owned>> {
    let mine: std::collections::HashMap<i64, i64> = enrollment::Entity::find()
        .filter(enrollment::Column::TenantId.eq(tenant_id))
        .filter(enrollment::Column::EmployeeId.eq(employee_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.offering_id))
        .collect();
    Ok(certificate::Entity::find()
        .filter(certificate::Column::TenantId.eq(tenant_id))
        .filter(certificate::Column::EnrollmentId.is_in(mine.keys().copied().collect::<Vec<_>>()))
        .order_by_desc(certificate::Column::IssuedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| Owned {
            id: c.id,
            number: c.number,
            offering_id: mine.get(&c.enrollment_id).copied().unwrap_or_default(),
            verify_code: c.verify_code,
            issued_at: c.issued_at,
            revoked: c.revoked_at.is_some(),
        })
        .collect())
}

/// The employee a certificate of the tenant belongs to: (id, full NIP).
pub(crate) async fn holder<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<(i64, String)> {
    let c = certificate::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let e = enrollment::Entity::find_by_id((tenant_id, c.enrollment_id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let person = employee::Entity::find_by_id((tenant_id, e.employee_id)).one(db).await?.ok_or(StoreError::NotFound)?;
    Ok((person.id, person.nip))
}
