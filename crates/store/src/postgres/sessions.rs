//! Sign-in sessions and single-use SRP challenges on PostgreSQL.

use super::rows::{self, select_session};
use crate::error::{backend, conflict};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{Session, Timestamp};
use auth_return_core::store::StoreResult;
use sqlx::PgPool;
use std::sync::atomic::{AtomicU64, Ordering};

/// Expired challenge nonces are pruned on one claim in this many.
const PRUNE_EVERY: u64 = 64;

/// Inserts a session.
pub(super) async fn insert(pool: &PgPool, session: &Session) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (id, pool_id, client_id, user_id, refresh_hash, auth_time, \
         expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(session.id)
    .bind(session.pool_id.as_str())
    .bind(session.client_id.as_str())
    .bind(session.user_id.as_uuid())
    .bind(&session.refresh_hash)
    .bind(session.auth_time)
    .bind(session.expires_at)
    .bind(session.revoked_at)
    .execute(pool)
    .await
    .map_err(conflict("session id or refresh token already exists"))?;
    Ok(())
}

/// The session of a refresh token hash.
pub(super) async fn get_by_refresh_hash(
    pool: &PgPool,
    refresh_hash: &[u8],
) -> StoreResult<Option<Session>> {
    let row = sqlx::query(concat!(select_session!(), " WHERE refresh_hash = $1"))
        .bind(refresh_hash)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::session).transpose()
}

/// A session by id, within the pool.
pub(super) async fn get(
    pool: &PgPool,
    pool_id: &PoolId,
    id: uuid::Uuid,
) -> StoreResult<Option<Session>> {
    let row = sqlx::query(concat!(
        select_session!(),
        " WHERE pool_id = $1 AND id = $2"
    ))
    .bind(pool_id.as_str())
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::session).transpose()
}

/// Revokes one session, keeping the first revocation time.
pub(super) async fn revoke(
    pool: &PgPool,
    pool_id: &PoolId,
    id: uuid::Uuid,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE pool_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(pool_id.as_str())
    .bind(id)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Revokes every not-yet-revoked session of the user.
pub(super) async fn revoke_user(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE pool_id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected())
}

/// Records the nonce; `true` when this call inserted it. An already-expired challenge is never
/// claimable (so pruning cannot reopen a replay window).
pub(super) async fn claim_challenge(
    pool: &PgPool,
    claims: &AtomicU64,
    nonce: &[u8],
    expires_at: Timestamp,
    now: Timestamp,
) -> StoreResult<bool> {
    if expires_at < now {
        return Ok(false);
    }
    if claims
        .fetch_add(1, Ordering::Relaxed)
        .is_multiple_of(PRUNE_EVERY)
    {
        sqlx::query("DELETE FROM used_challenges WHERE expires_at < $1")
            .bind(now)
            .execute(pool)
            .await
            .map_err(backend)?;
    }
    let done = sqlx::query(
        "INSERT INTO used_challenges (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
    )
    .bind(nonce)
    .bind(expires_at)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected() == 1)
}
