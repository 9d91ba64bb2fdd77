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

/// A bounded map of loaded values under the shared generation. One load per key at a time:
/// when 64 requests miss together (a tenant's 0.5 s analysis after a write), one loads and the
/// others wait for its result instead of all loading at once.
pub struct Memo<K, V> {
    ttl: Duration,
    cap: usize,
    entries: Mutex<HashMap<K, Entry<V>>>,
    loading: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K: Eq + Hash + Copy, V: Clone> Memo<K, V> {
    pub fn new(ttl: Duration, cap: usize) -> Self {
        Memo { ttl, cap, entries: Mutex::new(HashMap::new()), loading: Mutex::new(HashMap::new()) }
    }

    fn current(&self, key: &K, generation: u64) -> Option<V> {
        let entries = self.entries.lock().expect("cache lock");
        entries.get(key).filter(|e| e.generation == generation && e.at.elapsed() < self.ttl).map(|e| e.value.clone())
    }

    async fn get_or_load<F>(&self, generation: &AtomicU64, key: K, load: F) -> Result<V, StoreError>
    where
        F: Future<Output = Result<V, StoreError>>,
    {
        let current = generation.load(Ordering::SeqCst);
        if let Some(v) = self.current(&key, current) {
            return Ok(v);
        }
        let gate = self.loading.lock().expect("cache lock").entry(key).or_default().clone();
        let _turn = gate.lock().await;
        // Whoever held the gate before may have loaded it for this generation.
        if let Some(v) = self.current(&key, current) {
            return Ok(v);
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
        drop(entries);
        let mut loading = self.loading.lock().expect("cache lock");
        if loading.len() > self.cap {
            // Gates of keys nobody is loading now (only this map holds them) can go.
            loading.retain(|_, g| Arc::strong_count(g) > 1);
        }
        Ok(value)
    }
}

pub struct Caches {
    generation: AtomicU64,
    analysis: Memo<i64, Arc<Analysis>>,
    /// None: the user is missing or inactive (remembered too, so a stale cookie costs no query).
    principals: Memo<i64, Option<Arc<Principal>>>,
    units: Memo<i64, Arc<Vec<UnitOption>>>,
    /// Beranda's AKPK numbers per tenant: (needs, high-priority needs); computing them walks
    /// every need of the tenant.
    need_counts: Memo<i64, (usize, usize)>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            generation: AtomicU64::new(0),
            analysis: Memo::new(TTL, 64),
            principals: Memo::new(PRINCIPAL_TTL, 20_000),
            units: Memo::new(TTL, 1_000),
            need_counts: Memo::new(TTL, 1_000),
        }
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

    /// The tenant's open needs and how many of them have a high priority (≥ `high`).
    pub async fn need_counts(&self, store: &Store, tenant_id: i64, high: u8) -> Result<(usize, usize), StoreError> {
        let analysis = self.tenant(store, tenant_id).await?;
        self.need_counts
            .get_or_load(&self.generation, tenant_id, async {
                let needs = analysis.needs(&cakap_store::akpk::needs::open(&store.db, tenant_id).await?, &Default::default());
                Ok((needs.len(), needs.iter().filter(|n| n.priority >= high).count()))
            })
            .await
    }

    /// The tenant's units in tree order, for selects.
    pub async fn units(&self, store: &Store, tenant_id: i64) -> Result<Arc<Vec<UnitOption>>, StoreError> {
        self.units.get_or_load(&self.generation, tenant_id, async { Ok(Arc::new(cakap_store::org::units::options(&store.db, tenant_id).await?)) }).await
    }
}
