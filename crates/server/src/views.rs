//! JSON views shared by the REST API and the CLI's `--json` output.

use auth_return_core::model::App;
use auth_return_core::settings::AppSettings;
use auth_return_core::{AppConfig, Service};
use serde::Serialize;

/// An app as developers and operators see it.
#[derive(Clone, Serialize)]
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
    /// Allowed browser origins (empty = any).
    pub origins: Vec<String>,
    /// Owning developer (`sub` in the console pool), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// ID and access token lifetime, seconds.
    pub token_validity_secs: i64,
    /// Refresh token lifetime (the absolute session length), seconds.
    pub refresh_validity_secs: i64,
    /// Password policy, refresh rotation, mail templates.
    #[serde(flatten)]
    pub settings: AppSettings,
    /// Creation time, epoch seconds.
    pub created_at: i64,
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
            ..
        } = service.config_of(app);
        Self {
            app_id: app.id.to_string(),
            name: app.name.clone(),
            jwks_uri: format!("{issuer}/.well-known/jwks.json"),
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
        }
    }
}
