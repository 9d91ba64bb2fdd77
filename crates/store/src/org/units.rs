//! The unit kerja tree. Subtrees are found by materialised path (`/12/40/`), so a supervisor's
//! scope and drill-downs are one indexed prefix query rather than a recursive walk.

use cakap_domain::org::Unit;
use cakap_domain::{FieldError, UnitKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{employee, unit};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;
use crate::scope::Scope;

use super::OrgAdmin;

/// Reading the unit tree: the handle [`Scope::units`] hands out (`ReadOrg`).
pub struct Units<'a> {
    pub(crate) scope: &'a Scope,
}

impl Units<'_> {
    fn t(&self) -> i64 {
        self.scope.tenant_id()
    }

    /// All units in tree order (a tenant has hundreds, not millions).
    pub async fn list(&self) -> Result<Vec<Unit>> {
        list(&self.scope.store().db, self.t()).await
    }

    /// The units as select options (four columns), tree order.
    pub async fn options(&self) -> Result<Vec<UnitOption>> {
        options(&self.scope.store().db, self.t()).await
    }

    pub async fn get(&self, id: i64) -> Result<Unit> {
        typed(get(&self.scope.store().db, self.t(), id).await?)
    }

    /// The chain of ancestors, root first, ending with the unit itself (for breadcrumbs).
    pub async fn ancestors(&self, u: &Unit) -> Result<Vec<Unit>> {
        let ids: Vec<i64> = u.path.split('/').filter_map(|s| s.parse().ok()).collect();
        let rows = unit::Entity::find().filter(unit::Column::TenantId.eq(self.t())).filter(unit::Column::Id.is_in(ids)).all(&self.scope.store().db).await?;
        let mut rows = rows.into_iter().map(typed).collect::<Result<Vec<_>>>()?;
        rows.sort_by_key(|r| r.path.len());
        Ok(rows)
    }
}

impl OrgAdmin<'_> {
    pub async fn create_unit(&self, input: &UnitInput) -> Result<Unit> {
        typed(create(self.scope.store(), &self.scope.ctx(), input).await?)
    }

    pub async fn update_unit(&self, id: i64, input: &UnitInput) -> Result<Unit> {
        typed(update(self.scope.store(), &self.scope.ctx(), id, input).await?)
    }

    pub async fn set_unit_active(&self, id: i64, active: bool) -> Result<Unit> {
        typed(set_active(self.scope.store(), &self.scope.ctx(), id, active).await?)
    }
}

pub(crate) fn typed(m: unit::Model) -> Result<Unit> {
    Ok(Unit {
        kind: code(UnitKind::from_code(&m.kind), "jenis unit", &m.kind)?,
        id: m.id,
        parent_id: m.parent_id,
        code: m.code,
        name: m.name,
        path: m.path,
        active: m.active,
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInput {
    pub parent_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// A unit kind code (`opd`, `bidang`, `kelurahan`, …).
    #[cfg_attr(feature = "openapi", schema(value_type = cakap_domain::UnitKind))]
    pub kind: String,
}

impl UnitInput {
    fn check(&self) -> Result<()> {
        let mut errs = vec![];
        if self.code.trim().is_empty() || self.code.trim().chars().count() > 40 {
            errs.push(FieldError::new("code", "kode unit wajib diisi (maksimal 40 karakter)"));
        }
        if self.name.trim().is_empty() {
            errs.push(FieldError::new("name", "nama unit wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("name", "nama unit", &self.name, cakap_domain::text::NAME_MAX, false));
        errs.extend(cakap_domain::text::check("code", "kode unit", &self.code, cakap_domain::text::CODE_MAX, false));
        if UnitKind::from_code(&self.kind).is_none() {
            errs.push(FieldError::new("kind", "jenis unit tidak dikenal"));
        }
        if errs.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errs)) }
    }
}

/// All units of the tenant in tree order (path order keeps children under their parent).
pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<Unit>> {
    unit::Entity::find().filter(unit::Column::TenantId.eq(tenant_id)).order_by_asc(unit::Column::Path).all(db).await?.into_iter().map(typed).collect()
}

/// A unit as a select option: what filters and forms show, in tree order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub depth: usize,
    pub active: bool,
}

impl UnitOption {
    /// "— — Kelurahan Harjosari I": the name indented by depth.
    pub fn label(&self) -> String {
        format!("{}{}", "— ".repeat(self.depth), self.name)
    }
}

/// The tenant's units as options (id, name, path, active), tree order; the web caches it.
pub(crate) async fn options<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<UnitOption>> {
    let rows: Vec<(i64, String, String, bool)> = unit::Entity::find()
        .select_only()
        .columns([unit::Column::Id, unit::Column::Name, unit::Column::Path, unit::Column::Active])
        .filter(unit::Column::TenantId.eq(tenant_id))
        .order_by_asc(unit::Column::Path)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, name, path, active)| UnitOption { depth: cakap_domain::org::path_depth(&path), id, name, path, active }).collect())
}

pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<unit::Model> {
    unit::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
}

pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &UnitInput) -> Result<unit::Model> {
    input.check()?;
    let txn = store.write().await?;
    let id = next_id();
    let path = match input.parent_id {
        Some(pid) => {
            let parent = get(&txn, ctx.tenant_id, pid).await.map_err(|_| StoreError::invalid("parent_id", "unit induk tidak ditemukan"))?;
            format!("{}{id}/", parent.path)
        }
        None => format!("/{id}/"),
    };
    let m = unit::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        parent_id: Set(input.parent_id),
        code: Set(input.code.trim().to_string()),
        name: Set(input.name.trim().to_string()),
        kind: Set(input.kind.clone()),
        path: Set(path),
        active: Set(true),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "code", "kode unit sudah dipakai di instansi ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("create", cakap_domain::audit::AuditEntity::Unit, id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(m)
}

/// Updates a unit; moving it under another parent rewrites the paths of its whole subtree.
pub(crate) async fn update(store: &Store, ctx: &Ctx, id: i64, input: &UnitInput) -> Result<unit::Model> {
    input.check()?;
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, id).await?;
    let mut new_path = before.path.clone();
    if input.parent_id != before.parent_id {
        new_path = match input.parent_id {
            Some(pid) => {
                let parent = get(&txn, ctx.tenant_id, pid).await.map_err(|_| StoreError::invalid("parent_id", "unit induk tidak ditemukan"))?;
                if parent.path.starts_with(&before.path) {
                    return Err(StoreError::invalid("parent_id", "unit induk tidak boleh unit ini sendiri atau bawahannya"));
                }
                format!("{}{id}/", parent.path)
            }
            None => format!("/{id}/"),
        };
        // Rewrite descendants: new prefix + the part of their path after the old prefix.
        let descendants = unit::Entity::find()
            .filter(unit::Column::TenantId.eq(ctx.tenant_id))
            .filter(unit::Column::Path.starts_with(&before.path))
            .filter(unit::Column::Id.ne(id))
            .all(&txn)
            .await?;
        for d in descendants {
            let p = format!("{new_path}{}", &d.path[before.path.len()..]);
            let mut am: unit::ActiveModel = d.into();
            am.path = Set(p);
            am.update(&txn).await?;
        }
    }
    let mut am: unit::ActiveModel = before.clone().into();
    am.parent_id = Set(input.parent_id);
    am.code = Set(input.code.trim().to_string());
    am.name = Set(input.name.trim().to_string());
    am.kind = Set(input.kind.clone());
    am.path = Set(new_path);
    let m = am.update(&txn).await.map_err(|e| StoreError::on_unique(e, "code", "kode unit sudah dipakai di instansi ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::Unit, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

/// Deactivates (or reactivates) a unit. A unit with active employees or active sub-units
/// cannot be deactivated: they would be left in a unit that no list shows.
pub(crate) async fn set_active(store: &Store, ctx: &Ctx, id: i64, active: bool) -> Result<unit::Model> {
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, id).await?;
    if !active {
        let staff = employee::Entity::find()
            .filter(employee::Column::TenantId.eq(ctx.tenant_id))
            .filter(employee::Column::UnitId.eq(id))
            .filter(employee::Column::Active.eq(true))
            .count(&txn)
            .await?;
        if staff > 0 {
            return Err(StoreError::invalid("active", format!("unit masih memiliki {staff} pegawai aktif; pindahkan mereka terlebih dahulu")));
        }
        let children = unit::Entity::find()
            .filter(unit::Column::TenantId.eq(ctx.tenant_id))
            .filter(unit::Column::ParentId.eq(id))
            .filter(unit::Column::Active.eq(true))
            .count(&txn)
            .await?;
        if children > 0 {
            return Err(StoreError::invalid("active", format!("unit masih memiliki {children} sub-unit aktif")));
        }
    }
    let mut am: unit::ActiveModel = before.clone().into();
    am.active = Set(active);
    let m = am.update(&txn).await?;
    let action = if active { "activate" } else { "deactivate" };
    audit::record(&txn, ctx, ctx.tenant_id, (action, cakap_domain::audit::AuditEntity::Unit, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

pub(crate) fn snapshot(m: &unit::Model) -> serde_json::Value {
    serde_json::json!({"code": m.code, "name": m.name, "kind": m.kind, "parent_id": m.parent_id, "active": m.active})
}
