//! Checking the merged settings, once, and completing the defaults that depend on other
//! settings: the result is the [`Config`] every command runs with.

use super::GlobalOptions;
use auth_return_core::ConsoleSignup;
use auth_return_core::provider::ProviderKind;
use auth_return_mail::{SmtpConfig, default_from_address};
use auth_return_server::client::{ForwardedHeader, TrustedProxies};
use auth_return_server::limits::RateLimitSettings;
use clap::ArgMatches;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The PEM files of built-in HTTPS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key of the leaf certificate.
    pub key: PathBuf,
}

/// Where outgoing mail goes.
#[derive(Debug, Clone)]
pub enum MailTransport {
    /// JSON lines in `<data-dir>/outbox.jsonl` (development).
    Outbox {
        /// Asked for with --mail-outbox, rather than the default for want of --smtp-url.
        explicit: bool,
    },
    /// An SMTP server.
    Smtp(SmtpConfig),
}

/// For logs: `outbox`, or the SMTP URL without its credentials.
impl fmt::Display for MailTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Outbox { .. } => f.write_str("outbox"),
            Self::Smtp(smtp) => write!(f, "{smtp}"),
        }
    }
}

/// Fully resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address.
    pub listen: SocketAddr,
    /// Where Prometheus metrics are served, when they are.
    pub metrics_listen: Option<SocketAddr>,
    /// Whether webhooks may go to non-public addresses.
    pub webhooks_allow_private: bool,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Public base URL, no trailing slash.
    pub public_url: String,
    /// Pool-id prefix.
    pub region: String,
    /// Log format.
    pub log_format: super::LogFormat,
    /// Outgoing mail.
    pub mail: MailTransport,
    /// The operator's name in mail senders' names (`None`: the host of the public URL).
    pub mail_from_name: Option<String>,
    /// Automatic key rotation age in days (0 = off).
    pub key_rotation_days: u32,
    /// Audit events are deleted when this many days old (0 = kept forever).
    pub events_retention_days: u32,
    /// Seconds a new key is published before it signs.
    pub key_propagation_secs: u32,
    /// Built-in HTTPS, when configured.
    pub tls: Option<TlsFiles>,
    /// Peers whose forwarding header is believed.
    pub trusted_proxies: TrustedProxies,
    /// The header they set, when configured (`None`: the default, `X-Forwarded-For`).
    pub forwarded_header: Option<ForwardedHeader>,
    /// Requests per minute per client address, by kind.
    pub rate_limits: RateLimitSettings,
    /// Who may sign up in the console app.
    pub console_signup: ConsoleSignup,
    /// Invitation mails per developer per day (0 = unlimited).
    pub invitations_per_day: u32,
    /// Where a new app's pool lives when its registration does not say.
    pub default_provider: ProviderKind,
    /// How to reach AWS Cognito; `None` when no setting asks for it.
    pub aws: Option<AwsSettings>,
}

/// Where AWS Cognito is, for apps whose pools live there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    /// The region (`None`: the AWS chain's).
    pub region: Option<String>,
    /// Another endpoint than AWS's (`None`: AWS's, or `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
}

impl GlobalOptions {
    /// The configuration these options (as clap parsed them into `matches`) describe over the
    /// `--config` file: merged, checked and completed.
    pub fn resolve(self, matches: &ArgMatches) -> anyhow::Result<Config> {
        self.over_file(matches)?.check()
    }

