//! The audit log: every change of a record, role or setting writes a row in the same transaction.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::entity::audit_log;
use crate::error::Result;
use crate::ids::next_id;

/// Who is acting, in which tenant, for which request: passed to every write.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The tenant written to; 0 for national work of the super admin.
    pub tenant_id: i64,
    pub user_id: Option<i64>,
    pub request_id: Option<String>,
}

impl Ctx {
    pub fn system(tenant_id: i64) -> Ctx {
        Ctx { tenant_id, user_id: None, request_id: None }
    }
}

/// Writes one audit row and bumps the revision of the entity's area (caches see the change).
/// `before`/`after` are serialised snapshots (None for create/delete).
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    tenant_id: i64,
    (action, entity, entity_id): (&str, cakap_domain::audit::AuditEntity, impl ToString),
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> Result<()> {
    audit_log::ActiveModel {
        tenant_id: Set(tenant_id),
        id: Set(next_id()),
        at: Set(crate::now()),
        actor_user_id: Set(ctx.user_id),
        action: Set(action.to_string()),
        entity: Set(entity.code().to_string()),
        entity_id: Set(Some(entity_id.to_string())),
        before_json: Set(to_json(before)),
        after_json: Set(to_json(after)),
        request_id: Set(ctx.request_id.clone()),
    }
    .insert(conn)
    .await?;
    crate::revision::bump(conn, tenant_id, entity.area()).await
}

fn to_json<T: Serialize + ?Sized>(v: Option<&T>) -> Option<String> {
    v.map(|v| serde_json::to_string(v).unwrap_or_default())
}

/// Newest first, one page.
pub async fn list<C: ConnectionTrait>(conn: &C, tenant_id: i64, entity: Option<&str>, page: u64, per_page: u64) -> Result<(Vec<audit_log::Model>, u64)> {
    let mut q = audit_log::Entity::find().filter(audit_log::Column::TenantId.eq(tenant_id));
    if let Some(e) = entity.filter(|e| !e.is_empty()) {
        q = q.filter(audit_log::Column::Entity.eq(e));
    }
    let total = q.clone().count(conn).await?;
    let rows = q.order_by_desc(audit_log::Column::At).order_by_desc(audit_log::Column::Id).paginate(conn, per_page).fetch_page(page.saturating_sub(1)).await?;
    Ok((rows, total))
}
