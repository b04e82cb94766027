//! A session's refresh tokens, for both dialects.

/// Implements `RefreshTokenStore` for `$store`.
macro_rules! refresh_token_store {
    ($store:ty) => {
        const _: () = {
            use $crate::error::{backend, conflict};
            use $crate::sql::rows::{group_order, select_refresh_grant, select_refresh_token};
            use auth_return_core::ids::{PoolId, SessionId};
            use auth_return_core::model::{RefreshGrant, RefreshTokenRecord, Session, Timestamp};
            use auth_return_core::store::{RefreshTokenStore, StoreResult};

            #[async_trait::async_trait]
            impl RefreshTokenStore for $store {
                async fn get_refresh_token(
                    &self,
                    refresh_hash: &[u8],
                ) -> StoreResult<Option<(Session, RefreshTokenRecord)>> {
                    let row = sqlx::query(concat!(select_refresh_token!(), " WHERE t.hash = $1"))
                        .bind(refresh_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    row.as_ref().map(rows::refresh_token).transpose()
                }

                async fn get_refresh_grant(
                    &self,
                    refresh_hash: &[u8],
                ) -> StoreResult<Option<RefreshGrant>> {
                    let rows = sqlx::query(concat!(
                        select_refresh_grant!(),
                        " WHERE t.hash = $1",
                        group_order!()
                    ))
                    .bind(refresh_hash)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows::refresh_grant(&rows)
                }

                /// Adds `new_hash` to the session (when the session is in the pool, and unless
                /// the session has it already: every rotation of one token derives the same
                /// successor; another session's hash is a conflict) and supersedes
                /// `presented_hash` if no rotation did yet, in one transaction; only the first
                /// sets `superseded_at`.
                async fn rotate_refresh_token(
                    &self,
                    pool_id: &PoolId,
                    session_id: SessionId,
                    presented_hash: &[u8],
                    new_hash: &[u8],
                    now: Timestamp,
                ) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(
                        "UPDATE refresh_tokens SET superseded_at = $1 WHERE hash = $2 \
                         AND session_id = $3 AND pool_id = $4 AND superseded_at IS NULL",
                    )
                    .bind(now)
                    .bind(presented_hash)
                    .bind(session_id)
                    .bind(pool_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    sqlx::query(
                        "INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at) \
                         SELECT pool_id, $1, id, $2 FROM sessions WHERE pool_id = $3 AND id = $4 \
                         AND NOT EXISTS (SELECT 1 FROM refresh_tokens \
                         WHERE hash = $1 AND session_id = sessions.id)",
                    )
                    .bind(new_hash)
                    .bind(now)
                    .bind(pool_id)
                    .bind(session_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict("refresh token already exists"))?;
                    tx.commit().await.map_err(backend)
                }
            }
        };
    };
}
pub(crate) use refresh_token_store;
