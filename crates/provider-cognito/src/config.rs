//! Where Auth Return finds Cognito and with which credentials: the AWS region, an optional
//! other endpoint (`--aws-endpoint-url`, for emulators), and either the standard AWS credential
//! chain or fixed keys.

use auth_return_crypto::secret::SecretString;
use std::time::Duration;

/// How [`CognitoProvider`](crate::CognitoProvider) reaches Cognito.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// The AWS region the pools are made in (`eu-west-1`); `None` takes it from the standard
    /// chain (`AWS_REGION`, `AWS_DEFAULT_REGION`, the shared config file's profile).
    pub region: Option<String>,
    /// Another Cognito endpoint than AWS's (`http://127.0.0.1:4566` for an emulator); `None`
    /// is AWS's, or `AWS_ENDPOINT_URL` when the environment sets it.
    pub endpoint_url: Option<String>,
    /// Where the AWS credentials come from.
    pub credentials: CredentialSource,
    /// How long one connection attempt may take before the call counts as unreachable.
    pub connect_timeout: Duration,
    /// How long one attempt of a call may take, connection included.
    pub attempt_timeout: Duration,
    /// Attempts per call, the first included: throttled and transient failures are retried with
    /// the SDK's standard backoff.
    pub max_attempts: u32,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self {
            region: None,
            endpoint_url: None,
            credentials: CredentialSource::Chain,
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(20),
            max_attempts: 3,
        }
    }
}

/// Where AWS credentials come from.
#[derive(Clone, Debug)]
pub enum CredentialSource {
    /// The standard AWS chain: environment (`AWS_ACCESS_KEY_ID`…), the shared credentials and
    /// config files' profile (`AWS_PROFILE`), web identity, the ECS task role, the EC2 instance
    /// role. (Not AWS IAM Identity Center profiles: that needs the SDK's `sso` feature, which
    /// brings a second crypto library.)
    Chain,
    /// Fixed keys, as an operator or the tests give them.
    Static {
        /// The access key id (`AKIA…`); not a secret.
        access_key_id: String,
        /// The secret access key.
        secret_access_key: SecretString,
        /// A session token, for temporary credentials.
        session_token: Option<SecretString>,
    },
}

impl CredentialSource {
    /// Fixed keys without a session token.
    pub fn fixed(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self::Static {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::new(secret_access_key.into()),
            session_token: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret_key() {
        let config = ProviderConfig {
            credentials: CredentialSource::fixed("AKIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG"),
            ..ProviderConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(printed.contains("AKIAEXAMPLE"), "{printed}");
        assert!(!printed.contains("wJalrXUtnFEMI"), "{printed}");
    }
}
