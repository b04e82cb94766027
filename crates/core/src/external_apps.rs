//! Apps whose user pool lives with another provider (AWS Cognito, issue 16): registered here,
//! their pool and client made there first — all or nothing — and deleted there before here.

use crate::apps::Actor;
use crate::apps::{
    CreatedApp, DEFAULT_REFRESH_VALIDITY_SECS, DEFAULT_TOKEN_VALIDITY_SECS, NewApp, check_name,
    check_origin,
};
use crate::auth::TokenInfo;
use crate::clients::ClientProfile;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{AppId, ClientId, PoolId, UserId};
use crate::model::{App, Client};
use crate::provider::{
    ExternalClaims, ExternalTokenError, ForwardedAnswer, PoolProvider, ProviderFailureKind,
    ProviderKind, reads_only,
};
use crate::service::Service;
use crate::settings::AppSettings;
use crate::tokens::verify::unverified_claims;
use std::sync::Arc;

impl Service {
    /// The provider of `kind`, if this server has one.
    pub(crate) fn provider(&self, kind: ProviderKind) -> Result<&Arc<dyn PoolProvider>> {
        self.pool_provider
            .as_ref()
            .filter(|provider| provider.kind() == kind)
            .ok_or(Error::ProviderNotConfigured(kind))
    }

    /// The providers apps may be registered with here, the built-in one first.
    pub fn available_providers(&self) -> Vec<ProviderKind> {
        let mut kinds = vec![ProviderKind::Builtin];
        kinds.extend(self.pool_provider.as_ref().map(|provider| provider.kind()));
        kinds
    }

    /// The provider of apps registered without naming one (`--default-provider`).
    pub fn default_provider(&self) -> ProviderKind {
        self.config.default_provider
    }

    /// Registers an app whose pool `kind` makes: the pool and client there first, then the
    /// app here; if this fails, the pool there is deleted again.
    pub(crate) async fn create_external_app(
        &self,
        kind: ProviderKind,
        owner: Option<UserId>,
        new: NewApp,
    ) -> Result<CreatedApp> {
        let provider = self.provider(kind)?;
        let name = check_name(&new.name)?;
        let origins = new
            .origins
            .iter()
            .map(|o| check_origin(o))
            .collect::<Result<Vec<_>>>()?;
        let id = AppId::generate();
        let settings = AppSettings::default();
        let now = self.clock.now();
        let lifetimes = Client {
            id: ClientId::new(""),
            pool_id: PoolId::new(""),
            app_id: id.clone(),
            sealed_secret: None,
            token_validity_secs: DEFAULT_TOKEN_VALIDITY_SECS,
            refresh_validity_secs: DEFAULT_REFRESH_VALIDITY_SECS,
            primary: true,
            profile: ClientProfile::default(),
            created_at: now,
            updated_at: now,
        };
        let made = provider
            .create_pool(
                &format!("auth-return {id}"),
                &settings,
                &lifetimes,
                new.client_secret,
            )
            .await
            .map_err(Error::Provider)?;
        let pool_id = PoolId::new(made.pool_id.clone());
        let client_id = ClientId::new(made.client_id.clone());
        let sealed_secret = made.client_secret.as_ref().map(|secret| {
            self.keyring
                .client_secrets
                .seal(secret.expose().as_bytes(), client_id.as_str().as_bytes())
        });
        let app = App {
            id: id.clone(),
            name,
            owner,
            pool_id: pool_id.clone(),
            client: Client {
                id: client_id,
                pool_id: pool_id.clone(),
                sealed_secret,
                ..lifetimes
            },
            origins,
            settings,
            external: Some(made.external),
            created_at: now,
        };
        if let Err(stored) = self.store.insert_app(&app, None).await {
            // Nothing may be left behind in the provider either.
            return Err(match provider.delete_pool(&made.pool_id).await {
                Ok(()) => stored.into(),
                Err(cleanup) => Error::Internal(format!(
                    "registering the app failed ({stored}), and deleting its pool {} in {} \
                     failed too ({cleanup}): delete it there by hand",
                    made.pool_id,
                    kind.as_str()
                )),
            });
        }
        tracing::info!(app_id = %app.id, pool_id = %app.pool_id, provider = kind.as_str(), "app registered");
        Ok(CreatedApp {
            app,
            client_secret: made.client_secret.map(|s| s.expose().to_owned()),
        })
    }

