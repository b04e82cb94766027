//! Housekeeping, for both dialects: expired rows of every table go in one call.

/// How long a failure streak is remembered after its last failure.
pub(crate) const LOCKOUT_MEMORY_SECS: i64 = 3600;

/// How long a spent authorization code is remembered after it expires. An expired code is
/// spent all the same (expiry is the exchange's to judge), so a second use shortly after expiry
/// is still a replay, naming the session the first exchange opened for revocation (RFC 6749
/// §4.1.2), rather than a first use, which would let that session live on.
pub(crate) const AUTHORIZATION_CODE_MEMORY_SECS: i64 = 3600;

/// Implements `PruneStore` for `$store`.
macro_rules! prune_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::model::Timestamp;
            use auth_return_core::store::{CHANGES_KEPT, PruneStore, StoreResult};
            use $crate::error::backend;
            use $crate::sql::pruning::{AUTHORIZATION_CODE_MEMORY_SECS, LOCKOUT_MEMORY_SECS};

            #[async_trait::async_trait]
            impl PruneStore for $store {
                /// Deletes expired sessions (their refresh tokens cascade), codes, used
                /// challenges, revocations, mail-quota windows, hosted sessions and passkey ceremonies, spent authorization
                /// codes that expired more than `AUTHORIZATION_CODE_MEMORY_SECS` before `now`,
                /// failure streaks whose last failure is more than `LOCKOUT_MEMORY_SECS` before
                /// `now`, and all but the newest `CHANGES_KEPT` changes; how many rows went.
                async fn prune_expired(&self, now: Timestamp) -> StoreResult<u64> {
                    let mut pruned = 0;
                    for (sql, before) in [
                        ("DELETE FROM sessions WHERE expires_at < $1", now),
                        ("DELETE FROM codes WHERE expires_at < $1", now),
                        ("DELETE FROM used_challenges WHERE expires_at < $1", now),
                        ("DELETE FROM revocations WHERE expires_at < $1", now),
                        ("DELETE FROM mail_quotas WHERE window_ends_at < $1", now),
                        ("DELETE FROM hosted_sessions WHERE expires_at < $1", now),
                        ("DELETE FROM passkey_ceremonies WHERE expires_at < $1", now),
                        (
                            "DELETE FROM spent_authorization_codes WHERE expires_at < $1",
                            now.saturating_sub(AUTHORIZATION_CODE_MEMORY_SECS),
                        ),
                        (
                            "DELETE FROM lockouts WHERE last_failure_at < $1",
                            now.saturating_sub(LOCKOUT_MEMORY_SECS),
                        ),
                        (
                            "DELETE FROM config_changes \
                             WHERE seq <= (SELECT MAX(seq) FROM config_changes) - $1",
                            CHANGES_KEPT,
                        ),
                    ] {
                        let done = sqlx::query(sql)
                            .bind(before)
                            .execute(&self.pool)
                            .await
                            .map_err(backend)?;
                        pruned += done.rows_affected();
                    }
                    Ok(pruned)
                }
            }
        };
    };
}
pub(crate) use prune_store;
