//! CreateUserPoolClient, UpdateUserPoolClient, DeleteUserPoolClient, ListUserPoolClients and
//! DescribeUserPoolClient (docs/cognito-protocol.md §5.4, clients): a pool's clients besides the
//! app's own, each with its own secret, token lifetimes, sign-in flows and OAuth 2.0 settings.
//! An update replaces the whole client, as Cognito's does: what it does not give goes back to
//! the default.

use super::{ClientOAuth, ClientProfile, ExplicitAuthFlow, ValidityUnits};
use crate::apps::{Actor, AppUpdate, DEFAULT_REFRESH_VALIDITY_SECS, DEFAULT_TOKEN_VALIDITY_SECS};
use crate::error::{Error, Result, SettingProblem};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{ClientId, PoolId};
use crate::model::{App, Client};
use crate::oauth_settings::{OAuthFlowsPatch, OAuthPatch};
use crate::service::Service;
use crate::settings::{RefreshRotation, RotationPatch, bounds};
use crate::store::ClientInsert;
use auth_return_crypto::secret::SecretString;

/// Most app clients one pool may have, its own included (Cognito's quota).
pub const MAX_CLIENTS_PER_POOL: u32 = 1000;

/// A client as CreateUserPoolClient and UpdateUserPoolClient give it, lifetimes already in
/// seconds; an absent member is Cognito's default.
#[derive(Clone, Debug, Default)]
pub struct ClientSpec {
    /// `ClientName`.
    pub name: String,
    /// ID and access token lifetime (default one hour).
    pub token_validity_secs: Option<i64>,
    /// Refresh token lifetime (default 30 days).
    pub refresh_validity_secs: Option<i64>,
    /// `ExplicitAuthFlows` (default SRP, custom and refresh).
    pub auth_flows: Option<Vec<ExplicitAuthFlow>>,
    /// Callback and logout URLs, OAuth flows and scopes; the flows all off unless
    /// `AllowedOAuthFlowsUserPoolClient`.
    pub oauth: ClientOAuth,
    /// `PreventUserExistenceErrors` `ENABLED` (default `LEGACY`: off).
    pub hide_existing_accounts: Option<bool>,
    /// `RefreshTokenRotation` (default off).
    pub refresh_rotation: Option<RefreshRotation>,
    /// The units the lifetimes were given in.
    pub validity_units: ValidityUnits,
    /// `SupportedIdentityProviders` (default: every provider of the pool).
    pub identity_providers: Option<Vec<String>>,
}

/// A client with the app as seen through it, and its secret for those who may read it.
pub struct PoolClient {
    /// The app, with `client` the client and the client's own settings in place
    /// ([`App::through_client`]).
    pub app: App,
    /// The client's secret, if it has one.
    pub secret: Option<SecretString>,
}

impl ClientSpec {
    /// The flows, Cognito's default when not given; a list must allow refreshing, as
    /// Cognito requires.
    fn checked_flows(&self) -> Result<Vec<ExplicitAuthFlow>> {
        let mut flows = self
            .auth_flows
            .clone()
            .unwrap_or_else(|| ExplicitAuthFlow::DEFAULT.to_vec());
        if !flows.contains(&ExplicitAuthFlow::AllowRefreshTokenAuth) {
            return Err(Error::InvalidParameter(
                "REFRESH_TOKEN_AUTH should always be allowed.".into(),
            ));
        }
        flows.sort();
        flows.dedup();
        Ok(flows)
    }

    /// The lifetimes, defaults where not given, each within Cognito's bounds.
    fn checked_lifetimes(&self) -> Result<(i64, i64)> {
        let token = self
            .token_validity_secs
            .unwrap_or(DEFAULT_TOKEN_VALIDITY_SECS);
        let refresh = self
            .refresh_validity_secs
            .unwrap_or(DEFAULT_REFRESH_VALIDITY_SECS);
        if !(bounds::TOKEN_MIN_SECS..=bounds::TOKEN_MAX_SECS).contains(&token) {
            return Err(Error::InvalidParameter(
                "AccessTokenValidity and IdTokenValidity must be 5 minutes to 1 day.".into(),
            ));
        }
        if !(bounds::REFRESH_MIN_SECS..=bounds::REFRESH_MAX_SECS).contains(&refresh) {
            return Err(Error::InvalidParameter(
                "RefreshTokenValidity must be 60 minutes to 10 years.".into(),
            ));
        }
        Ok((token, refresh))
    }

    /// The rotation setting, off when not given.
    fn checked_rotation(&self) -> Result<RefreshRotation> {
        let rotation = self.refresh_rotation.clone().unwrap_or(RefreshRotation {
            enabled: false,
            ..RefreshRotation::default()
        });
        rotation.validate()?;
        Ok(rotation)
    }

