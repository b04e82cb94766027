//! Auth Return's storage: the core [`Store`] trait on SQLite and PostgreSQL, via sqlx.
//!
//! [`connect`] picks the backend from the URL scheme, opens a sized pool and runs that
//! dialect's migrations (`migrations/sqlite`, `migrations/postgres`, append-only). The SQL the
//! dialects agree on is written once in `sql/`, one file per aggregate, and expanded by each
//! dialect's module for its own pool; `sqlite/dialect.rs` and `postgres/dialect.rs` hold only
//! what truly differs (locking, the revocation statement). Value conversions are in `convert`.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod convert;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod error;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod migrations;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use auth_return_core::store::{Store, StoreError, StoreResult};
use std::sync::Arc;

#[cfg(feature = "postgres")]
pub use postgres::PgStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:…` URLs.
    Sqlite,
    /// `postgres://…` and `postgresql://…` URLs.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or `None` for an unknown scheme.
    pub fn of_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            _ => None,
        }
    }
}

/// Opens the database named by `url` and brings its schema up to date.
///
/// `sqlite:///abs/path.db`, `sqlite://./rel/path.db` (file and parent folders are created when
/// missing) or `sqlite::memory:`; `postgres://user:pass@host:port/db` (or `postgresql://`).
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    match Backend::of_url(url) {
        Some(Backend::Sqlite) => connect_sqlite(url).await,
        Some(Backend::Postgres) => connect_postgres(url).await,
        None => Err(StoreError::Backend(
            "unsupported database URL: expected sqlite:… or postgres://…".into(),
        )),
    }
}

#[cfg(feature = "sqlite")]
async fn connect_sqlite(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(SqliteStore::open(url).await?))
}

#[cfg(not(feature = "sqlite"))]
async fn connect_sqlite(_url: &str) -> StoreResult<Arc<dyn Store>> {
    Err(StoreError::Backend(
        "built without the `sqlite` feature".into(),
    ))
}

#[cfg(feature = "postgres")]
async fn connect_postgres(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(Arc::new(PgStore::open(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn connect_postgres(_url: &str) -> StoreResult<Arc<dyn Store>> {
    Err(StoreError::Backend(
        "built without the `postgres` feature".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::Backend;

    #[test]
    fn schemes_pick_the_backend() {
        assert_eq!(Backend::of_url("sqlite:///tmp/x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("PostgreSQL://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://u@h/db"), None);
        assert_eq!(Backend::of_url("no-scheme"), None);
    }
}
