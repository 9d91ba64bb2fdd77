//! A bounded map of loaded values, each valid for one version of what it was loaded from.
//!
//! The version is whatever tells staleness exactly: the [`crate::revision::Revisions`] of a
//! tenant read before loading, or the web process's write generation. An entry is used only
//! while the caller's current version equals the one it was loaded under (and, as a guard
//! against writes that bypass revisions, while younger than its TTL).
//!
//! One load per key at a time: when 64 requests miss together (a tenant's 0.5 s analysis after a
//! write), one loads and the others wait for its result instead of all loading at once. Past its
//! cap, entries of other versions and expired ones go, then the oldest half.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::StoreError;

struct Entry<Ver, V> {
    version: Ver,
    at: Instant,
    value: V,
}

pub struct Memo<K, Ver, V> {
    ttl: Duration,
    cap: usize,
    entries: Mutex<HashMap<K, Entry<Ver, V>>>,
    loading: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K: Eq + Hash + Copy, Ver: Eq + Copy, V: Clone> Memo<K, Ver, V> {
    pub fn new(ttl: Duration, cap: usize) -> Self {
        Memo { ttl, cap: cap.max(1), entries: Mutex::new(HashMap::new()), loading: Mutex::new(HashMap::new()) }
    }

    fn current(&self, key: &K, version: Ver) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|e| e.version == version && e.at.elapsed() < self.ttl).map(|e| e.value.clone())
    }

    /// The value for `key` at `version`, loading it when missing or stale.
    pub async fn get_or_load<F>(&self, key: K, version: Ver, load: F) -> Result<V, StoreError>
    where
        F: Future<Output = Result<V, StoreError>>,
    {
        self.get_or_update(key, version, |_| load).await
    }

    /// The value of `key` if one is kept for `version`; never loads.
    pub fn peek(&self, key: &K, version: Ver) -> Option<V> {
        self.current(key, version)
    }

    /// Whether any value of `key` is kept, current or not.
    pub fn holds(&self, key: &K) -> bool {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).contains_key(key)
    }

    /// The value for `key` at `version`; when missing or stale, `update` makes it from the stale
    /// entry, handed over with the version it was made for (taken out of the map, so an `Arc`
    /// nobody else reads can be changed in place), or from nothing.
    pub async fn get_or_update<F, Fut>(&self, key: K, version: Ver, update: F) -> Result<V, StoreError>
    where
        F: FnOnce(Option<(Ver, V)>) -> Fut,
        Fut: Future<Output = Result<V, StoreError>>,
    {
        if let Some(v) = self.current(&key, version) {
            return Ok(v);
        }
        let gate = self.loading.lock().unwrap_or_else(|p| p.into_inner()).entry(key).or_default().clone();
        let _turn = gate.lock().await;
        // Whoever held the gate before may have loaded it for this version.
        if let Some(v) = self.current(&key, version) {
            return Ok(v);
        }
        let stale = self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(&key).filter(|e| e.at.elapsed() < self.ttl).map(|e| (e.version, e.value));
        let value = update(stale).await?;
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.cap {
            let ttl = self.ttl;
            entries.retain(|_, e| e.at.elapsed() < ttl);
            if entries.len() >= self.cap {
                // Keep the younger half: a burst of new keys does not empty the whole map.
                let mut ages: Vec<Instant> = entries.values().map(|e| e.at).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, e| e.at > cut);
            }
        }
        entries.insert(key, Entry { version, at: Instant::now(), value: value.clone() });
        drop(entries);
        let mut loading = self.loading.lock().unwrap_or_else(|p| p.into_inner());
        if loading.len() > self.cap {
            // Gates of keys nobody is loading now (only this map holds them) can go.
            loading.retain(|_, g| Arc::strong_count(g) > 1);
        }
        Ok(value)
    }

    /// Forgets one entry (its source was just written by this process).
    pub fn forget(&self, key: &K) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }

    /// Forgets every entry (tests; a database swapped under a running process).
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_version_reloads_and_the_same_version_does_not() {
        let m: Memo<i64, i64, u32> = Memo::new(Duration::from_secs(60), 4);
        let loads = std::sync::atomic::AtomicU32::new(0);
        let load = || async { Ok::<_, StoreError>(loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1) };
        assert_eq!(m.get_or_load(1, 10, load()).await.unwrap(), 1);
        assert_eq!(m.get_or_load(1, 10, load()).await.unwrap(), 1, "same version: cached");
        assert_eq!(m.get_or_load(1, 11, load()).await.unwrap(), 2, "new version: loaded again");
        for k in 2..20 {
            m.get_or_load(k, 0, load()).await.unwrap();
        }
        assert!(m.entries.lock().unwrap().len() <= 4, "the cap holds");
    }
}
