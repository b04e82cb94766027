//! One-time codes, for both dialects: every consuming operation is a single statement.

/// Implements `CodeStore` for `$store`.
macro_rules! code_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{CodePurpose, CodeRecord, Timestamp};
            use auth_return_core::store::{CodeStore, StoreResult};
            use $crate::error::backend;

            #[async_trait::async_trait]
            impl CodeStore for $store {
                /// Stores or replaces the pending code.
                async fn put_code(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    purpose: CodePurpose,
                    code: &CodeRecord,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO codes (pool_id, user_id, purpose, code_hash, expires_at, \
                         failed_attempts) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (pool_id, user_id, purpose) DO UPDATE SET \
                         code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
                         failed_attempts = excluded.failed_attempts",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .bind(&code.code_hash)
                    .bind(code.expires_at)
                    .bind(code.failed_attempts)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn get_code(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    purpose: CodePurpose,
                ) -> StoreResult<Option<CodeRecord>> {
                    let row = sqlx::query(
                        "SELECT code_hash, expires_at, failed_attempts FROM codes \
                         WHERE pool_id = $1 AND user_id = $2 AND purpose = $3",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::code).transpose()
                }

                /// Counts a guess in one statement, only while the code has fewer than
                /// `max_attempts` guesses counted and `expires_at > now`.
                async fn reserve_code_guess(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    purpose: CodePurpose,
                    max_attempts: i64,
                    now: Timestamp,
                ) -> StoreResult<Option<CodeRecord>> {
                    let row = sqlx::query(
                        "UPDATE codes SET failed_attempts = failed_attempts + 1 \
                         WHERE pool_id = $1 AND user_id = $2 AND purpose = $3 \
                         AND failed_attempts < $4 AND expires_at > $5 \
                         RETURNING code_hash, expires_at, failed_attempts",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .bind(max_attempts)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::code).transpose()
                }

                /// Deletes the code only if its hash matches; the one statement makes it
                /// single-use.
                async fn take_code(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    purpose: CodePurpose,
                    code_hash: &[u8],
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM codes WHERE pool_id = $1 AND user_id = $2 AND purpose = $3 \
                         AND code_hash = $4",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .bind(code_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn delete_code(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    purpose: CodePurpose,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "DELETE FROM codes WHERE pool_id = $1 AND user_id = $2 AND purpose = $3",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use code_store;
