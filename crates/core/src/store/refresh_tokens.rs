//! A session's refresh tokens, found by hash and rotated.

use super::StoreResult;
use crate::ids::{PoolId, SessionId};
use crate::model::{RefreshGrant, RefreshTokenRecord, Session, Timestamp};
use async_trait::async_trait;

/// A session's refresh tokens. Part of [`super::Store`].
#[async_trait]
pub trait RefreshTokenStore: Send + Sync {
    /// The refresh token hashing to `refresh_hash`, with its session.
    async fn get_refresh_token(
        &self,
        refresh_hash: &[u8],
    ) -> StoreResult<Option<(Session, RefreshTokenRecord)>>;
    /// The refresh token hashing to `refresh_hash` with its session, the session's user and
    /// the user's groups, in one read (a refresh makes one round trip to the database before
    /// signing).
    async fn get_refresh_grant(&self, refresh_hash: &[u8]) -> StoreResult<Option<RefreshGrant>>;
    /// Adds `new_hash` to the session (nothing to add when the session has it already: a
    /// repeated rotation; `Conflict` when another session has it) and marks `presented_hash`
    /// superseded at `now` (unless it already was), atomically.
    async fn rotate_refresh_token(
        &self,
        pool_id: &PoolId,
        session_id: SessionId,
        presented_hash: &[u8],
        new_hash: &[u8],
        now: Timestamp,
    ) -> StoreResult<()>;
}
