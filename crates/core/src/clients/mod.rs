//! App clients beyond an app's own (docs/cognito-protocol.md §5.4, clients): what each keeps for
//! itself — its name, the sign-in flows it allows (`ExplicitAuthFlows`) and, for a client made
//! through CreateUserPoolClient, its OAuth 2.0 settings — and how the app looks through one.

mod flows;
mod manage;

pub use flows::ExplicitAuthFlow;
pub use manage::{ClientSpec, MAX_CLIENTS_PER_POOL, PoolClient};

use crate::model::App;
use crate::oauth_settings::OAuthFlows;
use crate::settings::RefreshRotation;
use serde::{Deserialize, Serialize};

/// What a client keeps for itself, stored with it. An app's own client (made with the app)
/// leaves the OAuth members unset: its OAuth settings are the app's, changed through the
/// app's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientProfile {
    /// `ClientName`; unset: the app's name.
    pub name: Option<String>,
    /// The sign-in flows the client allows; unset: every flow (an app's own client).
    pub auth_flows: Option<Vec<ExplicitAuthFlow>>,
    /// The client's own redirect sign-in settings, in place of the app's.
    pub oauth: Option<ClientOAuth>,
    /// `PreventUserExistenceErrors` of the client, in place of the app's setting.
    pub hide_existing_accounts: Option<bool>,
    /// `RefreshTokenRotation` of the client, in place of the app's setting.
    pub refresh_rotation: Option<RefreshRotation>,
    /// The units its lifetimes were given in, to describe them in the same (unset: seconds).
    pub validity_units: Option<ValidityUnits>,
    /// `SupportedIdentityProviders`: the identity providers its authorization requests may
    /// name (`COGNITO` and providers' names); unset: every provider of the pool.
    pub identity_providers: Option<Vec<String>>,
}

/// The units of a client's three lifetimes (Cognito's `TokenValidityUnits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidityUnits {
    /// Of `AccessTokenValidity`.
    pub access: TimeUnit,
    /// Of `IdTokenValidity`.
    pub id: TimeUnit,
    /// Of `RefreshTokenValidity`.
    pub refresh: TimeUnit,
}

impl Default for ValidityUnits {
    /// Cognito's units when none are given.
    fn default() -> Self {
        Self {
            access: TimeUnit::Hours,
            id: TimeUnit::Hours,
            refresh: TimeUnit::Days,
        }
    }
}

/// A unit of `TokenValidityUnits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// `seconds`.
    Seconds,
    /// `minutes`.
    Minutes,
    /// `hours`.
    Hours,
    /// `days`.
    Days,
}

impl TimeUnit {
    /// Seconds in one of it.
    pub fn seconds(self) -> i64 {
        match self {
            Self::Seconds => 1,
            Self::Minutes => 60,
            Self::Hours => 3600,
            Self::Days => 86_400,
        }
    }

    /// The unit Cognito names `text`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "seconds" => Some(Self::Seconds),
            "minutes" => Some(Self::Minutes),
            "hours" => Some(Self::Hours),
            "days" => Some(Self::Days),
            _ => None,
        }
    }

    /// The unit as Cognito names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
        }
    }
}

/// A client's own redirect sign-in settings (Cognito keeps these per client); branding, custom
/// scopes and the hosted session length stay the app's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientOAuth {
    /// Where `/oauth2/authorize` may send users back.
    pub callback_urls: Vec<String>,
    /// Where signing out may send users.
    pub logout_urls: Vec<String>,
    /// The grant flows the client allows.
    pub flows: OAuthFlows,
    /// The scopes users may be granted through it.
    pub scopes: Vec<String>,
}

impl App {
    /// The app as its client sees it: the client's own settings, where it has them, in place
    /// of the app's (every sign-in and OAuth 2.0 request goes through a client).
    pub fn through_client(mut self) -> App {
        let profile = &self.client.profile;
        if let Some(oauth) = &profile.oauth {
            let settings = &mut self.settings.oauth;
            settings.callback_urls.clone_from(&oauth.callback_urls);
            settings.logout_urls.clone_from(&oauth.logout_urls);
            settings.flows = oauth.flows.clone();
            settings.scopes.clone_from(&oauth.scopes);
        }
        if let Some(hide) = profile.hide_existing_accounts {
            self.settings.hide_existing_accounts = hide;
        }
        if let Some(rotation) = &profile.refresh_rotation {
            self.settings.refresh_rotation = rotation.clone();
        }
        self
    }

    /// The client's name: its own, or the app's.
    pub fn client_name(&self) -> &str {
        self.client.profile.name.as_deref().unwrap_or(&self.name)
    }
}
