//! The change feed, for both dialects: entries numbered `MAX(seq) + 1` inside the writing
//! transaction, after the dialect's `lock_change_feed` has serialized writers of the feed until
//! commit, so numbers follow commit order and a reader that has seen `seq` never finds a
//! smaller one appear later.

/// Implements `ChangeStore` for `$store`, and `record_change` (for the writers of keys).
macro_rules! change_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use auth_return_core::model::{Change, ChangeSubject};
            use auth_return_core::store::{ChangeStore, StoreResult};
            use $crate::convert::limit;
            use $crate::error::backend;

            impl $store {
                /// Records `subject` as changed, in the caller's transaction (after its write).
                async fn record_change(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    subject: &ChangeSubject,
                ) -> StoreResult<()> {
                    Self::lock_change_feed(&mut *conn).await?;
                    let (kind, subject) = subject.to_parts();
                    sqlx::query(
                        "INSERT INTO config_changes (seq, kind, subject) \
                         SELECT COALESCE(MAX(seq), 0) + 1, $1, $2 FROM config_changes",
                    )
                    .bind(kind)
                    .bind(subject)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl ChangeStore for $store {
                async fn changes_since(
                    &self,
                    after: i64,
                    limit_to: usize,
                ) -> StoreResult<Vec<Change>> {
                    let rows = sqlx::query(
                        "SELECT seq, kind, subject FROM config_changes WHERE seq > $1 \
                         ORDER BY seq LIMIT $2",
                    )
                    .bind(after)
                    .bind(limit(limit_to))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.iter().map(rows::change).collect()
                }

                async fn latest_change(&self) -> StoreResult<i64> {
                    sqlx::query_scalar(
                        "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM config_changes",
                    )
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)
                }
            }
        };
    };
}
pub(crate) use change_store;
