//! The documents attached to an MoU / PKS: the signed scan and its annexes. The bytes live in
//! the database (see migration 0011); lists read the metadata only, a download reads one row.

use cakap_domain::audit::AuditEntity;
use cakap_domain::document::{self, DocumentKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{agreement, agreement_document};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;

/// Most documents one agreement carries (the MoU, the PKS, annexes, addenda).
pub const MAX_PER_AGREEMENT: u64 = 10;

/// A document's record without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementDocument {
    pub id: i64,
    pub agreement_id: i64,
    pub file_name: String,
    pub kind: DocumentKind,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: time::OffsetDateTime,
}

/// The bytes of one document, with its record.
pub struct DocumentFile {
    pub meta: AgreementDocument,
    pub content: Vec<u8>,
}

type MetaRow = (i64, i64, String, String, i64, String, String, time::OffsetDateTime);

fn meta((id, agreement_id, file_name, kind, size, sha256, uploaded_by, uploaded_at): MetaRow) -> Result<AgreementDocument> {
    Ok(AgreementDocument {
        id,
        agreement_id,
        kind: code(DocumentKind::from_code(&kind), "jenis dokumen", &kind)?,
        file_name,
        size,
        sha256,
        uploaded_by,
        uploaded_at,
    })
}

fn metadata(tenant_id: i64) -> sea_orm::Select<agreement_document::Entity> {
    use agreement_document::Column as C;
    agreement_document::Entity::find()
        .select_only()
        .columns([C::Id, C::AgreementId, C::FileName, C::Kind, C::Size, C::Sha256, C::UploadedBy, C::UploadedAt])
        .filter(C::TenantId.eq(tenant_id))
}

/// The documents of some agreements of the tenant, oldest first (metadata only).
pub async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64, agreement_ids: &[i64]) -> Result<Vec<AgreementDocument>> {
    use agreement_document::Column as C;
    if agreement_ids.is_empty() {
        return Ok(vec![]);
    }
    metadata(tenant_id)
        .filter(C::AgreementId.is_in(agreement_ids.iter().copied()))
        .order_by_asc(C::UploadedAt)
        .order_by_asc(C::Id)
        .into_tuple::<MetaRow>()
        .all(db)
        .await?
        .into_iter()
        .map(meta)
        .collect()
}

/// One document of the tenant with its bytes.
pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<DocumentFile> {
    let m = agreement_document::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)?;
    let content = m.content;
    let meta = meta((m.id, m.agreement_id, m.file_name, m.kind, m.size, m.sha256, m.uploaded_by, m.uploaded_at))?;
    Ok(DocumentFile { meta, content })
}

/// What the audit log keeps of a document: everything but its bytes.
#[derive(Serialize)]
struct Audited<'a> {
    agreement_id: i64,
    file_name: &'a str,
    kind: DocumentKind,
    size: i64,
    sha256: &'a str,
}

/// Attaches a file to an agreement of the tenant; its id. The kind is read from the bytes.
pub(crate) async fn add(store: &Store, ctx: &Ctx, uploaded_by: &str, agreement_id: i64, file_name: &str, bytes: Vec<u8>) -> Result<i64> {
    let kind = document::check(&bytes).map_err(|m| StoreError::invalid("file", m))?;
    let file_name = document::clean_file_name(file_name, kind);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    let txn = store.write().await?;
    agreement::Entity::find_by_id((ctx.tenant_id, agreement_id)).one(&txn).await?.ok_or(StoreError::NotFound)?;
    let existing = agreement_document::Entity::find()
        .filter(agreement_document::Column::TenantId.eq(ctx.tenant_id))
        .filter(agreement_document::Column::AgreementId.eq(agreement_id))
        .count(&txn)
        .await?;
    if existing >= MAX_PER_AGREEMENT {
        return Err(StoreError::invalid("file", format!("satu perjanjian paling banyak {MAX_PER_AGREEMENT} dokumen; hapus dokumen lama terlebih dahulu")));
    }
    let id = next_id();
    agreement_document::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        agreement_id: Set(agreement_id),
        file_name: Set(file_name.clone()),
        kind: Set(kind.code().into()),
        size: Set(size),
        sha256: Set(sha256.clone()),
        content: Set(bytes),
        uploaded_by: Set(uploaded_by.chars().take(cakap_domain::text::NAME_MAX).collect()),
        uploaded_at: Set(crate::now()),
    }
    .insert(&txn)
    .await?;
    let after = Audited { agreement_id, file_name: &file_name, kind, size, sha256: &sha256 };
    audit::record(&txn, ctx, ctx.tenant_id, ("create", AuditEntity::AgreementDocument, id), None::<&()>, Some(&after)).await?;
    txn.commit().await?;
    Ok(id)
}

/// Removes a document of the tenant.
pub(crate) async fn delete(store: &Store, ctx: &Ctx, id: i64) -> Result<i64> {
    let txn = store.write().await?;
    let row = metadata(ctx.tenant_id).filter(agreement_document::Column::Id.eq(id)).into_tuple::<MetaRow>().one(&txn).await?.ok_or(StoreError::NotFound)?;
    let m = &meta(row)?;
    agreement_document::Entity::delete_by_id((ctx.tenant_id, id)).exec(&txn).await?;
    let before = Audited { agreement_id: m.agreement_id, file_name: &m.file_name, kind: m.kind, size: m.size, sha256: &m.sha256 };
    audit::record(&txn, ctx, ctx.tenant_id, ("delete", AuditEntity::AgreementDocument, id), Some(&before), None::<&()>).await?;
    txn.commit().await?;
    Ok(m.agreement_id)
}
