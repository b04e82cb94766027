//! Sign-in sessions: opened, found and revoked (each revocation feeds the revocation feed).

use super::StoreResult;
use crate::ids::{PoolId, SessionId, UserId};
use crate::model::{Session, Timestamp};
use async_trait::async_trait;

/// Sign-in sessions. Part of [`super::Store`].
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Stores a new sign-in session and its first refresh token (`session.refresh_hash`).
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    /// A session by `origin_jti`.
    async fn get_session(&self, pool_id: &PoolId, id: SessionId) -> StoreResult<Option<Session>>;
    /// Marks one session revoked (no-op if already revoked). Every session this or
    /// `revoke_user_sessions` newly revokes also gets a `Revocation` whose `expires_at` is `at`
    /// plus its client's token validity, in the same transaction.
    async fn revoke_session(
        &self,
        pool_id: &PoolId,
        id: SessionId,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// Marks every live session of a user revoked; returns how many.
    async fn revoke_user_sessions(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<u64>;
}
