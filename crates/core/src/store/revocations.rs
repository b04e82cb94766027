//! The revocation feed: the sessions revoked in a pool whose tokens may still be in use.

use super::StoreResult;
use crate::ids::{PoolId, SessionId};
use crate::model::{Revocation, Timestamp};
use async_trait::async_trait;

/// The revocation feed. Part of [`super::Store`].
#[async_trait]
pub trait RevocationStore: Send + Sync {
    /// Revocations of a pool still in force at `now` (`expires_at > now`), ordered by
    /// (`revoked_at`, `origin_jti` as text), after the `after` position, at most `limit`.
    async fn list_revocations(
        &self,
        pool_id: &PoolId,
        after: Option<(Timestamp, SessionId)>,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Revocation>>;
}
