//! What PostgreSQL does differently: several instances write at once under READ COMMITTED, so
//! what must stay true until commit is locked explicitly (a user row, the change feed), and a
//! revocation is one statement with a data-modifying `WITH`.

use super::PgStore;
use crate::error::{backend, conflict};
use crate::sql::users::{USER_TAKEN, insert_user};
use crate::sql::{Whose, bind_whose};
use auth_return_core::ids::{AppId, PoolId, UserId};
use auth_return_core::model::{Timestamp, User};
use auth_return_core::store::{StoreError, StoreResult};
use sqlx::PgConnection;

/// Revokes the pool's (`$2`) not-yet-revoked sessions meeting `$cond` (`AND …`, binding `$3`)
/// at `$1` and records a revocation for each (expiring `$1` plus its client's token validity),
/// in one statement; selects how many sessions it revoked. The `UPDATE` locks each session row
/// before its entry is written, so every writer of entries takes locks in one order (session,
/// then entry) and a concurrent revocation of the same session waits, then finds it revoked
/// and records nothing.
macro_rules! revoke_sessions {
    ($cond:literal) => {
        concat!(
            "WITH revoked AS (UPDATE sessions SET revoked_at = $1 \
             WHERE revoked_at IS NULL AND pool_id = $2",
            $cond,
            " RETURNING pool_id, id, client_id), \
             recorded AS (INSERT INTO revocations (pool_id, origin_jti, revoked_at, expires_at) \
             SELECT r.pool_id, r.id, $1, $1 + c.token_validity_secs \
             FROM revoked r JOIN clients c ON c.client_id = r.client_id \
             ON CONFLICT (pool_id, origin_jti) DO NOTHING) \
             SELECT count(*) FROM revoked"
        )
    };
}

impl PgStore {
    /// Locks the user row until commit; `false` if there is none.
    pub(super) async fn lock_user(
        conn: &mut PgConnection,
        pool_id: &PoolId,
        user_id: UserId,
    ) -> StoreResult<bool> {
        let found =
            sqlx::query("SELECT 1 FROM users WHERE pool_id = $1 AND user_id = $2 FOR UPDATE")
                .bind(pool_id)
                .bind(user_id)
                .fetch_optional(conn)
                .await
                .map_err(backend)?;
        Ok(found.is_some())
    }

    /// Locks the app row (if any) until commit: a count read after it stays true.
    pub(super) async fn lock_app(conn: &mut PgConnection, app_id: &AppId) -> StoreResult<()> {
        sqlx::query("SELECT 1 FROM apps WHERE app_id = $1 FOR UPDATE")
            .bind(app_id)
            .fetch_optional(conn)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Holds the app of `pool_id` until the transaction ends (as [`Self::lock_app`]).
    pub(super) async fn lock_pool(conn: &mut PgConnection, pool_id: &PoolId) -> StoreResult<()> {
        sqlx::query("SELECT 1 FROM apps WHERE pool_id = $1 FOR UPDATE")
            .bind(pool_id)
            .fetch_optional(conn)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Revokes the sessions and records their revocations in one statement on `conn`; how many
    /// it revoked.
    pub(super) async fn revoke_sessions(
        conn: &mut PgConnection,
        pool_id: &PoolId,
        at: Timestamp,
        whose: Whose<'_>,
    ) -> StoreResult<u64> {
        let sql = match whose {
            Whose::Session(_) => revoke_sessions!(" AND id = $3"),
            Whose::User(_) => revoke_sessions!(" AND user_id = $3"),
            Whose::Client(_) => revoke_sessions!(" AND client_id = $3"),
        };
        let revoked: i64 = bind_whose!(sqlx::query_scalar(sql).bind(at).bind(pool_id), whose)
            .fetch_one(conn)
            .await
            .map_err(backend)?;
        Ok(u64::try_from(revoked).unwrap_or(0))
    }

    /// Inserts a user only into an empty pool. Under READ COMMITTED a `NOT EXISTS` alone would
    /// let two transactions each see the pool empty, so the pool's app row is locked first:
    /// every insert into the pool takes a key-share lock on that row (the foreign key), which
    /// `FOR UPDATE` excludes, so the emptiness read after the lock stays true until this
    /// transaction ends.
    pub(super) async fn insert_into_empty_pool(&self, user: &User) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let app = sqlx::query("SELECT 1 FROM apps WHERE pool_id = $1 FOR UPDATE")
            .bind(&user.pool_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if app.is_none() {
            return Err(StoreError::Backend(format!(
                "no pool {} to insert a user into",
                user.pool_id
            )));
        }
        let occupied = sqlx::query("SELECT 1 FROM users WHERE pool_id = $1 LIMIT 1")
            .bind(&user.pool_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        if occupied.is_some() {
            tx.rollback().await.map_err(backend)?;
            return Ok(false);
        }
        let sql = insert_user!("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
        Self::bind_new_user(sql, user)?
            .execute(&mut *tx)
            .await
            .map_err(conflict(USER_TAKEN))?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    /// Locks the feed's table until commit: EXCLUSIVE lets readers through but serializes
    /// writers of the feed.
    pub(super) async fn lock_change_feed(conn: &mut PgConnection) -> StoreResult<()> {
        sqlx::query("LOCK TABLE config_changes IN EXCLUSIVE MODE")
            .execute(conn)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
