//! One-time codes on PostgreSQL: every consuming operation is a single statement.

use super::rows;
use crate::error::backend;
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{CodePurpose, CodeRecord, Timestamp};
use auth_return_core::store::StoreResult;
use sqlx::PgPool;

/// Stores or replaces the pending code.
pub(super) async fn put(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    purpose: CodePurpose,
    code: &CodeRecord,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO codes (pool_id, user_id, purpose, code_hash, expires_at, failed_attempts) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pool_id, user_id, purpose) DO UPDATE SET \
         code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
         failed_attempts = excluded.failed_attempts",
    )
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .bind(purpose.as_str())
    .bind(&code.code_hash)
    .bind(code.expires_at)
    .bind(code.failed_attempts)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(())
}

/// The pending code.
pub(super) async fn get(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    purpose: CodePurpose,
) -> StoreResult<Option<CodeRecord>> {
    let row = sqlx::query(
        "SELECT code_hash, expires_at, failed_attempts FROM codes \
         WHERE pool_id = $1 AND user_id = $2 AND purpose = $3",
    )
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .bind(purpose.as_str())
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::code).transpose()
}

/// Counts a guess against the pending code before it is judged, in one statement: only while
/// the code has fewer than `max_attempts` guesses counted and `expires_at > now`. The code as
/// it is after the count; `None` when there is none, it expired or its guesses are spent.
pub(super) async fn reserve_guess(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    purpose: CodePurpose,
    max_attempts: i64,
    now: Timestamp,
) -> StoreResult<Option<CodeRecord>> {
    let row = sqlx::query(
        "UPDATE codes SET failed_attempts = failed_attempts + 1 \
         WHERE pool_id = $1 AND user_id = $2 AND purpose = $3 AND failed_attempts < $4 \
         AND expires_at > $5 RETURNING code_hash, expires_at, failed_attempts",
    )
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .bind(purpose.as_str())
    .bind(max_attempts)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::code).transpose()
}

/// Deletes the code only if its hash matches; the one statement makes it single-use.
pub(super) async fn take(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    purpose: CodePurpose,
    code_hash: &[u8],
) -> StoreResult<bool> {
    let done = sqlx::query(
        "DELETE FROM codes WHERE pool_id = $1 AND user_id = $2 AND purpose = $3 AND code_hash = $4",
    )
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .bind(purpose.as_str())
    .bind(code_hash)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the pending code, whatever it is.
pub(super) async fn delete(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    purpose: CodePurpose,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM codes WHERE pool_id = $1 AND user_id = $2 AND purpose = $3")
        .bind(pool_id.as_str())
        .bind(user_id.as_uuid())
        .bind(purpose.as_str())
        .execute(pool)
        .await
        .map_err(backend)?;
    Ok(())
}
