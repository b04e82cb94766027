//! Users on PostgreSQL.

use super::rows::{self, select_user};
use crate::convert::attributes_to_json;
use crate::error::{backend, conflict};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::User;
use auth_return_core::store::StoreResult;
use sqlx::PgPool;

const TAKEN: &str = "a user with that email or id already exists in the pool";

/// Inserts a user; the `(pool_id, email)` unique index decides races.
pub(super) async fn insert(pool: &PgPool, user: &User) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (pool_id, user_id, email, email_verified, status, enabled, salt_hex, \
         sealed_verifier, attributes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(user.pool_id.as_str())
    .bind(user.id.as_uuid())
    .bind(&user.email)
    .bind(user.email_verified)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(&user.salt_hex)
    .bind(&user.sealed_verifier)
    .bind(attributes_to_json(&user.attributes)?)
    .bind(user.created_at)
    .bind(user.updated_at)
    .execute(pool)
    .await
    .map_err(conflict(TAKEN))?;
    Ok(())
}

/// Rewrites the mutable fields (a no-op for an unknown user).
pub(super) async fn update(pool: &PgPool, user: &User) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET email = $1, email_verified = $2, status = $3, enabled = $4, salt_hex = $5, \
         sealed_verifier = $6, attributes = $7, updated_at = $8 WHERE pool_id = $9 AND user_id = $10",
    )
    .bind(&user.email)
    .bind(user.email_verified)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(&user.salt_hex)
    .bind(&user.sealed_verifier)
    .bind(attributes_to_json(&user.attributes)?)
    .bind(user.updated_at)
    .bind(user.pool_id.as_str())
    .bind(user.id.as_uuid())
    .execute(pool)
    .await
    .map_err(conflict(TAKEN))?;
    Ok(())
}

/// A user by id.
pub(super) async fn get(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(concat!(
        select_user!(),
        " WHERE pool_id = $1 AND user_id = $2"
    ))
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::user).transpose()
}

/// A user by email.
pub(super) async fn get_by_email(
    pool: &PgPool,
    pool_id: &PoolId,
    email: &str,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(concat!(
        select_user!(),
        " WHERE pool_id = $1 AND email = $2"
    ))
    .bind(pool_id.as_str())
    .bind(email)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::user).transpose()
}

/// Deletes a user; foreign keys cascade to their codes and sessions.
pub(super) async fn delete(pool: &PgPool, pool_id: &PoolId, user_id: UserId) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND user_id = $2")
        .bind(pool_id.as_str())
        .bind(user_id.as_uuid())
        .execute(pool)
        .await
        .map_err(backend)?;
    Ok(done.rows_affected() > 0)
}
