//! Sign-in failure streaks, for both dialects: one row per (pool, subject), replaced whole only
//! if nobody changed it since it was read (compare and swap).

/// Implements `LockoutStore` for `$store`.
macro_rules! lockout_store {
    ($store:ty) => {
        const _: () = {
            use $crate::error::backend;
            use auth_return_core::ids::PoolId;
            use auth_return_core::model::LockoutRecord;
            use auth_return_core::store::{LockoutStore, StoreResult};

            #[async_trait::async_trait]
            impl LockoutStore for $store {
                async fn get_lockout(
                    &self,
                    pool_id: &PoolId,
                    subject: &str,
                ) -> StoreResult<Option<LockoutRecord>> {
                    let row = sqlx::query(
                        "SELECT failures, last_failure_at, locked_until FROM lockouts \
                         WHERE pool_id = $1 AND subject = $2",
                    )
                    .bind(pool_id)
                    .bind(subject)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::lockout).transpose()
                }

                /// Replaces the streak with `next` only if it is still `expected` (`None`: no
                /// streak), in one statement; `true` if it did.
                async fn swap_lockout(
                    &self,
                    pool_id: &PoolId,
                    subject: &str,
                    expected: Option<&LockoutRecord>,
                    next: &LockoutRecord,
                ) -> StoreResult<bool> {
                    let done = match expected {
                        None => sqlx::query(
                            "INSERT INTO lockouts (pool_id, subject, failures, last_failure_at, \
                             locked_until) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (pool_id, subject) DO NOTHING",
                        )
                        .bind(pool_id)
                        .bind(subject)
                        .bind(next.failures)
                        .bind(next.last_failure_at)
                        .bind(next.locked_until_ms),
                        Some(old) => sqlx::query(
                            "UPDATE lockouts SET failures = $1, last_failure_at = $2, \
                             locked_until = $3 WHERE pool_id = $4 AND subject = $5 \
                             AND failures = $6 AND last_failure_at = $7 AND locked_until = $8",
                        )
                        .bind(next.failures)
                        .bind(next.last_failure_at)
                        .bind(next.locked_until_ms)
                        .bind(pool_id)
                        .bind(subject)
                        .bind(old.failures)
                        .bind(old.last_failure_at)
                        .bind(old.locked_until_ms),
                    }
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                /// Forgets the streak (nothing to do when there is none).
                async fn clear_lockout(&self, pool_id: &PoolId, subject: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM lockouts WHERE pool_id = $1 AND subject = $2")
                        .bind(pool_id)
                        .bind(subject)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use lockout_store;
