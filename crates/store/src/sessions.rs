//! Web session rows (`web_session`): what the web layer's tower-sessions store reads and
//! writes, so the web crate needs no SQL of its own. Expired rows are never returned and are
//! purged by `users::purge_expired`.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::Store;
use crate::entity::web_session;
use crate::error::Result;

/// A session's serialised data and when it expires.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub data: String,
    pub expires_at: time::OffsetDateTime,
}

/// The session `id` if it exists and has not expired.
pub async fn load(store: &Store, id: &str) -> Result<Option<SessionRow>> {
    let row = web_session::Entity::find_by_id(id.to_string()).filter(web_session::Column::ExpiresAt.gt(crate::now())).one(&store.db).await?;
    Ok(row.map(|m| SessionRow { data: m.data, expires_at: m.expires_at }))
}

/// Inserts or replaces the session `id`.
pub async fn save(store: &Store, id: &str, row: &SessionRow) -> Result<()> {
    let am = web_session::ActiveModel { id: Set(id.to_string()), data: Set(row.data.clone()), expires_at: Set(row.expires_at) };
    web_session::Entity::insert(am)
        .on_conflict(OnConflict::column(web_session::Column::Id).update_columns([web_session::Column::Data, web_session::Column::ExpiresAt]).to_owned())
        .exec(&store.db)
        .await?;
    Ok(())
}

pub async fn delete(store: &Store, id: &str) -> Result<()> {
    web_session::Entity::delete_by_id(id.to_string()).exec(&store.db).await?;
    Ok(())
}
