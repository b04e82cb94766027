//! App clients beyond an app's own, for both dialects.

/// `SELECT` of a client's columns, from `clients c`.
macro_rules! select_client {
    () => {
        "SELECT c.client_id, c.pool_id, c.app_id, c.sealed_secret, c.token_validity_secs, \
         c.refresh_validity_secs, c.is_primary, c.profile, c.created_at, c.updated_at \
         FROM clients c"
    };
}

/// Implements `ClientStore` for `$store`.
macro_rules! client_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use auth_return_core::ids::{AppId, ClientId};
            use auth_return_core::model::{ChangeSubject, Client, Timestamp};
            use auth_return_core::store::{ClientInsert, ClientStore, StoreResult};
            use $crate::convert::{client_profile_from_json, client_profile_to_json};
            use $crate::error::{backend, conflict};
            use $crate::sql::Whose;
            use $crate::sql::apps::APP_TAKEN;

            fn client(row: &<$db as sqlx::Database>::Row) -> StoreResult<Client> {
                use sqlx::Row;
                let profile: String = row.try_get("profile").map_err(backend)?;
                Ok(Client {
                    id: row.try_get("client_id").map_err(backend)?,
                    pool_id: row.try_get("pool_id").map_err(backend)?,
                    app_id: row.try_get("app_id").map_err(backend)?,
                    sealed_secret: row.try_get("sealed_secret").map_err(backend)?,
                    token_validity_secs: row.try_get("token_validity_secs").map_err(backend)?,
                    refresh_validity_secs: row.try_get("refresh_validity_secs").map_err(backend)?,
                    primary: row.try_get("is_primary").map_err(backend)?,
                    profile: client_profile_from_json(&profile)?,
                    created_at: row.try_get("created_at").map_err(backend)?,
                    updated_at: row.try_get("updated_at").map_err(backend)?,
                })
            }

            #[async_trait::async_trait]
            impl ClientStore for $store {
                async fn insert_client(
                    &self,
                    client: &Client,
                    max: u32,
                ) -> StoreResult<ClientInsert> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    Self::lock_app(&mut tx, &client.app_id).await?;
                    let done = sqlx::query(
                        "INSERT INTO clients (client_id, pool_id, app_id, sealed_secret, \
                         token_validity_secs, refresh_validity_secs, is_primary, profile, \
                         created_at, updated_at) \
                         SELECT $1, $2, $3, $4, $5, $6, FALSE, $7, $8, $9 \
                         WHERE EXISTS (SELECT 1 FROM apps WHERE app_id = $3) \
                         AND (SELECT COUNT(*) FROM clients WHERE app_id = $3) < $10",
                    )
                    .bind(&client.id)
                    .bind(&client.pool_id)
                    .bind(&client.app_id)
                    .bind(client.sealed_secret.as_deref())
                    .bind(client.token_validity_secs)
                    .bind(client.refresh_validity_secs)
                    .bind(client_profile_to_json(&client.profile)?)
                    .bind(client.created_at)
                    .bind(client.updated_at)
                    .bind(i64::from(max))
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict(APP_TAKEN))?;
                    if done.rows_affected() == 0 {
                        let app: Option<i32> =
                            sqlx::query_scalar("SELECT 1 FROM apps WHERE app_id = $1")
                                .bind(&client.app_id)
                                .fetch_optional(&mut *tx)
                                .await
                                .map_err(backend)?;
                        tx.rollback().await.map_err(backend)?;
                        return Ok(match app {
                            Some(_) => ClientInsert::AtLimit,
                            None => ClientInsert::AppGone,
                        });
                    }
                    Self::record_change(&mut tx, &ChangeSubject::App(client.pool_id.clone()))
                        .await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(ClientInsert::Added)
                }

                async fn list_clients(&self, app_id: &AppId) -> StoreResult<Vec<Client>> {
                    let rows = sqlx::query(concat!(
                        $crate::sql::clients::select_client!(),
                        " WHERE c.app_id = $1 \
                         ORDER BY c.is_primary DESC, c.created_at, c.client_id"
                    ))
                    .bind(app_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.iter().map(client).collect()
                }

                async fn update_client(&self, client: &Client) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let done = sqlx::query(
                        "UPDATE clients SET token_validity_secs = $1, \
                         refresh_validity_secs = $2, profile = $3, updated_at = $4 \
                         WHERE client_id = $5 AND app_id = $6",
                    )
                    .bind(client.token_validity_secs)
                    .bind(client.refresh_validity_secs)
                    .bind(client_profile_to_json(&client.profile)?)
                    .bind(client.updated_at)
                    .bind(&client.id)
                    .bind(&client.app_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    Self::record_change(&mut tx, &ChangeSubject::App(client.pool_id.clone()))
                        .await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn delete_client(
                    &self,
                    app_id: &AppId,
                    client_id: &ClientId,
                    at: Timestamp,
                ) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let pool_id: Option<auth_return_core::ids::PoolId> = sqlx::query_scalar(
                        "SELECT pool_id FROM clients \
                         WHERE client_id = $1 AND app_id = $2 AND is_primary = FALSE",
                    )
                    .bind(client_id)
                    .bind(app_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let Some(pool_id) = pool_id else {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    };
                    Self::revoke_sessions(&mut tx, &pool_id, at, Whose::Client(client_id)).await?;
                    let done = sqlx::query(
                        "DELETE FROM clients WHERE client_id = $1 AND app_id = $2 \
                         AND is_primary = FALSE",
                    )
                    .bind(client_id)
                    .bind(app_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    Self::record_change(&mut tx, &ChangeSubject::App(pool_id)).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }
            }
        };
    };
}
pub(crate) use {client_store, select_client};
