//! API keys, for both dialects: found by the SHA-256 of the key (unique), listed per owner.

/// `SELECT` of an app's keys meeting `$cond`, oldest first (`$order` breaks ties within a
/// second by creation).
macro_rules! list_api_keys_sql {
    ($cond:literal, $order:literal) => {
        concat!(
            $crate::sql::rows::select_api_key!(),
            " WHERE k.app_id = $1",
            $cond,
            " ORDER BY k.created_at, ",
            $order
        )
    };
}
pub(crate) use list_api_keys_sql;

/// Implements `ApiKeyStore` for `$store`; `$order` is the dialect's creation-order column.
macro_rules! api_key_store {
    ($store:ty, $order:literal) => {
        const _: () = {
            use $crate::convert::scopes_to_json;
            use $crate::error::{backend, conflict};
            use $crate::sql::api_keys::list_api_keys_sql;
            use $crate::sql::rows::{api_key_columns, select_api_key};
            use auth_return_core::ids::{ApiKeyId, AppId, PoolId, UserId};
            use auth_return_core::model::{ApiKey, Timestamp};
            use auth_return_core::store::{ApiKeyStore, StoreResult};
            use sqlx::Row;

            #[async_trait::async_trait]
            impl ApiKeyStore for $store {
                /// Stores a new key; a taken id or hash is a conflict.
                async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO api_keys (key_id, app_id, pool_id, user_id, external_user_id, \
                         name, prefix, hash, scopes, created_at, expires_at, last_used_at, \
                         revoked_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    )
                    .bind(&key.id)
                    .bind(&key.app_id)
                    .bind(&key.pool_id)
                    .bind(key.user_id.filter(|_| !key.external_user))
                    .bind(key.user_id.filter(|_| key.external_user))
                    .bind(&key.name)
                    .bind(&key.prefix)
                    .bind(&key.hash)
                    .bind(scopes_to_json(&key.scopes)?)
                    .bind(key.created_at)
                    .bind(key.expires_at)
                    .bind(key.last_used_at)
                    .bind(key.revoked_at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("API key already exists"))?;
                    Ok(())
                }

                async fn get_api_key(&self, key_id: &ApiKeyId) -> StoreResult<Option<ApiKey>> {
                    let row = sqlx::query(concat!(select_api_key!(), " WHERE k.key_id = $1"))
                        .bind(key_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    row.as_ref().map(rows::api_key).transpose()
                }

                /// The key with this hash, and whether its owner may use it (the app's own
                /// key, a key of a user here who exists and is enabled, or of a user at the
                /// provider, whose status the service asks there), in one read.
                async fn get_api_key_by_hash(
                    &self,
                    hash: &[u8],
                ) -> StoreResult<Option<(ApiKey, bool)>> {
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        api_key_columns!(),
                        ", (k.user_id IS NULL OR COALESCE(u.enabled, FALSE)) AS owner_enabled \
                         FROM api_keys k \
                         LEFT JOIN users u ON u.pool_id = k.pool_id AND u.user_id = k.user_id \
                         WHERE k.hash = $1"
                    ))
                    .bind(hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref()
                        .map(|row| {
                            let enabled: bool = row.try_get("owner_enabled").map_err(backend)?;
                            Ok((rows::api_key(row)?, enabled))
                        })
                        .transpose()
                }

                async fn list_api_keys(
                    &self,
                    app_id: &AppId,
                    user: Option<UserId>,
                ) -> StoreResult<Vec<ApiKey>> {
                    let found = match user {
                        Some(user) => {
                            sqlx::query(list_api_keys_sql!(
                                " AND COALESCE(k.user_id, k.external_user_id) = $2",
                                $order
                            ))
                                .bind(app_id)
                                .bind(user)
                                .fetch_all(&self.pool)
                                .await
                        }
                        None => {
                            sqlx::query(list_api_keys_sql!("", $order))
                                .bind(app_id)
                                .fetch_all(&self.pool)
                                .await
                        }
                    };
                    found.map_err(backend)?.iter().map(rows::api_key).collect()
                }

                /// Live keys with exactly this owner (`None`: the app's own).
                async fn count_live_api_keys(
                    &self,
                    app_id: &AppId,
                    owner: Option<UserId>,
                    now: Timestamp,
                ) -> StoreResult<u64> {
                    // `IS NOT DISTINCT FROM` compares NULL with NULL as equal: one statement
                    // for every kind of owner.
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM api_keys WHERE app_id = $1 \
                         AND COALESCE(user_id, external_user_id) IS NOT DISTINCT FROM $2 \
                         AND revoked_at IS NULL \
                         AND (expires_at IS NULL OR expires_at > $3)",
                    )
                    .bind(app_id)
                    .bind(owner)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(u64::try_from(count).unwrap_or(0))
                }

                /// Marks a key revoked unless it already is.
                async fn revoke_api_key(&self, key_id: &ApiKeyId, at: Timestamp) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 \
                         AND revoked_at IS NULL",
                    )
                    .bind(at)
                    .bind(key_id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn revoke_user_api_keys(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    at: Timestamp,
                ) -> StoreResult<u64> {
                    let done = sqlx::query(
                        "UPDATE api_keys SET revoked_at = $1 \
                         WHERE pool_id = $2 AND (user_id = $3 OR external_user_id = $3) \
                         AND revoked_at IS NULL",
                    )
                    .bind(at)
                    .bind(pool_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected())
                }

                /// Sets `last_used_at` when it is unset or not after `stale_at`.
                async fn touch_api_key(
                    &self,
                    key_id: &ApiKeyId,
                    at: Timestamp,
                    stale_at: Timestamp,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE api_keys SET last_used_at = $1 WHERE key_id = $2 \
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
pub(crate) use api_key_store;
