//! The SQLite backend: one database file in WAL mode behind a small connection pool.

pub mod backup;
mod dialect;

use crate::error::backend;
use auth_return_core::store::{StoreError, StoreResult};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// Connections in a file database's pool: readers run in parallel under WAL, writers queue on
/// the busy timeout.
const POOL_SIZE: u32 = 8;
/// How long a writer waits for the write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Each connection's page cache, in KiB (SQLite's default is 2 MiB). With a million users a
/// page of ListUsers reads rows spread over the whole table: in 2 MiB the pages one call read
/// were gone by the next, and every call read them again from the file (about fifteen reads,
/// a tenth of its CPU). The cache only grows as far as pages are read: a small database keeps
/// a small one, a large one at most this much per connection.
const PAGE_CACHE_KIB: u32 = 16 * 1024;

/// [`Store`](auth_return_core::store::Store) on SQLite.
#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    claims: AtomicU64,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `url` and runs the SQLite migrations.
    ///
    /// A database file that does not exist yet is created here, empty and readable by its
    /// owner only (0600 on Unix), before SQLite opens it: SQLite gives the `-wal` and `-shm`
    /// files it creates beside it the database file's permissions, so none of the three is
    /// ever readable by other users, not even for a moment. Missing parent folders are
    /// created 0700. An existing file keeps its permissions.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let memory = is_memory(url);
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("invalid SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("cache_size", format!("-{}", PAGE_CACHE_KIB));
        if !memory {
            create_parent_dir(options.get_filename())?;
            create_private_file(options.get_filename())?;
        }
        // A connection to a local file cannot go stale, so the pool does not ping it before
        // each use: the ping is a round trip to the connection's worker thread, as costly as a
        // small query. (It also means a cancelled acquire never drops a connection, which an
        // in-memory database would not survive.)
        // An in-memory database lives as long as a connection to it: keep exactly one.
        let pool_options = if memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(POOL_SIZE)
        }
        .test_before_acquire(false);
        let pool = pool_options.connect_with(options).await.map_err(backend)?;
        let store = Self::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }
}

crate::sql::pool_access!(SqliteStore, SqlitePool, migrations: crate::migrations::sqlite, name: "SQLite");

/// The database file a SQLite URL names, or `None` for an in-memory database or a URL that
/// does not parse. For checking its permissions; [`SqliteStore::open`] creates it.
pub fn database_file(url: &str) -> Option<PathBuf> {
    if is_memory(url) {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

fn is_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Creates the folders above the database file that are missing, accessible to the owner only.
fn create_parent_dir(path: &Path) -> StoreResult<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(dir)
                .map_err(|e| StoreError::Backend(format!("creating the database folder: {e}")))
        }
        _ => Ok(()),
    }
}

/// Creates `path` as an empty file, read-write for the owner only, unless it exists. SQLite
/// takes an empty file for an empty database. Creating it with its mode in one step (rather
/// than a `chmod` after SQLite made it with the default 0644) leaves no moment in which
/// another user could open it, and the `-wal`/`-shm` files inherit the mode.
fn create_private_file(path: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Backend(format!(
            "creating the database file {}: {e}",
            path.display()
        ))),
    }
}

crate::sql::stores!(
    SqliteStore,
    db: sqlx::Sqlite,
    user_id_text: "user_id",
    email_bytes: "email",
    attribute_before: "json_extract(attributes, '$.",
    attribute_after: "')",
    key_order: "k.rowid",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms_name_the_expected_files() {
        for (url, file) in [
            (
                "sqlite:///abs/path/auth-return.db",
                "/abs/path/auth-return.db",
            ),
            ("sqlite://./data/x.db", "./data/x.db"),
            ("sqlite:data/x.db", "data/x.db"),
        ] {
            let options = SqliteConnectOptions::from_str(url).unwrap();
            assert_eq!(options.get_filename(), std::path::Path::new(file), "{url}");
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn new_database_files_are_private_and_existing_ones_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("nested/deeper/auth-return.db");
        let url = format!("sqlite://{}", db.display());
        assert_eq!(database_file(&url), Some(db.clone()));
        assert_eq!(database_file("sqlite::memory:"), None);
        let store = SqliteStore::open(&url).await.unwrap();
        // The migrations wrote through the WAL: all three files exist now.
        assert_eq!(mode(&db), 0o600);
        for suffix in ["-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", db.display()));
            assert_eq!(mode(&file), 0o600, "{suffix}");
        }
        assert_eq!(mode(&dir.path().join("nested")), 0o700);
        assert_eq!(mode(&dir.path().join("nested/deeper")), 0o700);
        store.pool().close().await;
        // The operator's own choice for an existing file stands.
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o640)).unwrap();
        let store = SqliteStore::open(&url).await.unwrap();
        assert_eq!(mode(&db), 0o640);
        store.pool().close().await;
    }

    #[tokio::test]
    async fn every_connection_gets_the_larger_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("cache.db").display());
        let store = SqliteStore::open(&url).await.unwrap();
        // Two connections held at once: the second is a new one, set up like the first.
        let mut first = store.pool().acquire().await.unwrap();
        let mut second = store.pool().acquire().await.unwrap();
        for connection in [&mut first, &mut second] {
            let (size,): (i64,) = sqlx::query_as("PRAGMA cache_size")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(size, -i64::from(PAGE_CACHE_KIB));
        }
    }
}
