//! The SQLite backend: one database file in WAL mode behind a small connection pool.

mod api_keys;
mod apps;
mod changes;
mod codes;
mod lockouts;
mod quotas;
mod rows;
mod sessions;
mod users;

use crate::error::backend;
use async_trait::async_trait;
use auth_return_core::ids::{ApiKeyId, AppId, ClientId, PoolId, UserId};
use auth_return_core::model::{
    ApiKey, App, Change, CodePurpose, CodeRecord, LockoutRecord, RefreshTokenRecord, Revocation,
    Session, SigningKeyRecord, Timestamp, User, UserFilter,
};
use auth_return_core::store::{Store, StoreError, StoreResult};
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

/// [`Store`] on SQLite.
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
            .busy_timeout(BUSY_TIMEOUT);
        if !memory {
            create_parent_dir(options.get_filename())?;
            create_private_file(options.get_filename())?;
        }
        // An in-memory database lives as long as a connection to it: keep exactly one.
        let pool_options = if memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(POOL_SIZE)
        };
        let pool = pool_options.connect_with(options).await.map_err(backend)?;
        let store = Self::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }

    /// Wraps an existing pool (its connections must have `foreign_keys` on). Does not migrate.
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self {
            pool,
            claims: AtomicU64::new(0),
        }
    }

    /// Applies the pending SQLite migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("SQLite migrations: {e}")))
    }

    /// The underlying pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

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

