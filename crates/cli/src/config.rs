//! Configuration: flags, then `AUTH_RETURN_*` environment variables, then an optional TOML
//! file, then defaults. Parsed by clap and serde, never by hand.

use anyhow::Context;
use auth_return_core::ConsoleSignup;
use auth_return_core::config::DEFAULT_INVITATIONS_PER_DAY;
use auth_return_mail::{SmtpConfig, default_from_address};
use auth_return_server::client::{ForwardedHeader, TrustedProxies};
use auth_return_server::limits::RateLimitSettings;
use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Log output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Plain,
    /// One JSON object per line.
    Json,
}

/// Who may sign up in the console app (become a developer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Deserialize)]
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

/// Options every command shares (flags or environment).
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalOptions {
    /// A TOML file with any of the settings below (flags and environment win over it).
    #[arg(long, global = true, env = "AUTH_RETURN_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, global = true, env = "AUTH_RETURN_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the embedded database, the master key and the mail outbox [default: ./data].
    #[arg(long, global = true, env = "AUTH_RETURN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL (`sqlite://…` or `postgres://…`) [default: SQLite in the data directory].
    #[arg(long, global = true, env = "AUTH_RETURN_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Public base URL: the Cognito endpoint and the issuer base [default: http://<listen>, or
    /// https://<listen> with --tls-cert].
    #[arg(long, global = true, env = "AUTH_RETURN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Pool-id prefix (the pseudo-region clients see) [default: local].
    #[arg(long, global = true, env = "AUTH_RETURN_REGION")]
    pub region: Option<String>,
    /// Log format [default: plain].
    #[arg(long, global = true, env = "AUTH_RETURN_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Rotate every pool's signing key when it is this many days old (0 = only by hand)
    /// [default: 0].
    #[arg(long, global = true, env = "AUTH_RETURN_KEY_ROTATION_DAYS")]
    pub key_rotation_days: Option<u32>,
    /// Seconds a rotated-in key is published before it signs (at least 300, the JWKS cache
    /// lifetime) [default: 3600].
    #[arg(long, global = true, env = "AUTH_RETURN_KEY_PROPAGATION_SECS")]
    pub key_propagation_secs: Option<u32>,
    /// Deliver mail through this SMTP server: smtp://[user:password@]host[:port][?tls=required|
    /// opportunistic|none] (STARTTLS) or smtps://… (implicit TLS) [default: none, mail goes to
    /// <data-dir>/outbox.jsonl, which `serve` allows without --mail-outbox on loopback only].
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_SMTP_URL",
        hide_env_values = true
    )]
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
    pub mail_from: Option<String>,
    /// The operator's name in the sender's display name of every mail, "<app name> via
    /// <this>" [default: the host of the public URL].
    #[arg(long, global = true, env = "AUTH_RETURN_MAIL_FROM_NAME")]
    pub mail_from_name: Option<String>,
    /// Extra CA certificate(s) (PEM) to trust for the SMTP server, e.g. a private CA.
    #[arg(long, global = true, env = "AUTH_RETURN_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key. Both files
    /// are read again on SIGHUP.
    #[arg(long, global = true, env = "AUTH_RETURN_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1); needs --tls-cert.
    #[arg(long, global = true, env = "AUTH_RETURN_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Proxies whose forwarding header (see --forwarded-header) is believed: addresses or CIDR
    /// networks, comma-separated or repeated [default: none].
    #[arg(long, global = true, env = "AUTH_RETURN_TRUSTED_PROXIES")]
    pub trusted_proxies: Vec<String>,
    /// The one header the trusted proxies set (overwrite or append to), and the only one read:
    /// x-forwarded-for (the scheme from X-Forwarded-Proto) or forwarded (RFC 7239)
    /// [default: x-forwarded-for].
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_FORWARDED_HEADER",
        value_parser = clap::builder::PossibleValuesParser::new(ForwardedHeader::NAMES)
            .try_map(|name| name.parse::<ForwardedHeader>())
    )]
    pub forwarded_header: Option<ForwardedHeader>,
    /// Sign-in attempts (password flows, confirmation and reset codes) per minute per client
    /// address, 0 = unlimited [default: 60].
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_SIGN_IN")]
    pub rate_limit_sign_in: Option<u32>,
    /// Sign-ups per minute per client address, 0 = unlimited [default: 20].
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_SIGN_UP")]
    pub rate_limit_sign_up: Option<u32>,
    /// Requests that mail a code per minute per client address, 0 = unlimited [default: 10].
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_CODES")]
    pub rate_limit_codes: Option<u32>,
    /// Refresh-token sign-ins per minute per client address, 0 = unlimited [default: 120].
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_REFRESH")]
    pub rate_limit_refresh: Option<u32>,
    /// API-key verifications per minute per client address, 0 = unlimited [default: 100].
    #[arg(long, global = true, env = "AUTH_RETURN_RATE_LIMIT_KEY_VERIFY")]
    pub rate_limit_key_verify: Option<u32>,
    /// Who may sign up in the console app, i.e. become a developer: open (anyone), invite (the
    /// first developer of a deployment, then only those invited with `developers invite`) or
    /// closed (only those invited) [default: invite].
    #[arg(long, global = true, env = "AUTH_RETURN_CONSOLE_SIGNUP", value_enum)]
    pub console_signup: Option<ConsoleSignupMode>,
    /// Invitation and password-reset mails (AdminCreateUser, its RESEND,
    /// AdminResetUserPassword) one developer may have sent per UTC day, 0 = unlimited
    /// [default: 100].
    #[arg(long, global = true, env = "AUTH_RETURN_INVITATIONS_PER_DAY")]
    pub invitations_per_day: Option<u32>,
}