    /// The OAuth members as a change to the app's OAuth settings (lists replaced).
    fn oauth_patch(&self) -> OAuthPatch {
        let oauth = &self.oauth;
        OAuthPatch {
            callback_urls: Some(oauth.callback_urls.clone()),
            logout_urls: Some(oauth.logout_urls.clone()),
            flows: Some(OAuthFlowsPatch {
                code: Some(oauth.flows.code),
                implicit: Some(oauth.flows.implicit),
                client_credentials: Some(oauth.flows.client_credentials),
            }),
            scopes: Some(oauth.scopes.clone()),
            ..OAuthPatch::default()
        }
    }

    /// The OAuth members, checked against the app (its custom scopes) and the client (client
    /// credentials need a secret).
    fn checked_oauth(&self, app: &App, has_secret: bool) -> Result<ClientOAuth> {
        let settings = self.oauth_patch().apply(&app.settings.oauth);
        let problems: Vec<SettingProblem> = settings.problems(has_secret);
        if !problems.is_empty() {
            return Err(Error::InvalidSettings(problems));
        }
        Ok(ClientOAuth {
            callback_urls: settings.callback_urls,
            logout_urls: settings.logout_urls,
            flows: settings.flows,
            scopes: settings.scopes,
        })
    }

    /// What a client other than the app's own keeps for itself (`identity_providers`
    /// already checked against the pool).
    fn profile(
        &self,
        app: &App,
        has_secret: bool,
        identity_providers: Option<Vec<String>>,
    ) -> Result<ClientProfile> {
        Ok(ClientProfile {
            name: Some(check_client_name(&self.name)?),
            auth_flows: Some(self.checked_flows()?),
            oauth: Some(self.checked_oauth(app, has_secret)?),
            hide_existing_accounts: Some(self.hide_existing_accounts.unwrap_or(false)),
            refresh_rotation: Some(self.checked_rotation()?),
            validity_units: Some(self.validity_units),
            identity_providers,
        })
    }
}

/// A client name: 1–128 characters of Cognito's `[\w\s+=,.@-]+`.
fn check_client_name(name: &str) -> Result<String> {
    let fits = (1..=128).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c));
    if fits {
        Ok(name.to_owned())
    } else {
        Err(Error::InvalidParameter(
            "ClientName must be 1 to 128 letters, digits, spaces or _+=,.@- characters.".into(),
        ))
    }
}

impl Service {
    /// CreateUserPoolClient: a new client of the pool, with a secret if `generate_secret`.
    pub async fn create_pool_client(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        spec: &ClientSpec,
        generate_secret: bool,
        caller: &Caller,
    ) -> Result<PoolClient> {
        let app = self.admin_app(actor, pool_id).await?;
        let (token, refresh) = spec.checked_lifetimes()?;
        let providers = self
            .checked_client_providers(&app, spec.identity_providers.as_deref())
            .await?;
        let profile = spec.profile(&app, generate_secret, providers)?;
        let id = ClientId::generate();
        let (secret, sealed_secret) = match generate_secret {
            true => {
                let (secret, sealed) = self.new_client_secret(&id);
                (Some(SecretString::from(secret)), Some(sealed))
            }
            false => (None, None),
        };
        let now = self.clock.now();
        let client = Client {
            id,
            pool_id: app.pool_id.clone(),
            app_id: app.id.clone(),
            sealed_secret,
            token_validity_secs: token,
            refresh_validity_secs: refresh,
            primary: false,
            profile,
            created_at: now,
            updated_at: now,
        };
        match self
            .store
            .insert_client(&client, MAX_CLIENTS_PER_POOL)
            .await?
        {
            ClientInsert::Added => {}
            ClientInsert::AtLimit => return Err(Error::ClientLimitExceeded(MAX_CLIENTS_PER_POOL)),
            ClientInsert::AppGone => return Err(Error::PoolNotFound(app.pool_id.clone())),
        }
        self.apps.forget(&app.pool_id);
        self.record_client_change(actor, &app, "client_created", &client.id, caller);
        let app = App { client, ..app }.through_client();
        Ok(PoolClient { app, secret })
    }

