use cakap_domain::employee::FieldError;
use sea_orm::{DbErr, SqlErr};

/// What a store call can fail with. `Invalid` carries user-facing field messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("data tidak ditemukan")]
    NotFound,
    /// The scope's roles do not include the permission a handle needs.
    #[error("Anda tidak memiliki akses")]
    Forbidden,
    /// SQLite's write lock stayed taken past busy_timeout (an import is writing), or PostgreSQL
    /// refused for lack of connections: the user should try again in a moment.
    #[error("basis data sedang sibuk")]
    Busy,
    #[error("periksa kembali isian Anda")]
    Invalid(Vec<FieldError>),
    /// A unique key was violated; the field is named for the form.
    #[error("{1}")]
    Conflict(&'static str, String),
    #[error("database: {0}")]
    Db(DbErr),
    #[error("{0}")]
    Other(String),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if is_busy(&e) { StoreError::Busy } else { StoreError::Db(e) }
    }
}

/// "database is locked" (SQLITE_BUSY, code 5) after busy_timeout, or a pool that could not hand
/// out a connection in time: both pass once the writer finishes.
fn is_busy(e: &DbErr) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("(code: 5)") || text.contains("pool timed out") || text.contains("PoolTimedOut")
}

impl StoreError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, message)])
    }

    /// Maps a unique violation to a field message; other errors pass through.
    pub fn on_unique(e: DbErr, field: &'static str, message: impl Into<String>) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict(field, message.into()),
            _ => StoreError::Db(e),
        }
    }
}

/// A stored code no enum variant has (the row was written outside Cakap): an error naming it,
/// never a silent default.
pub(crate) fn code<T>(parsed: Option<T>, what: &str, value: &str) -> Result<T> {
    parsed.ok_or_else(|| StoreError::Other(format!("kode {what} '{value}' yang tersimpan tidak dikenal")))
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
