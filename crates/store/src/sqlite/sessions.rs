//! Sign-in sessions and single-use SRP challenges on SQLite.

use super::rows::{self, record_revocations, select_refresh_token, select_session, uuid_text};
use crate::convert::limit as sql_limit;
use crate::error::{backend, conflict};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{RefreshTokenRecord, Revocation, Session, Timestamp};
use auth_return_core::store::StoreResult;
use sqlx::SqlitePool;
use std::sync::atomic::{AtomicU64, Ordering};

/// Expired challenge nonces are pruned on one claim in this many.
const PRUNE_EVERY: u64 = 64;

/// How long a failure streak is remembered after its last failure.
const LOCKOUT_MEMORY_SECS: i64 = 3600;

/// Inserts a session and its first refresh token in one transaction.
pub(super) async fn insert(pool: &SqlitePool, session: &Session) -> StoreResult<()> {
    const TAKEN: &str = "session id or refresh token already exists";
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(
        "INSERT INTO sessions (id, pool_id, client_id, user_id, refresh_hash, auth_time, \
         expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(uuid_text(session.id))
    .bind(session.pool_id.as_str())
    .bind(session.client_id.as_str())
    .bind(uuid_text(session.user_id.as_uuid()))
    .bind(&session.refresh_hash)
    .bind(session.auth_time)
    .bind(session.expires_at)
    .bind(session.revoked_at)
    .execute(&mut *tx)
    .await
    .map_err(conflict(TAKEN))?;
    sqlx::query(
        "INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(session.pool_id.as_str())
    .bind(&session.refresh_hash)
    .bind(uuid_text(session.id))
    .bind(session.auth_time)
    .execute(&mut *tx)
    .await
    .map_err(conflict(TAKEN))?;
    tx.commit().await.map_err(backend)
}

/// The refresh token of a hash, with its session.
pub(super) async fn get_refresh_token(
    pool: &SqlitePool,
    refresh_hash: &[u8],
) -> StoreResult<Option<(Session, RefreshTokenRecord)>> {
    let row = sqlx::query(concat!(select_refresh_token!(), " WHERE t.hash = ?"))
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
    pool: &SqlitePool,
    pool_id: &PoolId,
    session_id: uuid::Uuid,
    presented_hash: &[u8],
    new_hash: &[u8],
    now: Timestamp,
) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(
        "UPDATE refresh_tokens SET superseded_at = ? \
         WHERE hash = ? AND session_id = ? AND pool_id = ? AND superseded_at IS NULL",
    )
    .bind(now)
    .bind(presented_hash)
    .bind(uuid_text(session_id))
    .bind(pool_id.as_str())
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    sqlx::query(
        "INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at) \
         SELECT pool_id, ?, id, ? FROM sessions WHERE pool_id = ? AND id = ? \
         AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE hash = ? AND session_id = sessions.id)",
    )
    .bind(new_hash)
    .bind(now)
    .bind(pool_id.as_str())
    .bind(uuid_text(session_id))
    .bind(new_hash)
    .execute(&mut *tx)
    .await
    .map_err(conflict("refresh token already exists"))?;
    tx.commit().await.map_err(backend)
}

/// A session by id, within the pool.
pub(super) async fn get(
    pool: &SqlitePool,
    pool_id: &PoolId,
    id: uuid::Uuid,
) -> StoreResult<Option<Session>> {
    let row = sqlx::query(concat!(select_session!(), " WHERE pool_id = ? AND id = ?"))
        .bind(pool_id.as_str())
        .bind(uuid_text(id))
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::session).transpose()
}

/// Revokes one session, keeping the first revocation time; a newly revoked session gets its
/// revocation entry in the same transaction.
pub(super) async fn revoke(
    pool: &SqlitePool,
    pool_id: &PoolId,
    id: uuid::Uuid,
    at: Timestamp,
) -> StoreResult<()> {
    let id = uuid_text(id);
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(record_revocations!(" AND s.id = ?3"))
        .bind(at)
        .bind(pool_id.as_str())
        .bind(id.clone())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "UPDATE sessions SET revoked_at = ? WHERE pool_id = ? AND id = ? AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(pool_id.as_str())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    tx.commit().await.map_err(backend)
}

/// Revokes every not-yet-revoked session of the user, each with its revocation entry, in one
/// transaction.
pub(super) async fn revoke_user(
    pool: &SqlitePool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<u64> {
    let user = uuid_text(user_id.as_uuid());
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(record_revocations!(" AND s.user_id = ?3"))
        .bind(at)
        .bind(pool_id.as_str())
        .bind(user.clone())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = ? WHERE pool_id = ? AND user_id = ? AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(pool_id.as_str())
    .bind(user)
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(done.rows_affected())
}

/// Revocations of the pool in force at `now`, in (`revoked_at`, `origin_jti` text) order after
/// `after`, at most `limit`.
pub(super) async fn list_revocations(
    pool: &SqlitePool,
    pool_id: &PoolId,
    after: Option<(Timestamp, uuid::Uuid)>,
    now: Timestamp,
    limit: usize,
) -> StoreResult<Vec<Revocation>> {
    macro_rules! list_sql {
        ($cond:literal) => {
            concat!(
                "SELECT pool_id, origin_jti, revoked_at, expires_at FROM revocations \
                 WHERE pool_id = ?1 AND expires_at > ?2",
                $cond,
                " ORDER BY revoked_at, origin_jti LIMIT ?3"
            )
        };
    }
    let query = match after {
        None => sqlx::query(list_sql!("")),
        Some(_) => sqlx::query(list_sql!(" AND (revoked_at, origin_jti) > (?4, ?5)")),
    }
    .bind(pool_id.as_str())
    .bind(now)
    .bind(sql_limit(limit));
    let query = match after {
        None => query,
        Some((revoked_at, origin_jti)) => query.bind(revoked_at).bind(uuid_text(origin_jti)),
    };
    let rows = query.fetch_all(pool).await.map_err(backend)?;
    rows.iter().map(rows::revocation).collect()
}

/// Records the nonce; `true` when this call inserted it. An already-expired challenge is never
/// claimable (so pruning cannot reopen a replay window).
pub(super) async fn claim_challenge(
    pool: &SqlitePool,
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
        sqlx::query("DELETE FROM used_challenges WHERE expires_at < ?")
            .bind(now)
            .execute(pool)
            .await
            .map_err(backend)?;
    }
    let done = sqlx::query(
        "INSERT INTO used_challenges (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING",
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
pub(super) async fn prune_expired(pool: &SqlitePool, now: Timestamp) -> StoreResult<u64> {
    let mut pruned = 0;
    for sql in [
        "DELETE FROM sessions WHERE expires_at < ?",
        "DELETE FROM codes WHERE expires_at < ?",
        "DELETE FROM used_challenges WHERE expires_at < ?",
        "DELETE FROM revocations WHERE expires_at < ?",
        "DELETE FROM mail_quotas WHERE window_ends_at < ?",
    ] {
        let done = sqlx::query(sql)
            .bind(now)
            .execute(pool)
            .await
            .map_err(backend)?;
        pruned += done.rows_affected();
    }
    let done = sqlx::query("DELETE FROM lockouts WHERE last_failure_at < ?")
        .bind(now.saturating_sub(LOCKOUT_MEMORY_SECS))
        .execute(pool)
        .await
        .map_err(backend)?;
    pruned += done.rows_affected();
    Ok(pruned)
}
