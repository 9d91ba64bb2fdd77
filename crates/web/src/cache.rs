//! The tenant-wide AKPK analysis, kept between requests. Loading it reads every assessment of
//! the tenant (a 20,000-employee tenant: ~280,000 rows, 0.4–0.9 s, `cakap bench akpk`); the
//! heatmap, needs list, export, calibration list and home page all use the same one.
//!
//! Invalidation: every request that may write (any method but GET/HEAD) bumps a generation
//! after it completes, and an entry is used only while its generation is current. An entry
//! remembers the generation read *before* loading, so a write that lands during a load makes
//! that load stale at once. Writes from outside the web process (the CLI import) are seen after
//! at most [`TTL`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cakap_store::Store;
use cakap_store::akpk::analysis::Analysis;
use cakap_store::org::employees::EmployeeScope;

pub const TTL: Duration = Duration::from_secs(60);

struct Entry {
    generation: u64,
    at: Instant,
    analysis: Arc<Analysis>,
}

#[derive(Default)]
pub struct AnalysisCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<i64, Entry>>,
}

impl AnalysisCache {
    /// Something may have changed: every cached analysis is stale.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The whole tenant's analysis, from the cache when still current.
    pub async fn tenant(&self, store: &Store, tenant_id: i64) -> Result<Arc<Analysis>, cakap_store::StoreError> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(e) = self.entries.lock().expect("cache lock").get(&tenant_id)
            && e.generation == generation
            && e.at.elapsed() < TTL
        {
            return Ok(e.analysis.clone());
        }
        let analysis = Arc::new(Analysis::load(&store.db, tenant_id, &EmployeeScope::Tenant).await?);
        let mut entries = self.entries.lock().expect("cache lock");
        entries.retain(|_, e| e.at.elapsed() < TTL);
        entries.insert(tenant_id, Entry { generation, at: Instant::now(), analysis: analysis.clone() });
        Ok(analysis)
    }
}
