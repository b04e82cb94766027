//! A pool's signing keys, for both dialects: every change recorded in the change feed in the
//! same transaction.

/// Implements `SigningKeyStore` for `$store`, and `insert_key_row` (the `INSERT` of one key, in
/// the caller's transaction) for it and `app_store!`.
macro_rules! signing_key_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::error::{backend, conflict};
            use auth_return_core::ids::PoolId;
            use auth_return_core::model::{ChangeSubject, KeyDates, SigningKeyRecord};
            use auth_return_core::store::{SigningKeyStore, StoreResult};

            impl $store {
                /// Inserts one signing key on `conn`.
                async fn insert_key_row(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    key: &SigningKeyRecord,
                ) -> Result<(), sqlx::Error> {
                    sqlx::query(
                        "INSERT INTO signing_keys (kid, pool_id, sealed_private_key, created_at, \
                         activates_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&key.kid)
                    .bind(&key.pool_id)
                    .bind(&key.sealed_private_key)
                    .bind(key.created_at)
                    .bind(key.activates_at)
                    .execute(conn)
                    .await?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl SigningKeyStore for $store {
                /// The pool's keys, newest first.
                async fn signing_keys(&self, pool_id: &PoolId) -> StoreResult<Vec<SigningKeyRecord>> {
                    let rows = sqlx::query(
                        "SELECT kid, pool_id, sealed_private_key, created_at, activates_at \
                         FROM signing_keys WHERE pool_id = $1 ORDER BY created_at DESC, kid DESC",
                    )
                    .bind(pool_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.iter().map(rows::signing_key).collect()
                }

                async fn all_key_dates(&self) -> StoreResult<Vec<KeyDates>> {
                    let rows = sqlx::query(
                        "SELECT a.app_id, k.pool_id, k.kid, k.created_at, k.activates_at \
                         FROM signing_keys k JOIN apps a ON a.pool_id = k.pool_id \
                         ORDER BY k.pool_id",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.iter().map(rows::key_dates).collect()
                }

                /// Adds a key to its pool and records the change, in one transaction; a taken
                /// kid (in any pool) is a conflict.
                async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    Self::insert_key_row(&mut tx, key)
                        .await
                        .map_err(conflict("signing key id already exists"))?;
                    Self::record_change(&mut tx, &ChangeSubject::SigningKeys(key.pool_id.clone()))
                        .await?;
                    tx.commit().await.map_err(backend)
                }

                /// Removes a key of the pool and records the change, in one transaction;
                /// `false` (nothing recorded) when the pool has no such kid.
                async fn delete_signing_key(&self, pool_id: &PoolId, kid: &str) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let done = sqlx::query("DELETE FROM signing_keys WHERE pool_id = $1 AND kid = $2")
                        .bind(pool_id)
                        .bind(kid)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Ok(false);
                    }
                    Self::record_change(&mut tx, &ChangeSubject::SigningKeys(pool_id.clone()))
                        .await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }
            }
        };
    };
}
pub(crate) use signing_key_store;
