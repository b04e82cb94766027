//! Sending what is queued: due deliveries are claimed (atomically, so instances sharing the
//! database never send one twice while a claim holds), signed per Standard Webhooks, posted,
//! and their outcome recorded; failures are retried on a schedule that spans about a day, and
//! an endpoint failing for [`DISABLE_AFTER_SECS`] is turned off.

use super::model::{AttemptRecord, ClaimedDelivery, DeliveryStatus};
use crate::error::Result;
use crate::events::Event;
use crate::service::Service;
use async_trait::async_trait;
use auth_return_crypto::webhook;
use serde_json::json;

/// Seconds to wait before each retry (Standard Webhooks' suggested schedule: 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h; the first attempt is at once). After the last, a delivery
/// has failed, about 28 hours after its event.
pub const RETRY_AFTER_SECS: [i64; 7] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/// An endpoint whose every attempt has failed for this long is turned off (5 days).
pub const DISABLE_AFTER_SECS: i64 = 5 * 24 * 3600;
/// How long a claim holds: longer than the transport's timeout, so a delivery is sent by one
/// instance at a time unless that instance dies mid-send (at-least-once).
pub const CLAIM_SECS: i64 = 60;
/// Deliveries claimed and sent at once.
pub const BATCH: u32 = 32;
/// The longest answer a receiver may take.
pub const TIMEOUT_SECS: u64 = 15;

