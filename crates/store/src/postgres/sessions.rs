//! Sign-in sessions and single-use SRP challenges on PostgreSQL.

use super::rows::{self, revoke_sessions, select_refresh_token, select_session};
use crate::convert::limit as sql_limit;
use crate::error::{backend, conflict};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{RefreshTokenRecord, Revocation, Session, Timestamp};
use auth_return_core::store::StoreResult;
use sqlx::PgPool;
use std::sync::atomic::{AtomicU64, Ordering};

/// Expired challenge nonces are pruned on one claim in this many.
const PRUNE_EVERY: u64 = 64;

/// How long a failure streak is remembered after its last failure.
const LOCKOUT_MEMORY_SECS: i64 = 3600;

/// Inserts a session and its first refresh token in one transaction.
pub(super) async fn insert(pool: &PgPool, session: &Session) -> StoreResult<()> {
    const TAKEN: &str = "session id or refresh token already exists";
    let mut tx = pool.begin().await.map_err(backend)?;
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
    .execute(&mut *tx)
    .await
    .map_err(conflict(TAKEN))?;
    sqlx::query(
        "INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(session.pool_id.as_str())
    .bind(&session.refresh_hash)
    .bind(session.id)
    .bind(session.auth_time)
    .execute(&mut *tx)
    .await
    .map_err(conflict(TAKEN))?;
    tx.commit().await.map_err(backend)
}

/// The refresh token of a hash, with its session.
pub(super) async fn get_refresh_token(
    pool: &PgPool,
    refresh_hash: &[u8],
) -> StoreResult<Option<(Session, RefreshTokenRecord)>> {
    let row = sqlx::query(concat!(select_refresh_token!(), " WHERE t.hash = $1"))
        .bind(refresh_hash)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::refresh_token).transpose()
}

/// Adds `new_hash` to the session (when the session is in the pool, and unless the session
/// has it already: every rotation of one token derives the same successor; another session's
/// hash is a conflict) and supersedes `presented_hash` if no rotation did yet, in one
/// transaction; only the first sets `superseded_at`.
pub(super) async fn rotate_refresh_token(
    pool: &PgPool,
    pool_id: &PoolId,
    session_id: uuid::Uuid,
    presented_hash: &[u8],
    new_hash: &[u8],
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(
        "UPDATE refresh_tokens SET superseded_at = $1 \
         WHERE hash = $2 AND session_id = $3 AND pool_id = $4 AND superseded_at IS NULL",
    )
    .bind(now)
    .bind(presented_hash)
    .bind(session_id)
    .bind(pool_id.as_str())
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    sqlx::query(
        "INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at) \
         SELECT pool_id, $1, id, $2 FROM sessions WHERE pool_id = $3 AND id = $4 \
         AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE hash = $1 AND session_id = sessions.id)",
    )
    .bind(new_hash)
    .bind(now)
    .bind(pool_id.as_str())
    .bind(session_id)
    .execute(&mut *tx)
    .await
    .map_err(conflict("refresh token already exists"))?;
    tx.commit().await.map_err(backend)
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

/// Revokes one session, keeping the first revocation time; a newly revoked session gets its
/// revocation entry atomically.
pub(super) async fn revoke(
    pool: &PgPool,
    pool_id: &PoolId,
    id: uuid::Uuid,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query_scalar::<_, i64>(revoke_sessions!(" AND id = $3"))
        .bind(at)
        .bind(pool_id.as_str())
        .bind(id)
        .fetch_one(pool)
        .await
        .map_err(backend)?;
    Ok(())
}

/// Revokes every not-yet-revoked session of the user, each with its revocation entry,
/// atomically.
pub(super) async fn revoke_user(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<u64> {
    let revoked = sqlx::query_scalar::<_, i64>(revoke_sessions!(" AND user_id = $3"))
        .bind(at)
        .bind(pool_id.as_str())
        .bind(user_id.as_uuid())
        .fetch_one(pool)
        .await
        .map_err(backend)?;
    Ok(u64::try_from(revoked).unwrap_or(0))
}

/// Revocations of the pool in force at `now`, in (`revoked_at`, `origin_jti`) order after
/// `after`, at most `limit`. Native UUID order equals lowercase hyphenated text order
/// (bytewise comparison; hex digits sort in value order), so pages match SQLite's.
pub(super) async fn list_revocations(
    pool: &PgPool,
    pool_id: &PoolId,
    after: Option<(Timestamp, uuid::Uuid)>,
    now: Timestamp,
    limit: usize,
) -> StoreResult<Vec<Revocation>> {
    macro_rules! list_sql {
        ($cond:literal) => {
            concat!(
                "SELECT pool_id, origin_jti, revoked_at, expires_at FROM revocations \
                 WHERE pool_id = $1 AND expires_at > $2",
                $cond,
                " ORDER BY revoked_at, origin_jti LIMIT $3"
            )
        };
    }
    let query = match after {
        None => sqlx::query(list_sql!("")),
        Some(_) => sqlx::query(list_sql!(" AND (revoked_at, origin_jti) > ($4, $5)")),
    }
    .bind(pool_id.as_str())
    .bind(now)
    .bind(sql_limit(limit));
    let query = match after {
        None => query,
        Some((revoked_at, origin_jti)) => query.bind(revoked_at).bind(origin_jti),
    };
    let rows = query.fetch_all(pool).await.map_err(backend)?;
    rows.iter().map(rows::revocation).collect()
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

/// Deletes expired sessions (their refresh tokens cascade), codes, used challenges and
/// revocations, and failure streaks whose last failure is more than [`LOCKOUT_MEMORY_SECS`]
/// before `now`; the number of sessions, codes, challenges, revocations and streaks deleted.
pub(super) async fn prune_expired(pool: &PgPool, now: Timestamp) -> StoreResult<u64> {
    let mut pruned = 0;
    for sql in [
        "DELETE FROM sessions WHERE expires_at < $1",
        "DELETE FROM codes WHERE expires_at < $1",
        "DELETE FROM used_challenges WHERE expires_at < $1",
        "DELETE FROM revocations WHERE expires_at < $1",
        "DELETE FROM mail_quotas WHERE window_ends_at < $1",
    ] {
        let done = sqlx::query(sql)
            .bind(now)
            .execute(pool)
            .await
            .map_err(backend)?;
        pruned += done.rows_affected();
    }
    let done = sqlx::query("DELETE FROM lockouts WHERE last_failure_at < $1")
        .bind(now.saturating_sub(LOCKOUT_MEMORY_SECS))
        .execute(pool)
        .await
        .map_err(backend)?;
    pruned += done.rows_affected();
    Ok(pruned)
}
