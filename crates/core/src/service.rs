//! The domain facade: everything a transport needs, built from explicit dependencies.

use crate::app_cache::AppCache;
use crate::changes::ChangeCursor;
use crate::clock::Clock;
use crate::compute::ComputePool;
use crate::config::ServiceConfig;
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::ids::{ClientId, PoolId};
use crate::keyring::KeyRing;
use crate::mail::Mailer;
use crate::model::App;
use crate::recorder::EventRecorder;
use crate::store::Store;
use crate::tokens::KeyCache;
use auth_return_crypto::jws::Jwk;
use auth_return_crypto::secret_hash;
use std::sync::Arc;

/// What the domain is built from.
pub struct Dependencies {
    /// Persistent state.
    pub store: Arc<dyn Store>,
    /// Current time.
    pub clock: Arc<dyn Clock>,
    /// Outgoing mail.
    pub mailer: Arc<dyn Mailer>,
    /// The master key (32 bytes).
    pub master_key: [u8; 32],
    /// The service-wide configuration.
    pub config: ServiceConfig,
    /// Where expensive crypto runs.
    pub compute: ComputePool,
    /// Where audit events go ([`EventRecorder::spawn`] on the store).
    pub events: EventRecorder,
}

/// Auth Return's domain operations. Cheap to share behind an `Arc`.
pub struct Service {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) keyring: KeyRing,
    pub(crate) keys: KeyCache,
    pub(crate) apps: AppCache,
    pub(crate) change_cursor: ChangeCursor,
    pub(crate) compute: ComputePool,
    pub(crate) config: ServiceConfig,
    pub(crate) events: EventRecorder,
    /// Makes and deletes pools that live in AWS Cognito, when the server has one.
    pub(crate) pool_provider: Option<Arc<dyn crate::provider::PoolProvider>>,
    /// Users' statuses at that provider, for their API keys.
    pub(crate) external_users: crate::external_users::ExternalUserCache,
    /// What the domain counts for metrics.
    pub(crate) metrics: crate::metrics::DomainMetrics,
    /// Calls apps' hooks (none: a configured hook fails, as its `on_failure` says).
    pub(crate) http: Option<Arc<dyn crate::webhooks::WebhookTransport>>,
    /// Identity providers' discovery documents and keys, as fetched.
    pub(crate) upstream: crate::federation::UpstreamCache,
}

impl Service {
    /// Builds the domain from its dependencies.
    pub fn new(deps: Dependencies) -> Self {
        Self {
            store: deps.store,
            clock: deps.clock,
            mailer: deps.mailer,
            keyring: KeyRing::new(&deps.master_key),
            keys: KeyCache::default(),
            apps: AppCache::default(),
            change_cursor: ChangeCursor::default(),
            compute: deps.compute,
            config: deps.config,
            events: deps.events,
            pool_provider: None,
            external_users: Default::default(),
            metrics: Default::default(),
            http: None,
            upstream: Default::default(),
        }
    }

    /// The service with `provider` to make and delete the pools of apps registered with it.
    pub fn with_pool_provider(mut self, provider: Arc<dyn crate::provider::PoolProvider>) -> Self {
        self.pool_provider = Some(provider);
        self
    }

    /// The service with `http` to call apps' hooks.
    pub fn with_http(mut self, http: Arc<dyn crate::webhooks::WebhookTransport>) -> Self {
        self.http = Some(http);
        self
    }

    /// The service-wide configuration.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// The audit-event recorder (to flush before a command exits, and for its counters).
    pub fn events(&self) -> &EventRecorder {
        &self.events
    }

    /// The store (for health checks).
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The issuer of a pool's tokens: `<public-url>/<poolId>` (docs/cognito-protocol.md §2).
    pub fn issuer(&self, pool_id: &PoolId) -> String {
        format!("{}/{pool_id}", self.config.public_url)
    }

    /// The public keys of a pool, for its JWKS document.
    pub async fn jwks(&self, pool_id: &PoolId) -> Result<Vec<Jwk>> {
        Ok(self.pool_keys(pool_id).await?.jwks.clone())
    }

    /// A pool's keys (cached), or `PoolNotFound`.
    pub(crate) async fn pool_keys(&self, pool_id: &PoolId) -> Result<Arc<crate::tokens::PoolKeys>> {
        self.keys
            .get(self.store.as_ref(), &self.keyring, pool_id)
            .await?
            .ok_or_else(|| Error::PoolNotFound(pool_id.clone()))
    }

