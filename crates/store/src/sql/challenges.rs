//! Single-use SRP challenges, for both dialects: the replay table.

/// Expired challenge nonces are pruned on one claim in this many.
pub(crate) const PRUNE_EVERY: u64 = 64;

/// Implements `ChallengeStore` for `$store`.
macro_rules! challenge_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::model::Timestamp;
            use auth_return_core::store::{ChallengeStore, StoreResult};
            use std::sync::atomic::Ordering;
            use $crate::error::backend;
            use $crate::sql::challenges::PRUNE_EVERY;

            #[async_trait::async_trait]
            impl ChallengeStore for $store {
                /// Records the nonce; `true` when this call inserted it. An already-expired
                /// challenge is never claimable (so pruning cannot reopen a replay window).
                async fn claim_challenge(
                    &self,
                    nonce: &[u8],
                    expires_at: Timestamp,
                    now: Timestamp,
                ) -> StoreResult<bool> {
                    if expires_at < now {
                        return Ok(false);
                    }
                    if self
                        .claims
                        .fetch_add(1, Ordering::Relaxed)
                        .is_multiple_of(PRUNE_EVERY)
                    {
                        sqlx::query("DELETE FROM used_challenges WHERE expires_at < $1")
                            .bind(now)
                            .execute(&self.pool)
                            .await
                            .map_err(backend)?;
                    }
                    let done = sqlx::query(
                        "INSERT INTO used_challenges (nonce, expires_at) VALUES ($1, $2) \
                         ON CONFLICT (nonce) DO NOTHING",
                    )
                    .bind(nonce)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn challenge_claimed(&self, nonce: &[u8]) -> StoreResult<bool> {
                    let found: Option<i64> = sqlx::query_scalar(
                        "SELECT CAST(1 AS BIGINT) FROM used_challenges WHERE nonce = $1",
                    )
                    .bind(nonce)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(found.is_some())
                }
            }
        };
    };
}
pub(crate) use challenge_store;
