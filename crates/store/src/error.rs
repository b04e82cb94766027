//! Mapping sqlx errors onto the store's one error enum, without secrets in the text.

use auth_return_core::store::StoreError;

/// Any failure: `Backend` with the driver's text (logged by the server, never sent to clients).
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    StoreError::Backend(describe(&e))
}

/// Like [`backend`], but a unique-constraint violation becomes `Conflict(what)`.
pub(crate) fn conflict(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => backend(e),
    }
}

/// A log-safe description. Database errors keep only their message and code (PostgreSQL's
/// `detail`, which may quote row values, is left out); bind values are never part of the text.
fn describe(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(db) => match db.code() {
            Some(code) => format!("database error {code}: {}", db.message()),
            None => format!("database error: {}", db.message()),
        },
        None => e.to_string(),
    }
}

/// A stored value that does not decode (a bad status, malformed JSON…).
pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("corrupt stored value: {what}"))
}
