//! Mail quotas, for both dialects: one counter per (subject, window), counted by one upsert.

/// Implements `MailQuotaStore` for `$store`.
macro_rules! mail_quota_store {
    ($store:ty) => {
        const _: () = {
            use auth_return_core::model::Timestamp;
            use auth_return_core::store::{MailQuotaStore, StoreResult};
            use $crate::error::backend;

            #[async_trait::async_trait]
            impl MailQuotaStore for $store {
                /// Counts one mail if fewer than `limit` are counted in the window: the
                /// conflict branch increments only under the limit (SQLite's statement holds
                /// the write lock from its first step; PostgreSQL re-checks the condition on
                /// the row as the lock holder left it), so no two reservations can take the
                /// last place. No row back: the quota is spent.
                async fn reserve_mail_quota(
                    &self,
                    subject: &str,
                    window_ends_at: Timestamp,
                    limit: i64,
                ) -> StoreResult<bool> {
                    let row = sqlx::query(
                        "INSERT INTO mail_quotas (subject, window_ends_at, used) \
                         VALUES ($1, $2, 1) ON CONFLICT (subject, window_ends_at) \
                         DO UPDATE SET used = mail_quotas.used + 1 \
                         WHERE mail_quotas.used < $3 RETURNING used",
                    )
                    .bind(subject)
                    .bind(window_ends_at)
                    .bind(limit)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(row.is_some())
                }
            }
        };
    };
}
pub(crate) use mail_quota_store;
