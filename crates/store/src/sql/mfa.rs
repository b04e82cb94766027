//! Users' second factors, for both dialects: one row per user, replaced whole by an upsert that
//! leaves the TOTP replay guard alone, which only a conditional `UPDATE` raises, so of any
//! number of concurrent acceptances of one code, on any instance, exactly one wins.

/// Implements `MfaStore` for `$store`.
macro_rules! mfa_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{MfaFactor, UserMfa};
            use auth_return_core::store::{MfaStore, StoreResult};
            use $crate::error::backend;
            use $crate::sql::rows::select_user_mfa;

            #[async_trait::async_trait]
            impl MfaStore for $store {
                async fn get_user_mfa(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<Option<UserMfa>> {
                    let row = sqlx::query(concat!(
                        select_user_mfa!(),
                        " WHERE pool_id = $1 AND user_id = $2"
                    ))
                    .bind(pool_id)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::user_mfa).transpose()
                }

                /// One upsert; `last_totp_step` is in neither its insert (a new row starts at
                /// the column's default) nor its update. A user missing from the pool fails the
                /// foreign key.
                async fn put_user_mfa(&self, mfa: &UserMfa) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO user_mfa (pool_id, user_id, sealed_totp_secret, \
                         sealed_pending_totp_secret, totp_verified, totp_enabled, \
                         email_otp_enabled, preferred, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (pool_id, user_id) DO UPDATE SET \
                         sealed_totp_secret = excluded.sealed_totp_secret, \
                         sealed_pending_totp_secret = excluded.sealed_pending_totp_secret, \
                         totp_verified = excluded.totp_verified, \
                         totp_enabled = excluded.totp_enabled, \
                         email_otp_enabled = excluded.email_otp_enabled, \
                         preferred = excluded.preferred, updated_at = excluded.updated_at",
                    )
                    .bind(&mfa.pool_id)
                    .bind(mfa.user_id)
                    .bind(mfa.sealed_totp_secret.as_deref())
                    .bind(mfa.sealed_pending_totp_secret.as_deref())
                    .bind(mfa.totp_verified)
                    .bind(mfa.totp_enabled)
                    .bind(mfa.email_otp_enabled)
                    .bind(mfa.preferred.map(MfaFactor::as_str))
                    .bind(mfa.updated_at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn delete_user_mfa(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<bool> {
                    let done =
                        sqlx::query("DELETE FROM user_mfa WHERE pool_id = $1 AND user_id = $2")
                            .bind(pool_id)
                            .bind(user_id)
                            .execute(&self.pool)
                            .await
                            .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                /// One conditional `UPDATE`: PostgreSQL makes a concurrent update of the row
                /// wait for the first and then re-check the condition against what it wrote;
                /// SQLite runs writers one at a time. So a step is accepted once.
                async fn spend_totp_step(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    step: i64,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE user_mfa SET last_totp_step = $3 \
                         WHERE pool_id = $1 AND user_id = $2 AND last_totp_step < $3",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(step)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn restart_totp_steps(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    step: i64,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE user_mfa SET last_totp_step = $3 \
                         WHERE pool_id = $1 AND user_id = $2",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(step)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }
            }
        };
    };
}
pub(crate) use mfa_store;
