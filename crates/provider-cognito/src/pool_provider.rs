//! [`CognitoProvider`] as the service's [`PoolProvider`]: an app's settings made into a pool
//! spec, and this crate's errors into the kinds the service answers callers with.

use crate::error::ProviderError;
use crate::provider::CognitoProvider;
use crate::spec::PoolSpec;
use async_trait::async_trait;
use auth_return_core::PoolId;
use auth_return_core::model::Client;
use auth_return_core::provider::{
    ExternalClaims, ExternalPool, ExternalTokenError, ExternalUser, ForwardedAnswer, PoolProvider,
    ProviderFailure, ProviderFailureKind, ProviderKind, ProvisionedPool,
};
use auth_return_core::settings::AppSettings;

impl From<ProviderError> for ProviderFailure {
    fn from(error: ProviderError) -> Self {
        let kind = match &error {
            ProviderError::Invalid(_) => ProviderFailureKind::Invalid,
            ProviderError::Throttled(_) => ProviderFailureKind::Throttled,
            ProviderError::QuotaExceeded(_) => ProviderFailureKind::QuotaExceeded,
            ProviderError::NotPermitted(_) | ProviderError::NoCredentials { .. } => {
                ProviderFailureKind::NotPermitted
            }
            ProviderError::NotFound(_) => ProviderFailureKind::NotFound,
            ProviderError::Unreachable { .. }
            | ProviderError::Other(_)
            | ProviderError::LeftBehind { .. } => ProviderFailureKind::Unavailable,
        };
        Self {
            kind,
            message: format!("AWS Cognito: {error}"),
        }
    }
}

#[async_trait]
impl PoolProvider for CognitoProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Cognito
    }

    async fn create_pool(
        &self,
        name: &str,
        settings: &AppSettings,
        client: &Client,
        client_secret: bool,
    ) -> Result<ProvisionedPool, ProviderFailure> {
        let spec = PoolSpec::for_app(name, settings, client, client_secret);
        let made = CognitoProvider::create_pool(self, &spec).await?;
        Ok(ProvisionedPool {
            external: ExternalPool {
                provider: ProviderKind::Cognito,
                region: made.region,
                endpoint: made.endpoint,
                issuer: made.issuer,
                jwks_url: made.jwks_url,
            },
            pool_id: made.pool_id.to_string(),
            client_id: made.client_id.to_string(),
            client_secret: made.client_secret,
        })
    }

    async fn delete_pool(&self, pool_id: &str) -> Result<(), ProviderFailure> {
        Ok(CognitoProvider::delete_pool(self, &PoolId::new(pool_id)).await?)
    }

    async fn update_pool(
        &self,
        pool_id: &str,
        settings: &AppSettings,
        client: &Client,
    ) -> Result<(), ProviderFailure> {
        let spec = PoolSpec::for_app(
            "auth-return",
            settings,
            client,
            client.sealed_secret.is_some(),
        );
        Ok(CognitoProvider::update_pool(self, &PoolId::new(pool_id), &client.id, &spec).await?)
    }

    async fn forward(
        &self,
        operation: &str,
        body: &[u8],
    ) -> Result<ForwardedAnswer, ProviderFailure> {
        Ok(self.forward_call(operation, body).await?)
    }

    async fn find_user(
        &self,
        pool_id: &str,
        username: &str,
    ) -> Result<Option<ExternalUser>, ProviderFailure> {
        Ok(CognitoProvider::find_user(self, pool_id, username).await?)
    }

    async fn verify_token(
        &self,
        external: &ExternalPool,
        client_id: &str,
        token: &str,
    ) -> Result<ExternalClaims, ExternalTokenError> {
        self.verifiers.verify(external, client_id, token).await
    }
}
