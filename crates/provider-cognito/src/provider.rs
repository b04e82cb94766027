//! [`CognitoProvider`]: user pools and their app clients in AWS Cognito, made all or nothing.

use crate::client_settings;
use crate::config::{CredentialSource, ProviderConfig};
use crate::describe::{self, PoolDescription};
use crate::error::ProviderError;
use crate::spec::PoolSpec;
use auth_return_core::settings::MfaMode;
use auth_return_core::{ClientId, PoolId};
use auth_return_crypto::secret::SecretString;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::Credentials;
use aws_sdk_cognitoidentityprovider::types::{
    AccountRecoverySettingType, DeletionProtectionType, ExplicitAuthFlowsType, PasswordPolicyType,
    RecoveryOptionNameType, RecoveryOptionType, SchemaAttributeType, SoftwareTokenMfaConfigType,
    UserPoolMfaType, UserPoolPolicyType, UsernameAttributeType, VerifiedAttributeType,
};

/// Creates, reads and deletes user pools in one AWS account and region.
#[derive(Clone, Debug)]
pub struct CognitoProvider {
    client: Client,
    region: String,
    /// The endpoint calls go to, for messages and the JWKS URL.
    endpoint: String,
    /// Whether `endpoint` is another than AWS's own.
    custom_endpoint: bool,
    /// The credentials calls are signed with (the chain's or the fixed keys).
    pub(crate) credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    /// The HTTP client of forwarded calls.
    pub(crate) http: reqwest::Client,
    /// Token verifiers by pool and client, each caching its pool's keys.
    pub(crate) verifiers: crate::tokens::Verifiers,
}

/// A pool and app client just made; the client secret is shown this once.
#[derive(Clone, Debug)]
pub struct CreatedPool {
    /// The user pool id (`eu-west-1_AbC123xyz`).
    pub pool_id: PoolId,
    /// The app client id.
    pub client_id: ClientId,
    /// The client secret, when one was asked for.
    pub client_secret: Option<SecretString>,
    /// The pool's region.
    pub region: String,
    /// The Cognito endpoint front ends call (`https://cognito-idp.{region}.amazonaws.com/`,
    /// or the configured one).
    pub endpoint: String,
    /// The tokens' `iss`: `https://cognito-idp.{region}.amazonaws.com/{pool_id}` (emulators
    /// such as MiniStack put the same in their tokens).
    pub issuer: String,
    /// Where the pool's signing keys are: `{issuer}/.well-known/jwks.json`, or the same path on
    /// a configured endpoint.
    pub jwks_url: String,
}

