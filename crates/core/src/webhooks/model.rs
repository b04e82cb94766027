//! What webhooks are made of: endpoints, the deliveries queued for them, and how an attempt
//! ended.

use crate::events::{Event, EventKind};
use crate::ids::{PoolId, UserId, WebhookId};
use crate::model::Timestamp;

/// An app's webhook endpoint: where the events of the kinds it takes are delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Its id.
    pub id: WebhookId,
    /// The app's pool.
    pub pool_id: PoolId,
    /// Where deliveries are posted.
    pub url: String,
    /// A label of the developer's.
    pub description: String,
    /// The event kinds it takes (at least one).
    pub kinds: Vec<EventKind>,
    /// The signing secret (`whsec_…`), sealed under the `webhook_secrets` key (AAD: the id).
    pub sealed_secret: Vec<u8>,
    /// Whether deliveries are queued and sent for it.
    pub enabled: bool,
    /// Why it was disabled, when the service disabled it.
    pub disabled_reason: Option<String>,
    /// When it was registered.
    pub created_at: Timestamp,
    /// The first failed attempt since its last success (`None` while it succeeds).
    pub failing_since: Option<Timestamp>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Queued, or waiting to be tried again.
    Pending,
    /// Its endpoint answered 2xx.
    Delivered,
    /// Given up on: every attempt failed, or its endpoint was disabled.
    Failed,
}

impl DeliveryStatus {
    /// The stored and served code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// The status a stored code names.
    pub fn parse(code: &str) -> Option<Self> {
        Some(match code {
            "pending" => Self::Pending,
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// One event queued for one endpoint, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Its id (increasing in queueing order): the `webhook-id` is `msg_<this>`.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: WebhookId,
    /// The event delivered.
    pub event_id: i64,
    /// The event's user: one user's deliveries to one endpoint go in order.
    pub user_id: Option<UserId>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i64,
    /// When it is (or was) due.
    pub next_attempt_at: Timestamp,
    /// When it was last tried.
    pub last_attempt_at: Option<Timestamp>,
    /// The HTTP status of the last answer, when there was one.
    pub last_status: Option<i64>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
}

impl Delivery {
    /// Its `webhook-id`, the same at every attempt (receivers deduplicate by it).
    pub fn message_id(&self) -> String {
        format!("msg_{}", self.id)
    }
}

/// A delivery claimed for sending, with what sending needs.
#[derive(Clone, Debug)]
pub struct ClaimedDelivery {
    /// The delivery.
    pub delivery: Delivery,
    /// Its event.
    pub event: Event,
    /// Its endpoint.
    pub endpoint: WebhookEndpoint,
}

/// How an attempt ended, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptRecord {
    /// The delivery's status after it.
    pub status: DeliveryStatus,
    /// When it was made.
    pub at: Timestamp,
    /// When to try again (for a delivery still pending).
    pub next_attempt_at: Timestamp,
    /// The endpoint's HTTP status, when it answered.
    pub http_status: Option<i64>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}
