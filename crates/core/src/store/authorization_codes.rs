//! OAuth 2.0 authorization codes: issued, spent once, and told apart from a replay
//! (RFC 6749 §4.1.2, §10.5).

use super::StoreResult;
use crate::ids::PoolId;
use crate::model::{AuthorizationCode, CodeRedemption, Timestamp};
use async_trait::async_trait;

/// Authorization codes. Part of [`super::Store`].
#[async_trait]
pub trait AuthorizationCodeStore: Send + Sync {
    /// Stores a new code.
    async fn insert_authorization_code(&self, code: &AuthorizationCode) -> StoreResult<()>;
    /// Spends the code with this hash, atomically: of any number of concurrent calls (on any
    /// instance) exactly one gets `Redeemed`; every later one gets `Replayed` and marks the code
    /// replayed. Expiry is the caller's to judge (an expired code is spent all the same).
    async fn redeem_authorization_code(
        &self,
        pool_id: &PoolId,
        hash: &[u8],
        now: Timestamp,
    ) -> StoreResult<CodeRedemption>;
    /// Whether a replay of this code has been seen (the first exchange checks this after it
    /// opened its session, so that a replay racing it cannot miss the session).
    async fn code_replayed(&self, pool_id: &PoolId, hash: &[u8]) -> StoreResult<bool>;
}
