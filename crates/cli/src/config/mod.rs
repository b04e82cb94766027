//! Configuration: every setting declared once, in [`GlobalOptions`] — its flag, its
//! `AUTH_RETURN_*` environment variable, its TOML key (the field's name) and its default. The
//! layers merge file → environment → flags (`layers.rs`), then the result is checked once and
//! turned into a [`Config`] (`resolve.rs`). Parsed by clap and serde, never by hand.

mod layers;
mod resolve;
#[cfg(test)]
mod tests;

pub use resolve::{AwsSettings, Config, MailTransport, TlsFiles};

use auth_return_core::ConsoleSignup;
use auth_return_core::config::DEFAULT_INVITATIONS_PER_DAY;
use auth_return_server::client::ForwardedHeader;
use auth_return_server::limits::RateLimitSettings;
use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Log output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Plain,
    /// One JSON object per line.
    Json,
}

/// Who may sign up in the console app (become a developer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsoleSignupMode {
    /// Anyone may sign up.
    Open,
    /// Only the first developer signs up (while there is none); the others are invited with
    /// `auth-return developers invite`.
    #[default]
    Invite,
    /// Nobody signs up; every developer is invited.
    Closed,
}

impl From<ConsoleSignupMode> for ConsoleSignup {
    fn from(mode: ConsoleSignupMode) -> Self {
        match mode {
            ConsoleSignupMode::Open => Self::Open,
            ConsoleSignupMode::Invite => Self::Invite,
            ConsoleSignupMode::Closed => Self::Closed,
        }
    }
}

