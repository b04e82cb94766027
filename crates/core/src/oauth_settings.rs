//! Per-app hosted sign-in and OAuth 2.0 settings, read by the `/oauth2/*` endpoints and the
//! hosted `/login` pages (issue 14): where an app's users may be sent back to, which grant
//! flows and scopes the app allows, how its hosted pages look and how long their sign-in lasts.
//! Stored in the app's settings document (`AppSettings::oauth`), missing members defaulted.

mod checks;
#[cfg(test)]
mod tests;

use crate::error::SettingProblem;
use serde::{Deserialize, Serialize};

/// Standard scopes an app may allow.
pub const STANDARD_SCOPES: [&str; 5] = [
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// Most callback URLs, and most logout URLs, an app may list (Cognito's limit).
pub const MAX_URLS: usize = 100;
/// Longest callback, logout or logo URL, in characters (Cognito's limit).
pub const MAX_URL_CHARS: usize = 1024;
/// Most custom scopes an app may define (Cognito's limit per resource server).
pub const MAX_CUSTOM_SCOPES: usize = 100;
/// Longest custom scope, in characters.
pub const MAX_CUSTOM_SCOPE_CHARS: usize = 256;
/// Longest branding display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;
/// Shortest hosted-page sign-in session, minutes.
pub const MIN_SESSION_MINUTES: i64 = 5;
/// Longest hosted-page sign-in session, minutes (one day).
pub const MAX_SESSION_MINUTES: i64 = 1440;
/// The hosted-page sign-in session of a new app, minutes.
pub const DEFAULT_SESSION_MINUTES: i64 = 60;

/// An app's hosted sign-in and OAuth 2.0 settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct OAuthSettings {
    /// Where `/oauth2/authorize` may send users back: a `redirect_uri` must equal one exactly.
    pub callback_urls: Vec<String>,
    /// Where signing out may send users: a `logout_uri` or `post_logout_redirect_uri` must
    /// equal one exactly.
    pub logout_urls: Vec<String>,
    /// The grant flows the app allows.
    pub flows: OAuthFlows,
    /// The scopes users may be granted: standard ones or any of `custom_scopes` (default: the
    /// five standard scopes).
    pub scopes: Vec<String>,
    /// The app's own scopes, `resource/name` (like Cognito's resource-server scopes);
    /// client-credentials tokens carry these.
    pub custom_scopes: Vec<String>,
    /// How the hosted pages present the app.
    pub branding: Branding,
    /// How long a sign-in on the hosted pages lasts, minutes (5–1,440; default 60).
    pub session_minutes: i64,
}

impl Default for OAuthSettings {
    fn default() -> Self {
        Self {
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
            flows: OAuthFlows::default(),
            scopes: STANDARD_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            custom_scopes: Vec::new(),
            branding: Branding::default(),
            session_minutes: DEFAULT_SESSION_MINUTES,
        }
    }
}

impl OAuthSettings {
    /// Whether `uri` is one of the callback URLs (exact string match, RFC 6749 §3.1.2.3).
    pub fn is_callback_url(&self, uri: &str) -> bool {
        self.callback_urls.iter().any(|u| u == uri)
    }

    /// Whether `uri` is one of the logout URLs (exact string match).
    pub fn is_logout_url(&self, uri: &str) -> bool {
        self.logout_urls.iter().any(|u| u == uri)
    }

    /// Whether users may be granted `scope` (it is one of `scopes`).
    pub fn allows_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Every problem of these settings, each named by its dotted path in a change
    /// (`oauth.callback_urls[2]`, `oauth.branding.accent_color`…); none when they are valid.
    /// `has_client_secret`: whether the app's client has a secret (client credentials need one).
    pub fn problems(&self, has_client_secret: bool) -> Vec<SettingProblem> {
        let mut out = Vec::new();
        checks::redirect_urls("callback_urls", &self.callback_urls, &mut out);
        checks::redirect_urls("logout_urls", &self.logout_urls, &mut out);
        checks::flows(self, has_client_secret, &mut out);
        checks::scopes(self, &mut out);
        checks::custom_scopes(&self.custom_scopes, &mut out);
        checks::branding(&self.branding, &mut out);
        if !(MIN_SESSION_MINUTES..=MAX_SESSION_MINUTES).contains(&self.session_minutes) {
            out.push(checks::problem(
                "session_minutes",
                format!(
                    "session_minutes must be {MIN_SESSION_MINUTES} to {MAX_SESSION_MINUTES} \
                     (one day)"
                ),
            ));
        }
        out
    }
}

