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
                /// Stores a new key; a taken id is a conflict.
                async fn insert_access_key(&self, key: &AccessKey) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO access_keys (access_key_id, pool_id, developer_id, app_id, \
                         read_only, name, sealed_secret, created_at, last_used_at, revoked_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("access key already exists"))?;
                    Ok(())
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

                async fn count_live_access_keys(
                    &self,
                    pool_id: &PoolId,
                    developer_id: UserId,
                ) -> StoreResult<u64> {
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM access_keys WHERE pool_id = $1 \
                         AND developer_id = $2 AND revoked_at IS NULL",
                    )
                    .bind(pool_id)
                    .bind(developer_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(u64::try_from(count).unwrap_or(0))
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