impl CognitoProvider {
    /// A provider calling Cognito as `config` says. Loads the region and, with
    /// [`CredentialSource::Chain`], the credential chain's settings (credentials themselves
    /// are resolved at the first call).
    pub async fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(config.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(config.connect_timeout)
                    .operation_attempt_timeout(config.attempt_timeout)
                    .build(),
            );
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &config.endpoint_url {
            loader = loader.endpoint_url(checked_endpoint(url)?);
        }
        if let CredentialSource::Static {
            access_key_id,
            secret_access_key,
            session_token,
        } = &config.credentials
        {
            loader = loader.credentials_provider(Credentials::new(
                access_key_id.clone(),
                secret_access_key.expose().to_owned(),
                session_token
                    .as_ref()
                    .map(|token| token.expose().to_owned()),
                None,
                "auth-return",
            ));
        }
        let sdk_config = loader.load().await;
        let region = sdk_config
            .region()
            .map(|region| region.as_ref().to_owned())
            .filter(|region| !region.is_empty())
            .ok_or_else(|| {
                ProviderError::Invalid(
                    "no AWS region for Cognito: set one in the configuration or AWS_REGION".into(),
                )
            })?;
        let custom = sdk_config
            .endpoint_url()
            .map(|url| url.trim_end_matches('/').to_owned());
        Ok(Self {
            client: Client::new(&sdk_config),
            endpoint: custom
                .clone()
                .unwrap_or_else(|| format!("https://cognito-idp.{region}.amazonaws.com")),
            custom_endpoint: custom.is_some(),
            region,
            verifiers: crate::tokens::Verifiers::default(),
            credentials: sdk_config.credentials_provider(),
            http: reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .timeout(config.attempt_timeout)
                .build()
                .map_err(|e| ProviderError::Invalid(format!("an HTTP client: {e}")))?,
        })
    }

    /// The region pools are made in.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The Cognito endpoint called.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The SDK client, for the operations this crate does not wrap yet.
    pub fn sdk(&self) -> &Client {
        &self.client
    }

    /// Makes a user pool and its app client as `spec` says: email as the sign-in name and
    /// verified automatically, the password policy, MFA with an authenticator app when asked,
    /// deletion protection off; an SRP client with the lifetimes, token revocation and refresh
    /// rotation. All or nothing: when a step after the pool's creation fails, the pool is
    /// deleted again, and [`ProviderError::LeftBehind`] names it when that fails too.
    pub async fn create_pool(&self, spec: &PoolSpec) -> Result<CreatedPool, ProviderError> {
        let checked = spec.check()?;
        let policy = &spec.password_policy;
        let created = self
            .client
            .create_user_pool()
            .pool_name(&spec.name)
            .username_attributes(UsernameAttributeType::Email)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .schema(
                SchemaAttributeType::builder()
                    .name("email")
                    .required(true)
                    .mutable(true)
                    .build(),
            )
            .policies(
                UserPoolPolicyType::builder()
                    .password_policy(
                        PasswordPolicyType::builder()
                            .minimum_length(checked.min_length)
                            .require_uppercase(policy.require_uppercase)
                            .require_lowercase(policy.require_lowercase)
                            .require_numbers(policy.require_numbers)
                            .require_symbols(policy.require_symbols)
                            .build(),
                    )
                    .build(),
            )
            .account_recovery_setting(
                AccountRecoverySettingType::builder()
                    .recovery_mechanisms(
                        RecoveryOptionType::builder()
                            .name(RecoveryOptionNameType::VerifiedEmail)
                            .priority(1)
                            .build()
                            .map_err(|err| ProviderError::Invalid(err.to_string()))?,
                    )
                    .build(),
            )
            // MFA is turned on afterwards (SetUserPoolMfaConfig): CreateUserPool alone would
            // want SMS set up for it.
            .mfa_configuration(UserPoolMfaType::Off)
            .deletion_protection(DeletionProtectionType::Inactive)
            .send()
            .await
            .map_err(|err| self.error("CreateUserPool", err))?;
        let pool_id = created
            .user_pool()
            .and_then(|pool| pool.id())
            .map(PoolId::new)
            .ok_or_else(|| {
                ProviderError::Invalid("CreateUserPool answered without a pool id".into())
            })?;
        tracing::info!(pool = %pool_id, name = %spec.name, "created Cognito user pool");

        match self.finish_pool(&pool_id, spec, &checked).await {
            Ok(created) => Ok(created),
            Err(cause) => Err(self.undo(pool_id, cause).await),
        }
    }

    /// The steps after the pool exists: MFA, then the app client.
    async fn finish_pool(
        &self,
        pool_id: &PoolId,
        spec: &PoolSpec,
        checked: &crate::spec::Checked,
    ) -> Result<CreatedPool, ProviderError> {
        if spec.mfa != MfaMode::Off {
            self.client
                .set_user_pool_mfa_config()
                .user_pool_id(pool_id.as_str())
                .software_token_mfa_configuration(
                    SoftwareTokenMfaConfigType::builder().enabled(true).build(),
                )
                .mfa_configuration(UserPoolMfaType::from(spec.mfa.as_str()))
                .send()
                .await
                .map_err(|err| self.error("SetUserPoolMfaConfig", err))?;
        }

        let mut flows = vec![ExplicitAuthFlowsType::AllowUserSrpAuth];
        if !spec.refresh_rotation.enabled {
            flows.push(ExplicitAuthFlowsType::AllowRefreshTokenAuth);
        }
        let rotation = client_settings::rotation(spec, checked)?;
        let answer = self
            .client
            .create_user_pool_client()
            .user_pool_id(pool_id.as_str())
            .client_name(&spec.name)
            .generate_secret(spec.client_secret)
            .set_explicit_auth_flows(Some(flows))
            .access_token_validity(checked.token.value)
            .id_token_validity(checked.token.value)
            .refresh_token_validity(checked.refresh.value)
            .token_validity_units(client_settings::units(checked))
            .enable_token_revocation(true)
            .refresh_token_rotation(rotation)
            .prevent_user_existence_errors(client_settings::existence_errors(spec))
            .send()
            .await
            .map_err(|err| self.error("CreateUserPoolClient", err))?;
        let mut client = answer.user_pool_client.ok_or_else(|| {
            ProviderError::Invalid("CreateUserPoolClient answered without a client".into())
        })?;
        let client_id = client.client_id.take().map(ClientId::new).ok_or_else(|| {
            ProviderError::Invalid("CreateUserPoolClient answered without a client id".into())
        })?;
        let client_secret = client.client_secret.take().map(SecretString::new);
        if spec.client_secret && client_secret.is_none() {
            return Err(ProviderError::Invalid(
                "CreateUserPoolClient answered without the client secret asked for".into(),
            ));
        }
        tracing::info!(pool = %pool_id, client = %client_id, "created Cognito app client");
        let issuer = format!(
            "https://cognito-idp.{}.amazonaws.com/{pool_id}",
            self.region
        );
        let jwks_url = if self.custom_endpoint {
            format!("{}/{pool_id}/.well-known/jwks.json", self.endpoint)
        } else {
            format!("{issuer}/.well-known/jwks.json")
        };
        Ok(CreatedPool {
            pool_id: pool_id.clone(),
            client_id,
            client_secret,
            region: self.region.clone(),
            endpoint: format!("{}/", self.endpoint),
            issuer,
            jwks_url,
        })
    }

    /// Deletes a half-made pool; the error to report for `cause`.
    async fn undo(&self, pool_id: PoolId, cause: ProviderError) -> ProviderError {
        tracing::warn!(pool = %pool_id, error = %cause, "creating a Cognito pool failed part-way: deleting it");
        match self.delete_pool(&pool_id).await {
            Ok(()) => cause,
            Err(cleanup) => {
                tracing::error!(pool = %pool_id, error = %cleanup, "could not delete a half-made Cognito pool");
                ProviderError::LeftBehind {
                    pool_id,
                    cause: Box::new(cause),
                    cleanup: Box::new(cleanup),
                }
            }
        }
    }

    /// Deletes a pool with its users and clients. A pool that does not exist is
    /// [`ProviderError::NotFound`].
    pub async fn delete_pool(&self, pool_id: &PoolId) -> Result<(), ProviderError> {
        self.client
            .delete_user_pool()
            .user_pool_id(pool_id.as_str())
            .send()
            .await
            .map_err(|err| self.error("DeleteUserPool", err))?;
        tracing::info!(pool = %pool_id, "deleted Cognito user pool");
        Ok(())
    }

    /// A pool's settings and its clients' as Cognito reports them.
    pub async fn describe_pool(&self, pool_id: &PoolId) -> Result<PoolDescription, ProviderError> {
        let pool = self
            .client
            .describe_user_pool()
            .user_pool_id(pool_id.as_str())
            .send()
            .await
            .map_err(|err| self.error("DescribeUserPool", err))?
            .user_pool
            .ok_or_else(|| {
                ProviderError::Invalid("DescribeUserPool answered without the pool".into())
            })?;
        let mfa = self
            .client
            .get_user_pool_mfa_config()
            .user_pool_id(pool_id.as_str())
            .send()
            .await
            .map_err(|err| self.error("GetUserPoolMfaConfig", err))?;
        let mut clients = Vec::new();
        let mut next_token = None;
        loop {
            let page = self
                .client
                .list_user_pool_clients()
                .user_pool_id(pool_id.as_str())
                .max_results(60)
                .set_next_token(next_token)
                .send()
                .await
                .map_err(|err| self.error("ListUserPoolClients", err))?;
            for listed in page.user_pool_clients() {
                let Some(id) = listed.client_id() else {
                    continue;
                };
                let client = self
                    .client
                    .describe_user_pool_client()
                    .user_pool_id(pool_id.as_str())
                    .client_id(id)
                    .send()
                    .await
                    .map_err(|err| self.error("DescribeUserPoolClient", err))?
                    .user_pool_client
                    .ok_or_else(|| {
                        ProviderError::Invalid(
                            "DescribeUserPoolClient answered without the client".into(),
                        )
                    })?;
                clients.push(describe::client(&client));
            }
            next_token = page.next_token;
            if next_token.is_none() {
                break;
            }
        }
        Ok(describe::pool(pool_id, &pool, &mfa, clients))
    }

    pub(crate) fn error<E>(
        &self,
        operation: &'static str,
        err: aws_sdk_cognitoidentityprovider::error::SdkError<E>,
    ) -> ProviderError
    where
        E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
    {
        ProviderError::from_sdk(operation, &self.endpoint, err)
    }
}

/// `url` if it is an http(s) URL with a host.
fn checked_endpoint(url: &str) -> Result<String, ProviderError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => Ok(url.to_owned()),
        _ => Err(ProviderError::Invalid(format!(
            "the Cognito endpoint must be an http:// or https:// URL, not {url:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_http_urls() {
        assert!(checked_endpoint("http://127.0.0.1:4566").is_ok());
        assert!(checked_endpoint("https://cognito-idp.eu-west-1.amazonaws.com/").is_ok());
        for bad in ["", "127.0.0.1:4566", "ftp://x", "http://", "https:///x"] {
            assert!(
                matches!(checked_endpoint(bad), Err(ProviderError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