    /// Checks the merged settings and completes the defaults that depend on other settings.
    pub fn check(self) -> anyhow::Result<Config> {
        let database_url = self.database_url.unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("auth-return.db").display()
            )
        });
        let tls = tls_files(non_empty(self.tls_cert), non_empty(self.tls_key))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let public_url = self
            .public_url
            .unwrap_or_else(|| format!("{scheme}://{}", self.listen))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            anyhow::bail!("--public-url must start with http:// or https://, got {public_url}");
        }
        check_region(&self.region)?;
        let smtp_url = self.smtp_url.filter(|url| !url.trim().is_empty());
        let mail = match smtp_url {
            None => MailTransport::Outbox {
                explicit: self.mail_outbox,
            },
            Some(_) if self.mail_outbox => anyhow::bail!(
                "--mail-outbox and --smtp-url exclude each other: mail is either sent through \
                 the SMTP server or written to the outbox file; give one"
            ),
            Some(url) => {
                let from = self
                    .mail_from
                    .unwrap_or_else(|| default_from_address(&public_url));
                // The error never repeats the URL: it may hold a password.
                let mut smtp = SmtpConfig::from_url(&url, &from)
                    .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?;
                if let Some(ca_file) = self.smtp_ca_file {
                    smtp = smtp.with_ca_file(ca_file);
                }
                MailTransport::Smtp(smtp)
            }
        };
        let mail_from_name = self
            .mail_from_name
            .map(|name| check_mail_from_name(&name))
            .transpose()?;
        if self.key_propagation_secs < 300 {
            anyhow::bail!("--key-propagation-secs must be at least 300 (the JWKS cache lifetime)");
        }
        if let Some(metrics) = self.metrics_listen
            && !metrics.ip().is_loopback()
            && !self.metrics_public
        {
            anyhow::bail!(
                "--metrics-listen {metrics} is not a loopback address: the metrics say much about \
                 the service; add --metrics-public to serve them there (behind your firewall)"
            );
        }
        if self.metrics_listen == Some(self.listen) {
            anyhow::bail!(
                "--metrics-listen must differ from --listen: metrics are never served publicly"
            );
        }
        let trusted_proxies = TrustedProxies::parse(&self.trusted_proxies.join(","))
            .map_err(|e| anyhow::anyhow!("--trusted-proxies: {e}"))?;
        let default_provider = ProviderKind::parse(&self.default_provider)
            .ok_or_else(|| anyhow::anyhow!("--default-provider must be builtin or cognito"))?;
        let aws_region = non_empty_text(self.aws_region);
        let aws_endpoint_url = non_empty_text(self.aws_endpoint_url);
        let aws = (default_provider == ProviderKind::Cognito
            || aws_region.is_some()
            || aws_endpoint_url.is_some())
        .then_some(AwsSettings {
            region: aws_region,
            endpoint_url: aws_endpoint_url,
        });
        let rate_limits = RateLimitSettings {
            sign_in: self.rate_limit_sign_in,
            sign_up: self.rate_limit_sign_up,
            code_delivery: self.rate_limit_codes,
            refresh: self.rate_limit_refresh,
            key_verify: self.rate_limit_key_verify,
            ..RateLimitSettings::default()
        };
        Ok(Config {
            listen: self.listen,
            metrics_listen: self.metrics_listen,
            webhooks_allow_private: self.webhooks_allow_private,
            data_dir: self.data_dir,
            database_url,
            public_url,
            region: self.region,
            log_format: self.log_format,
            mail,
            mail_from_name,
            key_rotation_days: self.key_rotation_days,
            events_retention_days: self.events_retention_days,
            key_propagation_secs: self.key_propagation_secs,
            tls,
            trusted_proxies,
            forwarded_header: self.forwarded_header,
            rate_limits,
            console_signup: self.console_signup.into(),
            invitations_per_day: self.invitations_per_day,
            default_provider,
            aws,
        })
    }
}

/// The pool-id prefix: 1 to 40 letters, digits and dashes.
fn check_region(region: &str) -> anyhow::Result<()> {
    let valid = !region.is_empty()
        && region.len() <= 40
        && region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        anyhow::bail!("--region must be letters, digits and '-', got {region:?}");
    }
    Ok(())
}

/// The operator's name as given, trimmed, or why it cannot stand in a sender's name.
fn check_mail_from_name(name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    let fits = (1..=64).contains(&name.chars().count())
        && auth_return_core::mail::display_name_part(name) == name;
    if !fits {
        anyhow::bail!(
            "--mail-from-name must be 1 to 64 visible characters without quotes, backslashes, \
             angle brackets or line breaks, got {name:?}"
        );
    }
    Ok(name.to_owned())
}

/// An empty path (e.g. `AUTH_RETURN_TLS_CERT=`) counts as not given.
fn non_empty(path: Option<PathBuf>) -> Option<PathBuf> {
    path.filter(|p| !p.as_os_str().is_empty())
}

/// Both files or neither: half a TLS configuration is a mistake, not plain HTTP.
fn tls_files(cert: Option<PathBuf>, key: Option<PathBuf>) -> anyhow::Result<Option<TlsFiles>> {
    match (cert, key) {
        (Some(cert), Some(key)) => Ok(Some(TlsFiles { cert, key })),
        (None, None) => Ok(None),
        (Some(_), None) => anyhow::bail!(
            "--tls-cert needs --tls-key: give both PEM files (certificate chain and private key) \
             to serve HTTPS, or neither"
        ),
        (None, Some(_)) => anyhow::bail!(
            "--tls-key needs --tls-cert: give both PEM files (certificate chain and private key) \
             to serve HTTPS, or neither"
        ),
    }
}

/// A text setting, blank as not given.
fn non_empty_text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}
