//! Organisation: tenants, units (tree), positions, employees. Every function takes `tenant_id`.

pub mod employees;
pub mod positions;
pub mod tenants;
pub mod units;

use crate::scope::Scope;

/// Changing the organisation's records (BKPSDM admin, `ManageOrg`): the handle
/// [`Scope::org_admin`] hands out; its methods live beside the records they change.
pub struct OrgAdmin<'a> {
    pub(crate) scope: &'a Scope,
}

/// One page of a list and the total across pages.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Escapes `%` and `_` for a LIKE pattern with `\` as escape character.
pub(crate) fn like_contains(q: &str) -> String {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
