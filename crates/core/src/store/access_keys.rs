//! Developers' access keys (SigV4), found by id, listed per developer.

use super::StoreResult;
use crate::ids::{AccessKeyId, PoolId, UserId};
use crate::model::{AccessKey, Timestamp};
use async_trait::async_trait;

/// Access keys. Part of [`super::Store`].
#[async_trait]
pub trait AccessKeyStore: Send + Sync {
    /// Stores a new access key unless its developer has `max_live` live (unrevoked) keys
    /// already, judged and written atomically (a burst cannot overshoot; `Conflict` on a taken
    /// id). `false` when refused. Its developer must exist, and its app when it names one; it
    /// goes with either.
    async fn insert_access_key(&self, key: &AccessKey, max_live: u64) -> StoreResult<bool>;
    /// An access key by id.
    async fn get_access_key(&self, key_id: &AccessKeyId) -> StoreResult<Option<AccessKey>>;
    /// A developer's keys (revoked ones too), oldest (`created_at`, then creation) first.
    async fn list_access_keys(
        &self,
        pool_id: &PoolId,
        developer_id: UserId,
    ) -> StoreResult<Vec<AccessKey>>;
    /// Marks a key revoked at `at` unless it already is. `true` if this call revoked it.
    async fn revoke_access_key(&self, key_id: &AccessKeyId, at: Timestamp) -> StoreResult<bool>;
    /// Sets a key's `last_used_at` to `at` when it is unset or not after `stale_at`, in one
    /// statement (instances sharing the database write at most once per interval). `true` if
    /// it wrote.
    async fn touch_access_key(
        &self,
        key_id: &AccessKeyId,
        at: Timestamp,
        stale_at: Timestamp,
    ) -> StoreResult<bool>;
}
