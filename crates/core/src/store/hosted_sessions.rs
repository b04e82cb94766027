//! Sign-ins on the hosted pages: the cookie's session, found by the hash of its value.

use super::StoreResult;
use crate::ids::{PoolId, UserId};
use crate::model::{HostedSession, User};
use async_trait::async_trait;

/// Hosted-page sessions. Part of [`super::Store`].
#[async_trait]
pub trait HostedSessionStore: Send + Sync {
    /// Stores a new hosted session.
    async fn insert_hosted_session(&self, session: &HostedSession) -> StoreResult<()>;
    /// The session whose cookie hashes to `hash`, expired or not (the caller judges expiry),
    /// with its user.
    async fn get_hosted_session(
        &self,
        pool_id: &PoolId,
        hash: &[u8],
    ) -> StoreResult<Option<(HostedSession, User)>>;
    /// Ends one session (sign-out); no-op when there is none.
    async fn delete_hosted_session(&self, pool_id: &PoolId, hash: &[u8]) -> StoreResult<()>;
    /// Ends every hosted session of a user (global sign-out, disabling, a new password);
    /// returns how many.
    async fn delete_user_hosted_sessions(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
    ) -> StoreResult<u64>;
}
