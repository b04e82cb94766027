//! Single-use challenges (SRP, new password, multi-factor): the replay table.

use super::StoreResult;
use crate::model::Timestamp;
use async_trait::async_trait;

/// Single-use challenges. Part of [`super::Store`].
#[async_trait]
pub trait ChallengeStore: Send + Sync {
    /// Records that the challenge `nonce` has been answered. `true` the first time, `false` on
    /// replay. Expired entries may be pruned at any time after `expires_at`.
    async fn claim_challenge(
        &self,
        nonce: &[u8],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// Whether the challenge `nonce` has been answered (a check before judging an answer that
    /// may be retried; only [`Self::claim_challenge`] decides).
    async fn challenge_claimed(&self, nonce: &[u8]) -> StoreResult<bool>;
}
