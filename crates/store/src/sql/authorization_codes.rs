//! Spent OAuth 2.0 authorization codes, for both dialects: spending one is a single upsert, so
//! of any number of concurrent exchanges of a code, on any instance, exactly one is first.

/// Implements `AuthorizationCodeStore` for `$store`.
macro_rules! authorization_code_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, SessionId};
            use auth_return_core::model::{CodeSpend, Timestamp};
            use auth_return_core::store::{AuthorizationCodeStore, StoreResult};
            use $crate::error::backend;

            #[async_trait::async_trait]
            impl AuthorizationCodeStore for $store {
                /// One `INSERT … ON CONFLICT DO UPDATE … RETURNING`: PostgreSQL makes a
                /// concurrent insert of the same key wait for the first and then take the
                /// update; SQLite runs writers one at a time. The first spend returns its own
                /// row with `replayed_at` unset; every later one returns the first one's
                /// session with `replayed_at` set (to the first replay's time).
                async fn spend_authorization_code(
                    &self,
                    pool_id: &PoolId,
                    hash: &[u8],
                    session_id: Option<SessionId>,
                    expires_at: Timestamp,
                    now: Timestamp,
                ) -> StoreResult<CodeSpend> {
                    let (first_session, replayed_at): (Option<SessionId>, Option<Timestamp>) =
                        sqlx::query_as(
                            "INSERT INTO spent_authorization_codes \
                             (pool_id, hash, session_id, expires_at) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (pool_id, hash) DO UPDATE SET replayed_at = \
                             COALESCE(spent_authorization_codes.replayed_at, $5) \
                             RETURNING session_id, replayed_at",
                        )
                        .bind(pool_id)
                        .bind(hash)
                        .bind(session_id)
                        .bind(expires_at)
                        .bind(now)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(match replayed_at {
                        None => CodeSpend::First,
                        Some(_) => CodeSpend::Again {
                            session_id: first_session,
                        },
                    })
                }
            }
        };
    };
}
pub(crate) use authorization_code_store;
