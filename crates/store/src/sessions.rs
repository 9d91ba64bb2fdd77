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
    /// The logged-in user, once there is one.
    pub user_id: Option<i64>,
}

/// The session `id` if it exists and has not expired.
pub async fn load(store: &Store, id: &str) -> Result<Option<SessionRow>> {
    let row = web_session::Entity::find_by_id(id.to_string()).filter(web_session::Column::ExpiresAt.gt(crate::now())).one(&store.db).await?;
    Ok(row.map(|m| SessionRow { data: m.data, expires_at: m.expires_at, user_id: m.user_id }))
}

/// Inserts or replaces the session `id`.
pub async fn save(store: &Store, id: &str, row: &SessionRow) -> Result<()> {
    let am = web_session::ActiveModel { id: Set(id.to_string()), data: Set(row.data.clone()), expires_at: Set(row.expires_at), user_id: Set(row.user_id) };
    web_session::Entity::insert(am)
        .on_conflict(
            OnConflict::column(web_session::Column::Id)
                .update_columns([web_session::Column::Data, web_session::Column::ExpiresAt, web_session::Column::UserId])
                .to_owned(),
        )
        .exec(&store.db)
        .await?;
    Ok(())
}

pub async fn delete(store: &Store, id: &str) -> Result<()> {
    web_session::Entity::delete_by_id(id.to_string()).exec(&store.db).await?;
    Ok(())
}

/// Ends every session of `user_id` but `keep` (the one changing its own password), and revokes
/// the user's API tokens: after a password change, nothing opened with the old one stays open.
pub(crate) async fn end_all_for<C: sea_orm::ConnectionTrait>(db: &C, user_id: i64, keep: Option<&str>) -> Result<()> {
    let mut q = web_session::Entity::delete_many().filter(web_session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(web_session::Column::Id.ne(k.to_string()));
    }
    q.exec(db).await?;
    crate::entity::api_token::Entity::update_many()
        .col_expr(crate::entity::api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(crate::now()))
        .filter(crate::entity::api_token::Column::UserId.eq(user_id))
        .filter(crate::entity::api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
