//! Apps whose user pool lives with another provider (AWS Cognito, issue 16): registered here,
//! their pool and client made there first — all or nothing — and deleted there before here.

use crate::apps::{
    CreatedApp, DEFAULT_REFRESH_VALIDITY_SECS, DEFAULT_TOKEN_VALIDITY_SECS, NewApp, check_name,
    check_origin,
};
use crate::clients::ClientProfile;
use crate::error::{Error, Result};
use crate::ids::{AppId, ClientId, PoolId, UserId};
use crate::model::{App, Client};
use crate::provider::{PoolProvider, ProviderFailureKind, ProviderKind};
use crate::service::Service;
use crate::settings::AppSettings;
use std::sync::Arc;

impl Service {
    /// The provider of `kind`, if this server has one.
    fn provider(&self, kind: ProviderKind) -> Result<&Arc<dyn PoolProvider>> {
        self.pool_provider
            .as_ref()
            .filter(|provider| provider.kind() == kind)
            .ok_or(Error::ProviderNotConfigured(kind))
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
}
