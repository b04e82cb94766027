//! Mail quotas on SQLite: one counter per (subject, window), counted by one upsert.

use crate::error::backend;
use auth_return_core::model::Timestamp;
use auth_return_core::store::StoreResult;
use sqlx::SqlitePool;

/// Counts one mail if fewer than `limit` are counted in the window: the conflict branch
/// increments only under the limit (the statement holds the write lock from its first step), so no two reservations can take the last place. No row back: the quota is
/// spent.
pub(super) async fn reserve(
    pool: &SqlitePool,
    subject: &str,
    window_ends_at: Timestamp,
    limit: i64,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "INSERT INTO mail_quotas (subject, window_ends_at, used) VALUES (?1, ?2, 1) \
         ON CONFLICT (subject, window_ends_at) DO UPDATE SET used = mail_quotas.used + 1 \
         WHERE mail_quotas.used < ?3 RETURNING used",
    )
    .bind(subject)
    .bind(window_ends_at)
    .bind(limit)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    Ok(row.is_some())
}