    /// The app owning `client_id`, or `ClientNotFound`.
    pub(crate) async fn app_for_client(&self, client_id: &ClientId) -> Result<App> {
        let len = client_id.as_str().len();
        if len == 0 || len > 128 {
            return Err(Error::Validation(Violation::new(
                Field::ClientId,
                Constraint::Length { min: 1, max: 128 },
            )));
        }
        let app = self
            .apps
            .get(self.store.as_ref(), client_id)
            .await?
            .ok_or_else(|| Error::ClientNotFound(client_id.clone()))?;
        external_refused(app)
    }

    /// Deletes expired sessions, codes and answered challenges; returns how many rows went.
    pub async fn prune_expired(&self) -> Result<u64> {
        Ok(self.store.prune_expired(self.clock.now()).await?)
    }

    /// The browser origins allowed for a client's app (empty: any origin); `None` for a client
    /// that does not exist.
    pub async fn client_origins(&self, client_id: &ClientId) -> Result<Option<Vec<String>>> {
        let len = client_id.as_str().len();
        if len == 0 || len > 128 {
            return Ok(None);
        }
        let app = self.apps.get(self.store.as_ref(), client_id).await?;
        Ok(app.map(|a| a.origins))
    }

    /// The app owning a pool.
    pub(crate) async fn app_of_pool(&self, pool_id: &PoolId) -> Result<App> {
        self.store
            .get_app_by_pool(pool_id)
            .await?
            .ok_or_else(|| Error::PoolNotFound(pool_id.clone()))
    }

    /// The client secret of `app`, unsealed; `None` for public clients.
    pub(crate) fn client_secret(&self, app: &App) -> Result<Option<String>> {
        let Some(sealed) = &app.client.sealed_secret else {
            return Ok(None);
        };
        let bytes = self
            .keyring
            .client_secrets
            .open(sealed, app.client.id.as_str().as_bytes())
            .map_err(|_| Error::Internal("client secret does not unseal".into()))?;
        String::from_utf8(bytes.expose().to_vec())
            .map(Some)
            .map_err(|_| Error::Internal("client secret is not text".into()))
    }

    /// Checks SECRET_HASH (docs/cognito-protocol.md §4) when the client has a secret. A hash over
    /// any of `usernames` (the identifiers the user may be known by) is accepted.
    pub(crate) fn check_secret_hash(
        &self,
        app: &App,
        presented: Option<&str>,
        usernames: &[&str],
    ) -> Result<()> {
        let Some(secret) = self.client_secret(app)? else {
            return Ok(());
        };
        let client_id = app.client.id.as_str();
        let ok = presented.is_some_and(|hash| {
            usernames
                .iter()
                .any(|name| secret_hash::verify(&secret, name, client_id, hash))
        });
        if ok {
            Ok(())
        } else {
            Err(Error::BadSecretHash(app.client.id.clone()))
        }
    }

    /// Checks a raw client secret (RevokeToken, GetTokensFromRefreshToken) in constant time.
    pub(crate) fn check_client_secret(&self, app: &App, presented: Option<&str>) -> Result<()> {
        match (self.client_secret(app)?, presented) {
            (None, _) => Ok(()),
            (Some(secret), Some(given))
                if auth_return_crypto::hash::ct_eq(secret.as_bytes(), given.as_bytes()) =>
            {
                Ok(())
            }
            _ => Err(Error::ClientUnauthorized),
        }
    }
}

/// `app`, unless its pool lives elsewhere: then its users sign in there, and this endpoint
/// says where.
pub(crate) fn external_refused(app: App) -> Result<App> {
    match &app.external {
        None => Ok(app),
        Some(external) => Err(Error::ExternalPool {
            pool_id: app.pool_id.clone(),
            provider: external.provider,
            endpoint: external.endpoint.clone(),
        }),
    }
}

/// `Ok` for an app whose pool is here; otherwise [`Error::NotForExternalPool`] saying `what`.
pub(crate) fn builtin_only(app: &App, what: &str) -> Result<()> {
    match &app.external {
        None => Ok(()),
        Some(external) => Err(Error::NotForExternalPool {
            provider: external.provider,
            what: what.to_owned(),
        }),
    }
}
