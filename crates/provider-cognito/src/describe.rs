//! A pool and its clients as Cognito reports them, in core's types where core has one: what
//! the tests assert, and what settings changes will read before they merge and write.

use crate::validity;
use auth_return_core::policy::PasswordPolicy;
use auth_return_core::settings::{MfaMode, RefreshRotation};
use auth_return_core::{ClientId, PoolId};
use aws_sdk_cognitoidentityprovider::operation::get_user_pool_mfa_config::GetUserPoolMfaConfigOutput;
use aws_sdk_cognitoidentityprovider::types::{
    DeletionProtectionType, FeatureType, TimeUnitsType, UserPoolClientType, UserPoolType,
};

/// A user pool's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolDescription {
    /// The pool id.
    pub pool_id: PoolId,
    /// Its name in AWS.
    pub name: String,
    /// What users sign in with besides a username (`email`).
    pub username_attributes: Vec<String>,
    /// Attributes Cognito verifies by sending a code (`email`).
    pub auto_verified_attributes: Vec<String>,
    /// The password policy; Cognito's default when it reports none.
    pub password_policy: PasswordPolicy,
    /// The MFA setting (`MfaConfiguration`).
    pub mfa: MfaMode,
    /// Whether authenticator apps (software tokens) are an MFA factor.
    pub software_token_mfa: bool,
    /// Whether deletion protection is on (Auth Return keeps it off, to delete pools).
    pub deletion_protection: bool,
    /// The app clients.
    pub clients: Vec<ClientDescription>,
}

/// An app client's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientDescription {
    /// The client id.
    pub client_id: ClientId,
    /// Its name.
    pub name: String,
    /// Whether it has a secret (the secret itself is not kept here).
    pub has_secret: bool,
    /// `ExplicitAuthFlows`, by Cognito's names (`ALLOW_USER_SRP_AUTH`).
    pub explicit_auth_flows: Vec<String>,
    /// ID token lifetime, seconds.
    pub id_token_validity_secs: i64,
    /// Access token lifetime, seconds.
    pub access_token_validity_secs: i64,
    /// Refresh token lifetime, seconds.
    pub refresh_token_validity_secs: i64,
    /// `EnableTokenRevocation`.
    pub token_revocation: bool,
    /// `PreventUserExistenceErrors` is `ENABLED`.
    pub hide_existing_accounts: bool,
    /// Refresh-token rotation; `None` when Cognito reports none.
    pub refresh_rotation: Option<RefreshRotation>,
}

/// Cognito's defaults for a client that names no lifetime: one hour, thirty days.
const DEFAULT_TOKEN_HOURS: i32 = 1;
const DEFAULT_REFRESH_DAYS: i32 = 30;

pub(crate) fn pool(
    pool_id: &PoolId,
    pool: &UserPoolType,
    mfa: &GetUserPoolMfaConfigOutput,
    clients: Vec<ClientDescription>,
) -> PoolDescription {
    let password_policy = pool
        .policies()
        .and_then(|policies| policies.password_policy())
        .map(|p| PasswordPolicy {
            min_length: p
                .minimum_length()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(8),
            require_uppercase: p.require_uppercase(),
            require_lowercase: p.require_lowercase(),
            require_numbers: p.require_numbers(),
            require_symbols: p.require_symbols(),
        })
        .unwrap_or_default();
    PoolDescription {
        pool_id: pool_id.clone(),
        name: pool.name().unwrap_or_default().to_owned(),
        username_attributes: pool
            .username_attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        auto_verified_attributes: pool
            .auto_verified_attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        password_policy,
        mfa: mfa
            .mfa_configuration()
            .or(pool.mfa_configuration())
            .and_then(|m| MfaMode::from_name(m.as_str()))
            .unwrap_or_default(),
        software_token_mfa: mfa
            .software_token_mfa_configuration()
            .is_some_and(|c| c.enabled()),
        deletion_protection: pool.deletion_protection() == Some(&DeletionProtectionType::Active),
        clients,
    }
}

pub(crate) fn client(client: &UserPoolClientType) -> ClientDescription {
    let units = client.token_validity_units();
    ClientDescription {
        client_id: ClientId::new(client.client_id().unwrap_or_default()),
        name: client.client_name().unwrap_or_default().to_owned(),
        has_secret: client.client_secret().is_some_and(|s| !s.is_empty()),
        explicit_auth_flows: client
            .explicit_auth_flows()
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect(),
        id_token_validity_secs: seconds(
            client.id_token_validity(),
            units.and_then(|u| u.id_token()),
            DEFAULT_TOKEN_HOURS,
            TimeUnitsType::Hours,
        ),
        access_token_validity_secs: seconds(
            client.access_token_validity(),
            units.and_then(|u| u.access_token()),
            DEFAULT_TOKEN_HOURS,
            TimeUnitsType::Hours,
        ),
        refresh_token_validity_secs: seconds(
            Some(client.refresh_token_validity()).filter(|v| *v > 0),
            units.and_then(|u| u.refresh_token()),
            DEFAULT_REFRESH_DAYS,
            TimeUnitsType::Days,
        ),
        token_revocation: client.enable_token_revocation().unwrap_or(false),
        hide_existing_accounts: client
            .prevent_user_existence_errors()
            .is_some_and(|p| p.as_str() == "ENABLED"),
        refresh_rotation: client.refresh_token_rotation().map(|r| RefreshRotation {
            enabled: r.feature() == &FeatureType::Enabled,
            grace_secs: i64::from(r.retry_grace_period_seconds().unwrap_or(0)),
        }),
    }
}

/// A lifetime in seconds: `value` (or the default when Cognito reports none) in `unit`.
fn seconds(
    value: Option<i32>,
    unit: Option<&TimeUnitsType>,
    default_value: i32,
    default_unit: TimeUnitsType,
) -> i64 {
    match value {
        Some(value) => validity::seconds(value, unit, default_unit),
        None => validity::seconds(default_value, Some(&default_unit), default_unit.clone()),
    }
}
