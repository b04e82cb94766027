//! Registering, changing and removing an app's webhook endpoints, by its owner. The signing
//! secret is shown once, when it is made (at registration and at rotation), and kept sealed.

use super::address::check_url;
use super::model::{Delivery, WebhookEndpoint};
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{AppId, WebhookId};
use crate::service::Service;
use auth_return_crypto::webhook;

/// Endpoints an app may have.
pub const MAX_ENDPOINTS_PER_APP: u64 = 10;
/// The longest description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 256;
/// Deliveries per page of a delivery log, at most.
pub const MAX_DELIVERY_PAGE: u32 = 100;

/// A new endpoint, as asked for.
#[derive(Clone, Debug, Default)]
pub struct NewWebhook {
    /// Where to post (https; http only to loopback when the operator allows private
    /// addresses).
    pub url: String,
    /// A label.
    pub description: String,
    /// The event kinds to deliver (at least one).
    pub kinds: Vec<EventKind>,
}

/// A change to an endpoint: each member given replaces the stored one.
#[derive(Clone, Debug, Default)]
pub struct WebhookUpdate {
    /// A new URL.
    pub url: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// New kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// On (again, ending a failure streak) or off.
    pub enabled: Option<bool>,
}

/// An endpoint with its secret in the clear: only when it was just made. Its `Debug` leaves
/// the secret out, so a log line cannot carry it.
#[derive(Clone)]
pub struct WebhookWithSecret {
    /// The endpoint.
    pub endpoint: WebhookEndpoint,
    /// The signing secret, `whsec_…`.
    pub secret: String,
}

