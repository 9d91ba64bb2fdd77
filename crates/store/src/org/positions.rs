use cakap_domain::org::Position;
use cakap_domain::{FieldError, Jenjang, PositionKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use super::{Page, like_contains};
use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{employee, position};
use crate::error::{Result, StoreError, code};
use crate::ids::next_id;
use crate::scope::Scope;

use super::OrgAdmin;

/// Reading positions: the handle [`Scope::positions`] hands out (`ReadOrg`).
pub struct Positions<'a> {
    pub(crate) scope: &'a Scope,
}

impl Positions<'_> {
    pub async fn list(&self, f: &PositionFilter, page: u64, per_page: u64) -> Result<Page<Position>> {
        list(&self.scope.store().db, self.scope.tenant_id(), f, page, per_page).await
    }

    /// Every position of the tenant, by name (selects, the API).
    pub async fn all(&self) -> Result<Vec<Position>> {
        all(&self.scope.store().db, self.scope.tenant_id()).await
    }

    pub async fn get(&self, id: i64) -> Result<Position> {
        typed(get(&self.scope.store().db, self.scope.tenant_id(), id).await?)
    }
}

impl OrgAdmin<'_> {
    pub async fn create_position(&self, input: &PositionInput) -> Result<Position> {
        typed(create(self.scope.store(), &self.scope.ctx(), input).await?)
    }

    pub async fn update_position(&self, id: i64, input: &PositionInput) -> Result<Position> {
        typed(update(self.scope.store(), &self.scope.ctx(), id, input).await?)
    }

    pub async fn set_position_active(&self, id: i64, active: bool) -> Result<Position> {
        typed(set_active(self.scope.store(), &self.scope.ctx(), id, active).await?)
    }
}

pub(crate) fn typed(m: position::Model) -> Result<Position> {
    Ok(Position {
        kind: code(PositionKind::from_code(&m.kind), "jenis jabatan", &m.kind)?,
        jenjang: code(Jenjang::from_code(&m.jenjang), "jenjang", &m.jenjang)?,
        id: m.id,
        unit_id: m.unit_id,
        code: m.code,
        name: m.name,
        criticality: m.criticality,
        active: m.active,
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionInput {
    pub unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = cakap_domain::Jenjang))]
    pub jenjang: String,
    /// 1 (rendah) – 3 (tinggi).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3))]
    pub criticality: i16,
}

