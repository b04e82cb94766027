//! A pool's signing keys; every change is recorded in the change feed in the same transaction.

use super::StoreResult;
use crate::ids::PoolId;
use crate::model::{KeyDates, SigningKeyRecord};
use async_trait::async_trait;

/// A pool's signing keys. Part of [`super::Store`].
#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// The pool's signing keys, newest (`created_at`, then `kid`) first.
    async fn signing_keys(&self, pool_id: &PoolId) -> StoreResult<Vec<SigningKeyRecord>>;
    /// The dates of every pool's keys with the pool's app, pool by pool (in no order within a
    /// pool): key maintenance in one read however many pools there are.
    async fn all_key_dates(&self) -> StoreResult<Vec<KeyDates>>;
    /// Adds a signing key to its pool (`Conflict` on a duplicate kid) and records a
    /// `SigningKeys` change for the pool, atomically.
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()>;
    /// Removes a signing key and records a `SigningKeys` change for the pool, atomically.
    /// `false` (and nothing recorded) if unknown.
    async fn delete_signing_key(&self, pool_id: &PoolId, kid: &str) -> StoreResult<bool>;
}
