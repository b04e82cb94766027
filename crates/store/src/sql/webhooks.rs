//! Webhook endpoints and their delivery queue, for both dialects. Deliveries are queued by the
//! trigger on `events` (migration 0023), in the statement that records the event.

/// Columns of `webhook_endpoints w`.
macro_rules! select_webhook_endpoint {
    () => {
        "SELECT w.endpoint_id, w.pool_id, w.url, w.description, w.sealed_secret, w.enabled, \
         w.disabled_reason, w.created_at, w.failing_since FROM webhook_endpoints w"
    };
}
pub(crate) use select_webhook_endpoint;

/// Columns of `webhook_deliveries d`.
macro_rules! select_webhook_delivery {
    () => {
        "SELECT d.delivery_id, d.endpoint_id, d.event_id, d.user_id, d.status, d.attempts, \
         d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.created_at \
         FROM webhook_deliveries d"
    };
}
pub(crate) use select_webhook_delivery;

/// Implements `WebhookStore` for `$store` on database `$db`.
macro_rules! webhook_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use auth_return_core::events::EventKind;
            use auth_return_core::ids::{PoolId, WebhookId};
            use auth_return_core::model::Timestamp;
            use auth_return_core::store::{StoreError, StoreResult, WebhookStore};
            use auth_return_core::webhooks::{
                AttemptRecord, ClaimedDelivery, Delivery, DeliveryStatus, WebhookEndpoint,
            };
            use sqlx::Row;
            use std::collections::HashMap;
            use $crate::convert::event_kind_from_str;
            use $crate::error::{backend, conflict};
            use $crate::sql::rows::select_event;
            use $crate::sql::webhooks::{select_webhook_delivery, select_webhook_endpoint};

            /// Whose subscriptions to read.
            enum KindsOf<'a> {
                Endpoint(&'a str),
                Pool(&'a str),
            }

            impl $store {
                /// The kinds of one endpoint, or of every endpoint of a pool, by endpoint.
                async fn webhook_kinds(
                    &self,
                    of: KindsOf<'_>,
                ) -> StoreResult<HashMap<String, Vec<EventKind>>> {
                    let (sql, key) = match of {
                        KindsOf::Endpoint(id) => (
                            "SELECT endpoint_id, kind FROM webhook_subscriptions \
                             WHERE endpoint_id = $1 ORDER BY endpoint_id, kind",
                            id,
                        ),
                        KindsOf::Pool(pool) => (
                            "SELECT endpoint_id, kind FROM webhook_subscriptions \
                             WHERE pool_id = $1 ORDER BY endpoint_id, kind",
                            pool,
                        ),
                    };
                    let rows = sqlx::query(sql)
                        .bind(key)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    let mut kinds: HashMap<String, Vec<EventKind>> = HashMap::new();
                    for row in &rows {
                        let kind: String = row.try_get("kind").map_err(backend)?;
                        kinds
                            .entry(row.try_get("endpoint_id").map_err(backend)?)
                            .or_default()
                            .push(event_kind_from_str(&kind)?);
                    }
                    Ok(kinds)
                }

                /// One endpoint's kinds.
                async fn kinds_of(&self, id: &str) -> StoreResult<Vec<EventKind>> {
                    Ok(self
                        .webhook_kinds(KindsOf::Endpoint(id))
                        .await?
                        .remove(id)
                        .unwrap_or_default())
                }

                /// Replaces an endpoint's subscriptions with its kinds, on `conn`.
                async fn write_subscriptions(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    endpoint: &WebhookEndpoint,
                ) -> StoreResult<()> {
                    sqlx::query("DELETE FROM webhook_subscriptions WHERE endpoint_id = $1")
                        .bind(&endpoint.id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                    for kind in &endpoint.kinds {
                        sqlx::query(
                            "INSERT INTO webhook_subscriptions (pool_id, kind, endpoint_id) \
                             VALUES ($1, $2, $3)",
                        )
                        .bind(&endpoint.pool_id)
                        .bind(kind.as_str())
                        .bind(&endpoint.id)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                    }
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl WebhookStore for $store {
                /// The pool's app is held (PostgreSQL) and the count is in the insert's own
                /// statement, so a burst cannot overshoot.
                async fn insert_webhook_endpoint(
                    &self,
                    endpoint: &WebhookEndpoint,
                    max_per_pool: u64,
                ) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    Self::lock_pool(&mut tx, &endpoint.pool_id).await?;
                    let done = sqlx::query(
                        "INSERT INTO webhook_endpoints (endpoint_id, pool_id, url, description, \
                         sealed_secret, enabled, disabled_reason, created_at, failing_since) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 \
                         WHERE (SELECT COUNT(*) FROM webhook_endpoints WHERE pool_id = $2) < $10",
                    )
                    .bind(&endpoint.id)
                    .bind(&endpoint.pool_id)
                    .bind(&endpoint.url)
                    .bind(&endpoint.description)
                    .bind(&endpoint.sealed_secret)
                    .bind(endpoint.enabled)
                    .bind(&endpoint.disabled_reason)
                    .bind(endpoint.created_at)
                    .bind(endpoint.failing_since)
                    .bind(i64::try_from(max_per_pool).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await
                    .map_err(conflict("webhook endpoint already exists"))?;
                    if done.rows_affected() == 0 {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    Self::write_subscriptions(&mut tx, endpoint).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn get_webhook_endpoint(
                    &self,
                    pool_id: &PoolId,
                    id: &WebhookId,
                ) -> StoreResult<Option<WebhookEndpoint>> {
                    let row = sqlx::query(concat!(
                        select_webhook_endpoint!(),
                        " WHERE w.pool_id = $1 AND w.endpoint_id = $2"
                    ))
                    .bind(pool_id)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    let Some(row) = row else { return Ok(None) };
                    rows::webhook_endpoint(&row, self.kinds_of(id.as_str()).await?).map(Some)
                }

                async fn list_webhook_endpoints(
                    &self,
                    pool_id: &PoolId,
                ) -> StoreResult<Vec<WebhookEndpoint>> {
                    let rows = sqlx::query(concat!(
                        select_webhook_endpoint!(),
                        " WHERE w.pool_id = $1 ORDER BY w.created_at, w.endpoint_id"
                    ))
                    .bind(pool_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    let mut kinds = self.webhook_kinds(KindsOf::Pool(pool_id.as_str())).await?;
                    rows.iter()
                        .map(|row| {
                            let id: String = row.try_get("endpoint_id").map_err(backend)?;
                            rows::webhook_endpoint(row, kinds.remove(&id).unwrap_or_default())
                        })
                        .collect()
                }

                async fn update_webhook_endpoint(
                    &self,
                    endpoint: &WebhookEndpoint,
                ) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let done = sqlx::query(
                        "UPDATE webhook_endpoints SET url = $3, description = $4, \
                         sealed_secret = $5, enabled = $6, disabled_reason = $7, \
                         failing_since = $8 WHERE pool_id = $1 AND endpoint_id = $2",
                    )
                    .bind(&endpoint.pool_id)
                    .bind(&endpoint.id)
                    .bind(&endpoint.url)
                    .bind(&endpoint.description)
                    .bind(&endpoint.sealed_secret)
                    .bind(endpoint.enabled)
                    .bind(&endpoint.disabled_reason)
                    .bind(endpoint.failing_since)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    Self::write_subscriptions(&mut tx, endpoint).await?;
                    if !endpoint.enabled {
                        sqlx::query(
                            "UPDATE webhook_deliveries SET status = 'failed', \
                             claimed_until = NULL, last_error = 'the endpoint was disabled' \
                             WHERE endpoint_id = $1 AND status = 'pending'",
                        )
                        .bind(&endpoint.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn delete_webhook_endpoint(
                    &self,
                    pool_id: &PoolId,
                    id: &WebhookId,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM webhook_endpoints WHERE pool_id = $1 AND endpoint_id = $2",
                    )
                    .bind(pool_id)
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                /// The claim's conditions are in the `UPDATE`'s own `WHERE` too, which
                /// PostgreSQL checks again on a row another instance claimed meanwhile.
                async fn claim_webhook_deliveries(
                    &self,
                    now: Timestamp,
                    claimed_until: Timestamp,
                    limit: u32,
                ) -> StoreResult<Vec<ClaimedDelivery>> {
                    // A read first: an idle queue costs no write (SQLite's writers queue).
                    let due: Option<i64> = sqlx::query_scalar(
                        "SELECT delivery_id FROM webhook_deliveries \
                         WHERE status = 'pending' AND next_attempt_at <= $1 LIMIT 1",
                    )
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    if due.is_none() {
                        return Ok(Vec::new());
                    }
                    let claimed: Vec<i64> = sqlx::query_scalar(
                        "UPDATE webhook_deliveries SET claimed_until = $2 \
                         WHERE delivery_id IN (SELECT d.delivery_id FROM webhook_deliveries d \
                         JOIN webhook_endpoints w ON w.endpoint_id = d.endpoint_id \
                         AND w.enabled = TRUE \
                         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 \
                         AND (d.claimed_until IS NULL OR d.claimed_until <= $1) \
                         AND (d.user_id IS NULL OR NOT EXISTS (SELECT 1 \
                         FROM webhook_deliveries e WHERE e.endpoint_id = d.endpoint_id \
                         AND e.user_id = d.user_id AND e.status = 'pending' \
                         AND e.delivery_id < d.delivery_id)) \
                         ORDER BY d.delivery_id LIMIT $3) \
                         AND status = 'pending' \
                         AND (claimed_until IS NULL OR claimed_until <= $1) \
                         RETURNING delivery_id",
                    )
                    .bind(now)
                    .bind(claimed_until)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    if claimed.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut deliveries = sqlx::QueryBuilder::<$db>::new(concat!(
                        select_webhook_delivery!(),
                        " WHERE d.delivery_id IN ("
                    ));
                    let mut ids = deliveries.separated(", ");
                    for id in &claimed {
                        ids.push_bind(*id);
                    }
                    deliveries.push(") ORDER BY d.delivery_id");
                    let deliveries = deliveries
                        .build()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?
                        .iter()
                        .map(rows::webhook_delivery)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let mut events = HashMap::new();
                    let mut endpoints = HashMap::new();
                    for found in &deliveries {
                        if !events.contains_key(&found.event_id) {
                            let row = sqlx::query(concat!(select_event!(), " WHERE id = $1"))
                                .bind(found.event_id)
                                .fetch_one(&self.pool)
                                .await
                                .map_err(backend)?;
                            events.insert(found.event_id, rows::event(&row)?);
                        }
                        if !endpoints.contains_key(found.endpoint_id.as_str()) {
                            let row = sqlx::query(concat!(
                                select_webhook_endpoint!(),
                                " WHERE w.endpoint_id = $1"
                            ))
                            .bind(&found.endpoint_id)
                            .fetch_one(&self.pool)
                            .await
                            .map_err(backend)?;
                            let kinds = self.kinds_of(found.endpoint_id.as_str()).await?;
                            endpoints.insert(
                                found.endpoint_id.as_str().to_owned(),
                                rows::webhook_endpoint(&row, kinds)?,
                            );
                        }
                    }
                    deliveries
                        .into_iter()
                        .map(|delivery| {
                            let missing = || {
                                StoreError::Backend(format!(
                                    "delivery {} lost its event or endpoint",
                                    delivery.id
                                ))
                            };
                            let event = events.get(&delivery.event_id).ok_or_else(missing)?.clone();
                            let endpoint = endpoints
                                .get(delivery.endpoint_id.as_str())
                                .ok_or_else(missing)?
                                .clone();
                            Ok(ClaimedDelivery {
                                delivery,
                                event,
                                endpoint,
                            })
                        })
                        .collect()
                }

                async fn record_webhook_attempt(
                    &self,
                    delivery: &Delivery,
                    attempt: &AttemptRecord,
                ) -> StoreResult<()> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(
                        "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, \
                         next_attempt_at = $3, claimed_until = NULL, last_attempt_at = $4, \
                         last_status = $5, last_error = $6 WHERE delivery_id = $1",
                    )
                    .bind(delivery.id)
                    .bind(attempt.status.as_str())
                    .bind(attempt.next_attempt_at)
                    .bind(attempt.at)
                    .bind(attempt.http_status)
                    .bind(&attempt.error)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let streak = if attempt.status == DeliveryStatus::Delivered {
                        "UPDATE webhook_endpoints SET failing_since = NULL WHERE endpoint_id = $1"
                    } else {
                        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2) \
                         WHERE endpoint_id = $1"
                    };
                    sqlx::query(streak)
                        .bind(&delivery.endpoint_id)
                        .bind(attempt.at)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)
                }

                async fn list_webhook_deliveries(
                    &self,
                    id: &WebhookId,
                    before: Option<i64>,
                    limit: u32,
                ) -> StoreResult<Vec<Delivery>> {
                    sqlx::query(concat!(
                        select_webhook_delivery!(),
                        " WHERE d.endpoint_id = $1 AND d.delivery_id < $2 \
                         ORDER BY d.delivery_id DESC LIMIT $3"
                    ))
                    .bind(id)
                    .bind(before.unwrap_or(i64::MAX))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?
                    .iter()
                    .map(rows::webhook_delivery)
                    .collect()
                }

                async fn disable_failing_webhooks(
                    &self,
                    failing_before: Timestamp,
                    reason: &str,
                ) -> StoreResult<Vec<WebhookEndpoint>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let ids: Vec<String> = sqlx::query_scalar(
                        "UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = $2 \
                         WHERE enabled = TRUE AND failing_since <= $1 RETURNING endpoint_id",
                    )
                    .bind(failing_before)
                    .bind(reason)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let mut disabled = Vec::with_capacity(ids.len());
                    for id in &ids {
                        sqlx::query(
                            "UPDATE webhook_deliveries SET status = 'failed', \
                             claimed_until = NULL, last_error = 'the endpoint was disabled' \
                             WHERE endpoint_id = $1 AND status = 'pending'",
                        )
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        let row = sqlx::query(concat!(
                            select_webhook_endpoint!(),
                            " WHERE w.endpoint_id = $1"
                        ))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                        disabled.push(row);
                    }
                    tx.commit().await.map_err(backend)?;
                    let mut endpoints = Vec::with_capacity(disabled.len());
                    for row in &disabled {
                        let id: String = row.try_get("endpoint_id").map_err(backend)?;
                        endpoints.push(rows::webhook_endpoint(row, self.kinds_of(&id).await?)?);
                    }
                    Ok(endpoints)
                }
            }
        };
    };
}
pub(crate) use webhook_store;
