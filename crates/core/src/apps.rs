//! Registering apps: each gets its own pool, client and signing key, and nothing is shared.

use crate::error::{Error, Result, SettingProblem};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{AppId, ClientId, PoolId, UserId};
use crate::model::{App, Client};
use crate::oauth_settings::OAuthPatch;
use crate::passkey_settings::PasskeyPatch;
use crate::policy::PasswordPolicy;
use crate::provider::ProviderKind;
use crate::service::Service;
use crate::settings::{
    MfaMode, MfaPatch, PolicyPatch, RotationPatch, TemplatesPatch, UserApiKeysPatch, bounds,
};
use crate::store::StoreError;
use crate::tokens::KeyCache;
use serde::{Deserialize, Serialize};

/// Default ID/access token lifetime: 1 hour.
pub const DEFAULT_TOKEN_VALIDITY_SECS: i64 = 3600;
/// Default refresh token lifetime: 30 days.
pub const DEFAULT_REFRESH_VALIDITY_SECS: i64 = 30 * 24 * 3600;
/// Length of generated client secrets (AWS issues ~51 lowercase alphanumerics).
const CLIENT_SECRET_LEN: usize = 51;

/// Who is asking: the operator (CLI, sees everything) or one developer (sees their own apps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The operator of this deployment.
    Operator,
    /// A developer: a user of the console pool.
    Developer(UserId),
}

impl Actor {
    /// How audit events name the actor: the developer's user id, or `operator`.
    pub fn audit_name(self) -> String {
        match self {
            Self::Operator => "operator".to_owned(),
            Self::Developer(id) => id.to_string(),
        }
    }

    pub(crate) fn owner(self) -> Option<UserId> {
        match self {
            Self::Operator => None,
            Self::Developer(id) => Some(id),
        }
    }

    pub(crate) fn may_see(self, app: &App) -> bool {
        match self {
            Self::Operator => true,
            Self::Developer(id) => app.owner == Some(id),
        }
    }
}

/// What registering an app needs.
#[derive(Clone, Debug, Default)]
pub struct NewApp {
    /// Display name (1–128 characters).
    pub name: String,
    /// Allowed browser origins (`scheme://host[:port]`); empty = any.
    pub origins: Vec<String>,
    /// Whether the client gets a secret (server-side apps only).
    pub client_secret: bool,
    /// Where its pool lives; `None`: the server's default (`--default-provider`).
    pub provider: Option<crate::provider::ProviderKind>,
}

/// A freshly registered app; the client secret is shown this once.
#[derive(Clone)]
pub struct CreatedApp {
    /// The app.
    pub app: App,
    /// The client secret, if one was asked for.
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for CreatedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApp")
            .field("app", &self.app.id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// What an app's front end needs to talk to us (served publicly).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    /// The app id.
    pub app_id: String,
    /// The app's display name, so a sign-in form can say where the user is signing in.
    pub name: String,
    /// Its pool.
    pub user_pool_id: String,
    /// Its client.
    pub client_id: String,
    /// The pool's region prefix.
    pub region: String,
    /// The Cognito endpoint (POST /).
    pub endpoint: String,
    /// The token issuer.
    pub issuer: String,
    /// The password policy, so front ends can show it.
    pub password_policy: PolicyView,
    /// Multi-factor sign-in, so front ends know which codes to ask for and offer.
    pub mfa: MfaView,
    /// Passkeys, so front ends know whether to offer them.
    pub passkeys: PasskeysView,
    /// Where the pool lives (`builtin`, `cognito`): the endpoint and issuer above are its.
    pub provider: ProviderKind,
    /// The identity providers the app's own client may sign in through, for "Continue with …"
    /// buttons (filled by [`Service::app_config`]).
    pub identity_providers: Vec<IdentityProviderLink>,
}

/// An identity provider as the public config names it: enough for a button.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityProviderLink {
    /// What `identity_provider=` names.
    pub name: String,
    /// `OIDC`, `Google` or `SignInWithApple`.
    #[serde(rename = "type")]
    pub provider_type: &'static str,
}

