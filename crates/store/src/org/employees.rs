use cakap_domain::employee::{Employee, EmployeeInput, ValidEmployee};
use std::sync::Arc;

use cakap_domain::audit::Area;
use cakap_domain::org::directory::{DirEmployee, DirPosition, DirUnit, Directory};
use cakap_domain::{EmployeeStatus, FieldError, Gender, PositionKind};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};

use super::{OrgAdmin, Page};
use crate::Store;
use crate::audit::{self, Ctx};
use crate::entity::{employee, position, unit};
use crate::error::{Result, StoreError};
use crate::ids::next_id;
use crate::revision::Revisions;
use crate::scope::Scope;

pub use cakap_domain::org::directory::{EmployeeFilter, EmployeeScope, EmployeeSort};

// ---------------------------------------------------------------- the directory
// A tenant's employee directory (`domain::org::directory`) kept while the tenant's `org`
// revision stands: employees, units and positions are all `org` entities, so any audited change
// of them (page, API, CLI, bulk import) makes the next read rebuild it.

/// Three queries; a 10,000-employee tenant loads in about 20 ms.
async fn load_directory<C: ConnectionTrait>(db: &C, tenant_id: i64) -> Result<Directory> {
    let units: Vec<(i64, String, String)> = unit::Entity::find()
        .select_only()
        .columns([unit::Column::Id, unit::Column::Name, unit::Column::Path])
        .filter(unit::Column::TenantId.eq(tenant_id))
        .into_tuple()
        .all(db)
        .await?;
    let positions: Vec<(i64, String, String)> = position::Entity::find()
        .select_only()
        .columns([position::Column::Id, position::Column::Name, position::Column::Kind])
        .filter(position::Column::TenantId.eq(tenant_id))
        .into_tuple()
        .all(db)
        .await?;
    let bad = |what: &str, id: i64, v: &str| StoreError::Other(format!("kode {what} '{v}' pada data {id} tidak dikenal"));
    let positions = positions
        .into_iter()
        .map(|(id, name, kind)| Ok(DirPosition { id, kind: PositionKind::from_code(&kind).ok_or_else(|| bad("jenis jabatan", id, &kind))?, name }))
        .collect::<Result<Vec<_>>>()?;
    let rows = employee::Entity::find().filter(employee::Column::TenantId.eq(tenant_id)).all(db).await?;
    let employees = rows
        .into_iter()
        .map(|m| {
            Ok(DirEmployee {
                gender: Gender::from_code(&m.gender).ok_or_else(|| bad("jenis kelamin", m.id, &m.gender))?,
                status: EmployeeStatus::from_code(&m.status).ok_or_else(|| bad("status", m.id, &m.status))?,
                id: m.id,
                nip: m.nip,
                name: m.name,
                birth_date: m.birth_date,
                golongan: m.golongan,
                unit_id: m.unit_id,
                position_id: m.position_id,
                target_position_id: m.target_position_id,
                email: m.email,
                active: m.active,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let units = units.into_iter().map(|(id, name, path)| DirUnit { id, name, path }).collect();
    Ok(Directory::build(units, positions, employees))
}

/// The tenant's directory as of `revisions` (read before, so a write during the load makes the
/// result stale at once rather than hiding the write).
pub(crate) async fn directory(store: &Store, tenant_id: i64, revisions: &Revisions) -> Result<Arc<Directory>> {
    store.caches.directory.get_or_load(tenant_id, revisions.of(Area::Org), async { Ok(Arc::new(load_directory(&store.db, tenant_id).await?)) }).await
}

/// A form or API body: the person plus where they work.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// One raw row of [`joined`]: the employee with the names of its unit and positions.
#[derive(Debug, FromQueryResult)]
struct JoinedRow {
    id: i64,
    nip: String,
    name: String,
    gender: String,
    birth_date: time::Date,
    status: String,
    golongan: Option<String>,
    unit_id: i64,
    unit_name: String,
    position_id: i64,
    position_name: String,
    target_position_id: Option<i64>,
    target_position_name: Option<String>,
    email: Option<String>,
    active: bool,
}

impl JoinedRow {
    fn typed(self) -> Result<Employee> {
        let bad = |what: &str, v: &str| StoreError::Other(format!("kode {what} '{v}' pada pegawai {} tidak dikenal", self.id));
        Ok(Employee {
            gender: Gender::from_code(&self.gender).ok_or_else(|| bad("jenis kelamin", &self.gender))?,
            status: EmployeeStatus::from_code(&self.status).ok_or_else(|| bad("status", &self.status))?,
            id: self.id,
            nip: self.nip,
            name: self.name,
            birth_date: self.birth_date,
            golongan: self.golongan,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            position_id: self.position_id,
            position_name: self.position_name,
            target_position_id: self.target_position_id,
            target_position_name: self.target_position_name,
            email: self.email,
            active: self.active,
        })
    }
}

/// `SELECT e.*, u.name, p.name, tp.name FROM employee e JOIN unit u JOIN position p LEFT JOIN
/// position tp WHERE e.tenant_id = ? AND <reach>`: one indexed query labels a page of rows.
fn joined(tenant_id: i64, reach: &EmployeeScope) -> SelectStatement {
    let (e, u, p, tp) = (Alias::new("e"), Alias::new("u"), Alias::new("p"), Alias::new("tp"));
    let on = |t: &Alias, id: employee::Column| {
        Expr::col((t.clone(), unit::Column::TenantId))
            .equals((e.clone(), employee::Column::TenantId))
            .and(Expr::col((t.clone(), unit::Column::Id)).equals((e.clone(), id)))
    };
    let mut q = Query::select();
    q.columns(
        [
            employee::Column::Id,
            employee::Column::Nip,
            employee::Column::Name,
            employee::Column::Gender,
            employee::Column::BirthDate,
            employee::Column::Status,
            employee::Column::Golongan,
            employee::Column::UnitId,
            employee::Column::PositionId,
            employee::Column::TargetPositionId,
            employee::Column::Email,
            employee::Column::Active,
        ]
        .map(|c| (e.clone(), c)),
    )
    .expr_as(Expr::col((u.clone(), unit::Column::Name)), Alias::new("unit_name"))
    .expr_as(Expr::col((p.clone(), position::Column::Name)), Alias::new("position_name"))
    .expr_as(Expr::col((tp.clone(), position::Column::Name)), Alias::new("target_position_name"))
    .from_as(employee::Entity, e.clone())
    .join_as(JoinType::InnerJoin, unit::Entity, u.clone(), on(&u, employee::Column::UnitId))
    .join_as(JoinType::InnerJoin, position::Entity, p.clone(), on(&p, employee::Column::PositionId))
    .join_as(JoinType::LeftJoin, position::Entity, tp.clone(), on(&tp, employee::Column::TargetPositionId))
    .and_where(Expr::col((e.clone(), employee::Column::TenantId)).eq(tenant_id));
    match reach {
        EmployeeScope::Tenant => {}
        EmployeeScope::UnitPath(prefix) => {
            q.and_where(Expr::col((u, unit::Column::Path)).like(format!("{prefix}%")));
        }
        EmployeeScope::Own(id) => {
            q.and_where(Expr::col((e, employee::Column::Id)).eq(*id));
        }
        EmployeeScope::Nothing => {
            q.and_where(Expr::cust("1 = 0"));
        }
    }
    q
}

async fn fetch<C: ConnectionTrait>(db: &C, q: &SelectStatement) -> Result<Vec<Employee>> {
    let rows = JoinedRow::find_by_statement(db.get_database_backend().build(q)).all(db).await?;
    rows.into_iter().map(JoinedRow::typed).collect()
}

async fn one_joined<C: ConnectionTrait>(db: &C, tenant_id: i64, reach: &EmployeeScope, id: i64) -> Result<Employee> {
    let mut q = joined(tenant_id, reach);
    q.and_where(Expr::col((Alias::new("e"), employee::Column::Id)).eq(id));
    fetch(db, &q).await?.pop().ok_or(StoreError::NotFound)
}

/// Reading employees: the handle [`Scope::employees`] hands out. Every query is limited to the
/// scope's tenant and to the rows its roles reach (tenant, supervised subtree or own record).
pub struct Employees<'a> {
    pub(crate) scope: &'a Scope,
    pub(crate) reach: EmployeeScope,
}

impl Employees<'_> {
    /// One page of the filtered list and the total, from the tenant's in-memory directory
    /// (`org::directory`; rebuilt when the org revision moves). An unknown unit is "not found".
    pub async fn list(&self, f: &EmployeeFilter, page: u64, per_page: u64) -> Result<Page<Employee>> {
        let dir = self.directory().await?;
        let (items, total) = dir.search(&self.reach, f, page, per_page).ok_or(StoreError::NotFound)?;
        Ok(Page { items, total, page, per_page: std::cmp::max(per_page, 1) })
    }

    async fn directory(&self) -> Result<Arc<Directory>> {
        directory(self.scope.store(), self.scope.tenant_id(), &self.scope.revisions().await?).await
    }

    /// One employee within reach; another tenant's or an unreachable one is "not found". From
    /// the kept directory when it is current, else one indexed query: loading a 200,000-employee
    /// directory (3.4 s) to show one employee is what the first AKPK page after a start paid.
    pub async fn get(&self, id: i64) -> Result<Employee> {
        let (store, t) = (self.scope.store(), self.scope.tenant_id());
        if let Some(d) = store.caches.directory.peek(&t, self.scope.revisions().await?.of(Area::Org)) {
            return d.get(&self.reach, id).ok_or(StoreError::NotFound);
        }
        let mut q = joined(t, &self.reach);
        q.and_where(Expr::col((Alias::new("e"), employee::Column::Id)).eq(id));
        fetch(&store.db, &q).await?.pop().ok_or(StoreError::NotFound)
    }

    /// How many active employees are within reach.
    pub async fn count_active(&self) -> Result<u64> {
        Ok(self.directory().await?.count_active(&self.reach))
    }

    /// An employee of the tenant by NIP (digits), within reach.
    pub async fn by_nip(&self, nip: &str) -> Result<Option<Employee>> {
        let mut q = joined(self.scope.tenant_id(), &self.reach);
        q.and_where(Expr::col((Alias::new("e"), employee::Column::Nip)).eq(nip));
        Ok(fetch(&self.scope.store().db, &q).await?.pop())
    }
}

impl OrgAdmin<'_> {
    pub async fn create_employee(&self, form: &EmployeeForm) -> Result<Employee> {
        let m = create(self.scope.store(), &self.scope.ctx(), form, self.scope.today()).await?;
        one_joined(&self.scope.store().db, m.tenant_id, &EmployeeScope::Tenant, m.id).await
    }

    pub async fn update_employee(&self, id: i64, form: &EmployeeForm) -> Result<Employee> {
        let m = update(self.scope.store(), &self.scope.ctx(), id, form, self.scope.today()).await?;
        one_joined(&self.scope.store().db, m.tenant_id, &EmployeeScope::Tenant, m.id).await
    }

    pub async fn set_employee_active(&self, id: i64, active: bool) -> Result<()> {
        set_active(self.scope.store(), &self.scope.ctx(), id, active).await.map(|_| ())
    }
}

/// One employee row, if the scope lets the caller see it (store-internal: checks inside writes).
pub(crate) async fn get<C: ConnectionTrait>(db: &C, tenant_id: i64, scope: &EmployeeScope, id: i64) -> Result<employee::Model> {
    scoped(tenant_id, scope).filter(employee::Column::Id.eq(id)).one(db).await?.ok_or(StoreError::NotFound)
}

/// Parses the form and checks that unit and positions exist in this tenant, and that the position
/// belongs to the chosen unit (a position is a seat in one unit; DATA-MODEL.md).
async fn check<C: ConnectionTrait>(db: &C, tenant_id: i64, form: &EmployeeForm, today: time::Date) -> Result<(ValidEmployee, i64, i64, Option<i64>)> {
    let parsed = form.person.parse(today);
    let mut errs = parsed.as_ref().err().cloned().unwrap_or_default();
    let unit_ok = match form.unit_id {
        Some(u) => super::units::get(db, tenant_id, u).await.is_ok(),
        None => false,
    };
    if !unit_ok {
        errs.push(FieldError::new("unit_id", "pilih unit kerja"));
    }
    match form.position_id {
        Some(p) => match super::positions::get(db, tenant_id, p).await {
            Ok(pos) if unit_ok && Some(pos.unit_id) != form.unit_id => {
                errs.push(FieldError::new("position_id", format!("jabatan '{}' bukan jabatan pada unit kerja yang dipilih", pos.name)))
            }
            Ok(_) => {}
            Err(StoreError::NotFound) => errs.push(FieldError::new("position_id", "pilih jabatan")),
            Err(e) => return Err(e),
        },
        None => errs.push(FieldError::new("position_id", "pilih jabatan")),
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

async fn create(store: &Store, ctx: &Ctx, form: &EmployeeForm, today: time::Date) -> Result<employee::Model> {
    let txn = store.write().await?;
    let (v, unit_id, position_id, target) = check(&txn, ctx.tenant_id, form, today).await?;
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
    audit::record(&txn, ctx, ctx.tenant_id, ("create", cakap_domain::audit::AuditEntity::Employee, id), None::<&()>, Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

async fn update(store: &Store, ctx: &Ctx, id: i64, form: &EmployeeForm, today: time::Date) -> Result<employee::Model> {
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, &EmployeeScope::Tenant, id).await?;
    let (v, unit_id, position_id, target) = check(&txn, ctx.tenant_id, form, today).await?;
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
    audit::record(&txn, ctx, ctx.tenant_id, ("update", cakap_domain::audit::AuditEntity::Employee, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
    txn.commit().await?;
    Ok(m)
}

async fn set_active(store: &Store, ctx: &Ctx, id: i64, active: bool) -> Result<employee::Model> {
    let txn = store.write().await?;
    let before = get(&txn, ctx.tenant_id, &EmployeeScope::Tenant, id).await?;
    let mut am: employee::ActiveModel = before.clone().into();
    am.active = Set(active);
    am.updated_at = Set(crate::now());
    let m = am.update(&txn).await?;
    let action = if active { "activate" } else { "deactivate" };
    audit::record(&txn, ctx, ctx.tenant_id, (action, cakap_domain::audit::AuditEntity::Employee, id), Some(&snapshot(&before)), Some(&snapshot(&m))).await?;
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
