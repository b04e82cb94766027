//! Configuration: flags, then `AUTH_RETURN_*` environment variables, then an optional TOML
//! file, then defaults. Parsed by clap and serde, never by hand.

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Deserialize;
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
        Ok(Config {
            listen,
            data_dir,
            database_url,
            public_url,
            region,
            log_format: self.log_format.or(file.log_format).unwrap_or_default(),
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
}
