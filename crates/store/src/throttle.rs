//! The login throttle's reads and writes: the recent attempts `domain::throttle` decides on,
//! and the record of each attempt. Password, second-factor and old-password checks all pass
//! through here, under the same rules.

use cakap_domain::throttle::{self, Attempt, History};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use time::{Duration, OffsetDateTime};

use crate::entity::login_attempt;
use crate::error::Result;
use crate::ids::next_id;

/// At most this many recent attempts are read per rule. The back-off keeps real counts far
/// below it (about 70 an hour per rule once it bites); past it, the oldest are not needed to
/// know that the wait is at its cap.
const READ_LIMIT: u64 = 500;

/// The login as attempts are kept: trimmed, lowercase, and cut at 100 characters (a login is
/// at most 64; a longer one typed is kept short, so attempts cannot be used to fill the table).
pub(crate) fn normal_login(login: &str) -> String {
    login.trim().chars().take(100).collect::<String>().to_ascii_lowercase()
}

async fn recent<C: ConnectionTrait>(db: &C, col: login_attempt::Column, value: &str, since: OffsetDateTime) -> Result<Vec<login_attempt::Model>> {
    Ok(login_attempt::Entity::find()
        .filter(col.eq(value))
        .filter(login_attempt::Column::At.gt(since))
        .order_by_desc(login_attempt::Column::At)
        .limit(READ_LIMIT)
        .all(db)
        .await?)
}

/// How long `login` at `ip` must wait before its next attempt (None: it may try now).
pub(crate) async fn retry_after<C: ConnectionTrait>(db: &C, login: &str, ip: &str, now: OffsetDateTime) -> Result<Option<Duration>> {
    let login = normal_login(login);
    let since = now - throttle::WINDOW;
    let by_login = recent(db, login_attempt::Column::Login, &login, since).await?;
    let by_ip = recent(db, login_attempt::Column::Ip, ip, since).await?;
    let familiar = login_attempt::Entity::find()
        .filter(login_attempt::Column::Login.eq(login.as_str()))
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::Success.eq(true))
        .filter(login_attempt::Column::At.gt(now - throttle::FAMILIAR_FOR))
        .one(db)
        .await?
        .is_some();
    let attempt = |m: &login_attempt::Model| Attempt { at: m.at, success: m.success };
    let history = History {
        pair: by_login.iter().filter(|m| m.ip == ip).map(attempt).collect(),
        account: by_login.iter().map(attempt).collect(),
        address: by_ip.iter().map(attempt).collect(),
        familiar,
    };
    Ok(throttle::retry_after(&history, now))
}

/// The checks inside a logged-in form (the old password, a code to change the factor): a field
/// error on `field` saying how long to wait, when the throttle says so.
pub(crate) async fn refuse_if_waiting<C: ConnectionTrait>(db: &C, login: &str, ip: &str, field: &'static str) -> Result<()> {
    match retry_after(db, login, ip, crate::now()).await? {
        Some(wait) => Err(crate::StoreError::invalid(field, format!("Terlalu banyak percobaan yang gagal. Coba lagi dalam {}.", throttle::wait_text(wait)))),
        None => Ok(()),
    }
}

/// Records a failed check in its own transaction (the form's change is not made).
pub(crate) async fn record_failure(store: &crate::Store, login: &str, ip: &str) -> Result<()> {
    let txn = store.write().await?;
    record(&txn, login, ip, false).await?;
    txn.commit().await?;
    Ok(())
}

/// Records one attempt (a failure makes later ones wait; a success makes the pair familiar).
pub(crate) async fn record<C: ConnectionTrait>(db: &C, login: &str, ip: &str, success: bool) -> Result<()> {
    login_attempt::ActiveModel { id: Set(next_id()), login: Set(normal_login(login)), ip: Set(ip.to_string()), success: Set(success), at: Set(crate::now()) }
        .insert(db)
        .await?;
    Ok(())
}
