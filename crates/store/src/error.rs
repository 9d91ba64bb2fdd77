use cakap_domain::employee::FieldError;
use sea_orm::{DbErr, SqlErr};

/// What a store call can fail with. `Invalid` carries user-facing field messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("data tidak ditemukan")]
    NotFound,
    #[error("periksa kembali isian Anda")]
    Invalid(Vec<FieldError>),
    /// A unique key was violated; the field is named for the form.
    #[error("{1}")]
    Conflict(&'static str, String),
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("{0}")]
    Other(String),
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

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
