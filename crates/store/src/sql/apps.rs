//! Apps with their pool and client, for both dialects.

/// What a taken app, pool, client or first key id is reported as.
pub(crate) const APP_TAKEN: &str = "app, pool, client or key id already exists";

/// Implements `AppStore` for `$store`.
macro_rules! app_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use auth_return_core::app_listing::AppQuery;
            use auth_return_core::ids::{AppId, ClientId, PoolId, UserId};
            use auth_return_core::model::{App, ChangeSubject, SigningKeyRecord};
            use auth_return_core::settings::AppSettings;
            use auth_return_core::store::{AppStore, SettingsChange, SettingsOutcome, StoreResult};
            use sqlx::Row;
            use $crate::convert::{
                client_profile_to_json, external_to_json, like_escaped, origins_to_json, settings_from_json,
                settings_to_json,
            };
            use $crate::error::{backend, conflict};
            use $crate::sql::apps::APP_TAKEN;
            use $crate::sql::rows::select_app;

            impl $store {
                /// The app's settings and pool, read after a write to its row: the write locks
                /// the row (PostgreSQL) or takes the database's write lock (SQLite), so what is
                /// read stays true until the caller's transaction ends. `None` if unknown.
                async fn lock_settings(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    app_id: &AppId,
                ) -> StoreResult<Option<(AppSettings, PoolId)>> {
                    let row = sqlx::query(
                        "UPDATE apps SET settings = settings WHERE app_id = $1 \
                         RETURNING settings, pool_id",
                    )
                    .bind(app_id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                    let Some(row) = row else {
                        return Ok(None);
                    };
                    let text: String = row.try_get("settings").map_err(backend)?;
                    let pool_id: PoolId = row.try_get("pool_id").map_err(backend)?;
                    Ok(Some((settings_from_json(&text)?, pool_id)))
                }
            }

            #[async_trait::async_trait]
            impl AppStore for $store {
                /// Inserts the app, its client and its first key (a built-in pool's) in one transaction.
                async fn insert_app(
                    &self,
                    app: &App,
                    key: Option<&SigningKeyRecord>,
                ) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(
                        "INSERT INTO apps (app_id, name, owner_id, pool_id, origins, settings, \
                         external, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&app.id)
                    .bind(&app.name)
                    .bind(app.owner)
                    .bind(&app.pool_id)
                    .bind(origins_to_json(&app.origins)?)
                    .bind(settings_to_json(&app.settings)?)
                    .bind(app.external.as_ref().map(external_to_json).transpose()?)
                    .bind(app.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict(APP_TAKEN))?;
                    let client = &app.client;
                    sqlx::query(
                        "INSERT INTO clients (client_id, pool_id, app_id, sealed_secret, \
                         token_validity_secs, refresh_validity_secs, is_primary, profile, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $9)",
                    )
                    .bind(&client.id)
                    .bind(&client.pool_id)
                    .bind(&app.id)
                    .bind(client.sealed_secret.as_deref())
                    .bind(client.token_validity_secs)
                    .bind(client.refresh_validity_secs)
                    .bind(client_profile_to_json(&client.profile)?)
                    .bind(client.created_at)
                    .bind(client.updated_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict(APP_TAKEN))?;
                    if let Some(key) = key {
                        Self::insert_key_row(&mut tx, key)
                            .await
                            .map_err(conflict(APP_TAKEN))?;
                    }
                    tx.commit().await.map_err(backend)
                }

                async fn get_app(&self, app_id: &AppId) -> StoreResult<Option<App>> {
                    let row = sqlx::query(concat!(select_app!(), " WHERE a.app_id = $1 LIMIT 1"))
                        .bind(app_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    row.as_ref().map(rows::app).transpose()
                }

                async fn get_app_by_pool(&self, pool_id: &PoolId) -> StoreResult<Option<App>> {
                    let row = sqlx::query(concat!(select_app!(), " WHERE a.pool_id = $1 LIMIT 1"))
                        .bind(pool_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    row.as_ref().map(rows::app).transpose()
                }

                /// Apps of `owner` (or all), oldest first.
                async fn list_apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>> {
                    let rows = match owner {
                        Some(owner) => {
                            sqlx::query(concat!(
                                select_app!(),
                                " WHERE a.owner_id = $1 ORDER BY a.created_at, a.app_id"
                            ))
                            .bind(owner)
                            .fetch_all(&self.pool)
                            .await
                        }
                        None => {
                            sqlx::query(concat!(select_app!(), " ORDER BY a.created_at, a.app_id"))
                                .fetch_all(&self.pool)
                                .await
                        }
                    }
                    .map_err(backend)?;
                    rows.iter().map(rows::app).collect()
                }

                /// One statement built from the filters `query` sets.
                async fn find_apps(
                    &self,
                    owner: Option<UserId>,
                    query: &AppQuery,
                ) -> StoreResult<Vec<App>> {
                    let mut sql =
                        sqlx::QueryBuilder::<$db>::new(concat!(select_app!(), " WHERE 1 = 1"));
                    if let Some(owner) = owner {
                        sql.push(" AND a.owner_id = ").push_bind(owner);
                    }
                    if let Some(search) = &query.search {
                        let contains = format!("%{}%", like_escaped(search));
                        sql.push(" AND (lower(a.name) LIKE ")
                            .push_bind(contains)
                            .push(" ESCAPE '\\' OR substr(a.app_id, 1, length(")
                            .push_bind(search.clone())
                            .push(")) = ")
                            .push_bind(search.clone())
                            .push(" OR substr(lower(a.pool_id), 1, length(")
                            .push_bind(search.clone())
                            .push(")) = ")
                            .push_bind(search.clone())
                            .push(")");
                    }
                    if let Some(after) = &query.after {
                        sql.push(" AND (a.created_at < ")
                            .push_bind(after.created_at)
                            .push(" OR (a.created_at = ")
                            .push_bind(after.created_at)
                            .push(" AND a.app_id < ")
                            .push_bind(after.app_id.clone())
                            .push("))");
                    }
                    sql.push(" ORDER BY a.created_at DESC, a.app_id DESC");
                    if let Some(limit) = query.limit {
                        sql.push(" LIMIT ").push_bind(i64::from(limit));
                    }
                    let rows = sql.build().fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(rows::app).collect()
                }

                async fn user_counts(&self, pools: &[PoolId]) -> StoreResult<Vec<(PoolId, u64)>> {
                    if pools.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut sql = sqlx::QueryBuilder::<$db>::new(
                        "SELECT pool_id, users FROM pool_user_counts WHERE pool_id IN (",
                    );
                    let mut list = sql.separated(", ");
                    for pool in pools {
                        list.push_bind(pool.clone());
                    }
                    sql.push(")");
                    let rows = sql.build().fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter()
                        .map(|row| {
                            let pool: PoolId = row.try_get("pool_id").map_err(backend)?;
                            let users: i64 = row.try_get("users").map_err(backend)?;
                            Ok((pool, u64::try_from(users).unwrap_or(0)))
                        })
                        .collect()
                }

                /// Rewrites the name, origins, settings and the client's token lifetimes, and
                /// records that the app changed, in one transaction; `false` (and nothing
                /// written) for an unknown app.
                async fn update_app(&self, app: &App) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let Some((stored, _)) = Self::lock_settings(&mut tx, &app.id).await? else {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    };
                    // The schema grows only through `change_app_settings`: a settings change
                    // read before one landed must not take it away again.
                    let settings = AppSettings {
                        custom_attributes: stored.custom_attributes,
                        ..app.settings.clone()
                    };
                    let done = sqlx::query(
                        "UPDATE apps SET name = $1, origins = $2, settings = $3 WHERE app_id = $4",
                    )
                    .bind(&app.name)
                    .bind(origins_to_json(&app.origins)?)
                    .bind(settings_to_json(&settings)?)
                    .bind(&app.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    sqlx::query(
                        "UPDATE clients SET token_validity_secs = $1, refresh_validity_secs = $2, \
                         profile = $3, updated_at = $4 WHERE app_id = $5 AND is_primary = TRUE",
                    )
                    .bind(app.client.token_validity_secs)
                    .bind(app.client.refresh_validity_secs)
                    .bind(client_profile_to_json(&app.client.profile)?)
                    .bind(app.client.updated_at)
                    .bind(&app.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    Self::record_change(&mut tx, &ChangeSubject::App(app.pool_id.clone())).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn change_app_settings(
                    &self,
                    app_id: &AppId,
                    change: &SettingsChange<'_>,
                ) -> StoreResult<SettingsOutcome> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let Some((stored, pool_id)) = Self::lock_settings(&mut tx, app_id).await?
                    else {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(SettingsOutcome::Unknown);
                    };
                    let settings = match change(&stored) {
                        Ok(settings) => settings,
                        Err(refusal) => {
                            tx.rollback().await.map_err(backend)?;
                            return Ok(SettingsOutcome::Refused(refusal));
                        }
                    };
                    sqlx::query("UPDATE apps SET settings = $1 WHERE app_id = $2")
                        .bind(settings_to_json(&settings)?)
                        .bind(app_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    Self::record_change(&mut tx, &ChangeSubject::App(pool_id)).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(SettingsOutcome::Changed(Box::new(settings)))
                }

                /// Deletes the app (foreign keys cascade to everything in its pool) and records
                /// that its pool's keys and its app changed, in one transaction.
                async fn delete_app(&self, app_id: &AppId) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let pool_id: Option<PoolId> =
                        sqlx::query_scalar("DELETE FROM apps WHERE app_id = $1 RETURNING pool_id")
                            .bind(app_id)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(backend)?;
                    let Some(pool_id) = pool_id else {
                        return Ok(false);
                    };
                    Self::record_change(&mut tx, &ChangeSubject::SigningKeys(pool_id.clone()))
                        .await?;
                    Self::record_change(&mut tx, &ChangeSubject::App(pool_id)).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn get_app_by_client(
                    &self,
                    client_id: &ClientId,
                ) -> StoreResult<Option<App>> {
                    let row = sqlx::query(concat!(select_app!(any_client), " WHERE c.client_id = $1"))
                        .bind(client_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    row.as_ref().map(rows::app).transpose()
                }
            }
        };
    };
}
pub(crate) use app_store;
