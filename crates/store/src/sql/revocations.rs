//! The revocation feed, for both dialects. Entries are written by the dialects'
//! `revoke_sessions`; this reads them.

/// `SELECT` of a pool's revocations in force at `$2`, in (`revoked_at`, `origin_jti`) order,
/// at most `$3`, with `$cond` (empty, or the position to continue after as `$4`, `$5`).
macro_rules! list_revocations_sql {
    ($cond:literal) => {
        concat!(
            "SELECT pool_id, origin_jti, revoked_at, expires_at FROM revocations \
             WHERE pool_id = $1 AND expires_at > $2",
            $cond,
            " ORDER BY revoked_at, origin_jti LIMIT $3"
        )
    };
}
pub(crate) use list_revocations_sql;

/// Implements `RevocationStore` for `$store`.
macro_rules! revocation_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::ids::{PoolId, SessionId};
            use auth_return_core::model::{Revocation, Timestamp};
            use auth_return_core::store::{RevocationStore, StoreResult};
            use $crate::convert::limit;
            use $crate::error::backend;
            use $crate::sql::revocations::list_revocations_sql;

            #[async_trait::async_trait]
            impl RevocationStore for $store {
                /// Revocations of the pool in force at `now`, in (`revoked_at`, `origin_jti`)
                /// order after `after`, at most `limit`. Native UUID order (PostgreSQL) equals
                /// lowercase hyphenated text order (SQLite), so pages match.
                async fn list_revocations(
                    &self,
                    pool_id: &PoolId,
                    after: Option<(Timestamp, SessionId)>,
                    now: Timestamp,
                    limit_to: usize,
                ) -> StoreResult<Vec<Revocation>> {
                    let query = match after {
                        None => sqlx::query(list_revocations_sql!("")),
                        Some(_) => sqlx::query(list_revocations_sql!(
                            " AND (revoked_at, origin_jti) > ($4, $5)"
                        )),
                    }
                    .bind(pool_id)
                    .bind(now)
                    .bind(limit(limit_to));
                    let query = match after {
                        None => query,
                        Some((revoked_at, origin_jti)) => query.bind(revoked_at).bind(origin_jti),
                    };
                    let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(rows::revocation).collect()
                }
            }
        };
    };
}
pub(crate) use revocation_store;
