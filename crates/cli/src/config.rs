//! Configuration: flags, then `AUTH_RETURN_*` environment variables, then an optional TOML
//! file, then defaults. Parsed by clap and serde, never by hand.

use anyhow::Context;
use auth_return_server::mail::{SmtpConfig, default_from_address};
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
    /// Public base URL: the Cognito endpoint and the issuer base [default: http://<listen>].
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
    /// <data-dir>/outbox.jsonl].
    #[arg(
        long,
        global = true,
        env = "AUTH_RETURN_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender address of outgoing mail; the app's name is its display name
    /// [default: no-reply@<host of the public URL>].
    #[arg(long, global = true, env = "AUTH_RETURN_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Extra CA certificate(s) (PEM) to trust for the SMTP server, e.g. a private CA.
    #[arg(long, global = true, env = "AUTH_RETURN_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
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
    mail_from: Option<String>,
    smtp_ca_file: Option<PathBuf>,
    key_rotation_days: Option<u32>,
    key_propagation_secs: Option<u32>,
}

/// Where outgoing mail goes.
#[derive(Debug, Clone)]
pub enum MailTransport {
    /// JSON lines in `<data-dir>/outbox.jsonl` (development).
    Outbox,
    /// An SMTP server.
    Smtp(SmtpConfig),
}

/// For logs: `outbox`, or the SMTP URL without its credentials.
impl fmt::Display for MailTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Outbox => f.write_str("outbox"),
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
    /// Automatic key rotation age in days (0 = off).
    pub key_rotation_days: u32,
    /// Seconds a new key is published before it signs.
    pub key_propagation_secs: u32,
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
        let public_url = self
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"))
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
        let mail = match smtp_url {
            None => MailTransport::Outbox,
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
        let key_propagation_secs = self
            .key_propagation_secs
            .or(file.key_propagation_secs)
            .unwrap_or(3600);
        if key_propagation_secs < 300 {
            anyhow::bail!("--key-propagation-secs must be at least 300 (the JWKS cache lifetime)");
        }
        Ok(Config {
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
        })
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
        assert!(matches!(config.mail, MailTransport::Outbox));
        assert_eq!(config.mail.to_string(), "outbox");
        let blank = GlobalOptions {
            smtp_url: Some(" ".into()),
            ..Default::default()
        };
        assert!(matches!(
            blank.resolve().unwrap().mail,
            MailTransport::Outbox
        ));
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
}
