//! Webhooks: an app's HTTPS endpoints, each taking the audit events of the kinds it names,
//! delivered as JSON signed per Standard Webhooks, at least once, from a queue in the database.

mod address;
pub(crate) mod delivery;
mod endpoints;
mod model;

pub use address::{URL_MAX_BYTES, check_url, is_private};
pub use delivery::{
    BATCH, CLAIM_SECS, DISABLE_AFTER_SECS, MAX_ANSWER_BYTES, RETRY_AFTER_SECS, TIMEOUT_SECS,
    WebhookRequest, WebhookResponse, WebhookTransport, payload,
};
pub use endpoints::{
    DESCRIPTION_MAX_CHARS, MAX_DELIVERY_PAGE, MAX_ENDPOINTS_PER_APP, NewWebhook, WebhookUpdate,
    WebhookWithSecret,
};
pub use model::{AttemptRecord, ClaimedDelivery, Delivery, DeliveryStatus, WebhookEndpoint};
