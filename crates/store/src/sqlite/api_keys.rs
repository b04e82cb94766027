//! API keys on SQLite: found by the SHA-256 of the key (unique), listed per owner.

use super::rows::{self, api_key_columns, select_api_key, uuid_text};
use crate::convert::scopes_to_json;
use crate::error::{backend, conflict};
use auth_return_core::ids::{ApiKeyId, AppId, PoolId, UserId};
use auth_return_core::model::{ApiKey, Timestamp};
use auth_return_core::store::StoreResult;
use sqlx::{Row, SqlitePool};

/// Stores a new key; a taken id or hash is a conflict.
pub(super) async fn insert(pool: &SqlitePool, key: &ApiKey) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO api_keys (key_id, app_id, pool_id, user_id, name, prefix, hash, scopes, \
         created_at, expires_at, last_used_at, revoked_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(key.id.as_str())
    .bind(key.app_id.as_str())
    .bind(key.pool_id.as_str())
    .bind(key.user_id.map(|u| uuid_text(u.as_uuid())))
    .bind(&key.name)
    .bind(&key.prefix)
    .bind(&key.hash)
    .bind(scopes_to_json(&key.scopes)?)
    .bind(key.created_at)
    .bind(key.expires_at)
    .bind(key.last_used_at)
    .bind(key.revoked_at)
    .execute(pool)
    .await
    .map_err(conflict("API key already exists"))?;
    Ok(())
}

/// A key by id.
pub(super) async fn get(pool: &SqlitePool, key_id: &ApiKeyId) -> StoreResult<Option<ApiKey>> {
    let row = sqlx::query(concat!(select_api_key!(), " WHERE k.key_id = ?"))
        .bind(key_id.as_str())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::api_key).transpose()
}

/// The key with this hash, and whether its owner may use it (the app's own key, or a key of a
/// user who exists and is enabled), in one read.
pub(super) async fn get_by_hash(
    pool: &SqlitePool,
    hash: &[u8],
) -> StoreResult<Option<(ApiKey, bool)>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        api_key_columns!(),
        ", (k.user_id IS NULL OR COALESCE(u.enabled, 0)) AS owner_enabled FROM api_keys k",
        " LEFT JOIN users u ON u.pool_id = k.pool_id AND u.user_id = k.user_id",
        " WHERE k.hash = ?"
    ))
    .bind(hash)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref()
        .map(|row| {
            let enabled: bool = row.try_get("owner_enabled").map_err(backend)?;
            Ok((rows::api_key(row)?, enabled))
        })
        .transpose()
}

/// An app's keys, or one user's, oldest first.
pub(super) async fn list(
    pool: &SqlitePool,
    app_id: &AppId,
    user: Option<UserId>,
) -> StoreResult<Vec<ApiKey>> {
    let found = match user {
        Some(user) => {
            sqlx::query(concat!(
                select_api_key!(),
                " WHERE k.app_id = ? AND k.user_id = ? ORDER BY k.created_at, k.rowid"
            ))
            .bind(app_id.as_str())
            .bind(uuid_text(user.as_uuid()))
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query(concat!(
                select_api_key!(),
                " WHERE k.app_id = ? ORDER BY k.created_at, k.rowid"
            ))
            .bind(app_id.as_str())
            .fetch_all(pool)
            .await
        }
    };
    found.map_err(backend)?.iter().map(rows::api_key).collect()
}

/// Live keys with exactly this owner (`None`: the app's own).
pub(super) async fn count_live(
    pool: &SqlitePool,
    app_id: &AppId,
    owner: Option<UserId>,
    now: Timestamp,
) -> StoreResult<u64> {
    // `IS` compares NULL with NULL as equal: one statement for both kinds of owner.
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_keys WHERE app_id = ? AND user_id IS ? \
         AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
    )
    .bind(app_id.as_str())
    .bind(owner.map(|u| uuid_text(u.as_uuid())))
    .bind(now)
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Marks a key revoked unless it already is.
pub(super) async fn revoke(
    pool: &SqlitePool,
    key_id: &ApiKeyId,
    at: Timestamp,
) -> StoreResult<bool> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL")
            .bind(at)
            .bind(key_id.as_str())
            .execute(pool)
            .await
            .map_err(backend)?;
    Ok(done.rows_affected() > 0)
}

/// Marks every live key of a user revoked; returns how many.
pub(super) async fn revoke_user_keys(
    pool: &SqlitePool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = ? \
         WHERE pool_id = ? AND user_id = ? AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(pool_id.as_str())
    .bind(uuid_text(user_id.as_uuid()))
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected())
}

/// Sets `last_used_at` when it is unset or not after `stale_at`.
pub(super) async fn touch(
    pool: &SqlitePool,
    key_id: &ApiKeyId,
    at: Timestamp,
    stale_at: Timestamp,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE api_keys SET last_used_at = ? WHERE key_id = ? \
         AND (last_used_at IS NULL OR last_used_at <= ?)",
    )
    .bind(at)
    .bind(key_id.as_str())
    .bind(stale_at)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() > 0)
}
