//! JSON views shared by the REST API and the CLI's `--json` output.

use auth_return_core::access_keys::CreatedAccessKey;
use auth_return_core::activity::EventPage;
use auth_return_core::events::Event;
use auth_return_core::model::{AccessKey, ApiKey, App};
use auth_return_core::provider::ProviderKind;
use auth_return_core::settings::AppSettings;
use auth_return_core::{AppConfig, AppSummary, CreatedApiKey, Service};
use serde::Serialize;
use utoipa::ToSchema;

/// An app as developers and operators see it.
#[derive(Clone, Serialize, ToSchema)]
pub struct AppView {
    /// App id.
    pub app_id: String,
    /// Display name.
    pub name: String,
    /// The app's user pool.
    pub user_pool_id: String,
    /// The app's client.
    pub client_id: String,
    /// The client secret: present only in the answer that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Whether the client has a secret.
    pub has_client_secret: bool,
    /// Token issuer.
    pub issuer: String,
    /// The Cognito endpoint.
    pub endpoint: String,
    /// Pool region prefix.
    pub region: String,
    /// JWKS URL.
    pub jwks_uri: String,
    /// Where the pool lives: `builtin`, or `cognito` (then the ids, issuer, endpoint and JWKS
    /// URL are AWS's).
    pub provider: ProviderKind,
    /// Allowed browser origins (empty = any).
    pub origins: Vec<String>,
    /// Owning developer (`sub` in the console pool), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// ID and access token lifetime, seconds.
    pub token_validity_secs: i64,
    /// Refresh token lifetime (the absolute session length), seconds.
    pub refresh_validity_secs: i64,
    /// Password policy, refresh rotation, mail templates, user API keys, hosted sign-in
    /// (`oauth`), the custom-attribute schema (read-only here): never a secret.
    #[serde(flatten)]
    pub settings: AppSettings,
    /// Creation time, epoch seconds.
    pub created_at: i64,
    /// Users in the app's pool, where the answer counted them (listings and `GET` of one app).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
}

impl AppView {
    /// The view of `app`; `client_secret` only when it was just created.
    pub fn new(service: &Service, app: &App, client_secret: Option<String>) -> Self {
        let AppConfig {
            user_pool_id,
            client_id,
            region,
            endpoint,
            issuer,
            provider,
            ..
        } = service.config_of(app);
        Self {
            app_id: app.id.to_string(),
            name: app.name.clone(),
            jwks_uri: app.external.as_ref().map_or_else(
                || format!("{issuer}/.well-known/jwks.json"),
                |e| e.jwks_url.clone(),
            ),
            provider,
            user_pool_id,
            client_id,
            client_secret,
            has_client_secret: app.client.sealed_secret.is_some(),
            issuer,
            endpoint,
            region,
            origins: app.origins.clone(),
            owner: app.owner.map(|o| o.to_string()),
            token_validity_secs: app.client.token_validity_secs,
            refresh_validity_secs: app.client.refresh_validity_secs,
            settings: app.settings.clone(),
            created_at: app.created_at,
            user_count: None,
        }
    }

    /// The view of an app with its user count.
    pub fn counted(service: &Service, summary: &AppSummary) -> Self {
        Self {
            // Users of a pool elsewhere are counted there, not here.
            user_count: summary.app.external.is_none().then_some(summary.user_count),
            ..Self::new(service, &summary.app, None)
        }
    }
}

/// An API key as lists show it: never the secret, never its hash.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    /// Public id.
    pub key_id: String,
    /// Label.
    pub name: String,
    /// The key's first characters (`ar_` and 7 more), to recognise it.
    pub prefix: String,
    /// The app it belongs to.
    pub app_id: String,
    /// The owning user (`sub`), or null for a key of the app itself.
    pub user_id: Option<String>,
    /// Scopes for the verifying service.
    pub scopes: Vec<String>,
    /// Creation time, epoch seconds.
    pub created_at: i64,
    /// Expiry, epoch seconds; null = until revoked.
    pub expires_at: Option<i64>,
    /// Last successful verification, epoch seconds, to the minute; null = never.
    pub last_used_at: Option<i64>,
    /// Whether it was revoked.
    pub revoked: bool,
    /// When it was revoked, epoch seconds.
    pub revoked_at: Option<i64>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(key: &ApiKey) -> Self {
        Self {
            key_id: key.id.to_string(),
            name: key.name.clone(),
            prefix: key.prefix.clone(),
            app_id: key.app_id.to_string(),
            user_id: key.user_id.map(|u| u.to_string()),
            scopes: key.scopes.clone(),
            created_at: key.created_at,
            expires_at: key.expires_at,
            last_used_at: key.last_used_at,
            revoked: key.revoked_at.is_some(),
            revoked_at: key.revoked_at,
        }
    }
}

