//! Sign-in failure streaks on PostgreSQL: one row per (pool, subject), replaced whole
//! only if nobody changed it since it was read (compare and swap).

use super::rows;
use crate::error::backend;
use auth_return_core::ids::PoolId;
use auth_return_core::model::LockoutRecord;
use auth_return_core::store::StoreResult;
use sqlx::PgPool;

/// The failure streak of `subject`.
pub(super) async fn get(
    pool: &PgPool,
    pool_id: &PoolId,
    subject: &str,
) -> StoreResult<Option<LockoutRecord>> {
    let row = sqlx::query(
        "SELECT failures, last_failure_at, locked_until FROM lockouts \
         WHERE pool_id = $1 AND subject = $2",
    )
    .bind(pool_id.as_str())
    .bind(subject)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::lockout).transpose()
}

/// Replaces the failure streak of `subject` with `next` only if it is still `expected` (`None`:
/// no streak), in one statement; `true` if it did.
pub(super) async fn swap(
    pool: &PgPool,
    pool_id: &PoolId,
    subject: &str,
    expected: Option<&LockoutRecord>,
    next: &LockoutRecord,
) -> StoreResult<bool> {
    let done = match expected {
        None => sqlx::query(
            "INSERT INTO lockouts (pool_id, subject, failures, last_failure_at, locked_until) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pool_id, subject) DO NOTHING",
        )
        .bind(pool_id.as_str())
        .bind(subject)
        .bind(next.failures)
        .bind(next.last_failure_at)
        .bind(next.locked_until_ms),
        Some(old) => sqlx::query(
            "UPDATE lockouts SET failures = $1, last_failure_at = $2, locked_until = $3 \
             WHERE pool_id = $4 AND subject = $5 AND failures = $6 AND last_failure_at = $7 \
             AND locked_until = $8",
        )
        .bind(next.failures)
        .bind(next.last_failure_at)
        .bind(next.locked_until_ms)
        .bind(pool_id.as_str())
        .bind(subject)
        .bind(old.failures)
        .bind(old.last_failure_at)
        .bind(old.locked_until_ms),
    }
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}

/// Forgets the failure streak of `subject` (nothing to do when there is none).
pub(super) async fn clear(pool: &PgPool, pool_id: &PoolId, subject: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM lockouts WHERE pool_id = $1 AND subject = $2")
        .bind(pool_id.as_str())
        .bind(subject)
        .execute(pool)
        .await
        .map_err(backend)?;
    Ok(())
}
