use cakap_domain::employee::{EmployeeInput, ValidEmployee};
use cakap_domain::{EmployeeStatus, FieldError, PositionKind};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use super::{Page, like_contains};
use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{employee, position, unit};
use crate::error::{Result, StoreError};
use crate::ids::next_id;

/// Which employee rows a caller may see (decided by `domain::access`, applied here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmployeeScope {
    Tenant,
    /// Units whose path starts with this prefix (a supervisor's subtree).
    UnitPath(String),
    /// Only this employee.
    Own(i64),
    Nothing,
}

/// List order (UI.md: sortable columns).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EmployeeSort {
    #[default]
    NameAsc,
    NameDesc,
    NipAsc,
    NipDesc,
}

impl EmployeeSort {
    /// From the `sort` query value: `nama`, `-nama`, `nip`, `-nip`.
    pub fn parse(s: &str) -> EmployeeSort {
        match s {
            "-nama" => EmployeeSort::NameDesc,
            "nip" => EmployeeSort::NipAsc,
            "-nip" => EmployeeSort::NipDesc,
            _ => EmployeeSort::NameAsc,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EmployeeFilter {
    pub sort: EmployeeSort,
    /// Name or NIP (spaces ignored), substring.
    pub q: Option<String>,
    /// Unit and its subtree.
    pub unit_id: Option<i64>,
    pub kind: Option<PositionKind>,
    pub status: Option<EmployeeStatus>,
    pub include_inactive: bool,
}

/// A form or API body: the person plus where they work.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EmployeeForm {
    #[serde(flatten)]
    pub person: EmployeeInput,
    pub unit_id: Option<i64>,
    pub position_id: Option<i64>,
    pub target_position_id: Option<i64>,
}

pub(crate) fn scoped(tenant_id: i64, scope: &EmployeeScope) -> sea_orm::Select<employee::Entity> {
    let q = employee::Entity::find().filter(employee::Column::TenantId.eq(tenant_id));
    match scope {
        EmployeeScope::Tenant => q,
        EmployeeScope::UnitPath(prefix) => q.filter(employee::Column::UnitId.in_subquery(unit_subquery(tenant_id, prefix))),
        EmployeeScope::Own(id) => q.filter(employee::Column::Id.eq(*id)),
        EmployeeScope::Nothing => q.filter(Expr::cust("1 = 0")),
    }
}

fn unit_subquery(tenant_id: i64, prefix: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(unit::Column::Id)
        .from(unit::Entity)
        .and_where(unit::Column::TenantId.eq(tenant_id))
        .and_where(unit::Column::Path.like(format!("{prefix}%")))
        .to_owned()
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant_id: i64,
    scope: &EmployeeScope,
    f: &EmployeeFilter,
    page: u64,
    per_page: u64,
) -> Result<Page<employee::Model>> {
    let mut q = scoped(tenant_id, scope);
    if let Some(s) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        q = q.filter(Condition::any().add(employee::Column::Name.like(like_contains(s))).add(employee::Column::Nip.like(like_contains(&digits))));
    }
    if let Some(u) = f.unit_id {
        let root = super::units::get(db, tenant_id, u).await?;
        q = q.filter(employee::Column::UnitId.in_subquery(unit_subquery(tenant_id, &root.path)));
    }
    if let Some(k) = f.kind {
        q = q.filter(
            employee::Column::PositionId.in_subquery(
                Query::select()
                    .column(position::Column::Id)
                    .from(position::Entity)
                    .and_where(position::Column::TenantId.eq(tenant_id))
                    .and_where(position::Column::Kind.eq(k.code()))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = f.status {
        q = q.filter(employee::Column::Status.eq(s.code()));
    }
    if !f.include_inactive {
        q = q.filter(employee::Column::Active.eq(true));
    }
    let total = q.clone().count(db).await?;
    let q = match f.sort {
        EmployeeSort::NameAsc => q.order_by_asc(employee::Column::Name),
        EmployeeSort::NameDesc => q.order_by_desc(employee::Column::Name),
        EmployeeSort::NipAsc => q.order_by_asc(employee::Column::Nip),
        EmployeeSort::NipDesc => q.order_by_desc(employee::Column::Nip),
    };
    let items = q.order_by_asc(employee::Column::Id).paginate(db, per_page).fetch_page(page.saturating_sub(1)).await?;
    Ok(Page { items, total, page, per_page })
}

/// One employee, if the scope lets the caller see it.
pub async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, scope: &EmployeeScope, id: i64) -> Result<employee::Model> {
    scoped(tenant_id, scope).filter(employee::Column::Id.eq(id)).one(db).await?.ok_or(StoreError::NotFound)
}

pub async fn by_nip<C: ConnectionTrait>(db: &C, tenant_id: i64, nip: &str) -> Result<Option<employee::Model>> {
    Ok(employee::Entity::find().filter(employee::Column::TenantId.eq(tenant_id)).filter(employee::Column::Nip.eq(nip)).one(db).await?)
}

/// Parses the form and checks that unit and positions exist in this tenant.
async fn check<C: ConnectionTrait>(db: &C, tenant_id: i64, form: &EmployeeForm) -> Result<(ValidEmployee, i64, i64, Option<i64>)> {
    let parsed = form.person.parse();
    let mut errs = parsed.as_ref().err().cloned().unwrap_or_default();
    let unit_ok = match form.unit_id {
        Some(u) => super::units::get(db, tenant_id, u).await.is_ok(),
        None => false,
    };
    if !unit_ok {
        errs.push(FieldError::new("unit_id", "pilih unit kerja"));
    }
    let pos_ok = match form.position_id {
        Some(p) => super::positions::get(db, tenant_id, p).await.is_ok(),
        None => false,
    };
    if !pos_ok {
        errs.push(FieldError::new("position_id", "pilih jabatan"));
    }
    if let Some(t) = form.target_position_id
        && super::positions::get(db, tenant_id, t).await.is_err()
    {
        errs.push(FieldError::new("target_position_id", "jabatan target tidak ditemukan"));
    }
    let valid = match parsed {
        Ok(v) if errs.is_empty() => v,
        _ => return Err(StoreError::Invalid(errs)),
    };
    Ok((valid, form.unit_id.expect("checked"), form.position_id.expect("checked"), form.target_position_id))
}

pub async fn create(store: &Store, ctx: &Ctx, form: &EmployeeForm) -> Result<employee::Model> {
    let txn = store.write().await?;
    let (v, unit_id, position_id, target) = check(&txn, ctx.tenant_id, form).await?;
    let id = next_id();
    let m = employee::ActiveModel {
        tenant_id: Set(ctx.tenant_id),
        id: Set(id),
        nip: Set(v.nip.as_str().to_string()),
        name: Set(v.name),
        gender: Set(v.gender.code().to_string()),
        birth_date: Set(v.birth_date),
        status: Set(v.status.code().to_string()),
        golongan: Set(v.golongan.map(str::to_string)),
        unit_id: Set(unit_id),
        position_id: Set(position_id),
        target_position_id: Set(target),
        email: Set(v.email),
        active: Set(true),
        updated_at: Set(crate::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| StoreError::on_unique(e, "nip", "NIP sudah terdaftar di instansi ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, "create", "employee", id, None::<&()>, Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn update(store: &Store, ctx: &Ctx, id: i64, form: &EmployeeForm) -> Result<employee::Model> {
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, &EmployeeScope::Tenant, id).await?;
    let (v, unit_id, position_id, target) = check(&txn, ctx.tenant_id, form).await?;
    let mut am: employee::ActiveModel = before.clone().into();
    am.nip = Set(v.nip.as_str().to_string());
    am.name = Set(v.name);
    am.gender = Set(v.gender.code().to_string());
    am.birth_date = Set(v.birth_date);
    am.status = Set(v.status.code().to_string());
    am.golongan = Set(v.golongan.map(str::to_string));
    am.unit_id = Set(unit_id);
    am.position_id = Set(position_id);
    am.target_position_id = Set(target);
    am.email = Set(v.email);
    am.updated_at = Set(crate::now());
    let m = am.update(&txn).await.map_err(|e| StoreError::on_unique(e, "nip", "NIP sudah terdaftar di instansi ini"))?;
    audit::record(&txn, ctx, ctx.tenant_id, "update", "employee", id, Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn set_active(store: &Store, ctx: &Ctx, id: i64, active: bool) -> Result<employee::Model> {
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, &EmployeeScope::Tenant, id).await?;
    let mut am: employee::ActiveModel = before.clone().into();
    am.active = Set(active);
    am.updated_at = Set(crate::now());
    let m = am.update(&txn).await?;
    let action = if active { "activate" } else { "deactivate" };
    audit::record(&txn, ctx, ctx.tenant_id, action, "employee", id, Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

pub fn snapshot(m: &employee::Model) -> serde_json::Value {
    serde_json::json!({
        "nip": m.nip, "name": m.name, "gender": m.gender, "birth_date": m.birth_date.to_string(),
        "status": m.status, "golongan": m.golongan, "unit_id": m.unit_id, "position_id": m.position_id,
        "target_position_id": m.target_position_id, "email": m.email, "active": m.active,
    })
}

/// Data-health counts for the admin's Beranda.
pub async fn count_active<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<u64> {
    Ok(scoped(tenant_id, &EmployeeScope::Tenant).filter(employee::Column::Active.eq(true)).count(db).await?)
}
