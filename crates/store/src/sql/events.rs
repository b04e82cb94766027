//! Audit events, for both dialects: recorded by multi-row `INSERT`s (one transaction when a
//! batch needs several), listed newest first by id, pruned oldest first in bounded batches.

/// Rows per `INSERT` (9 bound values each: far below SQLite's 32,766 and PostgreSQL's 65,535
/// parameters per statement).
pub(crate) const EVENTS_PER_INSERT: usize = 500;

/// `SELECT` of a pool's events (`$1`) with an id below `$2` meeting `$cond`, newest first, at
/// most `$3`.
macro_rules! list_events_sql {
    ($cond:literal) => {
        concat!(
            $crate::sql::rows::select_event!(),
            " WHERE pool_id = $1 AND id < $2",
            $cond,
            " ORDER BY id DESC LIMIT $3"
        )
    };
}
pub(crate) use list_events_sql;

/// Implements `EventStore` for `$store` on database `$db`.
macro_rules! event_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use auth_return_core::events::{
                CLIENT_IP_MAX_CHARS, EMAIL_MAX_CHARS, Event, EventQuery, NewEvent,
                USER_AGENT_MAX_CHARS, cap,
            };
            use auth_return_core::ids::PoolId;
            use auth_return_core::model::Timestamp;
            use auth_return_core::store::{EventStore, StoreResult};
            use $crate::convert::detail_to_json;
            use $crate::error::backend;
            use $crate::sql::events::{EVENTS_PER_INSERT, list_events_sql};

            /// One `INSERT` of every event of `events`, the free-text fields capped (the ids
            /// come from the table's sequence).
            fn insert_events(events: &[NewEvent]) -> StoreResult<sqlx::QueryBuilder<$db>> {
                let details = events
                    .iter()
                    .map(|event| detail_to_json(&event.detail))
                    .collect::<StoreResult<Vec<_>>>()?;
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO events (pool_id, at, kind, user_id, email, actor, client_ip, \
                     user_agent, detail) ",
                );
                insert.push_values(events.iter().zip(details), |mut row, (event, detail)| {
                    let capped = |text: &Option<String>, max| {
                        text.as_deref().map(|text| cap(text, max).to_owned())
                    };
                    row.push_bind(event.pool_id.clone())
                        .push_bind(event.at)
                        .push_bind(event.kind.as_str())
                        .push_bind(event.user_id)
                        .push_bind(capped(&event.email, EMAIL_MAX_CHARS))
                        .push_bind(event.actor.clone())
                        .push_bind(capped(&event.client_ip, CLIENT_IP_MAX_CHARS))
                        .push_bind(capped(&event.user_agent, USER_AGENT_MAX_CHARS))
                        .push_bind(detail);
                });
                Ok(insert)
            }

            #[async_trait::async_trait]
            impl EventStore for $store {
                /// One multi-row `INSERT` per `EVENTS_PER_INSERT` events (in one transaction
                /// when a batch needs several); the insert's trigger queues the webhook
                /// deliveries (migration 0023).
                async fn record_events(&self, events: &[NewEvent]) -> StoreResult<()> {
                    if events.len() <= EVENTS_PER_INSERT {
                        if !events.is_empty() {
                            insert_events(events)?
                                .build()
                                .execute(&self.pool)
                                .await
                                .map_err(backend)?;
                        }
                        return Ok(());
                    }
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    for chunk in events.chunks(EVENTS_PER_INSERT) {
                        insert_events(chunk)?
                            .build()
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)
                }

                /// One of four statements, by which filters are set (so each can use its
                /// index); no cursor is an id above every other.
                async fn list_events(
                    &self,
                    pool_id: &PoolId,
                    query: &EventQuery,
                ) -> StoreResult<Vec<Event>> {
                    let before = query.before.unwrap_or(i64::MAX);
                    let limit = i64::from(query.limit);
                    let found = match (query.kind, query.user_id) {
                        (None, None) => {
                            sqlx::query(list_events_sql!(""))
                                .bind(pool_id)
                                .bind(before)
                                .bind(limit)
                                .fetch_all(&self.pool)
                                .await
                        }
                        (Some(kind), None) => {
                            sqlx::query(list_events_sql!(" AND kind = $4"))
                                .bind(pool_id)
                                .bind(before)
                                .bind(limit)
                                .bind(kind.as_str())
                                .fetch_all(&self.pool)
                                .await
                        }
                        (None, Some(user)) => {
                            sqlx::query(list_events_sql!(" AND user_id = $4"))
                                .bind(pool_id)
                                .bind(before)
                                .bind(limit)
                                .bind(user)
                                .fetch_all(&self.pool)
                                .await
                        }
                        (Some(kind), Some(user)) => {
                            sqlx::query(list_events_sql!(" AND kind = $4 AND user_id = $5"))
                                .bind(pool_id)
                                .bind(before)
                                .bind(limit)
                                .bind(kind.as_str())
                                .bind(user)
                                .fetch_all(&self.pool)
                                .await
                        }
                    };
                    found.map_err(backend)?.iter().map(rows::event).collect()
                }

                /// One `DELETE` of the oldest `batch` events before `before`, found by
                /// `events_by_time`.
                async fn prune_events(&self, before: Timestamp, batch: u32) -> StoreResult<u64> {
                    let done = sqlx::query(
                        "DELETE FROM events WHERE id IN \
                         (SELECT id FROM events WHERE at < $1 ORDER BY at LIMIT $2)",
                    )
                    .bind(before)
                    .bind(i64::from(batch))
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}
pub(crate) use event_store;