/// The app's passkey setting as the public config shows it: whether they are on (the relying
/// party and origins stay private to the server's checks).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasskeysView {
    /// Whether users may add passkeys and sign in with them: on, with a relying party that some
    /// allowed origin is on (else no browser could).
    pub enabled: bool,
}

/// The app's multi-factor setting as the public config shows it (camelCase).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MfaView {
    /// `OFF`, `OPTIONAL` or `ON`.
    pub mode: MfaMode,
    /// Whether users may choose codes by email.
    pub email_otp: bool,
}

/// The password policy as the public config shows it (camelCase like the rest of it).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    /// Minimum length.
    pub min_length: usize,
    /// An upper-case letter is required.
    pub require_uppercase: bool,
    /// A lower-case letter is required.
    pub require_lowercase: bool,
    /// A digit is required.
    pub require_numbers: bool,
    /// A symbol is required.
    pub require_symbols: bool,
}

impl From<&PasswordPolicy> for PolicyView {
    fn from(p: &PasswordPolicy) -> Self {
        Self {
            min_length: p.min_length,
            require_uppercase: p.require_uppercase,
            require_lowercase: p.require_lowercase,
            require_numbers: p.require_numbers,
            require_symbols: p.require_symbols,
        }
    }
}

/// The members of [`AppUpdate`] an app whose pool lives in Cognito may change that are Auth
/// Return's alone: nothing is written there for them.
const OURS_ALONE: [&str; 3] = ["name", "origins", "user_api_keys"];
/// The members of [`AppUpdate`] the pool and client in Cognito have a place for: written there
/// (read, merge, write) before here.
const WRITTEN_TO_PROVIDER: [&str; 6] = [
    "token_validity_secs",
    "refresh_validity_secs",
    "password_policy",
    "refresh_rotation",
    "hide_existing_accounts",
    "mfa.mode",
];

/// A change to an app's settings: every member is optional; absent ones stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppUpdate {
    /// Display name.
    pub name: Option<String>,
    /// Allowed browser origins (empty = any).
    pub origins: Option<Vec<String>>,
    /// ID and access token lifetime, seconds (300–86,400).
    pub token_validity_secs: Option<i64>,
    /// Refresh token lifetime, seconds (3,600–315,360,000).
    pub refresh_validity_secs: Option<i64>,
    /// Password policy changes (absent members stay).
    pub password_policy: Option<PolicyPatch>,
    /// Refresh-token rotation.
    pub refresh_rotation: Option<RotationPatch>,
    /// Mail template changes (absent members stay, "" restores the built-in wording).
    pub templates: Option<TemplatesPatch>,
    /// Whether users may create API keys, and with which scopes.
    pub user_api_keys: Option<UserApiKeysPatch>,
    /// Whether sign-up answers hide that an account exists.
    pub hide_existing_accounts: Option<bool>,
    /// Whether a sign-in through an identity provider joins the user with the same verified
    /// email.
    pub link_identities_by_email: Option<bool>,
    /// Hosted sign-in and OAuth 2.0 changes (absent members stay, lists replace).
    pub oauth: Option<OAuthPatch>,
    /// Multi-factor sign-in (absent members stay).
    pub mfa: Option<MfaPatch>,
    /// Passkeys (absent members stay, the origins list replaces).
    pub passkeys: Option<PasskeyPatch>,
    /// Hooks (a hook given replaces it, `null` removes it).
    pub hooks: Option<crate::hooks::HooksPatch>,
}