/// The settings a TOML file may hold (same names as the flags, with underscores).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    region: Option<String>,
    log_format: Option<LogFormat>,
    smtp_url: Option<String>,
    mail_outbox: Option<bool>,
    mail_from: Option<String>,
    mail_from_name: Option<String>,
    smtp_ca_file: Option<PathBuf>,
    key_rotation_days: Option<u32>,
    key_propagation_secs: Option<u32>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    trusted_proxies: Option<Vec<String>>,
    forwarded_header: Option<ForwardedHeader>,
    rate_limit_sign_in: Option<u32>,
    rate_limit_sign_up: Option<u32>,
    rate_limit_codes: Option<u32>,
    rate_limit_refresh: Option<u32>,
    rate_limit_key_verify: Option<u32>,
    console_signup: Option<ConsoleSignupMode>,
    invitations_per_day: Option<u32>,
}

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
    /// Data directory.
    pub data_dir: PathBuf,
    /// Database URL.
    pub database_url: String,
    /// Public base URL, no trailing slash.
    pub public_url: String,
    /// Pool-id prefix.
    pub region: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Outgoing mail.
    pub mail: MailTransport,
    /// The operator's name in mail senders' names (`None`: the host of the public URL).
    pub mail_from_name: Option<String>,
    /// Automatic key rotation age in days (0 = off).
    pub key_rotation_days: u32,
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
}

