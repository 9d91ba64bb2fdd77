//! The national door: what a super admin (no tenant) reaches. Tenant data stays behind
//! [`crate::Scope`]; this handle lists and keeps instansi, reads the national audit log and the
//! national roll-up, and nothing else.

use std::sync::Arc;

use cakap_domain::Permission;
use cakap_domain::org::Tenant;

use crate::audit::{AuditLog, Ctx};
use crate::error::{Result, StoreError};
use crate::org::tenants::{self, TenantForCreate};
use crate::{Principal, Store};

/// A national principal at work for one request, made by [`Nation::of`] only for a principal
/// who may read all tenants.
#[derive(Clone, Debug)]
pub struct Nation {
    store: Store,
    principal: Arc<Principal>,
    request_id: Option<String>,
}

impl Nation {
    pub fn of(store: &Store, principal: Arc<Principal>, request_id: Option<String>) -> Result<Nation> {
        if !principal.can(Permission::ReadAllTenants) {
            return Err(StoreError::Forbidden);
        }
        Ok(Nation { store: store.clone(), principal, request_id })
    }

    /// The CLI operator's national door.
    pub fn operator(store: &Store) -> Nation {
        Nation { store: store.clone(), principal: Arc::new(Principal::national_operator()), request_id: None }
    }

    fn require(&self, p: Permission) -> Result<()> {
        if self.principal.can(p) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// National work is audited under tenant 0.
    fn ctx(&self) -> Ctx {
        Ctx { tenant_id: 0, user_id: self.principal.user_id(), request_id: self.request_id.clone() }
    }

    /// Every instansi, by name.
    pub async fn tenants(&self) -> Result<Vec<Tenant>> {
        tenants::list(&self.store.db).await?.into_iter().map(tenants::typed).collect()
    }

    pub async fn tenant(&self, id: i64) -> Result<Tenant> {
        tenants::typed(tenants::get(&self.store.db, id).await?)
    }

    /// A new instansi with its national dictionary and its first admin, in one transaction.
    pub async fn create_tenant(&self, input: &TenantForCreate) -> Result<Tenant> {
        self.require(Permission::ManageTenants)?;
        tenants::typed(tenants::create(&self.store, &self.ctx(), input).await?)
    }

    pub async fn update_tenant(&self, id: i64, input: &TenantForCreate, active: bool) -> Result<Tenant> {
        self.require(Permission::ManageTenants)?;
        tenants::typed(tenants::update(&self.store, &self.ctx(), id, input, active).await?)
    }

    /// The national audit log (tenant creation and other national work).
    pub fn audit(&self) -> Result<AuditLog<'_>> {
        self.require(Permission::ReadAudit)?;
        Ok(AuditLog { store: &self.store, tenant_id: 0 })
    }

    /// The national roll-up of every tenant's AKPK.
    pub async fn analysis(&self, filter: &cakap_domain::national::Filter, today: time::Date) -> Result<crate::akpk::national::National> {
        crate::akpk::national::national(&self.store, filter, today).await
    }
}
