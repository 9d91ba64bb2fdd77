//! The audit log: every change of a record, role or setting writes a row in the same transaction.

use cakap_domain::audit::AuditEntity;
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
    let entity_id = entity_id.to_string();
    let change = crate::akpk::changes::Change::of_entity(entity, &entity_id);
    record_change(conn, ctx, tenant_id, (action, entity, entity_id), change, before, after).await
}

/// [`record`], naming what the write changed for the AKPK analysis when the entity's id does not
/// say it (an assessment is audited under its own id, not its employee's).
pub async fn record_change<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    tenant_id: i64,
    (action, entity, entity_id): (&str, cakap_domain::audit::AuditEntity, String),
    change: Option<crate::akpk::changes::Change>,
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
        entity_id: Set(Some(entity_id)),
        before_json: Set(to_json(before)),
        after_json: Set(to_json(after)),
        request_id: Set(ctx.request_id.clone()),
    }
    .insert(conn)
    .await?;
    if let Some(change) = change {
        crate::akpk::changes::note(conn, tenant_id, change).await?;
    }
    crate::revision::bump(conn, tenant_id, entity.area()).await
}

fn to_json<T: Serialize + ?Sized>(v: Option<&T>) -> Option<String> {
    v.map(|v| serde_json::to_string(v).unwrap_or_default())
}

/// One row of the log as the audit page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub at: time::OffsetDateTime,
    /// The actor's login; None for the system (CLI, imports without a user).
    pub actor: Option<String>,
    pub action: String,
    /// None for an entity code this build does not know (rows written by a newer version).
    pub entity: Option<AuditEntity>,
    pub entity_code: String,
    pub entity_id: String,
    /// The snapshots before and after the change (JSON), as written.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which audit rows to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<AuditEntity>,
    /// The acting user's id.
    pub actor: Option<i64>,
    /// From this instant (inclusive) to that (exclusive): the filter's days in the tenant's zone.
    pub from: Option<time::OffsetDateTime>,
    pub until: Option<time::OffsetDateTime>,
}

/// An account that appears in the log, for the user filter.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub login: String,
    pub name: String,
}

/// Reading one audit log: the tenant's ([`crate::Scope::audit`]) or the national one
/// ([`crate::national::National::audit`]).
pub struct AuditLog<'a> {
    pub(crate) store: &'a crate::Store,
    pub(crate) tenant_id: i64,
}

impl AuditLog<'_> {
    /// Newest first, one page, with the actors' logins (one query for the page, not one per row).
    pub async fn page(&self, f: &AuditFilter, page: u64, per_page: u64) -> Result<crate::org::Page<AuditRow>> {
        let db = &self.store.db;
        let mut q = audit_log::Entity::find().filter(audit_log::Column::TenantId.eq(self.tenant_id));
        if let Some(e) = f.entity {
            q = q.filter(audit_log::Column::Entity.eq(e.code()));
        }
        if let Some(u) = f.actor {
            q = q.filter(audit_log::Column::ActorUserId.eq(u));
        }
        // Bound in UTC, as every instant is stored: SQLite compares them as text, and a bound
        // written with +07:00 sorted wrongly against rows written with +00:00 (the audit test
        // failed after 17:00 UTC, when the day in WIB had turned).
        let utc = |t: time::OffsetDateTime| t.to_offset(time::UtcOffset::UTC);
        if let Some(t) = f.from {
            q = q.filter(audit_log::Column::At.gte(utc(t)));
        }
        if let Some(t) = f.until {
            q = q.filter(audit_log::Column::At.lt(utc(t)));
        }
        let total = q.clone().count(db).await?;
        let rows =
            q.order_by_desc(audit_log::Column::At).order_by_desc(audit_log::Column::Id).paginate(db, per_page).fetch_page(crate::org::page_index(page)).await?;
        let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_user_id).collect();
        let logins: std::collections::HashMap<i64, String> = crate::entity::app_user::Entity::find()
            .filter(crate::entity::app_user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.login))
            .collect();
        let items = rows
            .into_iter()
            .map(|r| AuditRow {
                at: r.at,
                actor: r.actor_user_id.map(|u| logins.get(&u).cloned().unwrap_or_else(|| u.to_string())),
                action: r.action,
                entity: AuditEntity::from_code(&r.entity),
                entity_code: r.entity,
                entity_id: r.entity_id.unwrap_or_default(),
                before: r.before_json,
                after: r.after_json,
            })
            .collect();
        Ok(crate::org::Page { items, total, page, per_page })
    }

    /// The accounts of this log's tenant (the national log: those without one), by name.
    pub async fn actors(&self) -> Result<Vec<Actor>> {
        use crate::entity::app_user;
        let q = app_user::Entity::find();
        let q = if self.tenant_id == 0 { q.filter(app_user::Column::TenantId.is_null()) } else { q.filter(app_user::Column::TenantId.eq(self.tenant_id)) };
        Ok(q.order_by_asc(app_user::Column::Name).all(&self.store.db).await?.into_iter().map(|u| Actor { id: u.id, login: u.login, name: u.name }).collect())
    }
}
