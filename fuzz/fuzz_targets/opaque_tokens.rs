//! The opaque strings clients present: refresh tokens (`tokens::refresh`), the ids that name
//! things in paths and keys (`AppId`, `PoolId`, `ApiKeyId`, `AccessKeyId`, `WebhookId`, the
//! UUID ids), SRP's `TIMESTAMP`, sealed `Session` blobs, `SECRET_HASH` and authenticator-app
//! codes. None may panic; what parses must print back as it came.
//!
//! API keys have no parser to fuzz: a presented key is hashed whole and looked up
//! (`Service::verify_api_key`), with no format check that would answer malformed keys faster.

#![no_main]

use auth_return_core::tokens::refresh::{refresh_hash, successor};
use auth_return_core::{AccessKeyId, ApiKeyId, AppId, PoolId, SessionId, UserId, WebhookId};
use auth_return_crypto::seal::Sealer;
use auth_return_crypto::timestamp::{format_srp_timestamp, parse_srp_timestamp};
use auth_return_crypto::totp::{self, TotpSecret};
use auth_return_crypto::{hash::sha256, secret_hash};
use libfuzzer_sys::fuzz_target;
use std::str::FromStr;

/// Parses `text` as an id; one that parses must print as `text`.
fn id<T: FromStr + std::fmt::Display>(text: &str) {
    if let Ok(id) = text.parse::<T>() {
        assert_eq!(id.to_string(), text);
    }
}

fuzz_target!(|data: &[u8]| {
    let sealer = Sealer::new([7; 32]);
    let _ = sealer.open(data, b"session");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    match refresh_hash(text) {
        Some(hash) => {
            assert_eq!(hash, sha256(text.as_bytes()).to_vec());
            // Its successor is a token of ours too.
            let (next, next_hash) = successor(&[9; 32], text);
            assert_eq!(refresh_hash(&next), Some(next_hash));
        }
        None => assert!(
            text.is_empty()
                || text.len() > 128
                || !text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        ),
    }

    id::<AppId>(text);
    id::<PoolId>(text);
    id::<ApiKeyId>(text);
    id::<AccessKeyId>(text);
    id::<WebhookId>(text);
    if let Some(user) = UserId::parse(text) {
        assert_eq!(UserId::parse(&user.to_string()), Some(user));
    }
    let _ = SessionId::parse(text);

    if let Ok(seconds) = parse_srp_timestamp(text) {
        assert_eq!(
            parse_srp_timestamp(&format_srp_timestamp(seconds)),
            Ok(seconds)
        );
    }

    let (username, presented) = text.split_once('\n').unwrap_or((text, text));
    let _ = secret_hash::verify("fuzz-client-secret", username, "fuzzclient", presented);

    if let Some(secret) = TotpSecret::from_base32(username) {
        let _ = totp::verify(&secret, presented, 1_800_000_000);
    }
    let _ = totp::verify(&TotpSecret::from_bytes(vec![1; 20]), text, 1_800_000_000);
});