/// Every setting, declared once: the flag and environment variable (clap), the TOML key (serde,
/// the field's name) and the default (clap's, so `--help` shows it). A setting whose default
/// depends on others (the database URL, the public URL, the mail sender) is an `Option` and is
/// completed in [`GlobalOptions::resolve`].
#[derive(Args, Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GlobalOptions {
    /// A TOML file with any of the settings below (flags and environment win over it).
    #[arg(long, global = true, env = "AUTH_RETURN_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,
    /// Serve Prometheus metrics on `GET /metrics` at this address, a listener of its own
    /// (plain HTTP; never on --listen) [default: off]. Loopback addresses only, unless
    /// --metrics-public.
    #[arg(long, global = true, env = "AUTH_RETURN_METRICS_LISTEN")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_listen: Option<SocketAddr>,
    /// Allow --metrics-listen on an address other machines reach (have a firewall or the
    /// network keep it private: the metrics say much about the service).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_METRICS_PUBLIC",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub metrics_public: bool,
    /// Let developers' webhook endpoints be on loopback, private or link-local addresses
    /// (and plain http to loopback), for a deployment whose apps all live inside one network.
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_WEBHOOKS_ALLOW_PRIVATE",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub webhooks_allow_private: bool,
    /// Directory for the embedded database, the master key and the mail outbox.
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_DATA_DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`) [default: SQLite in the data directory].
    #[arg(long, global = true, env = "AUTH_RETURN_DATABASE_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Public base URL: the Cognito endpoint and the issuer base [default: http://<listen>, or
    /// https://<listen> with --tls-cert].
    #[arg(long, global = true, env = "AUTH_RETURN_PUBLIC_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Pool-id prefix (the pseudo-region clients see).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_REGION",
        default_value = "local"
    )]
    pub region: String,
    /// Log format.
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_LOG_FORMAT",
        value_enum,
        default_value_t
    )]
    pub log_format: LogFormat,
    /// Rotate every pool's signing key when it is this many days old (0 = only by hand).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_KEY_ROTATION_DAYS",
        default_value_t = 0
    )]
    pub key_rotation_days: u32,
    /// Delete audit events older than this many days, in the hourly housekeeping (0 = keep
    /// them forever).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_EVENTS_RETENTION_DAYS",
        default_value_t = 90
    )]
    pub events_retention_days: u32,
    /// Seconds a rotated-in key is published before it signs (at least 300, the JWKS cache
    /// lifetime).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_KEY_PROPAGATION_SECS",
        default_value_t = 3600
    )]
    pub key_propagation_secs: u32,
    /// Deliver mail through this SMTP server: smtp://[user:password@]host[:port][?tls=required|
    /// opportunistic|none] (STARTTLS) or smtps://… (implicit TLS) [default: none, mail goes to
    /// <data-dir>/outbox.jsonl, which `serve` allows without --mail-outbox on loopback only].
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_SMTP_URL",
        hide_env_values = true
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    /// Write mail (codes, temporary passwords) to <data-dir>/outbox.jsonl instead of sending
    /// it: needed to run `serve` without --smtp-url on a non-loopback address or public URL
    /// [default: only on loopback].
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_MAIL_OUTBOX",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub mail_outbox: bool,
    /// Sender address of outgoing mail [default: no-reply@<host of the public URL>].
    #[arg(long, global = true, env = "AUTH_RETURN_MAIL_FROM")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_from: Option<String>,
    /// The operator's name in the sender's display name of every mail, "<app name> via
    /// <this>" [default: the host of the public URL].
    #[arg(long, global = true, env = "AUTH_RETURN_MAIL_FROM_NAME")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_from_name: Option<String>,
    /// Extra CA certificate(s) (PEM) to trust for the SMTP server, e.g. a private CA.
    #[arg(long, global = true, env = "AUTH_RETURN_SMTP_CA_FILE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key. Both files
    /// are read again on SIGHUP.
    #[arg(long, global = true, env = "AUTH_RETURN_TLS_CERT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1); needs --tls-cert.
    #[arg(long, global = true, env = "AUTH_RETURN_TLS_KEY")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
    /// Proxies whose forwarding header (see --forwarded-header) is believed: addresses or CIDR
    /// networks, comma-separated or repeated [default: none].
    #[arg(long, global = true, env = "AUTH_RETURN_TRUSTED_PROXIES")]
    pub trusted_proxies: Vec<String>,
    /// The one header the trusted proxies set (overwrite or append to), and the only one read:
    /// x-forwarded-for (the scheme from X-Forwarded-Proto) or forwarded (RFC 7239)
    /// [default: x-forwarded-for].
    // An `Option`: `serve` warns when trusted proxies are given and the header is not.
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_FORWARDED_HEADER",
        value_parser = clap::builder::PossibleValuesParser::new(ForwardedHeader::NAMES)
            .try_map(|name| name.parse::<ForwardedHeader>())
    )]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "layers::header_name"
    )]
    pub forwarded_header: Option<ForwardedHeader>,
    /// Sign-in attempts (password flows, confirmation and reset codes) per minute per client
    /// address, 0 = unlimited.
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_SIGN_IN",
        default_value_t = RateLimitSettings::default().sign_in)]
    pub rate_limit_sign_in: u32,
    /// Sign-ups per minute per client address, 0 = unlimited.
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_SIGN_UP",
        default_value_t = RateLimitSettings::default().sign_up)]
    pub rate_limit_sign_up: u32,
    /// Requests that mail a code per minute per client address, 0 = unlimited.
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_CODES",
        default_value_t = RateLimitSettings::default().code_delivery)]
    pub rate_limit_codes: u32,
    /// Refresh-token sign-ins per minute per client address, 0 = unlimited.
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_REFRESH",
        default_value_t = RateLimitSettings::default().refresh)]
    pub rate_limit_refresh: u32,
    /// API-key verifications per minute per client address, 0 = unlimited.
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_KEY_VERIFY",
        default_value_t = RateLimitSettings::default().key_verify)]
    pub rate_limit_key_verify: u32,
    /// Who may sign up in the console app, i.e. become a developer: open (anyone), invite (the
    /// first developer of a deployment, then only those invited with `developers invite`) or
    /// closed (only those invited).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_CONSOLE_SIGNUP",
        value_enum,
        default_value_t
    )]
    pub console_signup: ConsoleSignupMode,
    /// Invitation and password-reset mails (AdminCreateUser, its RESEND,
    /// AdminResetUserPassword) one developer may have sent per UTC day, 0 = unlimited.
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_INVITATIONS_PER_DAY",
        default_value_t = DEFAULT_INVITATIONS_PER_DAY
    )]
    pub invitations_per_day: u32,
    /// Where a new app's user pool lives when its registration does not say: builtin (here)
    /// or cognito (AWS Cognito; needs the `cognito` build feature).
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_DEFAULT_PROVIDER",
        default_value = "builtin",
        value_parser = clap::builder::PossibleValuesParser::new(["builtin", "cognito"])
    )]
    pub default_provider: String,
    /// The AWS region Cognito pools are made in [default: the AWS chain's, AWS_REGION…].
    /// Given (or with --aws-endpoint-url, or --default-provider cognito), apps may be
    /// registered with `--provider cognito`.
    #[arg(long, global = true, env = "AUTH_RETURN_AWS_REGION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_region: Option<String>,
    /// Another Cognito endpoint than AWS's (an emulator's) [default: AWS's, or AWS_ENDPOINT_URL].
    #[arg(long, global = true, env = "AUTH_RETURN_AWS_ENDPOINT_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_endpoint_url: Option<String>,
}
