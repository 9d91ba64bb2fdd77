//! What the web process keeps between requests.
//!
//! (The AKPK analyses and the employee directory are the store's, behind the scope.)
//! - The principal behind a session or token (user, tenant with its settings and zone, roles,
//!   supervised unit): four reads that every request would otherwise repeat.
//! - A tenant's unit list for filter and form selects (hundreds of rows).
//!
//! Tenant data is tied to the tenant's revisions (`cakap_store::revision`, read once per request
//! by the scope): an entry is used only while the revisions it was loaded under are current, so
//! a write from any page, the API, the CLI or another process is seen by the next request, and a
//! write in one tenant leaves the others' caches alone. Principals follow the process's write
//! generation (any request that may write bumps it) plus a short TTL for CLI changes of users.
//! The loading rules (one load per key, bounded maps) are `cakap_store::memo`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cakap_store::memo::Memo;
use cakap_store::org::units::UnitOption;
use cakap_store::revision::Revisions;
use cakap_store::{Principal, Scope, Store, StoreError};

/// Entries tied to revisions need no time limit (their revisions say when they are stale).
pub const TTL: Duration = Duration::MAX;
/// A user deactivated from the CLI loses access within this time (web writes: at once).
pub const PRINCIPAL_TTL: Duration = Duration::from_secs(30);

pub struct Caches {
    /// Shared with the session store, which keeps records under it too.
    generation: Arc<AtomicU64>,
    /// Beranda's last imports per tenant.
    jobs: Memo<i64, Revisions, Arc<Vec<cakap_store::import::employees::JobSummary>>>,
    /// None: the user is missing or inactive (remembered too, so a stale cookie costs no query).
    principals: Memo<i64, u64, Option<Arc<Principal>>>,
    /// API token (by hash) → its holder, for reads; writes check the token in the database.
    tokens: Memo<[u8; 32], u64, Option<cakap_store::users::TokenHolder>>,
    units: Memo<i64, i64, Arc<Vec<UnitOption>>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            generation: Arc::new(AtomicU64::new(0)),
            jobs: Memo::new(TTL, 1_000),
            principals: Memo::new(PRINCIPAL_TTL, 20_000),
            tokens: Memo::new(PRINCIPAL_TTL, 20_000),
            units: Memo::new(TTL, 1_000),
        }
    }
}

impl Caches {
    /// The write generation, for the session store.
    pub fn generation(&self) -> Arc<AtomicU64> {
        self.generation.clone()
    }

    /// A request that may have written has completed: cached principals are stale.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The tenant's last completed imports, newest first.
    pub async fn recent_jobs(&self, scope: &Scope) -> Result<Arc<Vec<cakap_store::import::employees::JobSummary>>, StoreError> {
        let admin = scope.org_admin()?;
        self.jobs.get_or_load(scope.tenant_id(), scope.revisions().await?, async { Ok(Arc::new(admin.recent_imports(5).await?)) }).await
    }

    /// The active user `user_id` as a principal, or None.
    pub async fn principal(&self, store: &Store, user_id: i64) -> Result<Option<Arc<Principal>>, StoreError> {
        let generation = self.generation.load(Ordering::SeqCst);
        self.principals.get_or_load(user_id, generation, async { Ok(Principal::load(store, user_id).await?.map(Arc::new)) }).await
    }

    /// The holder of an API token that is not revoked (revocation through the web: at once;
    /// from the CLI: within [`PRINCIPAL_TTL`]).
    pub async fn token_holder(&self, store: &Store, secret: &str) -> Result<Option<cakap_store::users::TokenHolder>, StoreError> {
        let generation = self.generation.load(Ordering::SeqCst);
        self.tokens.get_or_load(cakap_store::users::token_key(secret), generation, cakap_store::users::token_holder(store, secret)).await
    }

    /// The tenant's units in tree order, for selects.
    pub async fn units(&self, scope: &Scope) -> Result<Arc<Vec<UnitOption>>, StoreError> {
        let units = scope.units()?;
        self.units.get_or_load(scope.tenant_id(), scope.revisions().await?.org, async { Ok(Arc::new(units.options().await?)) }).await
    }
}
