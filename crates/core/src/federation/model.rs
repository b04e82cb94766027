//! An identity provider as stored.

use crate::ids::PoolId;
use crate::model::Timestamp;
use std::collections::BTreeMap;

/// The kinds of upstream provider (Cognito's `ProviderType`, and two of ours for providers
/// without OpenID Connect): `Google` and `SignInWithApple` are OpenID Connect presets with
/// their endpoints known; `OAuth2` is plain OAuth 2.0 (the user read from a userinfo URL), and
/// `GitHub` its preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderType {
    /// Any OpenID Connect provider, found by its issuer's discovery document.
    Oidc,
    /// Google's OpenID Connect service.
    Google,
    /// Sign in with Apple (its client secret is a JWT signed with the developer's key).
    SignInWithApple,
    /// A plain OAuth 2.0 provider: no ID token; the user is who its attributes URL says.
    OAuth2,
    /// GitHub: plain OAuth 2.0, the user from its API, the email from its verified emails.
    GitHub,
}

impl ProviderType {
    /// Every type, in the order Cognito's documentation lists them (ours last).
    pub const ALL: [Self; 5] = [
        Self::Google,
        Self::SignInWithApple,
        Self::Oidc,
        Self::OAuth2,
        Self::GitHub,
    ];
    /// The names of [`Self::ALL`], for error messages.
    pub const NAMES: &'static [&'static str] =
        &["Google", "SignInWithApple", "OIDC", "OAuth2", "GitHub"];

    /// The wire name (`OIDC`, `Google`, `SignInWithApple`, `OAuth2`, `GitHub`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "OIDC",
            Self::Google => "Google",
            Self::SignInWithApple => "SignInWithApple",
            Self::OAuth2 => "OAuth2",
            Self::GitHub => "GitHub",
        }
    }

    /// The type of a wire name (exact, as Cognito's).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The name a provider of this type must have, for the presets (Cognito names them after
    /// their type).
    pub fn fixed_name(self) -> Option<&'static str> {
        match self {
            Self::Oidc | Self::OAuth2 => None,
            Self::Google | Self::SignInWithApple | Self::GitHub => Some(self.as_str()),
        }
    }

    /// Whether the provider speaks OpenID Connect (an ID token, a nonce, discovery).
    pub fn is_oidc(self) -> bool {
        matches!(self, Self::Oidc | Self::Google | Self::SignInWithApple)
    }
}

/// An identity provider of a pool (Cognito's `IdentityProviderType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityProvider {
    /// The pool.
    pub pool_id: PoolId,
    /// The name, unique in the pool (case-sensitive): `identity_provider=` names it.
    pub name: String,
    /// Its kind.
    pub provider_type: ProviderType,
    /// `ProviderDetails` without the secret ones (`client_secret`, `private_key`).
    pub details: BTreeMap<String, String>,
    /// The secret details as a JSON object, sealed under the master key for this pool and
    /// name; `None` when there are none.
    pub sealed_secrets: Option<Vec<u8>>,
    /// Pool attribute → the provider's claim (`AttributeMapping`).
    pub attribute_mapping: BTreeMap<String, String>,
    /// Other names that find this provider (`IdpIdentifiers`), unique in the pool.
    pub idp_identifiers: Vec<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}
