//! Cakap's storage: SeaORM over SQLite (embedded default) and PostgreSQL through one code path.
//! Every repository function takes the tenant it works in; nothing reads across tenants except
//! the explicitly national functions (named `national_*`).

pub mod akpk;
pub mod audit;
mod bulk;
pub mod competency;
pub mod db;
pub mod demo;
pub(crate) mod entity;
pub mod error;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod ids;
pub mod import;
pub mod jobs;
pub mod learning;
pub mod memo;
pub mod migration;
pub mod national;
pub mod org;
pub mod plan;
pub mod revision;
pub mod scope;
pub mod second_factor;
pub mod sessions;
pub(crate) mod throttle;
pub mod transfer;
pub mod users;

pub use db::{Db, Store};
pub use error::StoreError;
pub use scope::{Principal, Scope, TenantInfo};

/// Current UTC time, in the type the entities use.
pub fn now() -> time::OffsetDateTime {
    let t = time::OffsetDateTime::now_utc();
    // Microsecond precision: what PostgreSQL keeps, so values round-trip equal on both backends.
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}
