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

/// Page numbers the store serves (1-based); beyond this a list is refused as out of range by
/// the web, and the store itself never computes an offset from a bigger one.
pub const MAX_PAGE: u64 = 100_000;

/// The zero-based page index for `fetch_page`, with `page` clamped to 1..=[`MAX_PAGE`]
/// (page × per_page of a caller's u64::MAX would overflow).
pub(crate) fn page_index(page: u64) -> u64 {
    page.clamp(1, MAX_PAGE) - 1
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