/// One POST of a delivery.
#[derive(Clone, Debug)]
pub struct WebhookRequest {
    /// The endpoint's URL.
    pub url: String,
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`, `content-type`,
    /// `user-agent`.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: Vec<u8>,
    /// The longest the receiver may take to answer.
    pub timeout: std::time::Duration,
}

/// The most of an answer's body that is read.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookResponse {
    /// An HTTP answer: its status and (at most [`MAX_ANSWER_BYTES`] of) its body.
    Answer {
        /// The status.
        status: u16,
        /// The body, cut at [`MAX_ANSWER_BYTES`].
        body: Vec<u8>,
    },
    /// No answer: refused, unreachable, a forbidden address, TLS, timed out…
    Failed(String),
}

/// Posts webhook and hook requests and fetches identity providers' documents (HTTPS, each
/// with its timeout; non-public addresses as the operator allows).
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    /// Posts `request` once.
    async fn post(&self, request: WebhookRequest) -> WebhookResponse;
    /// GETs `url` once with `headers`.
    async fn get(
        &self,
        url: &str,
        headers: Vec<(&'static str, String)>,
        timeout: std::time::Duration,
    ) -> WebhookResponse;
}

/// The body of a delivery: Standard Webhooks' envelope (`type`, `timestamp`, `data`) around
/// the event as the events API shows it.
pub fn payload(event: &Event, app_id: Option<&str>) -> serde_json::Value {
    let at = time::OffsetDateTime::from_unix_timestamp(event.at)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    json!({
        "type": event.kind.as_str(),
        "timestamp": at,
        "data": {
            "id": event.id,
            "app_id": app_id,
            "user_pool_id": event.pool_id.as_str(),
            "at": event.at,
            "type": event.kind.as_str(),
            "user_id": event.user_id.map(|u| u.to_string()),
            "email": event.email,
            "actor": event.actor,
            "client_ip": event.client_ip,
            "user_agent": event.user_agent,
            "detail": event.detail,
        },
    })
}

/// A POST of `body` to `url` signed per Standard Webhooks with `key`: `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`, beside the content type and `agent`.
pub(crate) fn signed_request(
    url: String,
    key: &[u8],
    id: String,
    timestamp: i64,
    body: Vec<u8>,
    agent: &str,
    timeout: std::time::Duration,
) -> WebhookRequest {
    let signature = webhook::sign(key, &id, timestamp, &body);
    WebhookRequest {
        url,
        headers: vec![
            ("webhook-id", id),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
            ("content-type", "application/json".to_owned()),
            ("user-agent", agent.to_owned()),
        ],
        body,
        timeout,
    }
}

impl Service {
    /// Turns off the endpoints whose every attempt has failed for [`DISABLE_AFTER_SECS`] (with
    /// their pending deliveries); returns how many. Part of the hourly housekeeping.
    pub async fn disable_failing_webhooks(&self) -> Result<usize> {
        let now = self.clock.now();
        let disabled = self
            .store
            .disable_failing_webhooks(now - DISABLE_AFTER_SECS, "every attempt failed for 5 days")
            .await?;
        for endpoint in &disabled {
            tracing::warn!(endpoint = %endpoint.id, pool_id = %endpoint.pool_id, "webhook endpoint turned off: every attempt failed for 5 days");
        }
        Ok(disabled.len())
    }

    /// Claims and sends one batch of due deliveries through `transport` and records each
    /// outcome; returns how many it sent.
    pub async fn deliver_webhooks(&self, transport: &dyn WebhookTransport) -> Result<usize> {
        let now = self.clock.now();
        let claimed = self
            .store
            .claim_webhook_deliveries(now, now + CLAIM_SECS, BATCH)
            .await?;
        let count = claimed.len();
        // Each pool's app looked up once per batch, not once per delivery.
        let mut apps = std::collections::HashMap::new();
        for claimed in &claimed {
            let pool = &claimed.event.pool_id;
            if !apps.contains_key(pool) {
                let app = self.app_of_pool(pool).await.ok().map(|app| app.id);
                apps.insert(pool.clone(), app);
            }
        }
        let sends = claimed.into_iter().map(|claimed| {
            let app_id = apps.get(&claimed.event.pool_id).cloned().flatten();
            self.send(transport, claimed, app_id)
        });
        for outcome in futures_util::future::join_all(sends).await {
            outcome?;
        }
        Ok(count)
    }

    async fn send(
        &self,
        transport: &dyn WebhookTransport,
        claimed: ClaimedDelivery,
        app_id: Option<crate::ids::AppId>,
    ) -> Result<()> {
        let ClaimedDelivery {
            delivery,
            event,
            endpoint,
        } = claimed;
        let body = serde_json::to_vec(&payload(&event, app_id.as_ref().map(|id| id.as_str())))
            .map_err(|e| crate::error::Error::Internal(format!("webhook payload: {e}")))?;
        let request = signed_request(
            endpoint.url.clone(),
            &self.webhook_key(&endpoint)?,
            delivery.message_id(),
            self.clock.now(),
            body,
            "auth-return-webhooks/1",
            std::time::Duration::from_secs(TIMEOUT_SECS),
        );
        let response = transport.post(request).await;
        let at = self.clock.now();
        let (http_status, error) = match &response {
            WebhookResponse::Answer { status, .. } if (200..300).contains(status) => {
                (Some(*status), None)
            }
            WebhookResponse::Answer { status, .. } => {
                (Some(*status), Some(format!("HTTP {status}")))
            }
            WebhookResponse::Failed(why) => (None, Some(why.clone())),
        };
        let retry = usize::try_from(delivery.attempts)
            .ok()
            .and_then(|made| RETRY_AFTER_SECS.get(made));
        let (status, next_attempt_at) = match (&error, retry) {
            (None, _) => (DeliveryStatus::Delivered, at),
            (Some(_), Some(wait)) => (DeliveryStatus::Pending, at + wait),
            (Some(_), None) => (DeliveryStatus::Failed, at),
        };
        if let Some(error) = &error {
            tracing::info!(delivery = delivery.id, endpoint = %endpoint.id, attempt = delivery.attempts + 1, error = %error, "webhook delivery failed");
        }
        let attempt = AttemptRecord {
            status,
            at,
            next_attempt_at,
            http_status: http_status.map(i64::from),
            error,
        };
        Ok(self
            .store
            .record_webhook_attempt(&delivery, &attempt)
            .await?)
    }
}