    /// UpdateUserPoolClient: the client becomes `spec`, whatever it does not give back to its
    /// default. For the app's own client the settings it shares with the app (lifetimes,
    /// OAuth, existence errors, rotation) are the app's, and change with it.
    pub async fn update_pool_client(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        client_id: &ClientId,
        spec: &ClientSpec,
        caller: &Caller,
    ) -> Result<PoolClient> {
        let current = self.pool_client_app(actor, pool_id, client_id).await?;
        let (token, refresh) = spec.checked_lifetimes()?;
        let providers = self
            .checked_client_providers(&current, spec.identity_providers.as_deref())
            .await?;
        let has_secret = current.client.sealed_secret.is_some();
        let app = if current.client.primary {
            let name = check_client_name(&spec.name)?;
            let flows = spec.checked_flows()?;
            let rotation = spec.checked_rotation()?;
            let update = AppUpdate {
                token_validity_secs: Some(token),
                refresh_validity_secs: Some(refresh),
                hide_existing_accounts: Some(spec.hide_existing_accounts.unwrap_or(false)),
                refresh_rotation: Some(RotationPatch {
                    enabled: Some(rotation.enabled),
                    grace_secs: Some(rotation.grace_secs),
                }),
                oauth: Some(spec.oauth_patch()),
                ..AppUpdate::default()
            };
            self.update_app_and_client(actor, &current.id, update, caller, |client| {
                client.profile.name = Some(name);
                client.profile.auth_flows = Some(flows);
                client.profile.validity_units = Some(spec.validity_units);
                client.profile.identity_providers = providers;
            })
            .await?
        } else {
            let mut client = current.client.clone();
            client.token_validity_secs = token;
            client.refresh_validity_secs = refresh;
            client.profile = spec.profile(&current, has_secret, providers)?;
            client.updated_at = self.clock.now();
            if !self.store.update_client(&client).await? {
                return Err(Error::ClientNotFound(client.id));
            }
            self.apps.forget(&current.pool_id);
            self.record_client_change(actor, &current, "client_updated", &client.id, caller);
            App { client, ..current }.through_client()
        };
        let secret = self.client_secret(&app)?.map(SecretString::from);
        Ok(PoolClient { app, secret })
    }

    /// DeleteUserPoolClient: the client goes, its sessions revoked. The app's own client goes
    /// only with the app (DeleteUserPool).
    pub async fn delete_pool_client(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        client_id: &ClientId,
        caller: &Caller,
    ) -> Result<()> {
        let app = self.pool_client_app(actor, pool_id, client_id).await?;
        if app.client.primary {
            return Err(Error::InvalidParameter(
                "The app's own client is deleted only with its user pool (DeleteUserPool).".into(),
            ));
        }
        let now = self.clock.now();
        if !self.store.delete_client(&app.id, client_id, now).await? {
            return Err(Error::ClientNotFound(client_id.clone()));
        }
        self.apps.forget(&app.pool_id);
        self.record_client_change(actor, &app, "client_deleted", client_id, caller);
        Ok(())
    }

    /// ListUserPoolClients: the pool's clients, its own first, each as the app through it.
    pub async fn list_pool_clients(&self, actor: Actor, pool_id: &PoolId) -> Result<Vec<App>> {
        let app = self.admin_app(actor, pool_id).await?;
        let clients = self.store.list_clients(&app.id).await?;
        Ok(clients
            .into_iter()
            .map(|client| {
                App {
                    client,
                    ..app.clone()
                }
                .through_client()
            })
            .collect())
    }

    /// DescribeUserPoolClient: the app of `pool_id` through its client `client_id`, with the
    /// client's secret when it has one (Cognito answers it to those who may read the pool).
    pub async fn describe_pool_client(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        client_id: &ClientId,
    ) -> Result<PoolClient> {
        let app = self.pool_client_app(actor, pool_id, client_id).await?;
        let secret = self.client_secret(&app)?.map(SecretString::from);
        Ok(PoolClient { app, secret })
    }

    /// The app of `pool_id` through its client `client_id`, when `actor` may administer it
    /// (AdminInitiateAuth and the client operations name both).
    pub async fn pool_client_app(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        client_id: &ClientId,
    ) -> Result<App> {
        let app = self.admin_app(actor, pool_id).await?;
        if &app.client.id == client_id {
            return Ok(app);
        }
        let not_found = || {
            Error::ClientNotFound(ClientId::new(
                client_id.as_str().chars().take(128).collect::<String>(),
            ))
        };
        match self.app_for_client(client_id).await {
            Ok(other) if other.pool_id == app.pool_id => Ok(other),
            Ok(_) | Err(Error::ClientNotFound(_) | Error::Validation(_)) => Err(not_found()),
            Err(e) => Err(e),
        }
    }

    /// Records a change to a pool's clients as a settings change of its app.
    fn record_client_change(
        &self,
        actor: Actor,
        app: &App,
        what: &str,
        client_id: &ClientId,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(
            app.pool_id.clone(),
            self.clock.now(),
            EventKind::SettingsChanged,
        )
        .with("changed", what)
        .with("client_id", client_id.as_str())
        .by(caller);
        event.actor = Some(actor.audit_name());
        self.events.record(event);
    }
}
