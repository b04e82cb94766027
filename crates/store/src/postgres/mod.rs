//! The PostgreSQL backend: a sized pool; several server instances may share one database, so
//! every single-use operation is one atomic statement (`DELETE … RETURNING`-style row counts,
//! `INSERT … ON CONFLICT DO NOTHING`, unique indexes), never an in-process check.

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
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// Connections per server instance.
const POOL_SIZE: u32 = 16;
/// How long a request waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// [`Store`] on PostgreSQL.
#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    claims: AtomicU64,
}

impl PgStore {
    /// Connects to the database at `url` and runs the PostgreSQL migrations (sqlx takes an
    /// advisory lock, so instances starting together migrate once).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(backend)?;
        let store = Self::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }

    /// Wraps an existing pool. Does not migrate.
    pub fn from_pool(pool: PgPool) -> Self {
        Self {
            pool,
            claims: AtomicU64::new(0),
        }
    }

    /// Applies the pending PostgreSQL migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("PostgreSQL migrations: {e}")))
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PgStore {
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
