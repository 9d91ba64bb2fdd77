//! tower-sessions records kept in the `web_session` table, through the same store on both
//! backends, with the records this process has read kept in memory.
//!
//! Every page view starts with the session; reading it from the database was the one query left
//! on most pages. A record is kept under the process's write generation (any request that may
//! write bumps it, `crate::cache`) for at most [`crate::cache::PRINCIPAL_TTL`]; saving or
//! deleting a session here forgets it at once, so a logout or a new flash message through this
//! process is seen by the next request. A session deleted by another process (a second server,
//! the CLI's purge) stops working within the TTL, as a user deactivated from the CLI does.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use cakap_store::Store;
use cakap_store::memo::Memo;
use cakap_store::sessions::{self, SessionRow};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone)]
pub struct DbSessionStore {
    pub store: Store,
    records: Arc<Memo<i128, u64, Option<Record>>>,
    generation: Arc<AtomicU64>,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSessionStore").finish_non_exhaustive()
    }
}

impl DbSessionStore {
    pub fn new(store: Store, generation: Arc<AtomicU64>) -> Self {
        DbSessionStore { store, records: Arc::new(Memo::new(crate::cache::PRINCIPAL_TTL, 50_000)), generation }
    }

    async fn read(&self, id: &Id) -> Result<Option<Record>, cakap_store::StoreError> {
        match sessions::load(&self.store, &id.to_string()).await? {
            None => Ok(None),
            Some(row) => {
                let data = serde_json::from_str(&row.data).map_err(|e| cakap_store::StoreError::Other(e.to_string()))?;
                Ok(Some(Record { id: *id, data, expiry_date: row.expires_at }))
            }
        }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, r: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&r.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let user_id = r.data.get(crate::auth::SESSION_USER).and_then(|v| v.as_i64());
        let res = sessions::save(&self.store, &r.id.to_string(), &SessionRow { data, expires_at: r.expiry_date, user_id }).await;
        self.records.forget(&r.id.0);
        res.map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let record = self.records.get_or_load(id.0, generation, self.read(id)).await.map_err(backend)?;
        // A kept record past its expiry is as gone as the row would be.
        Ok(record.filter(|r| r.expiry_date > cakap_store::now()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let res = sessions::delete(&self.store, &id.to_string()).await;
        self.records.forget(&id.0);
        res.map_err(backend)?;
        Ok(())
    }
}