impl std::fmt::Debug for WebhookWithSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookWithSecret")
            .field("endpoint", &self.endpoint.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl Service {
    /// Registers an endpoint of an app the actor owns, with a fresh secret.
    pub async fn create_webhook(
        &self,
        actor: Actor,
        app_id: &AppId,
        new: NewWebhook,
        caller: &Caller,
    ) -> Result<WebhookWithSecret> {
        let app = self.get_app(actor, app_id).await?;
        let id = WebhookId::generate();
        let secret = webhook::new_secret();
        let endpoint = WebhookEndpoint {
            sealed_secret: self.seal_webhook_secret(&id, &secret),
            id,
            pool_id: app.pool_id,
            url: check_url(&new.url, self.config.webhooks_allow_private)?,
            description: check_description(new.description)?,
            kinds: check_kinds(new.kinds)?,
            enabled: true,
            disabled_reason: None,
            created_at: self.clock.now(),
            failing_since: None,
        };
        if !self
            .store
            .insert_webhook_endpoint(&endpoint, MAX_ENDPOINTS_PER_APP)
            .await?
        {
            return Err(Error::WebhookLimitExceeded(MAX_ENDPOINTS_PER_APP));
        }
        self.record_webhook_change(actor, &endpoint, "created", caller);
        Ok(WebhookWithSecret { endpoint, secret })
    }

    /// An app's endpoints, oldest first.
    pub async fn list_webhooks(
        &self,
        actor: Actor,
        app_id: &AppId,
    ) -> Result<Vec<WebhookEndpoint>> {
        let app = self.get_app(actor, app_id).await?;
        Ok(self.store.list_webhook_endpoints(&app.pool_id).await?)
    }

    /// One endpoint of an app the actor owns.
    pub async fn get_webhook(
        &self,
        actor: Actor,
        app_id: &AppId,
        id: &WebhookId,
    ) -> Result<WebhookEndpoint> {
        let app = self.get_app(actor, app_id).await?;
        self.store
            .get_webhook_endpoint(&app.pool_id, id)
            .await?
            .ok_or(Error::WebhookNotFound)
    }

    /// Changes an endpoint. Turning it on again ends its failure streak and the reason it was
    /// turned off; turning it off fails its pending deliveries.
    pub async fn update_webhook(
        &self,
        actor: Actor,
        app_id: &AppId,
        id: &WebhookId,
        update: WebhookUpdate,
        caller: &Caller,
    ) -> Result<WebhookEndpoint> {
        let mut endpoint = self.get_webhook(actor, app_id, id).await?;
        if let Some(url) = update.url {
            endpoint.url = check_url(&url, self.config.webhooks_allow_private)?;
        }
        if let Some(description) = update.description {
            endpoint.description = check_description(description)?;
        }
        if let Some(kinds) = update.kinds {
            endpoint.kinds = check_kinds(kinds)?;
        }
        if let Some(enabled) = update.enabled {
            if enabled && !endpoint.enabled {
                endpoint.failing_since = None;
                endpoint.disabled_reason = None;
            }
            endpoint.enabled = enabled;
        }
        self.write_webhook(&endpoint).await?;
        self.record_webhook_change(actor, &endpoint, "changed", caller);
        Ok(endpoint)
    }

    /// Replaces an endpoint's secret; the old one signs nothing more.
    pub async fn rotate_webhook_secret(
        &self,
        actor: Actor,
        app_id: &AppId,
        id: &WebhookId,
        caller: &Caller,
    ) -> Result<WebhookWithSecret> {
        let mut endpoint = self.get_webhook(actor, app_id, id).await?;
        let secret = webhook::new_secret();
        endpoint.sealed_secret = self.seal_webhook_secret(id, &secret);
        self.write_webhook(&endpoint).await?;
        self.record_webhook_change(actor, &endpoint, "secret_rotated", caller);
        Ok(WebhookWithSecret { endpoint, secret })
    }

    /// Removes an endpoint with its delivery log.
    pub async fn delete_webhook(
        &self,
        actor: Actor,
        app_id: &AppId,
        id: &WebhookId,
        caller: &Caller,
    ) -> Result<()> {
        let endpoint = self.get_webhook(actor, app_id, id).await?;
        if !self
            .store
            .delete_webhook_endpoint(&endpoint.pool_id, id)
            .await?
        {
            return Err(Error::WebhookNotFound);
        }
        self.record_webhook_change(actor, &endpoint, "deleted", caller);
        Ok(())
    }

    /// Records a change to an endpoint as a `settings_changed` event of its app: where events
    /// go is part of the app's settings, and an endpoint added by someone else is worth seeing.
    fn record_webhook_change(
        &self,
        actor: Actor,
        endpoint: &WebhookEndpoint,
        action: &str,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(
            endpoint.pool_id.clone(),
            self.clock.now(),
            EventKind::SettingsChanged,
        )
        .with("changed", "webhooks")
        .with("action", action)
        .with("webhook_id", endpoint.id.as_str())
        .with("url", &endpoint.url)
        .by(caller);
        event.actor = Some(actor.audit_name());
        self.events.record(event);
    }

    /// An endpoint's deliveries, newest first, below id `before`, at most `limit` (up to one
    /// more than [`MAX_DELIVERY_PAGE`], for a caller looking past its page).
    pub async fn list_webhook_deliveries(
        &self,
        actor: Actor,
        app_id: &AppId,
        id: &WebhookId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Delivery>> {
        self.get_webhook(actor, app_id, id).await?;
        let limit = limit.clamp(1, MAX_DELIVERY_PAGE + 1);
        Ok(self
            .store
            .list_webhook_deliveries(id, before, limit)
            .await?)
    }

    async fn write_webhook(&self, endpoint: &WebhookEndpoint) -> Result<()> {
        if self.store.update_webhook_endpoint(endpoint).await? {
            Ok(())
        } else {
            Err(Error::WebhookNotFound)
        }
    }

    fn seal_webhook_secret(&self, id: &WebhookId, secret: &str) -> Vec<u8> {
        self.keyring
            .webhook_secrets
            .seal(secret.as_bytes(), id.as_str().as_bytes())
    }

    /// The signing key of an endpoint (its secret's bytes).
    pub(crate) fn webhook_key(&self, endpoint: &WebhookEndpoint) -> Result<Vec<u8>> {
        let secret = self
            .keyring
            .webhook_secrets
            .open(&endpoint.sealed_secret, endpoint.id.as_str().as_bytes())
            .map_err(|_| Error::Internal("webhook secret does not unseal".into()))?;
        std::str::from_utf8(secret.expose())
            .ok()
            .and_then(webhook::secret_key)
            .ok_or_else(|| Error::Internal("webhook secret is not one".into()))
    }
}

fn check_description(description: String) -> Result<String> {
    let description = description.trim().to_owned();
    if description.chars().count() > DESCRIPTION_MAX_CHARS
        || description.chars().any(char::is_control)
    {
        return Err(Error::InvalidParameter(format!(
            "description must be at most {DESCRIPTION_MAX_CHARS} characters, without control characters"
        )));
    }
    Ok(description)
}

fn check_kinds(mut kinds: Vec<EventKind>) -> Result<Vec<EventKind>> {
    kinds.sort_by_key(|kind| kind.as_str());
    kinds.dedup();
    if kinds.is_empty() {
        return Err(Error::InvalidParameter(
            "event_types must name at least one event type".into(),
        ));
    }
    Ok(kinds)
}