impl AppUpdate {
    /// The members this change names, as its JSON does (values are not kept: a template may
    /// be long, and an event says what changed, not to what).
    fn members(&self) -> Vec<&'static str> {
        // Destructured, so that a new member does not compile until it is named here.
        let Self {
            name,
            origins,
            token_validity_secs,
            refresh_validity_secs,
            password_policy,
            refresh_rotation,
            templates,
            user_api_keys,
            hide_existing_accounts,
            link_identities_by_email,
            oauth,
            mfa,
            passkeys,
            hooks,
        } = self;
        [
            ("name", name.is_some()),
            ("origins", origins.is_some()),
            ("token_validity_secs", token_validity_secs.is_some()),
            ("refresh_validity_secs", refresh_validity_secs.is_some()),
            ("password_policy", password_policy.is_some()),
            ("refresh_rotation", refresh_rotation.is_some()),
            ("templates", templates.is_some()),
            ("user_api_keys", user_api_keys.is_some()),
            ("hide_existing_accounts", hide_existing_accounts.is_some()),
            (
                "link_identities_by_email",
                link_identities_by_email.is_some(),
            ),
            ("oauth", oauth.is_some()),
            // Named by its member (destructured too): `{"mfa": {}}` names nothing.
            (
                "mfa.mode",
                mfa.as_ref()
                    .is_some_and(|MfaPatch { mode, .. }| mode.is_some()),
            ),
            (
                "mfa.email_otp",
                mfa.as_ref()
                    .is_some_and(|MfaPatch { email_otp, .. }| email_otp.is_some()),
            ),
            ("passkeys", passkeys.is_some()),
            ("hooks", hooks.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
        return Err(Error::InvalidParameter(
            "name must be 1 to 128 printable characters".into(),
        ));
    }
    Ok(name.to_owned())
}

/// Canonical form of an allowed origin, or an error naming it.
pub(crate) fn check_origin(origin: &str) -> Result<String> {
    let bad = || {
        Error::InvalidParameter(format!(
            "invalid origin '{origin}': expected scheme://host[:port]"
        ))
    };
    let trimmed = origin.trim().trim_end_matches('/');
    let (scheme, rest) = trimmed.split_once("://").ok_or_else(bad)?;
    let scheme = scheme.to_ascii_lowercase();
    if !(scheme == "http" || scheme == "https") || rest.is_empty() {
        return Err(bad());
    }
    let valid_host = rest
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !valid_host {
        return Err(bad());
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

impl Service {
    /// Registers an app owned by `actor` (operator apps have no owner), its pool here or with
    /// the provider `new` names.
    pub async fn create_app(&self, actor: Actor, new: NewApp) -> Result<CreatedApp> {
        match new.provider.unwrap_or(self.config.default_provider) {
            ProviderKind::Builtin => {
                self.create_app_with_id(AppId::generate(), actor.owner(), new)
                    .await
            }
            kind => self.create_external_app(kind, actor.owner(), new).await,
        }
    }

    async fn create_app_with_id(
        &self,
        id: AppId,
        owner: Option<UserId>,
        new: NewApp,
    ) -> Result<CreatedApp> {
        let name = check_name(&new.name)?;
        let origins = new
            .origins
            .iter()
            .map(|o| check_origin(o))
            .collect::<Result<Vec<_>>>()?;
        let now = self.clock.now();
        let pool_id = PoolId::generate(&self.config.region);
        let client_id = ClientId::generate();
        let (client_secret, sealed_secret) = match new.client_secret {
            true => {
                let (secret, sealed) = self.new_client_secret(&client_id);
                (Some(secret), Some(sealed))
            }
            false => (None, None),
        };
        let key =
            KeyCache::new_key_record(&self.keyring, &self.compute, &pool_id, now, now).await?;
        let app = App {
            id: id.clone(),
            name,
            owner,
            pool_id: pool_id.clone(),
            client: Client {
                id: client_id,
                pool_id,
                app_id: id,
                sealed_secret,
                token_validity_secs: DEFAULT_TOKEN_VALIDITY_SECS,
                refresh_validity_secs: DEFAULT_REFRESH_VALIDITY_SECS,
                primary: true,
                profile: crate::clients::ClientProfile::default(),
                created_at: now,
                updated_at: now,
            },
            origins,
            settings: crate::settings::AppSettings::default(),
            external: None,
            created_at: now,
        };
        self.store.insert_app(&app, Some(&key)).await?;
        tracing::info!(app_id = %app.id, pool_id = %app.pool_id, "app registered");
        Ok(CreatedApp { app, client_secret })
    }

    /// A new client secret for `client_id`, and the secret sealed to it.
    pub(crate) fn new_client_secret(&self, client_id: &ClientId) -> (String, Vec<u8>) {
        let secret = auth_return_crypto::random::lower_alphanumeric(CLIENT_SECRET_LEN);
        let sealed = self
            .keyring
            .client_secrets
            .seal(secret.as_bytes(), client_id.as_str().as_bytes());
        (secret, sealed)
    }

    /// The built-in console app (whose users are the developers), created on first start.
    pub async fn ensure_console_app(&self) -> Result<App> {
        let id = AppId::console();
        if let Some(app) = self.store.get_app(&id).await? {
            return Ok(app);
        }
        let new = NewApp {
            name: "Auth Return console".into(),
            ..NewApp::default()
        };
        match self.create_app_with_id(id.clone(), None, new).await {
            Ok(created) => Ok(created.app),
            // Another instance created it first.
            Err(Error::Store(StoreError::Conflict(_))) => self
                .store
                .get_app(&id)
                .await?
                .ok_or_else(|| Error::Internal("console app vanished".into())),
            Err(e) => Err(e),
        }
    }

    /// The apps `actor` may see, oldest first.
    pub async fn list_apps(&self, actor: Actor) -> Result<Vec<App>> {
        Ok(self.store.list_apps(actor.owner()).await?)
    }

    /// One app, if `actor` may see it (otherwise it does not exist for them).
    pub async fn get_app(&self, actor: Actor, app_id: &AppId) -> Result<App> {
        let app = self
            .store
            .get_app(app_id)
            .await?
            .ok_or(Error::AppNotFound)?;
        if actor.may_see(&app) {
            Ok(app)
        } else {
            Err(Error::AppNotFound)
        }
    }

    /// Deletes an app with its pool and every user. The console app cannot be deleted.
    pub async fn delete_app(&self, actor: Actor, app_id: &AppId) -> Result<()> {
        self.delete_app_and_pool(actor, app_id, true).await
    }

    /// Deletes an app here and leaves its pool at its provider as it is, for a pool this
    /// server can no longer delete there (credentials withdrawn, no provider configured). For
    /// an app whose pool lives here it is [`Self::delete_app`].
    pub async fn delete_app_keeping_external_pool(
        &self,
        actor: Actor,
        app_id: &AppId,
    ) -> Result<()> {
        self.delete_app_and_pool(actor, app_id, false).await
    }

    async fn delete_app_and_pool(
        &self,
        actor: Actor,
        app_id: &AppId,
        delete_external_pool: bool,
    ) -> Result<()> {
        let app = self.get_app(actor, app_id).await?;
        if app.id.is_console() {
            return Err(Error::InvalidParameter(
                "the console app cannot be deleted".into(),
            ));
        }
        if delete_external_pool && app.external.is_some() {
            self.delete_external_pool(&app).await?;
        }
        if !self.store.delete_app(&app.id).await? {
            return Err(Error::AppNotFound);
        }
        self.keys.forget(&app.pool_id);
        self.apps.forget(&app.pool_id);
        tracing::info!(app_id = %app.id, pool_id = %app.pool_id, "app deleted");
        Ok(())
    }

    /// Changes an app's settings after validating every member; nothing changes on error.
    pub async fn update_app(
        &self,
        actor: Actor,
        app_id: &AppId,
        update: AppUpdate,
        caller: &Caller,
    ) -> Result<App> {
        self.update_app_and_client(actor, app_id, update, caller, |_| ())
            .await
    }

    /// [`Self::update_app`], with `edit` applied to the app's own client in the same write
    /// (UpdateUserPoolClient of an app's own client: its name and flows).
    pub(crate) async fn update_app_and_client(
        &self,
        actor: Actor,
        app_id: &AppId,
        update: AppUpdate,
        caller: &Caller,
        edit: impl FnOnce(&mut crate::model::Client),
    ) -> Result<App> {
        let mut app = self.get_app(actor, app_id).await?;
        if app.external.is_some()
            && let Some(member) = update
                .members()
                .into_iter()
                .find(|m| !OURS_ALONE.contains(m) && !WRITTEN_TO_PROVIDER.contains(m))
        {
            crate::service::builtin_only(
                &app,
                &format!("{member} has no place in its pool there; change it in AWS Cognito"),
            )?;
        }
        edit(&mut app.client);
        app.client.updated_at = self.clock.now();
        let changed = update.members();
        let mut problems = Vec::new();
        // Each member is checked on its own so that one answer names every bad one; the
        // error's message is the problem's, under the member's dotted path.
        let mut check = |field: &str, outcome: Result<()>| {
            if let Err(e) = outcome {
                problems.push(SettingProblem::new(field, e.to_string()));
            }
        };
        if let Some(name) = update.name {
            check("name", check_name(&name).map(|name| app.name = name));
        }
        if let Some(origins) = update.origins {
            let checked: Result<Vec<_>> = origins.iter().map(|o| check_origin(o)).collect();
            check("origins", checked.map(|origins| app.origins = origins));
        }
        if let Some(secs) = update.token_validity_secs {
            let fits = (bounds::TOKEN_MIN_SECS..=bounds::TOKEN_MAX_SECS).contains(&secs);
            check(
                "token_validity_secs",
                if fits {
                    app.client.token_validity_secs = secs;
                    Ok(())
                } else {
                    Err(Error::InvalidParameter(
                        "token_validity_secs must be 300 (5 minutes) to 86400 (1 day)".into(),
                    ))
                },
            );
        }
        if let Some(secs) = update.refresh_validity_secs {
            let fits = (bounds::REFRESH_MIN_SECS..=bounds::REFRESH_MAX_SECS).contains(&secs);
            check(
                "refresh_validity_secs",
                if fits {
                    app.client.refresh_validity_secs = secs;
                    Ok(())
                } else {
                    Err(Error::InvalidParameter(
                        "refresh_validity_secs must be 3600 (60 minutes) to 315360000 (10 years)"
                            .into(),
                    ))
                },
            );
        }
        if let Some(patch) = update.password_policy {
            let policy = patch.apply(&app.settings.password_policy);
            check(
                "password_policy.min_length",
                policy
                    .validate()
                    .map(|()| app.settings.password_policy = policy),
            );
        }
        if let Some(patch) = update.refresh_rotation {
            let rotation = patch.apply(&app.settings.refresh_rotation);
            check(
                "refresh_rotation.grace_secs",
                rotation
                    .validate()
                    .map(|()| app.settings.refresh_rotation = rotation),
            );
        }
        if let Some(hide) = update.hide_existing_accounts {
            app.settings.hide_existing_accounts = hide;
        }
        if let Some(link) = update.link_identities_by_email {
            app.settings.link_identities_by_email = link;
        }
        if let Some(patch) = update.user_api_keys {
            check(
                "user_api_keys.scopes",
                patch
                    .apply(&app.settings.user_api_keys)
                    .map(|keys| app.settings.user_api_keys = keys),
            );
        }
        if let Some(patch) = update.mfa {
            check(
                "mfa.mode",
                patch
                    .apply(&app.settings.mfa)
                    .map(|mfa| app.settings.mfa = mfa),
            );
        }
        if let Some(patch) = update.hooks {
            check(
                "hooks",
                patch
                    .apply(&app.settings.hooks, self.config.webhooks_allow_private)
                    .map(|hooks| app.settings.hooks = hooks),
            );
        }
        if let Some(patch) = update.passkeys {
            match patch.apply(&app.settings.passkeys) {
                Ok(passkeys) => app.settings.passkeys = passkeys,
                Err(bad) => problems.extend(bad),
            }
        }
        if let Some(patch) = update.templates {
            let templates = patch.apply(&app.settings.templates);
            let bad = templates.problems();
            if bad.is_empty() {
                app.settings.templates = templates;
            }
            problems.extend(bad);
        }
        if let Some(patch) = update.oauth {
            let oauth = patch.apply(&app.settings.oauth);
            // Judged whole, against the app: a change to one member can break another's rule
            // (custom scopes the allowed scopes name; client credentials need the secret).
            let bad = oauth.problems(app.client.sealed_secret.is_some());
            if bad.is_empty() {
                app.settings.oauth = oauth;
            }
            problems.extend(bad);
        }
        if !problems.is_empty() {
            return Err(Error::InvalidSettings(problems));
        }
        if let Some(external) = &app.external
            && changed.iter().any(|m| WRITTEN_TO_PROVIDER.contains(m))
        {
            // Read, merge, write there first: its answer decides.
            self.provider(external.provider)?
                .update_pool(app.pool_id.as_str(), &app.settings, &app.client)
                .await
                .map_err(Error::Provider)?;
        }
        if !self.store.update_app(&app).await? {
            return Err(Error::AppNotFound);
        }
        self.apps.forget(&app.pool_id);
        tracing::info!(app_id = %app.id, "app settings updated");
        if !changed.is_empty() {
            let mut event = NewEvent::new(
                app.pool_id.clone(),
                self.clock.now(),
                EventKind::SettingsChanged,
            )
            .with("changed", &changed.join(" "))
            .by(caller);
            event.actor = Some(actor.audit_name());
            self.events.record(event);
        }
        Ok(app)
    }

    /// The public configuration of an app's front end.
    pub async fn app_config(&self, app_id: &AppId) -> Result<AppConfig> {
        let app = self
            .store
            .get_app(app_id)
            .await?
            .ok_or(Error::AppNotFound)?;
        let mut config = self.config_of(&app);
        if app.external.is_none() {
            config.identity_providers = self
                .sign_in_providers(&app)
                .await?
                .into_iter()
                .map(|(name, provider_type)| IdentityProviderLink {
                    name,
                    provider_type: provider_type.as_str(),
                })
                .collect();
        }
        Ok(config)
    }

    /// The public configuration of `app`.
    pub fn config_of(&self, app: &App) -> AppConfig {
        AppConfig {
            app_id: app.id.to_string(),
            name: app.name.clone(),
            user_pool_id: app.pool_id.to_string(),
            client_id: app.client.id.to_string(),
            region: app.pool_id.region().to_owned(),
            endpoint: app
                .external
                .as_ref()
                .map_or_else(|| self.config.public_url.clone(), |e| e.endpoint.clone()),
            issuer: app
                .external
                .as_ref()
                .map_or_else(|| self.issuer(&app.pool_id), |e| e.issuer.clone()),
            password_policy: (&app.settings.password_policy).into(),
            mfa: MfaView {
                mode: app.settings.mfa.mode,
                email_otp: app.settings.mfa.email_otp,
            },
            passkeys: PasskeysView {
                // A pool elsewhere has no passkey settings of ours.
                enabled: app.external.is_none() && self.passkeys_usable(app),
            },
            provider: app
                .external
                .as_ref()
                .map_or(ProviderKind::Builtin, |e| e.provider),
            identity_providers: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_origin;

    #[test]
    fn origins_are_canonical_or_refused() {
        assert_eq!(
            check_origin("https://App.Example.com/").ok().as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(
            check_origin("http://localhost:3000").ok().as_deref(),
            Some("http://localhost:3000")
        );
        for bad in [
            "",
            "example.com",
            "ftp://x",
            "https://",
            "https://x/path",
            "https://a b",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }
}
