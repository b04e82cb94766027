//! What SQLite does differently: it has no row locks and no data-modifying `WITH`, but a
//! writing transaction holds the database's one write lock from its first write to its commit,
//! so whatever it read after that first write stays true until it ends.

use super::SqliteStore;
use crate::error::{backend, conflict};
use crate::sql::users::{USER_TAKEN, insert_user};
use crate::sql::{Whose, bind_whose};
use auth_return_core::ids::{AppId, PoolId, UserId};
use auth_return_core::model::{Timestamp, User};
use auth_return_core::store::StoreResult;
use sqlx::SqliteConnection;

/// Records a revocation (at `$1`, expiring `$1` plus the client's token validity) for every
/// not-yet-revoked session of pool `$2` that also meets `$cond` (`AND …`, binding `$3`). Run
/// before the statement that revokes those sessions, in its transaction. An entry that exists
/// already is kept.
macro_rules! record_revocations {
    ($cond:literal) => {
        concat!(
            "INSERT INTO revocations (pool_id, origin_jti, revoked_at, expires_at) \
             SELECT s.pool_id, s.id, $1, $1 + c.token_validity_secs \
             FROM sessions s JOIN clients c ON c.client_id = s.client_id \
             WHERE s.revoked_at IS NULL AND s.pool_id = $2",
            $cond,
            " ON CONFLICT (pool_id, origin_jti) DO NOTHING"
        )
    };
}

/// Revokes (at `$1`) the not-yet-revoked sessions of pool `$2` that meet `$cond`.
macro_rules! revoke {
    ($cond:literal) => {
        concat!(
            "UPDATE sessions SET revoked_at = $1 WHERE pool_id = $2 AND revoked_at IS NULL",
            $cond
        )
    };
}

impl SqliteStore {
    /// Nothing to lock: the `DELETE` that follows takes the write lock and tells whether the
    /// user exists.
    pub(super) async fn lock_user(
        _conn: &mut SqliteConnection,
        _pool_id: &PoolId,
        _user_id: UserId,
    ) -> StoreResult<bool> {
        Ok(true)
    }

    /// Nothing to lock: a count read inside the writing statement that follows stays true
    /// until the transaction ends (and a read before it would risk a busy lock upgrade).
    pub(super) async fn lock_app(_conn: &mut SqliteConnection, _app_id: &AppId) -> StoreResult<()> {
        Ok(())
    }

    /// Nothing to lock: as for [`Self::lock_app`].
    pub(super) async fn lock_pool(
        _conn: &mut SqliteConnection,
        _pool_id: &PoolId,
    ) -> StoreResult<()> {
        Ok(())
    }

    /// Records a revocation for each of the sessions, then revokes them, on `conn` (in a
    /// transaction); how many it revoked.
    pub(super) async fn revoke_sessions(
        conn: &mut SqliteConnection,
        pool_id: &PoolId,
        at: Timestamp,
        whose: Whose<'_>,
    ) -> StoreResult<u64> {
        let (record, revoke) = match whose {
            Whose::Session(_) => (
                record_revocations!(" AND s.id = $3"),
                revoke!(" AND id = $3"),
            ),
            Whose::User(_) => (
                record_revocations!(" AND s.user_id = $3"),
                revoke!(" AND user_id = $3"),
            ),
            Whose::Client(_) => (
                record_revocations!(" AND s.client_id = $3"),
                revoke!(" AND client_id = $3"),
            ),
        };
        bind_whose!(sqlx::query(record).bind(at).bind(pool_id), whose)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        let done = bind_whose!(sqlx::query(revoke).bind(at).bind(pool_id), whose)
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }

    /// Inserts a user only into an empty pool, in one statement: a writing statement holds the
    /// write lock from its first step, so the emptiness it reads is still true when it writes,
    /// whatever other connections do.
    pub(super) async fn insert_into_empty_pool(&self, user: &User) -> StoreResult<bool> {
        let sql = insert_user!(
            "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 \
             WHERE NOT EXISTS (SELECT 1 FROM users WHERE pool_id = $1)"
        );
        let done = Self::bind_new_user(sql, user)?
            .execute(&self.pool)
            .await
            .map_err(conflict(USER_TAKEN))?;
        Ok(done.rows_affected() == 1)
    }

    /// Nothing to lock: the transaction's write already holds the database's write lock.
    pub(super) async fn lock_change_feed(_conn: &mut SqliteConnection) -> StoreResult<()> {
        Ok(())
    }
}
