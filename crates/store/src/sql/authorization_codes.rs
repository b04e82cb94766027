//! OAuth 2.0 authorization codes, for both dialects: spending one is a single conditional
//! `UPDATE`, so of any number of concurrent redemptions, on any instance, exactly one wins.

/// Implements `AuthorizationCodeStore` for `$store`.
macro_rules! authorization_code_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, SessionId};
            use auth_return_core::model::{AuthorizationCode, CodeRedemption, Timestamp};
            use auth_return_core::store::{AuthorizationCodeStore, StoreResult};
            use $crate::error::{backend, conflict};
            use $crate::sql::rows::authorization_code_columns;

            #[async_trait::async_trait]
            impl AuthorizationCodeStore for $store {
                /// Stores the code unspent; a hash that exists already is a conflict.
                async fn insert_authorization_code(
                    &self,
                    code: &AuthorizationCode,
                ) -> StoreResult<()> {
                    sqlx::query(concat!(
                        "INSERT INTO authorization_codes (",
                        authorization_code_columns!(),
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                    ))
                    .bind(&code.pool_id)
                    .bind(&code.hash)
                    .bind(&code.client_id)
                    .bind(code.user_id)
                    .bind(&code.redirect_uri)
                    .bind(&code.scope)
                    .bind(code.code_challenge.as_deref())
                    .bind(code.nonce.as_deref())
                    .bind(code.auth_time)
                    .bind(code.session_id)
                    .bind(code.created_at)
                    .bind(code.expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("authorization code already exists"))?;
                    Ok(())
                }

                /// Spends the code if unspent (one statement: PostgreSQL re-checks
                /// `used_at IS NULL` on the row a concurrent winner committed, SQLite runs
                /// writers one at a time); otherwise marks it replayed, keeping the first
                /// replay's time, and names its session.
                async fn redeem_authorization_code(
                    &self,
                    pool_id: &PoolId,
                    hash: &[u8],
                    now: Timestamp,
                ) -> StoreResult<CodeRedemption> {
                    let spent = sqlx::query(concat!(
                        "UPDATE authorization_codes SET used_at = $3 \
                         WHERE pool_id = $1 AND hash = $2 AND used_at IS NULL RETURNING ",
                        authorization_code_columns!()
                    ))
                    .bind(pool_id)
                    .bind(hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    if let Some(row) = spent {
                        let code = rows::authorization_code(&row)?;
                        return Ok(CodeRedemption::Redeemed(Box::new(code)));
                    }
                    let replayed: Option<SessionId> = sqlx::query_scalar(
                        "UPDATE authorization_codes SET replayed_at = COALESCE(replayed_at, $3) \
                         WHERE pool_id = $1 AND hash = $2 RETURNING session_id",
                    )
                    .bind(pool_id)
                    .bind(hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(match replayed {
                        Some(session_id) => CodeRedemption::Replayed { session_id },
                        None => CodeRedemption::Unknown,
                    })
                }

                /// `false` for a code that is not there (never issued, or pruned).
                async fn code_replayed(&self, pool_id: &PoolId, hash: &[u8]) -> StoreResult<bool> {
                    let replayed_at: Option<Option<Timestamp>> = sqlx::query_scalar(
                        "SELECT replayed_at FROM authorization_codes \
                         WHERE pool_id = $1 AND hash = $2",
                    )
                    .bind(pool_id)
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(replayed_at.flatten().is_some())
                }
            }
        };
    };
}
pub(crate) use authorization_code_store;
