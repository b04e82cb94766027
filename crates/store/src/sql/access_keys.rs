//! Developers' access keys, for both dialects: found by id, listed per developer.

/// Implements `AccessKeyStore` for `$store`; `$order` is the dialect's creation-order column
/// of `access_keys k`.
macro_rules! access_key_store {
    ($store:ty, $order:literal) => {
        const _: () = {
            use $crate::error::{backend, conflict};
            use $crate::sql::rows::select_access_key;
            use auth_return_core::ids::{AccessKeyId, PoolId, UserId};
            use auth_return_core::model::{AccessKey, Timestamp};
            use auth_return_core::store::{AccessKeyStore, StoreResult};

            #[async_trait::async_trait]
            impl AccessKeyStore for $store {
                /// Stores a new key while its developer has fewer than `max_live` live ones:
                /// the developer's row is held (PostgreSQL) and the count is in the insert's own
                /// statement (SQLite writes one statement at a time), so a burst cannot
                /// overshoot. A taken id is a conflict.
                async fn insert_access_key(
                    &self,
                    key: &AccessKey,
                    max_live: u64,
                ) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    if !Self::lock_user(&mut tx, &key.pool_id, key.developer_id).await? {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    let done = sqlx::query(
                        "INSERT INTO access_keys (access_key_id, pool_id, developer_id, app_id, \
                         read_only, name, sealed_secret, created_at, last_used_at, revoked_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
                         WHERE (SELECT COUNT(*) FROM access_keys WHERE pool_id = $2 \
                         AND developer_id = $3 AND revoked_at IS NULL) < $11",
                    )
                    .bind(&key.id)
                    .bind(&key.pool_id)
                    .bind(key.developer_id)
                    .bind(&key.app_id)
                    .bind(key.read_only)
                    .bind(&key.name)
                    .bind(&key.sealed_secret)
                    .bind(key.created_at)
                    .bind(key.last_used_at)
                    .bind(key.revoked_at)
                    .bind(i64::try_from(max_live).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict("access key already exists"))?;
                    tx.commit().await.map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn get_access_key(
                    &self,
                    key_id: &AccessKeyId,
                ) -> StoreResult<Option<AccessKey>> {
                    let row = sqlx::query(concat!(
                        select_access_key!(),
                        " WHERE k.access_key_id = $1"
                    ))
                    .bind(key_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::access_key).transpose()
                }

                async fn list_access_keys(
                    &self,
                    pool_id: &PoolId,
                    developer_id: UserId,
                ) -> StoreResult<Vec<AccessKey>> {
                    sqlx::query(concat!(
                        select_access_key!(),
                        " WHERE k.pool_id = $1 AND k.developer_id = $2 \
                         ORDER BY k.created_at, ",
                        $order
                    ))
                    .bind(pool_id)
                    .bind(developer_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?
                    .iter()
                    .map(rows::access_key)
                    .collect()
                }

                async fn revoke_access_key(
                    &self,
                    key_id: &AccessKeyId,
                    at: Timestamp,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE access_keys SET revoked_at = $1 WHERE access_key_id = $2 \
                         AND revoked_at IS NULL",
                    )
                    .bind(at)
                    .bind(key_id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn touch_access_key(
                    &self,
                    key_id: &AccessKeyId,
                    at: Timestamp,
                    stale_at: Timestamp,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE access_keys SET last_used_at = $1 WHERE access_key_id = $2 \
                         AND (last_used_at IS NULL OR last_used_at <= $3)",
                    )
                    .bind(at)
                    .bind(key_id)
                    .bind(stale_at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }
            }
        };
    };
}
pub(crate) use access_key_store;
