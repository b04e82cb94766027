//! API keys of apps and of their users, found by id or hash.

use super::StoreResult;
use crate::ids::{ApiKeyId, AppId, PoolId, UserId};
use crate::model::{ApiKey, Timestamp};
use async_trait::async_trait;

/// API keys. Part of [`super::Store`].
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Stores a new API key (`Conflict` on a taken id or hash). Its app must exist; a user's key
    /// names a user of that app's pool. Keys go with their app, and a user's keys with the user.
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    /// An API key by id.
    async fn get_api_key(&self, key_id: &ApiKeyId) -> StoreResult<Option<ApiKey>>;
    /// The API key whose hash is `hash`, and whether its owner may use it: `true` for a key of
    /// the app itself, for a user's key whether that user is enabled. One read.
    async fn get_api_key_by_hash(&self, hash: &[u8]) -> StoreResult<Option<(ApiKey, bool)>>;
    /// The keys of an app (revoked and expired ones too), only `user`'s when given; oldest
    /// (`created_at`, then id) first.
    async fn list_api_keys(&self, app_id: &AppId, user: Option<UserId>)
    -> StoreResult<Vec<ApiKey>>;
    /// How many keys with exactly this owner are live at `now` (not revoked, not expired):
    /// `owner`'s, or the app's own keys (no user) when `owner` is `None`.
    async fn count_live_api_keys(
        &self,
        app_id: &AppId,
        owner: Option<UserId>,
        now: Timestamp,
    ) -> StoreResult<u64>;
    /// Marks a key revoked at `at` unless it already is. `true` if this call revoked it.
    async fn revoke_api_key(&self, key_id: &ApiKeyId, at: Timestamp) -> StoreResult<bool>;
    /// Marks every live key of a user revoked at `at`; returns how many.
    async fn revoke_user_api_keys(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<u64>;
    /// Sets a key's `last_used_at` to `at` when it is unset or not after `stale_at`, in one
    /// statement (so instances sharing the database write at most once per interval). `true`
    /// if it wrote.
    async fn touch_api_key(
        &self,
        key_id: &ApiKeyId,
        at: Timestamp,
        stale_at: Timestamp,
    ) -> StoreResult<bool>;
}
