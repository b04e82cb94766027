//! Webhook endpoints and their delivery queue. Deliveries are queued by
//! [`super::EventStore::record_events`], in the transaction that records their events.

use super::StoreResult;
use crate::ids::{PoolId, WebhookId};
use crate::model::Timestamp;
use crate::webhooks::{AttemptRecord, ClaimedDelivery, Delivery, WebhookEndpoint};
use async_trait::async_trait;

/// Webhooks. Part of [`super::Store`].
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Stores a new endpoint and its kinds unless its pool has `max_per_pool` already, judged
    /// and written atomically. `false` when refused. It goes with its app.
    async fn insert_webhook_endpoint(
        &self,
        endpoint: &WebhookEndpoint,
        max_per_pool: u64,
    ) -> StoreResult<bool>;
    /// A pool's endpoint by id.
    async fn get_webhook_endpoint(
        &self,
        pool_id: &PoolId,
        id: &WebhookId,
    ) -> StoreResult<Option<WebhookEndpoint>>;
    /// A pool's endpoints, oldest first.
    async fn list_webhook_endpoints(&self, pool_id: &PoolId) -> StoreResult<Vec<WebhookEndpoint>>;
    /// Writes an endpoint's url, description, kinds, secret, enabled, disabled reason and
    /// failing-since as given. Disabling it fails its pending deliveries. `false` if it does
    /// not exist.
    async fn update_webhook_endpoint(&self, endpoint: &WebhookEndpoint) -> StoreResult<bool>;
    /// Deletes an endpoint and its deliveries. `false` if it did not exist.
    async fn delete_webhook_endpoint(&self, pool_id: &PoolId, id: &WebhookId) -> StoreResult<bool>;
    /// Claims at most `limit` deliveries that are due at `now`, of enabled endpoints, each the
    /// oldest pending one of its user at its endpoint (one user's deliveries go in order),
    /// until `claimed_until`: a claim is judged and written in one statement, so instances
    /// sharing the database never claim the same delivery while the claim holds.
    async fn claim_webhook_deliveries(
        &self,
        now: Timestamp,
        claimed_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedDelivery>>;
    /// Records an attempt of a claimed delivery (ending the claim), and on its endpoint the
    /// start of a failure streak or, after a success, its end.
    async fn record_webhook_attempt(
        &self,
        delivery: &Delivery,
        attempt: &AttemptRecord,
    ) -> StoreResult<()>;
    /// An endpoint's deliveries, newest first, below id `before`, at most `limit`.
    async fn list_webhook_deliveries(
        &self,
        id: &WebhookId,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;
    /// Disables, with `reason`, every enabled endpoint failing since `failing_before` or
    /// earlier, and fails their pending deliveries; returns the endpoints disabled.
    async fn disable_failing_webhooks(
        &self,
        failing_before: Timestamp,
        reason: &str,
    ) -> StoreResult<Vec<WebhookEndpoint>>;
}