#[async_trait]
impl Store for SqliteStore {
    async fn insert_app(&self, app: &App, key: &SigningKeyRecord) -> StoreResult<()> {
        apps::insert(&self.pool, app, key).await
    }
    async fn get_app(&self, app_id: &AppId) -> StoreResult<Option<App>> {
        apps::get(&self.pool, app_id).await
    }
    async fn get_app_by_pool(&self, pool_id: &PoolId) -> StoreResult<Option<App>> {
        apps::get_by_pool(&self.pool, pool_id).await
    }
    async fn list_apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>> {
        apps::list(&self.pool, owner).await
    }
    async fn update_app(&self, app: &App) -> StoreResult<bool> {
        apps::update(&self.pool, app).await
    }
    async fn delete_app(&self, app_id: &AppId) -> StoreResult<bool> {
        apps::delete(&self.pool, app_id).await
    }
    async fn get_app_by_client(&self, client_id: &ClientId) -> StoreResult<Option<App>> {
        apps::get_by_client(&self.pool, client_id).await
    }
    async fn signing_keys(&self, pool_id: &PoolId) -> StoreResult<Vec<SigningKeyRecord>> {
        apps::signing_keys(&self.pool, pool_id).await
    }
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()> {
        apps::insert_signing_key(&self.pool, key).await
    }
    async fn delete_signing_key(&self, pool_id: &PoolId, kid: &str) -> StoreResult<bool> {
        apps::delete_signing_key(&self.pool, pool_id, kid).await
    }

    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        users::insert(&self.pool, user).await
    }
    async fn insert_first_user(&self, user: &User) -> StoreResult<bool> {
        users::insert_first(&self.pool, user).await
    }
    async fn update_user(&self, user: &User) -> StoreResult<()> {
        users::update(&self.pool, user).await
    }
    async fn get_user(&self, pool_id: &PoolId, user_id: UserId) -> StoreResult<Option<User>> {
        users::get(&self.pool, pool_id, user_id).await
    }
    async fn get_user_by_email(&self, pool_id: &PoolId, email: &str) -> StoreResult<Option<User>> {
        users::get_by_email(&self.pool, pool_id, email).await
    }
    async fn delete_user(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<bool> {
        users::delete(&self.pool, pool_id, user_id, at).await
    }
    async fn list_users(
        &self,
        pool_id: &PoolId,
        filter: Option<&UserFilter>,
        after: Option<UserId>,
        limit: usize,
    ) -> StoreResult<Vec<User>> {
        users::list(&self.pool, pool_id, filter, after, limit).await
    }

    async fn put_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        codes::put(&self.pool, pool_id, user_id, purpose, code).await
    }
    async fn get_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        codes::get(&self.pool, pool_id, user_id, purpose).await
    }
    async fn reserve_code_guess(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        max_attempts: i64,
        now: Timestamp,
    ) -> StoreResult<Option<CodeRecord>> {
        codes::reserve_guess(&self.pool, pool_id, user_id, purpose, max_attempts, now).await
    }
    async fn take_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        code_hash: &[u8],
    ) -> StoreResult<bool> {
        codes::take(&self.pool, pool_id, user_id, purpose, code_hash).await
    }
    async fn delete_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
    ) -> StoreResult<()> {
        codes::delete(&self.pool, pool_id, user_id, purpose).await
    }

    async fn insert_session(&self, session: &Session) -> StoreResult<()> {
        sessions::insert(&self.pool, session).await
    }
    async fn get_refresh_token(
        &self,
        refresh_hash: &[u8],
    ) -> StoreResult<Option<(Session, RefreshTokenRecord)>> {
        sessions::get_refresh_token(&self.pool, refresh_hash).await
    }
    async fn rotate_refresh_token(
        &self,
        pool_id: &PoolId,
        session_id: uuid::Uuid,
        presented_hash: &[u8],
        new_hash: &[u8],
        now: Timestamp,
    ) -> StoreResult<()> {
        sessions::rotate_refresh_token(
            &self.pool,
            pool_id,
            session_id,
            presented_hash,
            new_hash,
            now,
        )
        .await
    }
    async fn get_session(&self, pool_id: &PoolId, id: uuid::Uuid) -> StoreResult<Option<Session>> {
        sessions::get(&self.pool, pool_id, id).await
    }
    async fn revoke_session(
        &self,
        pool_id: &PoolId,
        id: uuid::Uuid,
        at: Timestamp,
    ) -> StoreResult<()> {
        sessions::revoke(&self.pool, pool_id, id, at).await
    }
    async fn revoke_user_sessions(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<u64> {
        sessions::revoke_user(&self.pool, pool_id, user_id, at).await
    }

    async fn claim_challenge(
        &self,
        nonce: &[u8],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool> {
        sessions::claim_challenge(&self.pool, &self.claims, nonce, expires_at, now).await
    }

    async fn list_revocations(
        &self,
        pool_id: &PoolId,
        after: Option<(Timestamp, uuid::Uuid)>,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Revocation>> {
        sessions::list_revocations(&self.pool, pool_id, after, now, limit).await
    }

    async fn get_lockout(
        &self,
        pool_id: &PoolId,
        subject: &str,
    ) -> StoreResult<Option<LockoutRecord>> {
        lockouts::get(&self.pool, pool_id, subject).await
    }
    async fn swap_lockout(
        &self,
        pool_id: &PoolId,
        subject: &str,
        expected: Option<&LockoutRecord>,
        next: &LockoutRecord,
    ) -> StoreResult<bool> {
        lockouts::swap(&self.pool, pool_id, subject, expected, next).await
    }
    async fn clear_lockout(&self, pool_id: &PoolId, subject: &str) -> StoreResult<()> {
        lockouts::clear(&self.pool, pool_id, subject).await
    }

    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        api_keys::insert(&self.pool, key).await
    }
    async fn get_api_key(&self, key_id: &ApiKeyId) -> StoreResult<Option<ApiKey>> {
        api_keys::get(&self.pool, key_id).await
    }
    async fn get_api_key_by_hash(&self, hash: &[u8]) -> StoreResult<Option<(ApiKey, bool)>> {
        api_keys::get_by_hash(&self.pool, hash).await
    }
    async fn list_api_keys(
        &self,
        app_id: &AppId,
        user: Option<UserId>,
    ) -> StoreResult<Vec<ApiKey>> {
        api_keys::list(&self.pool, app_id, user).await
    }
    async fn count_live_api_keys(
        &self,
        app_id: &AppId,
        owner: Option<UserId>,
        now: Timestamp,
    ) -> StoreResult<u64> {
        api_keys::count_live(&self.pool, app_id, owner, now).await
    }
    async fn revoke_api_key(&self, key_id: &ApiKeyId, at: Timestamp) -> StoreResult<bool> {
        api_keys::revoke(&self.pool, key_id, at).await
    }
    async fn revoke_user_api_keys(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<u64> {
        api_keys::revoke_user_keys(&self.pool, pool_id, user_id, at).await
    }
    async fn touch_api_key(
        &self,
        key_id: &ApiKeyId,
        at: Timestamp,
        stale_at: Timestamp,
    ) -> StoreResult<bool> {
        api_keys::touch(&self.pool, key_id, at, stale_at).await
    }

    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<Change>> {
        changes::since(&self.pool, after, limit).await
    }
    async fn latest_change(&self) -> StoreResult<i64> {
        changes::latest(&self.pool).await
    }

    async fn reserve_mail_quota(
        &self,
        subject: &str,
        window_ends_at: Timestamp,
        limit: i64,
    ) -> StoreResult<bool> {
        quotas::reserve(&self.pool, subject, window_ends_at, limit).await
    }

    async fn prune_expired(&self, now: Timestamp) -> StoreResult<u64> {
        Ok(sessions::prune_expired(&self.pool, now).await? + changes::prune(&self.pool).await?)
    }
}

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
}
