//! Sign-ins on the hosted pages, for both dialects: found with their user, ended one at a time
//! or all of a user's at once, by the hash of the cookie's value.

/// Implements `HostedSessionStore` for `$store`.
macro_rules! hosted_session_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{HostedSession, User};
            use auth_return_core::store::{HostedSessionStore, StoreResult};
            use $crate::error::{backend, conflict};
            use $crate::sql::rows::select_hosted_session_user;

            #[async_trait::async_trait]
            impl HostedSessionStore for $store {
                /// Stores the session; a hash that exists already is a conflict.
                async fn insert_hosted_session(&self, session: &HostedSession) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO hosted_sessions (pool_id, hash, user_id, auth_time, \
                         expires_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&session.pool_id)
                    .bind(&session.hash)
                    .bind(session.user_id)
                    .bind(session.auth_time)
                    .bind(session.expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("hosted session already exists"))?;
                    Ok(())
                }

                /// One query: the session joined with its user.
                async fn get_hosted_session(
                    &self,
                    pool_id: &PoolId,
                    hash: &[u8],
                ) -> StoreResult<Option<(HostedSession, User)>> {
                    let row = sqlx::query(concat!(
                        select_hosted_session_user!(),
                        " WHERE h.pool_id = $1 AND h.hash = $2"
                    ))
                    .bind(pool_id)
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref()
                        .map(|row| Ok((rows::hosted_session(row)?, rows::user(row)?)))
                        .transpose()
                }

                async fn delete_hosted_session(
                    &self,
                    pool_id: &PoolId,
                    hash: &[u8],
                ) -> StoreResult<()> {
                    sqlx::query("DELETE FROM hosted_sessions WHERE pool_id = $1 AND hash = $2")
                        .bind(pool_id)
                        .bind(hash)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(())
                }

                async fn delete_user_hosted_sessions(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<u64> {
                    let done = sqlx::query(
                        "DELETE FROM hosted_sessions WHERE pool_id = $1 AND user_id = $2",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}
pub(crate) use hosted_session_store;