impl PositionInput {
    fn check(&self) -> Result<Jenjang> {
        let mut errs = vec![];
        if self.code.trim().is_empty() || self.code.trim().chars().count() > 40 {
            errs.push(FieldError::new("code", "kode jabatan wajib diisi (maksimal 40 karakter)"));
        }
        if self.name.trim().is_empty() {
            errs.push(FieldError::new("name", "nama jabatan wajib diisi"));
        }
        errs.extend(cakap_domain::text::check("name", "nama jabatan", &self.name, cakap_domain::text::NAME_MAX, false));
        errs.extend(cakap_domain::text::check("code", "kode jabatan", &self.code, cakap_domain::text::CODE_MAX, false));
        let jenjang = Jenjang::from_code(&self.jenjang);
        if jenjang.is_none() {
            errs.push(FieldError::new("jenjang", "jenjang jabatan tidak dikenal"));
        }
        if !(1..=3).contains(&self.criticality) {
            errs.push(FieldError::new("criticality", "tingkat kekritisan harus 1 (rendah), 2 (sedang) atau 3 (tinggi)"));
        }
        if errs.is_empty() { Ok(jenjang.expect("checked")) } else { Err(StoreError::Invalid(errs)) }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PositionFilter {
    pub q: Option<String>,
    pub unit_id: Option<i64>,
    pub kind: Option<PositionKind>,
    pub include_inactive: bool,
}

pub(crate) async fn list<C: ConnectionTrait>(db: &C, tenant_id: i64, f: &PositionFilter, page: u64, per_page: u64) -> Result<Page<Position>> {
    let mut q = position::Entity::find().filter(position::Column::TenantId.eq(tenant_id));
    if let Some(s) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let pat = like_contains(s);
        q = q.filter(Condition::any().add(position::Column::Name.like(&pat)).add(position::Column::Code.like(&pat)));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(position::Column::UnitId.eq(u));
    }
    if let Some(k) = f.kind {
        q = q.filter(position::Column::Kind.eq(k.code()));
    }
    if !f.include_inactive {
        q = q.filter(position::Column::Active.eq(true));
    }
    let total = q.clone().count(db).await?;
    let items =
        q.order_by_asc(position::Column::Name).order_by_asc(position::Column::Id).paginate(db, per_page).fetch_page(crate::org::page_index(page)).await?;
    let items = items.into_iter().map(typed).collect::<Result<_>>()?;
    Ok(Page { items, total, page, per_page })
}

/// Every position of the tenant (for selects and import lookups).
pub(crate) async fn all<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Vec<Position>> {
    position::Entity::find()
        .filter(position::Column::TenantId.eq(tenant_id))
        .order_by_asc(position::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(typed)
        .collect()
}

pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, id: i64) -> Result<position::Model> {
    position::Entity::find_by_id((tenant_id, id)).one(db).await?.ok_or(StoreError::NotFound)
}

pub(crate) async fn create(store: &Store, ctx: &Ctx, input: &PositionInput) -> Result<position::Model> {
    let jenjang = input.check()?;
    let txn = store.write().await?;
    super::units::get(&txn, ctx.tenant_id, input.unit_id).await.map_err(|_| StoreError::invalid("unit_id", "unit tidak ditemukan"))?;
    let id = next_id();
    let m = position::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        unit_id: Set(input.unit_id),
        code: Set(input.code.trim().to_string()),
        name: Set(input.name.trim().to_string()),
        kind: Set(jenjang.kind().code().to_string()),
        jenjang: Set(jenjang.code().to_string()),
        criticality: Set(input.criticality),
        active: Set(true),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "code", "kode jabatan sudah dipakai di instansi ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("create", cakap_domain::audit::AuditEntity::Position, id), None::<&()>, Some(input)).await?;
    txn.commit().await?;
    Ok(m)
}

pub(crate) async fn update(store: &Store, ctx: &Ctx, id: i64, input: &PositionInput) -> Result<position::Model> {
    let jenjang = input.check()?;
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, id).await?;
    super::units::get(&txn, ctx.tenant_id, input.unit_id).await.map_err(|_| StoreError::invalid("unit_id", "unit tidak ditemukan"))?;
    let mut am: position::ActiveModel = before.clone().into();
    am.unit_id = Set(input.unit_id);
    am.code = Set(input.code.trim().to_string());
    am.name = Set(input.name.trim().to_string());
    am.kind = Set(jenjang.kind().code().to_string());
    am.jenjang = Set(jenjang.code().to_string());
    am.criticality = Set(input.criticality);
    let m = am.update(&txn).await.map_err(|e| StoreError::on_unique(e, "code", "kode jabatan sudah dipakai di instansi ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::Position, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

/// Deactivating a position held by active employees is refused: they would hold a position no
/// list offers.
pub(crate) async fn set_active(store: &Store, ctx: &Ctx, id: i64, active: bool) -> Result<position::Model> {
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, id).await?;
    if !active {
        let holders = employee::Entity::find()
            .filter(employee::Column::TenantId.eq(ctx.tenant_id))
            .filter(employee::Column::PositionId.eq(id))
            .filter(employee::Column::Active.eq(true))
            .count(&txn)
            .await?;
        if holders > 0 {
            return Err(StoreError::invalid("active", format!("jabatan masih dipegang {holders} pegawai aktif")));
        }
    }
    let mut am: position::ActiveModel = before.clone().into();
    am.active = Set(active);
    let m = am.update(&txn).await?;
    let action = if active { "activate" } else { "deactivate" };
    audit::record(&txn, ctx, ctx.tenant_id, (action, cakap_domain::audit::AuditEntity::Position, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

pub(crate) fn snapshot(m: &position::Model) -> serde_json::Value {
    serde_json::json!({"code": m.code, "name": m.name, "unit_id": m.unit_id, "jenjang": m.jenjang, "criticality": m.criticality, "active": m.active})
}
