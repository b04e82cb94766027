//! The service-wide configuration the domain is built with: the public URL, the pool-id
//! prefix, code and challenge lifetimes, the console's sign-up mode. Per-app settings are in
//! [`crate::settings`].

/// Invitation mails per developer per day unless configured.
pub const DEFAULT_INVITATIONS_PER_DAY: u32 = 100;

/// Who may sign up in the built-in console app, that is, become a developer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConsoleSignup {
    /// Anyone may sign up.
    Open,
    /// Only the first developer of a deployment signs up (while the console pool has no user
    /// at all); everyone else is invited by the operator.
    #[default]
    Invite,
    /// Nobody signs up; the operator invites every developer.
    Closed,
}

/// The service-wide configuration the domain needs (one per deployment; the settings of one
/// app are [`crate::settings::AppSettings`]).
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// The pool-id prefix (`local` by default).
    pub region: String,
    /// The public base URL (no trailing slash): the Cognito endpoint and the issuer base.
    pub public_url: String,
    /// How long an SRP challenge may be answered, in seconds (≤ 300).
    pub challenge_ttl_secs: i64,
    /// How long a sign-up confirmation code is valid, in seconds.
    pub signup_code_ttl_secs: i64,
    /// How long a password-reset code is valid, in seconds.
    pub reset_code_ttl_secs: i64,
    /// How long an administrator-set temporary password is valid, in seconds.
    pub temporary_password_ttl_secs: i64,
    /// How long a rotated-in signing key is published before it signs (seconds), so that
    /// verifiers' JWKS caches (ours say `max-age=300`) know it first.
    pub key_propagation_secs: i64,
    /// Wrong guesses allowed per code before a new one must be requested.
    pub max_code_attempts: i64,
    /// Who may sign up in the console app.
    pub console_signup: ConsoleSignup,
    /// Invitation and reset mails (AdminCreateUser, its RESEND, AdminResetUserPassword) one
    /// developer may have sent per UTC day, over all their apps; 0 = unlimited.
    pub invitations_per_day: u32,
    /// The operator's name in the sender's name of every mail (`<app> via <this>`); by
    /// default the host of the public URL.
    pub mail_from_name: String,
    /// Where a new app's pool lives when its registration does not say (`--default-provider`).
    pub default_provider: crate::provider::ProviderKind,
    /// Whether webhook endpoints may be on loopback, private or link-local addresses (off: a
    /// developer's endpoint cannot reach into the operator's network).
    pub webhooks_allow_private: bool,
}

impl ServiceConfig {
    /// Defaults for `public_url`: 1 h tokens and Cognito's code rules.
    pub fn new(region: impl Into<String>, public_url: impl Into<String>) -> Self {
        let public_url = public_url.into().trim_end_matches('/').to_owned();
        Self {
            region: region.into(),
            mail_from_name: crate::mail::host_of(&public_url),
            public_url,
            challenge_ttl_secs: 300,
            signup_code_ttl_secs: 24 * 3600,
            reset_code_ttl_secs: 3600,
            temporary_password_ttl_secs: 7 * 24 * 3600,
            key_propagation_secs: 3600,
            max_code_attempts: 5,
            console_signup: ConsoleSignup::default(),
            invitations_per_day: DEFAULT_INVITATIONS_PER_DAY,
            default_provider: crate::provider::ProviderKind::Builtin,
            webhooks_allow_private: false,
        }
    }
}
