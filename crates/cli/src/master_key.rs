//! The master key: `AUTH_RETURN_MASTER_KEY` (64 hex digits or base64 of 32 bytes), or a key
//! file in the data directory created with mode 0600 on first start. It never enters the
//! database, so a copy of the database alone reveals no verifier, signing key or secret.

use anyhow::{Context, bail};
use base64::Engine;
use std::io::Write;
use std::path::Path;

/// The environment variable that may carry the key.
pub const ENV: &str = "AUTH_RETURN_MASTER_KEY";

/// Parses 64 hex digits or base64 of exactly 32 bytes.
fn parse(text: &str) -> anyhow::Result<[u8; 32]> {
    let text = text.trim();
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(text)?
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .context("master key is neither hex nor base64")?
    };
    match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(key) => Ok(key),
        Err(_) => bail!("master key must be 32 bytes"),
    }
}

/// Loads the key from the environment, or from `<data-dir>/master.key` (creating it).
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<[u8; 32]> {
    if let Ok(text) = std::env::var(ENV) {
        return parse(&text).with_context(|| format!("{ENV} is not a valid key"));
    }
    let path = data_dir.join("master.key");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            let key: [u8; 32] = auth_return_crypto::random::bytes();
            file.write_all(hex::encode(key).as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(path = %path.display(), "created a new master key; back it up with the database");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            parse(&text).with_context(|| format!("{} is not a valid key", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn keys_parse_from_hex_or_base64_only_at_32_bytes() {
        assert_eq!(parse(&"ab".repeat(32)).unwrap(), [0xab; 32]);
        assert_eq!(
            parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap(),
            [0; 32]
        );
        assert!(parse("abcd").is_err());
        assert!(parse(&"ab".repeat(33)).is_err());
        assert!(parse("not a key!").is_err());
    }
}
