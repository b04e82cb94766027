//! API keys on PostgreSQL: found by the SHA-256 of the key (unique), listed per owner.

use super::rows::{self, api_key_columns, select_api_key};
use crate::convert::scopes_to_json;
use crate::error::{backend, conflict};
use auth_return_core::ids::{ApiKeyId, AppId, PoolId, UserId};
use auth_return_core::model::{ApiKey, Timestamp};
use auth_return_core::store::StoreResult;
use sqlx::{PgPool, Row};

/// Stores a new key; a taken id or hash is a conflict.
pub(super) async fn insert(pool: &PgPool, key: &ApiKey) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO api_keys (key_id, app_id, pool_id, user_id, name, prefix, hash, scopes, \
         created_at, expires_at, last_used_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(key.id.as_str())
    .bind(key.app_id.as_str())
    .bind(key.pool_id.as_str())
    .bind(key.user_id.map(|u| u.as_uuid()))
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
pub(super) async fn get(pool: &PgPool, key_id: &ApiKeyId) -> StoreResult<Option<ApiKey>> {
    let row = sqlx::query(concat!(select_api_key!(), " WHERE k.key_id = $1"))
        .bind(key_id.as_str())
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::api_key).transpose()
}

/// The key with this hash, and whether its owner may use it (the app's own key, or a key of a
/// user who exists and is enabled), in one read.
pub(super) async fn get_by_hash(pool: &PgPool, hash: &[u8]) -> StoreResult<Option<(ApiKey, bool)>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        api_key_columns!(),
        ", (k.user_id IS NULL OR COALESCE(u.enabled, FALSE)) AS owner_enabled FROM api_keys k",
        " LEFT JOIN users u ON u.pool_id = k.pool_id AND u.user_id = k.user_id",
        " WHERE k.hash = $1"
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
    pool: &PgPool,
    app_id: &AppId,
    user: Option<UserId>,
) -> StoreResult<Vec<ApiKey>> {
    let found = match user {
        Some(user) => {
            sqlx::query(concat!(
                select_api_key!(),
                " WHERE k.app_id = $1 AND k.user_id = $2 ORDER BY k.created_at, k.seq"
            ))
            .bind(app_id.as_str())
            .bind(user.as_uuid())
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query(concat!(
                select_api_key!(),
                " WHERE k.app_id = $1 ORDER BY k.created_at, k.seq"
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
    pool: &PgPool,
    app_id: &AppId,
    owner: Option<UserId>,
    now: Timestamp,
) -> StoreResult<u64> {
    // `IS NOT DISTINCT FROM` compares NULL with NULL as equal: one statement for both kinds
    // of owner.
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_keys WHERE app_id = $1 AND user_id IS NOT DISTINCT FROM $2 \
         AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)",
    )
    .bind(app_id.as_str())
    .bind(owner.map(|u| u.as_uuid()))
    .bind(now)
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Marks a key revoked unless it already is.
pub(super) async fn revoke(pool: &PgPool, key_id: &ApiKeyId, at: Timestamp) -> StoreResult<bool> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(key_id.as_str())
            .execute(pool)
            .await
            .map_err(backend)?;
    Ok(done.rows_affected() > 0)
}

/// Marks every live key of a user revoked; returns how many.
pub(super) async fn revoke_user_keys(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 \
         WHERE pool_id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected())
}

/// Sets `last_used_at` when it is unset or not after `stale_at`.
pub(super) async fn touch(
    pool: &PgPool,
    key_id: &ApiKeyId,
    at: Timestamp,
    stale_at: Timestamp,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE api_keys SET last_used_at = $1 WHERE key_id = $2 \
         AND (last_used_at IS NULL OR last_used_at <= $3)",
    )
    .bind(at)
    .bind(key_id.as_str())
    .bind(stale_at)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() > 0)
}
