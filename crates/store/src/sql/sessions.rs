//! Sign-in sessions, for both dialects; how a revocation is written is the dialect's
//! `revoke_sessions`.

/// Implements `SessionStore` for `$store`.
macro_rules! session_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, SessionId, UserId};
            use auth_return_core::model::{Session, Timestamp};
            use auth_return_core::store::{SessionStore, StoreResult};
            use $crate::error::{backend, conflict};
            use $crate::sql::Whose;
            use $crate::sql::rows::select_session;

            #[async_trait::async_trait]
            impl SessionStore for $store {
                /// Inserts a session; its trigger inserts its first refresh token in the same
                /// statement (migration 0023).
                async fn insert_session(&self, session: &Session) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO sessions (id, pool_id, client_id, user_id, refresh_hash, \
                         auth_time, expires_at, revoked_at, scope) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(session.id)
                    .bind(&session.pool_id)
                    .bind(&session.client_id)
                    .bind(session.user_id)
                    .bind(&session.refresh_hash)
                    .bind(session.auth_time)
                    .bind(session.expires_at)
                    .bind(session.revoked_at)
                    .bind(session.scope.as_deref())
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("session id or refresh token already exists"))?;
                    Ok(())
                }

                async fn get_session(
                    &self,
                    pool_id: &PoolId,
                    id: SessionId,
                ) -> StoreResult<Option<Session>> {
                    let row = sqlx::query(concat!(
                        select_session!(),
                        " WHERE pool_id = $1 AND id = $2"
                    ))
                    .bind(pool_id)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::session).transpose()
                }

                /// Revokes one session, keeping the first revocation time; a newly revoked
                /// session gets its revocation entry in the same transaction.
                async fn revoke_session(
                    &self,
                    pool_id: &PoolId,
                    id: SessionId,
                    at: Timestamp,
                ) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    Self::revoke_sessions(&mut tx, pool_id, at, Whose::Session(id)).await?;
                    tx.commit().await.map_err(backend)
                }

                /// Revokes every not-yet-revoked session of the user, each with its revocation
                /// entry, in one transaction.
                async fn revoke_user_sessions(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    at: Timestamp,
                ) -> StoreResult<u64> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let revoked =
                        Self::revoke_sessions(&mut tx, pool_id, at, Whose::User(user_id)).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(revoked)
                }
            }
        };
    };
}
pub(crate) use session_store;