/// A key just created, with the secret: the only answer that ever carries it. No `Debug`.
#[derive(Clone, Serialize, ToSchema)]
pub struct CreatedApiKeyView {
    /// The key itself (`ar_…`).
    pub key: String,
    /// Public id.
    pub key_id: String,
    /// The key's first characters.
    pub prefix: String,
    /// Label.
    pub name: String,
    /// The app it belongs to.
    pub app_id: String,
    /// The owning user, or null for a key of the app itself.
    pub user_id: Option<String>,
    /// Scopes for the verifying service.
    pub scopes: Vec<String>,
    /// Creation time, epoch seconds.
    pub created_at: i64,
    /// Expiry, epoch seconds; null = until revoked.
    pub expires_at: Option<i64>,
}

impl From<&CreatedApiKey> for CreatedApiKeyView {
    fn from(created: &CreatedApiKey) -> Self {
        let key = &created.record;
        Self {
            key: created.key.expose().to_owned(),
            key_id: key.id.to_string(),
            prefix: key.prefix.clone(),
            name: key.name.clone(),
            app_id: key.app_id.to_string(),
            user_id: key.user_id.map(|u| u.to_string()),
            scopes: key.scopes.clone(),
            created_at: key.created_at,
            expires_at: key.expires_at,
        }
    }
}

/// An audit event as developers and operators see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Its sequence number (a page's last id is the next page's cursor).
    pub id: i64,
    /// When it happened, epoch seconds.
    pub at: i64,
    /// What happened: the kind's stable code (`sign_in`, `password_changed`…).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The user it happened to (`sub`), if one is known.
    pub user_id: Option<String>,
    /// The email involved.
    pub email: Option<String>,
    /// Who acted, when it was not the user: a developer's user id or `operator`.
    pub actor: Option<String>,
    /// The caller's address.
    pub client_ip: Option<String>,
    /// The caller's user agent.
    pub user_agent: Option<String>,
    /// Kind-specific facts (`{"reason": …}`, `{"action": …}`), `{}` when none.
    #[schema(value_type = Object)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl From<&Event> for EventView {
    fn from(event: &Event) -> Self {
        Self {
            id: event.id,
            at: event.at,
            kind: event.kind.as_str(),
            user_id: event.user_id.map(|u| u.to_string()),
            email: event.email.clone(),
            actor: event.actor.clone(),
            client_ip: event.client_ip.clone(),
            user_agent: event.user_agent.clone(),
            detail: event.detail.clone(),
        }
    }
}

/// A page of an app's events, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventPageView {
    /// The events, newest first.
    pub events: Vec<EventView>,
    /// The `cursor` of the next page (as text, so no client rounds it), or null on the last.
    pub next_cursor: Option<String>,
}

impl From<&EventPage> for EventPageView {
    fn from(page: &EventPage) -> Self {
        Self {
            events: page.events.iter().map(EventView::from).collect(),
            next_cursor: page.next_cursor.map(|id| id.to_string()),
        }
    }
}

/// A developer's access key as lists show it: never the secret.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccessKeyView {
    /// The access key id (`AKAR…`).
    pub access_key_id: String,
    /// Label.
    pub name: String,
    /// The one app it may act on, or null for every app its developer may.
    pub app_id: Option<String>,
    /// Whether it may only read.
    pub read_only: bool,
    /// Creation time, epoch seconds.
    pub created_at: i64,
    /// Last signed request, epoch seconds, to the minute; null = never.
    pub last_used_at: Option<i64>,
    /// Whether it was revoked.
    pub revoked: bool,
    /// When it was revoked, epoch seconds.
    pub revoked_at: Option<i64>,
}

impl From<&AccessKey> for AccessKeyView {
    fn from(key: &AccessKey) -> Self {
        Self {
            access_key_id: key.id.to_string(),
            name: key.name.clone(),
            app_id: key.app_id.as_ref().map(ToString::to_string),
            read_only: key.read_only,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            revoked: key.revoked_at.is_some(),
            revoked_at: key.revoked_at,
        }
    }
}

/// An access key just created, with its secret: the only answer that ever carries it. No
/// `Debug`.
#[derive(Clone, Serialize, ToSchema)]
pub struct CreatedAccessKeyView {
    /// The secret access key (40 characters).
    pub secret_access_key: String,
    /// The rest, as lists show it.
    #[serde(flatten)]
    pub key: AccessKeyView,
}

impl From<&CreatedAccessKey> for CreatedAccessKeyView {
    fn from(created: &CreatedAccessKey) -> Self {
        Self {
            secret_access_key: created.secret.expose().to_owned(),
            key: AccessKeyView::from(&created.record),
        }
    }
}

