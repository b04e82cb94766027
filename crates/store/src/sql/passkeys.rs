//! Users' passkeys and the WebAuthn ceremonies under way, for both dialects. A ceremony is
//! taken by one `DELETE … RETURNING`, so of concurrent answers, on any instance, one gets it.

/// Implements `PasskeyStore` for `$store`.
macro_rules! passkey_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{StoredPasskey, Timestamp};
            use auth_return_core::store::{PasskeyStore, StoreResult};
            use sqlx::Row;
            use $crate::convert::transports_to_json;
            use $crate::error::{backend, conflict};

            #[async_trait::async_trait]
            impl PasskeyStore for $store {
                async fn insert_passkey(&self, passkey: &StoredPasskey) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO passkeys (pool_id, user_id, credential_id, \
                         sealed_credential, name, relying_party_id, attachment, transports, \
                         created_at, last_used_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(&passkey.pool_id)
                    .bind(passkey.user_id)
                    .bind(&passkey.credential_id)
                    .bind(&passkey.sealed_credential)
                    .bind(passkey.name.as_deref())
                    .bind(&passkey.relying_party_id)
                    .bind(passkey.attachment.as_deref())
                    .bind(transports_to_json(&passkey.transports)?)
                    .bind(passkey.created_at)
                    .bind(passkey.last_used_at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("passkey"))?;
                    Ok(())
                }

                async fn list_passkeys(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<Vec<StoredPasskey>> {
                    let found = sqlx::query(
                        "SELECT pool_id, user_id, credential_id, sealed_credential, name, \
                         relying_party_id, attachment, transports, created_at, last_used_at \
                         FROM passkeys WHERE pool_id = $1 AND user_id = $2 \
                         ORDER BY created_at, credential_id",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    found.iter().map(rows::passkey).collect()
                }

                async fn delete_passkey(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    credential_id: &[u8],
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM passkeys \
                         WHERE pool_id = $1 AND user_id = $2 AND credential_id = $3",
                    )
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(credential_id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn record_passkey_use(
                    &self,
                    pool_id: &PoolId,
                    credential_id: &[u8],
                    sealed_credential: &[u8],
                    used_at: Timestamp,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE passkeys SET sealed_credential = $3, last_used_at = $4 \
                         WHERE pool_id = $1 AND credential_id = $2",
                    )
                    .bind(pool_id)
                    .bind(credential_id)
                    .bind(sealed_credential)
                    .bind(used_at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn put_ceremony(
                    &self,
                    key: &[u8],
                    sealed_state: &[u8],
                    expires_at: Timestamp,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO passkey_ceremonies (ceremony_key, sealed_state, expires_at) \
                         VALUES ($1, $2, $3) ON CONFLICT (ceremony_key) DO UPDATE SET \
                         sealed_state = excluded.sealed_state, expires_at = excluded.expires_at",
                    )
                    .bind(key)
                    .bind(sealed_state)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn take_ceremony(
                    &self,
                    key: &[u8],
                    now: Timestamp,
                ) -> StoreResult<Option<Vec<u8>>> {
                    let row = sqlx::query(
                        "DELETE FROM passkey_ceremonies WHERE ceremony_key = $1 \
                         RETURNING sealed_state, expires_at",
                    )
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    let Some(row) = row else { return Ok(None) };
                    let expires_at: Timestamp = row.try_get("expires_at").map_err(backend)?;
                    if expires_at <= now {
                        return Ok(None);
                    }
                    row.try_get("sealed_state").map(Some).map_err(backend)
                }
            }
        };
    };
}
pub(crate) use passkey_store;
