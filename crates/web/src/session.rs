//! tower-sessions records kept in the `web_session` table, through the same store on both backends.

use async_trait::async_trait;
use cakap_store::Store;
use cakap_store::entity::web_session;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    pub store: Store,
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, r: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&r.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let am = web_session::ActiveModel { id: Set(r.id.to_string()), data: Set(data), expires_at: Set(r.expiry_date) };
        web_session::Entity::insert(am)
            .on_conflict(OnConflict::column(web_session::Column::Id).update_columns([web_session::Column::Data, web_session::Column::ExpiresAt]).to_owned())
            .exec(&self.store.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = web_session::Entity::find_by_id(id.to_string())
            .filter(web_session::Column::ExpiresAt.gt(cakap_store::now()))
            .one(&self.store.db)
            .await
            .map_err(backend)?;
        match row {
            None => Ok(None),
            Some(m) => {
                let data = serde_json::from_str(&m.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
                Ok(Some(Record { id: *id, data, expiry_date: m.expires_at }))
            }
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        web_session::Entity::delete_by_id(id.to_string()).exec(&self.store.db).await.map_err(backend)?;
        Ok(())
    }
}
