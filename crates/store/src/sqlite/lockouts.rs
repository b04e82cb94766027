//! Sign-in failure streaks on SQLite: one row per (pool, subject), replaced whole.

use super::rows;
use crate::error::backend;
use auth_return_core::ids::PoolId;
use auth_return_core::model::LockoutRecord;
use auth_return_core::store::StoreResult;
use sqlx::SqlitePool;

/// The failure streak of `subject`.
pub(super) async fn get(
    pool: &SqlitePool,
    pool_id: &PoolId,
    subject: &str,
) -> StoreResult<Option<LockoutRecord>> {
    let row = sqlx::query(
        "SELECT failures, last_failure_at, locked_until FROM lockouts \
         WHERE pool_id = ? AND subject = ?",
    )
    .bind(pool_id.as_str())
    .bind(subject)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::lockout).transpose()
}

/// Stores or replaces the failure streak of `subject`, in one statement.
pub(super) async fn put(
    pool: &SqlitePool,
    pool_id: &PoolId,
    subject: &str,
    record: &LockoutRecord,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO lockouts (pool_id, subject, failures, last_failure_at, locked_until) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (pool_id, subject) DO UPDATE SET \
         failures = excluded.failures, last_failure_at = excluded.last_failure_at, \
         locked_until = excluded.locked_until",
    )
    .bind(pool_id.as_str())
    .bind(subject)
    .bind(record.failures)
    .bind(record.last_failure_at)
    .bind(record.locked_until_ms)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Forgets the failure streak of `subject` (nothing to do when there is none).
pub(super) async fn clear(pool: &SqlitePool, pool_id: &PoolId, subject: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM lockouts WHERE pool_id = ? AND subject = ?")
        .bind(pool_id.as_str())
        .bind(subject)
        .execute(pool)
        .await
        .map_err(backend)?;
    Ok(())
}