impl GlobalOptions {
    /// Resolves flags/environment over the file over defaults.
    pub fn resolve(&self) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let listen = self
            .listen
            .or(file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let data_dir = self
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("auth-return.db").display()));
        let tls = tls_files(
            non_empty(self.tls_cert.clone()).or(non_empty(file.tls_cert)),
            non_empty(self.tls_key.clone()).or(non_empty(file.tls_key)),
        )?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let public_url = self
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("{scheme}://{listen}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            anyhow::bail!("--public-url must start with http:// or https://, got {public_url}");
        }
        let region = self
            .region
            .clone()
            .or(file.region)
            .unwrap_or_else(|| "local".to_owned());
        let valid_region = !region.is_empty()
            && region.len() <= 40
            && region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid_region {
            anyhow::bail!("--region must be letters, digits and '-', got {region:?}");
        }
        let smtp_url = self
            .smtp_url
            .clone()
            .or(file.smtp_url)
            .filter(|url| !url.trim().is_empty());
        let mail_outbox = self.mail_outbox || file.mail_outbox.unwrap_or(false);
        let mail = match smtp_url {
            None => MailTransport::Outbox {
                explicit: mail_outbox,
            },
            Some(_) if mail_outbox => anyhow::bail!(
                "--mail-outbox and --smtp-url exclude each other: mail is either sent through \
                 the SMTP server or written to the outbox file; give one"
            ),
            Some(url) => {
                let from = self
                    .mail_from
                    .clone()
                    .or(file.mail_from)
                    .unwrap_or_else(|| default_from_address(&public_url));
                // The error never repeats the URL: it may hold a password.
                let mut smtp = SmtpConfig::from_url(&url, &from)
                    .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?;
                if let Some(ca_file) = self.smtp_ca_file.clone().or(file.smtp_ca_file) {
                    smtp = smtp.with_ca_file(ca_file);
                }
                MailTransport::Smtp(smtp)
            }
        };
        let mail_from_name = self
            .mail_from_name
            .clone()
            .or(file.mail_from_name)
            .map(|name| check_mail_from_name(&name))
            .transpose()?;
        let key_propagation_secs = self
            .key_propagation_secs
            .or(file.key_propagation_secs)
            .unwrap_or(3600);
        if key_propagation_secs < 300 {
            anyhow::bail!("--key-propagation-secs must be at least 300 (the JWKS cache lifetime)");
        }
        let proxies = if self.trusted_proxies.is_empty() {
            file.trusted_proxies.unwrap_or_default()
        } else {
            self.trusted_proxies.clone()
        };
        let trusted_proxies = TrustedProxies::parse(&proxies.join(","))
            .map_err(|e| anyhow::anyhow!("--trusted-proxies: {e}"))?;
        let defaults = RateLimitSettings::default();
        let rate_limits = RateLimitSettings {
            sign_in: self
                .rate_limit_sign_in
                .or(file.rate_limit_sign_in)
                .unwrap_or(defaults.sign_in),
            sign_up: self
                .rate_limit_sign_up
                .or(file.rate_limit_sign_up)
                .unwrap_or(defaults.sign_up),
            code_delivery: self
                .rate_limit_codes
                .or(file.rate_limit_codes)
                .unwrap_or(defaults.code_delivery),
            refresh: self
                .rate_limit_refresh
                .or(file.rate_limit_refresh)
                .unwrap_or(defaults.refresh),
            key_verify: self
                .rate_limit_key_verify
                .or(file.rate_limit_key_verify)
                .unwrap_or(defaults.key_verify),
            ..defaults
        };
        Ok(Config {
            invitations_per_day: self
                .invitations_per_day
                .or(file.invitations_per_day)
                .unwrap_or(DEFAULT_INVITATIONS_PER_DAY),
            console_signup: self
                .console_signup
                .or(file.console_signup)
                .unwrap_or_default()
                .into(),
            tls,
            trusted_proxies,
            forwarded_header: self.forwarded_header.or(file.forwarded_header),
            rate_limits,
            key_rotation_days: self
                .key_rotation_days
                .or(file.key_rotation_days)
                .unwrap_or(0),
            key_propagation_secs,
            listen,
            data_dir,
            database_url,
            public_url,
            region,
            log_format: self.log_format.or(file.log_format).unwrap_or_default(),
            mail,
            mail_from_name,
        })
    }
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

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_configuration() {
        let config = GlobalOptions::default().resolve().unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.region, "local");
        assert_eq!(config.database_url, "sqlite://./data/auth-return.db");
        assert_eq!(config.log_format, LogFormat::Plain);
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = std::env::temp_dir().join(format!("ar-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("auth-return.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nregion = \"eu-test\"\npublic_url = \"https://auth.example.com/\"\n").unwrap();
        let options = GlobalOptions {
            config: Some(file),
            region: Some("flag".into()),
            ..Default::default()
        };
        let config = options.resolve().unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(config.region, "flag");
        assert_eq!(config.public_url, "https://auth.example.com");
    }

    #[test]
    fn bad_settings_are_refused() {
        let bad_region = GlobalOptions {
            region: Some("no_underscores".into()),
            ..Default::default()
        };
        assert!(bad_region.resolve().is_err());
        let bad_url = GlobalOptions {
            public_url: Some("auth.example.com".into()),
            ..Default::default()
        };
        assert!(bad_url.resolve().is_err());
    }

    #[test]
    fn mail_goes_to_the_outbox_without_an_smtp_url() {
        let config = GlobalOptions::default().resolve().unwrap();
        assert!(matches!(
            config.mail,
            MailTransport::Outbox { explicit: false }
        ));
        assert_eq!(config.mail.to_string(), "outbox");
        let blank = GlobalOptions {
            smtp_url: Some(" ".into()),
            ..Default::default()
        };
        assert!(matches!(
            blank.resolve().unwrap().mail,
            MailTransport::Outbox { explicit: false }
        ));
    }

    #[test]
    fn the_outbox_is_asked_for_by_flag_or_file_and_never_beside_smtp() {
        let flag = GlobalOptions {
            mail_outbox: true,
            ..Default::default()
        };
        assert!(matches!(
            flag.resolve().unwrap().mail,
            MailTransport::Outbox { explicit: true }
        ));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(&file, "mail_outbox = true\n").unwrap();
        let from_file = GlobalOptions {
            config: Some(file.clone()),
            ..Default::default()
        };
        assert!(matches!(
            from_file.resolve().unwrap().mail,
            MailTransport::Outbox { explicit: true }
        ));
        let both = GlobalOptions {
            config: Some(file),
            smtp_url: Some("smtps://mail.example.com".into()),
            ..Default::default()
        };
        let message = format!("{:#}", both.resolve().unwrap_err());
        assert!(
            message.starts_with("--mail-outbox and --smtp-url exclude each other"),
            "{message}"
        );
    }

    #[test]
    fn the_forwarded_header_from_flag_environment_or_file() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            global: GlobalOptions,
        }
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("auth-return").chain(args.iter().copied()))
                .map(|cli| cli.global.forwarded_header)
        };
        assert_eq!(parse(&[]).unwrap(), None);
        assert_eq!(
            parse(&["--forwarded-header", "forwarded"]).unwrap(),
            Some(ForwardedHeader::Forwarded)
        );
        assert_eq!(
            parse(&["--forwarded-header", "x-forwarded-for"]).unwrap(),
            Some(ForwardedHeader::XForwardedFor)
        );
        let refused = parse(&["--forwarded-header", "x-real-ip"]).err().unwrap();
        assert!(refused.to_string().contains("x-forwarded-for"), "{refused}");
        assert_eq!(
            GlobalOptions::default().resolve().unwrap().forwarded_header,
            None
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(&file, "forwarded_header = \"forwarded\"\n").unwrap();
        let from_file = GlobalOptions {
            config: Some(file.clone()),
            ..Default::default()
        };
        assert_eq!(
            from_file.resolve().unwrap().forwarded_header,
            Some(ForwardedHeader::Forwarded)
        );
        let flags_win = GlobalOptions {
            config: Some(file.clone()),
            forwarded_header: Some(ForwardedHeader::XForwardedFor),
            ..Default::default()
        };
        assert_eq!(
            flags_win.resolve().unwrap().forwarded_header,
            Some(ForwardedHeader::XForwardedFor)
        );
        std::fs::write(&file, "forwarded_header = \"x-real-ip\"\n").unwrap();
        let bad = GlobalOptions {
            config: Some(file),
            ..Default::default()
        };
        assert!(format!("{:#}", bad.resolve().unwrap_err()).contains("x-real-ip"));
    }

    #[test]
    fn smtp_settings_from_flags_and_file() {
        let options = GlobalOptions {
            public_url: Some("https://auth.example.com".into()),
            smtp_url: Some("smtp://mailer:s%40cret@mail.example.com".into()),
            ..Default::default()
        };
        let MailTransport::Smtp(smtp) = options.resolve().unwrap().mail else {
            panic!("expected SMTP");
        };
        assert_eq!(smtp.host(), "mail.example.com");
        assert_eq!(smtp.port(), 587);
        assert_eq!(smtp.password(), Some("s@cret"));
        assert_eq!(smtp.from_address().to_string(), "no-reply@auth.example.com");
        assert_eq!(smtp.ca_file(), None);
        assert_eq!(
            MailTransport::Smtp(smtp).to_string(),
            "smtp://***@mail.example.com:587?tls=required"
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(
            &file,
            "smtp_url = \"smtps://mail.internal\"\nmail_from = \"auth@example.com\"\nsmtp_ca_file = \"/etc/ca.pem\"\n",
        )
        .unwrap();
        let from_file = GlobalOptions {
            config: Some(file.clone()),
            ..Default::default()
        };
        let MailTransport::Smtp(smtp) = from_file.resolve().unwrap().mail else {
            panic!("expected SMTP");
        };
        assert_eq!((smtp.host(), smtp.port()), ("mail.internal", 465));
        assert_eq!(smtp.from_address().to_string(), "auth@example.com");
        assert_eq!(smtp.ca_file(), Some(Path::new("/etc/ca.pem")));
        // Flags win over the file.
        let flags = GlobalOptions {
            config: Some(file),
            mail_from: Some("other@example.com".into()),
            smtp_url: Some("smtp://127.0.0.1:2525?tls=none".into()),
            ..Default::default()
        };
        let MailTransport::Smtp(smtp) = flags.resolve().unwrap().mail else {
            panic!("expected SMTP");
        };
        assert_eq!((smtp.host(), smtp.port()), ("127.0.0.1", 2525));
        assert_eq!(smtp.from_address().to_string(), "other@example.com");
    }

    #[test]
    fn a_malformed_smtp_url_is_a_startup_error() {
        for (url, why) in [
            ("mail.example.com:587", "unsupported scheme"),
            ("smtp://", "no host"),
            (
                "smtp://mailer:hunter2@mail.example.com?tls=none",
                "loopback",
            ),
            ("smtp://mail.example.com?tls=sometimes", "tls="),
        ] {
            let options = GlobalOptions {
                smtp_url: Some(url.into()),
                ..Default::default()
            };
            let message = format!("{:#}", options.resolve().unwrap_err());
            assert!(message.starts_with("--smtp-url: "), "{url}: {message}");
            assert!(message.contains(why), "{url}: {message}");
            assert!(!message.contains("hunter2"), "{url}: {message}");
        }
        let bad_from = GlobalOptions {
            smtp_url: Some("smtp://mail.example.com".into()),
            mail_from: Some("no at sign".into()),
            ..Default::default()
        };
        assert!(format!("{:#}", bad_from.resolve().unwrap_err()).contains("from-address"));
    }

    #[test]
    fn tls_needs_both_files_and_makes_the_default_url_https() {
        let both = GlobalOptions {
            listen: Some("0.0.0.0:8443".parse().unwrap()),
            tls_cert: Some("/etc/auth/cert.pem".into()),
            tls_key: Some("/etc/auth/key.pem".into()),
            ..Default::default()
        };
        let config = both.resolve().unwrap();
        assert_eq!(
            config.tls,
            Some(TlsFiles {
                cert: "/etc/auth/cert.pem".into(),
                key: "/etc/auth/key.pem".into()
            })
        );
        assert_eq!(config.public_url, "https://0.0.0.0:8443");
        // An explicit public URL wins.
        let explicit = GlobalOptions {
            public_url: Some("https://auth.example.com".into()),
            ..both
        };
        assert_eq!(
            explicit.resolve().unwrap().public_url,
            "https://auth.example.com"
        );
        assert_eq!(GlobalOptions::default().resolve().unwrap().tls, None);

        let cert_only = GlobalOptions {
            tls_cert: Some("cert.pem".into()),
            ..Default::default()
        };
        let message = format!("{:#}", cert_only.resolve().unwrap_err());
        assert!(
            message.starts_with("--tls-cert needs --tls-key"),
            "{message}"
        );
        let key_only = GlobalOptions {
            tls_key: Some("key.pem".into()),
            // An empty value (from the environment) counts as not given.
            tls_cert: Some("".into()),
            ..Default::default()
        };
        let message = format!("{:#}", key_only.resolve().unwrap_err());
        assert!(
            message.starts_with("--tls-key needs --tls-cert"),
            "{message}"
        );
    }

    #[test]
    fn trusted_proxies_from_flags_or_file() {
        let flags = GlobalOptions {
            trusted_proxies: vec!["10.0.0.0/8, 127.0.0.1".into(), "fd00::/8".into()],
            ..Default::default()
        };
        let proxies = flags.resolve().unwrap().trusted_proxies;
        for ip in ["10.1.2.3", "127.0.0.1", "fd00::1"] {
            assert!(proxies.contains(ip.parse().unwrap()), "{ip}");
        }
        assert!(!proxies.contains("192.0.2.1".parse().unwrap()));
        assert!(
            GlobalOptions::default()
                .resolve()
                .unwrap()
                .trusted_proxies
                .is_empty()
        );

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(&file, "trusted_proxies = [\"192.0.2.0/24\"]\n").unwrap();
        let from_file = GlobalOptions {
            config: Some(file.clone()),
            ..Default::default()
        };
        let proxies = from_file.resolve().unwrap().trusted_proxies;
        assert!(proxies.contains("192.0.2.9".parse().unwrap()));
        let flags_win = GlobalOptions {
            config: Some(file),
            trusted_proxies: vec!["10.0.0.1".into()],
            ..Default::default()
        };
        let proxies = flags_win.resolve().unwrap().trusted_proxies;
        assert!(!proxies.contains("192.0.2.9".parse().unwrap()));

        let bad = GlobalOptions {
            trusted_proxies: vec!["10.0.0.0/8,proxy.internal".into()],
            ..Default::default()
        };
        let message = format!("{:#}", bad.resolve().unwrap_err());
        assert!(message.starts_with("--trusted-proxies: "), "{message}");
        assert!(message.contains("proxy.internal"), "{message}");
    }

    #[test]
    fn rate_limits_from_flags_file_and_defaults() {
        assert_eq!(
            GlobalOptions::default().resolve().unwrap().rate_limits,
            RateLimitSettings::default()
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(
            &file,
            "rate_limit_sign_in = 5\nrate_limit_sign_up = 6\nrate_limit_codes = 7\n\
             rate_limit_refresh = 8\nrate_limit_key_verify = 9\n",
        )
        .unwrap();
        let options = GlobalOptions {
            config: Some(file),
            rate_limit_codes: Some(0),
            ..Default::default()
        };
        let limits = options.resolve().unwrap().rate_limits;
        assert_eq!(
            limits,
            RateLimitSettings {
                sign_in: 5,
                sign_up: 6,
                code_delivery: 0,
                refresh: 8,
                key_verify: 9,
                ..RateLimitSettings::default()
            }
        );
    }

    #[test]
    fn the_help_states_the_real_defaults() {
        use clap::Args;
        let command = GlobalOptions::augment_args(clap::Command::new("auth-return"));
        let defaults = RateLimitSettings::default();
        let console_signup = ConsoleSignupMode::default()
            .to_possible_value()
            .unwrap()
            .get_name()
            .to_owned();
        for (flag, default) in [
            ("rate_limit_sign_in", defaults.sign_in.to_string()),
            ("rate_limit_sign_up", defaults.sign_up.to_string()),
            ("rate_limit_codes", defaults.code_delivery.to_string()),
            ("rate_limit_refresh", defaults.refresh.to_string()),
            ("rate_limit_key_verify", defaults.key_verify.to_string()),
            ("console_signup", console_signup),
            (
                "invitations_per_day",
                DEFAULT_INVITATIONS_PER_DAY.to_string(),
            ),
        ] {
            let arg = command
                .get_arguments()
                .find(|a| a.get_id() == flag)
                .unwrap();
            let help = arg.get_help().unwrap().to_string();
            assert!(
                help.ends_with(&format!("[default: {default}]")),
                "{flag}: {help}"
            );
        }
    }

    #[test]
    fn console_signup_from_flags_file_and_default() {
        assert_eq!(
            GlobalOptions::default().resolve().unwrap().console_signup,
            ConsoleSignup::Invite
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(&file, "console_signup = \"closed\"\n").unwrap();
        let from_file = GlobalOptions {
            config: Some(file.clone()),
            ..Default::default()
        };
        assert_eq!(
            from_file.resolve().unwrap().console_signup,
            ConsoleSignup::Closed
        );
        let flags_win = GlobalOptions {
            config: Some(file),
            console_signup: Some(ConsoleSignupMode::Open),
            ..Default::default()
        };
        assert_eq!(
            flags_win.resolve().unwrap().console_signup,
            ConsoleSignup::Open
        );
        std::fs::write(dir.path().join("bad.toml"), "console_signup = \"maybe\"\n").unwrap();
        let bad = GlobalOptions {
            config: Some(dir.path().join("bad.toml")),
            ..Default::default()
        };
        assert!(format!("{:#}", bad.resolve().unwrap_err()).contains("maybe"));
    }

    #[test]
    fn invitations_per_day_from_flags_file_and_default() {
        assert_eq!(
            GlobalOptions::default()
                .resolve()
                .unwrap()
                .invitations_per_day,
            100
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(&file, "invitations_per_day = 7\n").unwrap();
        let from_file = GlobalOptions {
            config: Some(file.clone()),
            ..Default::default()
        };
        assert_eq!(from_file.resolve().unwrap().invitations_per_day, 7);
        let flags_win = GlobalOptions {
            config: Some(file),
            invitations_per_day: Some(0),
            ..Default::default()
        };
        assert_eq!(flags_win.resolve().unwrap().invitations_per_day, 0);
    }

    #[test]
    fn mail_from_name_is_checked() {
        assert_eq!(
            GlobalOptions::default().resolve().unwrap().mail_from_name,
            None
        );
        let given = GlobalOptions {
            mail_from_name: Some(" Example Auth ".into()),
            ..Default::default()
        };
        assert_eq!(
            given.resolve().unwrap().mail_from_name.as_deref(),
            Some("Example Auth")
        );
        for bad in [
            "",
            "Evil\r\nBcc: x@y",
            "\"quoted\"",
            "a <b@c>",
            &"x".repeat(65),
        ] {
            let options = GlobalOptions {
                mail_from_name: Some(bad.into()),
                ..Default::default()
            };
            let message = format!("{:#}", options.resolve().unwrap_err());
            assert!(
                message.starts_with("--mail-from-name must be"),
                "{bad:?}: {message}"
            );
        }
    }

    #[test]
    fn unknown_file_settings_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("auth-return.toml");
        std::fs::write(&file, "tls_certificate = \"cert.pem\"\n").unwrap();
        let options = GlobalOptions {
            config: Some(file),
            ..Default::default()
        };
        assert!(format!("{:#}", options.resolve().unwrap_err()).contains("tls_certificate"));
    }
}
