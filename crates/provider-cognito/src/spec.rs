//! What a new pool should be: the app's settings, in core's own types, that Cognito has a place
//! for.

use crate::error::ProviderError;
use crate::validity::{self, Validity};
use auth_return_core::model::Client;
use auth_return_core::policy::PasswordPolicy;
use auth_return_core::settings::{AppSettings, MfaMode, RefreshRotation};

/// The settings of a pool and its one app client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolSpec {
    /// The pool's (and client's) name in AWS: 1–128 letters, digits, spaces and `+=,.@_-`.
    /// Names need not be unique in AWS; a name that says which app it is (`auth-return-app_…`)
    /// lets an operator find the pool in the AWS console.
    pub name: String,
    /// The password policy.
    pub password_policy: PasswordPolicy,
    /// Multi-factor sign-in: off, optional or required, with an authenticator app (TOTP).
    pub mfa: MfaMode,
    /// ID and access token lifetime, seconds (300–86,400; whole minutes).
    pub token_validity_secs: i64,
    /// Refresh token lifetime, seconds (3,600–315,360,000; whole minutes).
    pub refresh_validity_secs: i64,
    /// Refresh-token rotation (Cognito's `RefreshTokenRotation`, grace 0–60 s). On, Cognito
    /// refreshes only through `GetTokensFromRefreshToken`, so the client is made without
    /// `ALLOW_REFRESH_TOKEN_AUTH`, which Cognito does not allow beside rotation.
    pub refresh_rotation: RefreshRotation,
    /// Whether the client gets a secret (server-side apps only).
    pub client_secret: bool,
    /// Hide whether an account exists (Cognito's `PreventUserExistenceErrors`: `ENABLED` when
    /// on, `LEGACY` when off).
    pub hide_existing_accounts: bool,
}

impl PoolSpec {
    /// The spec of an app with these settings and client, named `name`.
    pub fn for_app(
        name: impl Into<String>,
        settings: &AppSettings,
        client: &Client,
        client_secret: bool,
    ) -> Self {
        Self {
            name: name.into(),
            password_policy: settings.password_policy.clone(),
            mfa: settings.mfa.mode,
            token_validity_secs: client.token_validity_secs,
            refresh_validity_secs: client.refresh_validity_secs,
            refresh_rotation: settings.refresh_rotation.clone(),
            client_secret,
            hide_existing_accounts: settings.hide_existing_accounts,
        }
    }

    /// Checks everything Cognito would refuse, before any AWS call.
    pub(crate) fn check(&self) -> Result<Checked, ProviderError> {
        let name_ok = (1..=128).contains(&self.name.chars().count())
            && self
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || c.is_whitespace() || "+=,.@_-".contains(c));
        if !name_ok {
            return Err(ProviderError::Invalid(format!(
                "a Cognito pool name is 1 to 128 letters, digits, spaces and +=,.@_- (not {:?})",
                self.name
            )));
        }
        self.password_policy
            .validate()
            .map_err(|err| ProviderError::Invalid(err.to_string()))?;
        if !(0..=60).contains(&self.refresh_rotation.grace_secs) {
            return Err(ProviderError::Invalid(
                "refresh_rotation.grace_secs must be 0 to 60 for Cognito".into(),
            ));
        }
        Ok(Checked {
            token: validity::token("ID and access token lifetime", self.token_validity_secs)?,
            refresh: validity::refresh(self.refresh_validity_secs)?,
            min_length: i32::try_from(self.password_policy.min_length).map_err(|_| {
                ProviderError::Invalid("password_policy.min_length is out of range".into())
            })?,
            grace_secs: i32::try_from(self.refresh_rotation.grace_secs).map_err(|_| {
                ProviderError::Invalid("refresh_rotation.grace_secs is out of range".into())
            })?,
        })
    }
}

/// A spec's numbers as the SDK takes them.
pub(crate) struct Checked {
    pub token: Validity,
    pub refresh: Validity,
    pub min_length: i32,
    pub grace_secs: i32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth_return_core::{AppId, ClientId, PoolId};

    fn spec() -> PoolSpec {
        let client = Client {
            id: ClientId::new("c"),
            pool_id: PoolId::new("eu-west-1_abc"),
            app_id: AppId::new("app_x"),
            sealed_secret: None,
            token_validity_secs: 3_600,
            refresh_validity_secs: 30 * 86_400,
            primary: true,
            profile: Default::default(),
            created_at: 0,
            updated_at: 0,
        };
        PoolSpec::for_app("auth-return app_x", &AppSettings::default(), &client, false)
    }

    #[test]
    fn an_app_with_default_settings_fits_cognito() {
        let checked = spec().check();
        assert!(checked.is_ok(), "{:?}", checked.err());
        assert_eq!(spec().mfa, MfaMode::Off);
        assert!(spec().refresh_rotation.enabled);
    }

    #[test]
    fn what_cognito_would_refuse_is_refused_before_calling_it() {
        for bad in [
            PoolSpec {
                name: String::new(),
                ..spec()
            },
            PoolSpec {
                name: "my app / prod".into(),
                ..spec()
            },
            PoolSpec {
                name: "x".repeat(129),
                ..spec()
            },
            PoolSpec {
                password_policy: PasswordPolicy {
                    min_length: 5,
                    ..PasswordPolicy::default()
                },
                ..spec()
            },
            PoolSpec {
                refresh_rotation: RefreshRotation {
                    enabled: true,
                    grace_secs: 61,
                },
                ..spec()
            },
            PoolSpec {
                token_validity_secs: 60,
                ..spec()
            },
        ] {
            assert!(
                matches!(bad.check(), Err(ProviderError::Invalid(_))),
                "{bad:?}"
            );
        }
    }
}
