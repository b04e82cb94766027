//! Where an app's user pool lives: here (the built-in provider), or in AWS Cognito, made and
//! deleted by a [`PoolProvider`] (issue 16). This crate knows the contract only; the AWS side is
//! `auth-return-provider-cognito`, handed to the service with [`crate::Service::with_pool_provider`].

use crate::model::Client;
use crate::settings::AppSettings;
use async_trait::async_trait;
use auth_return_crypto::secret::SecretString;
use serde::{Deserialize, Serialize};

/// The providers an app's pool may live with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// In this service's database: users, keys and sign-in here.
    #[default]
    Builtin,
    /// In AWS Cognito: sign-in and tokens there, the app registered here.
    Cognito,
}

impl ProviderKind {
    /// The kind `text` names (`builtin`, `cognito`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "builtin" => Some(Self::Builtin),
            "cognito" => Some(Self::Cognito),
            _ => None,
        }
    }

    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Builtin => "builtin",
            Self::Cognito => "cognito",
        }
    }
}

/// What this service keeps of a pool that lives elsewhere: where its front ends and backends
/// find it. The pool and client ids are the app's own `pool_id` and client id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalPool {
    /// The provider.
    pub provider: ProviderKind,
    /// The pool's region.
    pub region: String,
    /// The endpoint its front ends call (`https://cognito-idp.{region}.amazonaws.com/`).
    pub endpoint: String,
    /// Its tokens' `iss`.
    pub issuer: String,
    /// Where its signing keys are published.
    pub jwks_url: String,
}

/// A pool and client a provider has just made.
pub struct ProvisionedPool {
    /// Where it lives.
    pub external: ExternalPool,
    /// The pool id.
    pub pool_id: String,
    /// The app client id.
    pub client_id: String,
    /// The client secret, when one was asked for (shown once, then kept sealed).
    pub client_secret: Option<SecretString>,
}

/// Why a provider call failed, in words for the operator (AWS's code and message included).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ProviderFailure {
    /// What kind of failure it is.
    pub kind: ProviderFailureKind,
    /// What happened, naming AWS's reason; never a credential.
    pub message: String,
}

/// The kinds of provider failure, as a caller may act on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderFailureKind {
    /// The request cannot be made as it is (a setting the provider has no place for).
    Invalid,
    /// Throttled: try again soon.
    Throttled,
    /// An account quota is reached.
    QuotaExceeded,
    /// The credentials or their policy do not allow it.
    NotPermitted,
    /// The pool is not there (any more).
    NotFound,
    /// The provider could not be reached, or failed.
    Unavailable,
}

/// Whether the management operation `name` (Cognito's name) only reads: a read-only key may
/// make it, and it leaves no audit event.
pub fn reads_only(name: &str) -> bool {
    ["Describe", "List", "Get", "AdminGet", "AdminList"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// Makes and deletes pools in a provider other than this service.
#[async_trait]
pub trait PoolProvider: Send + Sync {
    /// The provider this is.
    fn kind(&self) -> ProviderKind;

    /// Makes a pool and its client for the app named `name`, with `settings` and the lifetimes
    /// of `client`, and a secret when `client_secret`: all or nothing.
    async fn create_pool(
        &self,
        name: &str,
        settings: &AppSettings,
        client: &Client,
        client_secret: bool,
    ) -> Result<ProvisionedPool, ProviderFailure>;

    /// Deletes a pool with its users and clients.
    async fn delete_pool(&self, pool_id: &str) -> Result<(), ProviderFailure>;

    /// Makes the pool and its client say what `settings` and `client`'s lifetimes say, every
    /// other member as it is there.
    async fn update_pool(
        &self,
        pool_id: &str,
        settings: &AppSettings,
        client: &Client,
    ) -> Result<(), ProviderFailure>;

    /// Makes one call of the provider's own management API (`operation`, with `body` as the
    /// caller sent it) with this service's credentials, and gives back the answer as it came.
    async fn forward(
        &self,
        operation: &str,
        body: &[u8],
    ) -> Result<ForwardedAnswer, ProviderFailure>;

    /// The user of pool `pool_id` whose sign-in name or `sub` is `username`, if there is one.
    async fn find_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Option<ExternalUser>, ProviderFailure>;

    /// Verifies an ID or access token of the pool `external` describes, issued to `client_id`,
    /// against the pool's published keys (fetched once and cached, refetched for a new `kid`).
    async fn verify_token(
        &self,
        external: &ExternalPool,
        client_id: &str,
        token: &str,
    ) -> Result<ExternalClaims, ExternalTokenError>;
}

/// A provider's answer to a forwarded call, as it came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardedAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// What a verified token of a pool elsewhere says of its user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalClaims {
    /// `sub`.
    pub sub: String,
    /// `username` or `cognito:username`.
    pub username: Option<String>,
    /// `email` (ID tokens).
    pub email: Option<String>,
    /// `id` or `access`.
    pub token_use: &'static str,
    /// `exp`, epoch seconds.
    pub expires_at: i64,
    /// `auth_time`, epoch seconds: when the user signed in.
    pub auth_time: Option<i64>,
    /// `scope`, split (access tokens).
    pub scopes: Vec<String>,
}

/// A user of a pool elsewhere, as its provider describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalUser {
    /// Their `sub`: the id that outlives changes of email.
    pub sub: String,
    /// Whether they may sign in (not disabled there).
    pub enabled: bool,
}

/// Why a token of a pool elsewhere was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternalTokenError {
    /// Not a valid token of that pool and client (signature, issuer, audience, form).
    Invalid,
    /// Valid but expired.
    Expired,
    /// The pool's keys could not be had.
    Failed(ProviderFailure),
}