/// The OAuth 2.0 grant flows an app allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct OAuthFlows {
    /// The authorization code grant (RFC 6749 §4.1; with PKCE for public clients). On by default.
    pub code: bool,
    /// The implicit grant (RFC 6749 §4.2): tokens in the redirect's fragment. Off by default.
    pub implicit: bool,
    /// The client credentials grant (RFC 6749 §4.4): machine-to-machine tokens carrying the
    /// custom scopes. Off by default; needs a client secret and a custom scope.
    pub client_credentials: bool,
}

impl OAuthFlows {
    /// No flow at all (a client without OAuth 2.0).
    pub const NONE: Self = Self {
        code: false,
        implicit: false,
        client_credentials: false,
    };
}

impl Default for OAuthFlows {
    fn default() -> Self {
        Self {
            code: true,
            implicit: false,
            client_credentials: false,
        }
    }
}

/// How the hosted pages present an app; `None` means the built-in look (the app's name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Branding {
    /// The name the pages show (1–64 characters; default: the app's name).
    pub display_name: Option<String>,
    /// A logo image, `https` (or `http` on a loopback host).
    pub logo_url: Option<String>,
    /// The accent colour, `#rrggbb` (stored in lower case).
    pub accent_color: Option<String>,
}

/// A change to the OAuth settings: absent members keep their value, lists replace.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OAuthPatch {
    /// The callback URLs (replaces the list).
    pub callback_urls: Option<Vec<String>>,
    /// The logout URLs (replaces the list).
    pub logout_urls: Option<Vec<String>>,
    /// Flow changes (absent members stay).
    pub flows: Option<OAuthFlowsPatch>,
    /// The scopes users may be granted (replaces the list).
    pub scopes: Option<Vec<String>>,
    /// The app's own scopes (replaces the list).
    pub custom_scopes: Option<Vec<String>>,
    /// Branding changes (absent members stay, "" restores the built-in look).
    pub branding: Option<BrandingPatch>,
    /// The hosted-page sign-in session, minutes (5–1,440).
    pub session_minutes: Option<i64>,
}

/// A change to the flows: absent members keep their value.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OAuthFlowsPatch {
    /// The authorization code grant.
    pub code: Option<bool>,
    /// The implicit grant.
    pub implicit: Option<bool>,
    /// The client credentials grant.
    pub client_credentials: Option<bool>,
}

/// A change to the branding: an absent member stays, an empty string clears it, anything else
/// replaces it.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BrandingPatch {
    /// The display name.
    pub display_name: Option<String>,
    /// The logo URL.
    pub logo_url: Option<String>,
    /// The accent colour.
    pub accent_color: Option<String>,
}

impl OAuthPatch {
    /// The settings after this change, unchecked: see [`OAuthSettings::problems`].
    pub fn apply(&self, current: &OAuthSettings) -> OAuthSettings {
        let list = |patch: &Option<Vec<String>>, current: &Vec<String>| {
            patch.clone().unwrap_or_else(|| current.clone())
        };
        OAuthSettings {
            callback_urls: list(&self.callback_urls, &current.callback_urls),
            logout_urls: list(&self.logout_urls, &current.logout_urls),
            flows: match &self.flows {
                Some(patch) => patch.apply(&current.flows),
                None => current.flows.clone(),
            },
            scopes: list(&self.scopes, &current.scopes),
            custom_scopes: list(&self.custom_scopes, &current.custom_scopes),
            branding: match &self.branding {
                Some(patch) => patch.apply(&current.branding),
                None => current.branding.clone(),
            },
            session_minutes: self.session_minutes.unwrap_or(current.session_minutes),
        }
    }
}

impl OAuthFlowsPatch {
    /// The flows after this change.
    pub fn apply(&self, current: &OAuthFlows) -> OAuthFlows {
        OAuthFlows {
            code: self.code.unwrap_or(current.code),
            implicit: self.implicit.unwrap_or(current.implicit),
            client_credentials: self
                .client_credentials
                .unwrap_or(current.client_credentials),
        }
    }
}

impl BrandingPatch {
    /// The branding after this change: the name trimmed, the colour in lower case (the checks
    /// then judge what would be stored).
    pub fn apply(&self, current: &Branding) -> Branding {
        let merge = |patch: &Option<String>, current: &Option<String>, tidy: fn(&str) -> String| {
            match patch {
                None => current.clone(),
                Some(s) if s.is_empty() => None,
                Some(s) => Some(tidy(s)),
            }
        };
        Branding {
            display_name: merge(&self.display_name, &current.display_name, |s| {
                s.trim().to_owned()
            }),
            logo_url: merge(&self.logo_url, &current.logo_url, str::to_owned),
            accent_color: merge(
                &self.accent_color,
                &current.accent_color,
                str::to_ascii_lowercase,
            ),
        }
    }
}
