//! Apps, their clients and signing keys on SQLite.

use super::changes;
use super::rows::{self, select_app, uuid_text};
use crate::convert::{origins_to_json, settings_to_json};
use crate::error::{backend, conflict};
use auth_return_core::ids::{AppId, ClientId, PoolId, UserId};
use auth_return_core::model::{App, ChangeSubject, SigningKeyRecord};
use auth_return_core::store::StoreResult;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqlitePool};

const TAKEN: &str = "app, pool, client or key id already exists";

/// Inserts the app, its client and its first key in one transaction.
pub(super) async fn insert(
    pool: &SqlitePool,
    app: &App,
    key: &SigningKeyRecord,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(
        "INSERT INTO apps (app_id, name, owner_id, pool_id, origins, settings, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(app.id.as_str())
    .bind(&app.name)
    .bind(app.owner.map(|o| uuid_text(o.as_uuid())))
    .bind(app.pool_id.as_str())
    .bind(origins_to_json(&app.origins)?)
    .bind(settings_to_json(&app.settings)?)
    .bind(app.created_at)
    .execute(&mut *tx)
    .await
    .map_err(conflict(TAKEN))?;
    let client = &app.client;
    sqlx::query(
        "INSERT INTO clients (client_id, pool_id, app_id, sealed_secret, token_validity_secs, \
         refresh_validity_secs) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(client.id.as_str())
    .bind(client.pool_id.as_str())
    .bind(app.id.as_str())
    .bind(client.sealed_secret.as_deref())
    .bind(client.token_validity_secs)
    .bind(client.refresh_validity_secs)
    .execute(&mut *tx)
    .await
    .map_err(conflict(TAKEN))?;
    insert_key_sql(key)
        .execute(&mut *tx)
        .await
        .map_err(conflict(TAKEN))?;
    tx.commit().await.map_err(backend)
}

/// The `INSERT` of one signing key.
fn insert_key_sql(key: &SigningKeyRecord) -> Query<'_, Sqlite, SqliteArguments> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, pool_id, sealed_private_key, created_at, activates_at) \
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&key.kid)
    .bind(key.pool_id.as_str())
    .bind(&key.sealed_private_key)
    .bind(key.created_at)
    .bind(key.activates_at)
}

/// An app by id.
pub(super) async fn get(pool: &SqlitePool, app_id: &AppId) -> StoreResult<Option<App>> {
    let row = sqlx::query(concat!(select_app!(), " WHERE a.app_id = ? LIMIT 1"))
        .bind(app_id.as_str())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::app).transpose()
}

/// An app by pool.
pub(super) async fn get_by_pool(pool: &SqlitePool, pool_id: &PoolId) -> StoreResult<Option<App>> {
    let row = sqlx::query(concat!(select_app!(), " WHERE a.pool_id = ? LIMIT 1"))
        .bind(pool_id.as_str())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::app).transpose()
}

/// An app by client.
pub(super) async fn get_by_client(
    pool: &SqlitePool,
    client_id: &ClientId,
) -> StoreResult<Option<App>> {
    let row = sqlx::query(concat!(select_app!(), " WHERE c.client_id = ?"))
        .bind(client_id.as_str())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::app).transpose()
}

/// Apps of `owner` (or all), oldest first.
pub(super) async fn list(pool: &SqlitePool, owner: Option<UserId>) -> StoreResult<Vec<App>> {
    let rows = match owner {
        Some(owner) => {
            sqlx::query(concat!(
                select_app!(),
                " WHERE a.owner_id = ? ORDER BY a.created_at, a.app_id"
            ))
            .bind(uuid_text(owner.as_uuid()))
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query(concat!(select_app!(), " ORDER BY a.created_at, a.app_id"))
                .fetch_all(pool)
                .await
        }
    }
    .map_err(backend)?;
    rows.iter().map(rows::app).collect()
}

/// Rewrites the name, origins, settings and the client's token lifetimes in one transaction;
/// `false` (and nothing written) for an unknown app.
pub(super) async fn update(pool: &SqlitePool, app: &App) -> StoreResult<bool> {
    let mut tx = pool.begin().await.map_err(backend)?;
    let done = sqlx::query("UPDATE apps SET name = ?, origins = ?, settings = ? WHERE app_id = ?")
        .bind(&app.name)
        .bind(origins_to_json(&app.origins)?)
        .bind(settings_to_json(&app.settings)?)
        .bind(app.id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    if done.rows_affected() == 0 {
        tx.rollback().await.map_err(backend)?;
        return Ok(false);
    }
    sqlx::query(
        "UPDATE clients SET token_validity_secs = ?, refresh_validity_secs = ? WHERE app_id = ?",
    )
    .bind(app.client.token_validity_secs)
    .bind(app.client.refresh_validity_secs)
    .bind(app.id.as_str())
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(true)
}

/// Deletes the app (foreign keys cascade to everything in its pool) and records that its pool's
/// keys changed, in one transaction.
pub(super) async fn delete(pool: &SqlitePool, app_id: &AppId) -> StoreResult<bool> {
    let mut tx = pool.begin().await.map_err(backend)?;
    let pool_id: Option<String> =
        sqlx::query_scalar("DELETE FROM apps WHERE app_id = ? RETURNING pool_id")
            .bind(app_id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
    let Some(pool_id) = pool_id else {
        return Ok(false);
    };
    changes::record(&mut tx, &ChangeSubject::SigningKeys(PoolId::new(pool_id))).await?;
    tx.commit().await.map_err(backend)?;
    Ok(true)
}

/// The pool's keys, newest first.
pub(super) async fn signing_keys(
    pool: &SqlitePool,
    pool_id: &PoolId,
) -> StoreResult<Vec<SigningKeyRecord>> {
    let rows = sqlx::query(
        "SELECT kid, pool_id, sealed_private_key, created_at, activates_at FROM signing_keys \
         WHERE pool_id = ? ORDER BY created_at DESC, kid DESC",
    )
    .bind(pool_id.as_str())
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter().map(rows::signing_key).collect()
}

/// Adds a key to its pool and records the change, in one transaction; a taken kid (in any pool)
/// is a conflict.
pub(super) async fn insert_signing_key(
    pool: &SqlitePool,
    key: &SigningKeyRecord,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(backend)?;
    insert_key_sql(key)
        .execute(&mut *tx)
        .await
        .map_err(conflict("signing key id already exists"))?;
    changes::record(&mut tx, &ChangeSubject::SigningKeys(key.pool_id.clone())).await?;
    tx.commit().await.map_err(backend)
}

/// Removes a key of the pool and records the change, in one transaction; `false` (nothing
/// recorded) when the pool has no such kid.
pub(super) async fn delete_signing_key(
    pool: &SqlitePool,
    pool_id: &PoolId,
    kid: &str,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await.map_err(backend)?;
    let done = sqlx::query("DELETE FROM signing_keys WHERE pool_id = ? AND kid = ?")
        .bind(pool_id.as_str())
        .bind(kid)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    changes::record(&mut tx, &ChangeSubject::SigningKeys(pool_id.clone())).await?;
    tx.commit().await.map_err(backend)?;
    Ok(true)
}