/// A webhook endpoint as the REST API shows it (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// Its id.
    pub webhook_id: String,
    /// Where deliveries are posted.
    pub url: String,
    /// The developer's label.
    pub description: String,
    /// The event types it takes.
    pub event_types: Vec<&'static str>,
    /// Whether deliveries are queued and sent.
    pub enabled: bool,
    /// Why the service turned it off, when it did.
    pub disabled_reason: Option<String>,
    /// When it was registered, epoch seconds.
    pub created_at: i64,
    /// The first failed attempt since its last success, epoch seconds.
    pub failing_since: Option<i64>,
}

impl From<&auth_return_core::webhooks::WebhookEndpoint> for WebhookView {
    fn from(endpoint: &auth_return_core::webhooks::WebhookEndpoint) -> Self {
        Self {
            webhook_id: endpoint.id.to_string(),
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            event_types: endpoint.kinds.iter().map(|kind| kind.as_str()).collect(),
            enabled: endpoint.enabled,
            disabled_reason: endpoint.disabled_reason.clone(),
            created_at: endpoint.created_at,
            failing_since: endpoint.failing_since,
        }
    }
}

/// A webhook endpoint with its signing secret: only in the answer that made the secret (no
/// `Debug`: nothing may print it but that answer).
#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecretView {
    /// The endpoint.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The signing secret (`whsec_…`), shown this once.
    pub secret: String,
}

impl From<&auth_return_core::webhooks::WebhookWithSecret> for WebhookWithSecretView {
    fn from(made: &auth_return_core::webhooks::WebhookWithSecret) -> Self {
        Self {
            webhook: WebhookView::from(&made.endpoint),
            secret: made.secret.clone(),
        }
    }
}

/// One delivery in an endpoint's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Its id (the paging cursor).
    pub delivery_id: i64,
    /// The `webhook-id` header it is sent with, the same at every attempt.
    pub message_id: String,
    /// The event it carries (its id in the events API).
    pub event_id: i64,
    /// `pending`, `delivered` or `failed`.
    pub status: &'static str,
    /// Attempts made.
    pub attempts: i64,
    /// When a pending delivery is tried next, epoch seconds.
    pub next_attempt_at: Option<i64>,
    /// When it was last tried.
    pub last_attempt_at: Option<i64>,
    /// The HTTP status of the last answer.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: i64,
}

impl From<&auth_return_core::webhooks::Delivery> for DeliveryView {
    fn from(delivery: &auth_return_core::webhooks::Delivery) -> Self {
        use auth_return_core::webhooks::DeliveryStatus;
        Self {
            delivery_id: delivery.id,
            message_id: delivery.message_id(),
            event_id: delivery.event_id,
            status: delivery.status.as_str(),
            attempts: delivery.attempts,
            next_attempt_at: (delivery.status == DeliveryStatus::Pending)
                .then_some(delivery.next_attempt_at),
            last_attempt_at: delivery.last_attempt_at,
            last_status: delivery.last_status,
            last_error: delivery.last_error.clone(),
            created_at: delivery.created_at,
        }
    }
}

/// An identity provider as the REST API and the CLI show it: its secrets named, never shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityProviderView {
    /// Its name: what `identity_provider=` names.
    pub name: String,
    /// `OIDC`, `Google` or `SignInWithApple`.
    #[serde(rename = "type")]
    pub provider_type: &'static str,
    /// The provider details but the secret ones (the presets' endpoints filled in).
    pub details: std::collections::BTreeMap<String, String>,
    /// Which secret details are set (`client_secret`, `private_key`); their values never leave
    /// the server.
    pub secrets_set: Vec<String>,
    /// Pool attribute → the provider's claim.
    pub attribute_mapping: std::collections::BTreeMap<String, String>,
    /// Other names that find it (`IdpIdentifiers`).
    pub identifiers: Vec<String>,
    /// The redirect URI to register with the provider.
    pub redirect_uri: String,
    /// When it was created, epoch seconds.
    pub created_at: i64,
    /// When it last changed, epoch seconds.
    pub updated_at: i64,
}

impl IdentityProviderView {
    /// The view of `provider` as `service` has it (its sealed secrets opened only to name them).
    pub fn of(
        service: &auth_return_core::Service,
        provider: auth_return_core::federation::IdentityProvider,
    ) -> Result<Self, auth_return_core::Error> {
        let secrets_set = service.provider_secrets(&provider)?.into_keys().collect();
        Ok(Self {
            name: provider.name,
            provider_type: provider.provider_type.as_str(),
            details: provider.details,
            secrets_set,
            attribute_mapping: provider.attribute_mapping,
            identifiers: provider.idp_identifiers,
            redirect_uri: service.federation_redirect_uri(),
            created_at: provider.created_at,
            updated_at: provider.updated_at,
        })
    }
}