    /// Deletes the pool of `app` at its provider; one already gone there is no error.
    pub(crate) async fn delete_external_pool(&self, app: &App) -> Result<()> {
        let Some(external) = &app.external else {
            return Ok(());
        };
        let provider = self.provider(external.provider)?;
        match provider.delete_pool(app.pool_id.as_str()).await {
            Ok(()) => Ok(()),
            Err(failure) if failure.kind == ProviderFailureKind::NotFound => Ok(()),
            Err(failure) => Err(Error::Provider(failure)),
        }
    }

    /// Who a token of a pool that lives elsewhere belongs to (`GET /api/user`): `None` when
    /// it claims no such pool of ours.
    pub(crate) async fn external_token_info(&self, token: &str) -> Result<Option<TokenInfo>> {
        let Some((app, claims)) = self.verify_external_token(token).await? else {
            return Ok(None);
        };
        Ok(Some(TokenInfo {
            username: claims.username.unwrap_or_else(|| claims.sub.clone()),
            user_id: claims.sub,
            email: claims.email.unwrap_or_default(),
            app_id: app.id.to_string(),
            token_use: claims.token_use,
            expires_at: claims.expires_at,
        }))
    }

    /// The app and claims of a valid token of a pool that lives elsewhere, verified there by
    /// the pool's keys: `None` when the token claims no such pool of ours.
    pub(crate) async fn verify_external_token(
        &self,
        token: &str,
    ) -> Result<Option<(App, ExternalClaims)>> {
        let Some(iss) = unverified_claims(token)
            .and_then(|claims| claims.get("iss")?.as_str().map(str::to_owned))
        else {
            return Ok(None);
        };
        let pool = iss.rsplit('/').next().unwrap_or_default();
        if !PoolId::is_well_formed(pool) {
            return Ok(None);
        }
        let Some(app) = self.store.get_app_by_pool(&PoolId::new(pool)).await? else {
            return Ok(None);
        };
        let Some(external) = app.external.as_ref().filter(|e| e.issuer == iss) else {
            return Ok(None);
        };
        let provider = self.provider(external.provider)?;
        let claims = provider
            .verify_token(external, app.client.id.as_str(), token)
            .await
            .map_err(|e| match e {
                ExternalTokenError::Invalid => Error::InvalidAccessToken,
                ExternalTokenError::Expired => Error::AccessTokenExpired,
                ExternalTokenError::Failed(failure) => Error::Provider(failure),
            })?;
        Ok(Some((app, claims)))
    }

    /// Forwards an admin call about `pool_id`, a pool that lives elsewhere and that `actor` may
    /// administer, to its provider, and gives back the provider's answer.
    pub async fn forward_admin_call(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        operation: &str,
        body: &[u8],
        caller: &Caller,
    ) -> Result<ForwardedAnswer> {
        let app = self.owned_pool_app(actor, pool_id).await?;
        let Some(external) = &app.external else {
            return Err(Error::Internal(format!("pool {pool_id} lives here")));
        };
        let provider = self.provider(external.provider)?;
        let subject = self
            .forwarded_call_subject(pool_id, provider.as_ref(), operation, body)
            .await?;
        let answer = provider
            .forward(operation, body)
            .await
            .map_err(Error::Provider)?;
        if !(200..300).contains(&answer.status) {
            return Ok(answer);
        }
        if let Some(subject) = subject {
            self.after_forwarded_call(pool_id, operation, subject)
                .await?;
        }
        if !reads_only(operation) {
            self.record_forwarded_call(pool_id, operation, body, subject, actor, caller);
        }
        Ok(answer)
    }

    /// Records a change an admin made at the provider through this server: the operation, and
    /// the user it named (their `sub` when it was looked up), with the admin as its actor.
    fn record_forwarded_call(
        &self,
        pool_id: &PoolId,
        operation: &str,
        body: &[u8],
        subject: Option<UserId>,
        actor: Actor,
        caller: &Caller,
    ) {
        let named = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|body| body.get("Username")?.as_str().map(str::to_owned));
        let mut event = NewEvent::new(pool_id.clone(), self.clock.now(), EventKind::AdminAction)
            .about(subject, None)
            .with("action", operation)
            .by(caller);
        if let Some(named) = named {
            event = event.with("username", &named);
        }
        event.actor = Some(actor.audit_name());
        self.events.record(event);
    }

    /// Whether `pool_id` names a pool that lives with another provider.
    pub async fn is_external_pool(&self, pool_id: &PoolId) -> Result<bool> {
        if !PoolId::is_well_formed(pool_id.as_str()) {
            return Ok(false);
        }
        Ok(self
            .store
            .get_app_by_pool(pool_id)
            .await?
            .is_some_and(|app| app.external.is_some()))
    }
}
