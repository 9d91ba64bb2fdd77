//! What the web process keeps between requests, and the one rule of staleness they share.
//!
//! - The tenant-wide AKPK analysis: loading it reads every assessment of the tenant (a
//!   20,000-employee tenant: ~280,000 rows, 0.4–0.9 s, `cakap bench akpk`); the heatmap, needs
//!   list, export, calibration list and home page all use the same one.
//! - The principal behind a session or token (user, tenant with its settings and zone, roles,
//!   supervised unit): four reads that every request would otherwise repeat.
//! - A tenant's unit list for filter and form selects (hundreds of rows).
//!
//! Invalidation: every request that may write (any method but GET/HEAD) bumps one generation
//! after it completes, and an entry is used only while its generation is current. An entry
//! remembers the generation read *before* loading, so a write that lands during a load makes
//! that load stale at once. Writes from outside the web process (the CLI) are seen after at
//! most the entry's TTL. Each map is bounded: past its cap, expired entries go, then all.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cakap_store::akpk::analysis::Analysis;
use cakap_store::org::employees::EmployeeScope;
use cakap_store::org::units::UnitOption;
use cakap_store::{Principal, Store, StoreError};

pub const TTL: Duration = Duration::from_secs(60);
/// A user deactivated from the CLI loses access within this time (web writes: at once).
pub const PRINCIPAL_TTL: Duration = Duration::from_secs(30);

struct Entry<V> {
    generation: u64,
    at: Instant,
    value: V,
}

/// A bounded map of loaded values under the shared generation.
pub struct Memo<K, V> {
    ttl: Duration,
    cap: usize,
    entries: Mutex<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash + Copy, V: Clone> Memo<K, V> {
    pub fn new(ttl: Duration, cap: usize) -> Self {
        Memo { ttl, cap, entries: Mutex::new(HashMap::new()) }
    }

    async fn get_or_load<F>(&self, generation: &AtomicU64, key: K, load: F) -> Result<V, StoreError>
    where
        F: Future<Output = Result<V, StoreError>>,
    {
        let current = generation.load(Ordering::SeqCst);
        if let Some(e) = self.entries.lock().expect("cache lock").get(&key)
            && e.generation == current
            && e.at.elapsed() < self.ttl
        {
            return Ok(e.value.clone());
        }
        let value = load.await?;
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.len() >= self.cap {
            let ttl = self.ttl;
            entries.retain(|_, e| e.generation == current && e.at.elapsed() < ttl);
            if entries.len() >= self.cap {
                entries.clear();
            }
        }
        entries.insert(key, Entry { generation: current, at: Instant::now(), value: value.clone() });
        Ok(value)
    }
}

pub struct Caches {
    generation: AtomicU64,
    analysis: Memo<i64, Arc<Analysis>>,
    /// None: the user is missing or inactive (remembered too, so a stale cookie costs no query).
    principals: Memo<i64, Option<Arc<Principal>>>,
    units: Memo<i64, Arc<Vec<UnitOption>>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches { generation: AtomicU64::new(0), analysis: Memo::new(TTL, 64), principals: Memo::new(PRINCIPAL_TTL, 20_000), units: Memo::new(TTL, 1_000) }
    }
}

impl Caches {
    /// Something may have changed: every cached value is stale.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The whole tenant's analysis, from the cache when still current.
    pub async fn tenant(&self, store: &Store, tenant_id: i64) -> Result<Arc<Analysis>, StoreError> {
        self.analysis
            .get_or_load(&self.generation, tenant_id, async { Ok(Arc::new(Analysis::load(&store.db, tenant_id, &EmployeeScope::Tenant).await?)) })
            .await
    }

    /// The active user `user_id` as a principal, or None.
    pub async fn principal(&self, store: &Store, user_id: i64) -> Result<Option<Arc<Principal>>, StoreError> {
        self.principals.get_or_load(&self.generation, user_id, async { Ok(Principal::load(store, user_id).await?.map(Arc::new)) }).await
    }

    /// The tenant's units in tree order, for selects.
    pub async fn units(&self, store: &Store, tenant_id: i64) -> Result<Arc<Vec<UnitOption>>, StoreError> {
        self.units.get_or_load(&self.generation, tenant_id, async { Ok(Arc::new(cakap_store::org::units::options(&store.db, tenant_id).await?)) }).await
    }
}
