//! Standard Webhooks signatures (standardwebhooks.com, "Signature scheme"): a `whsec_` secret
//! of random bytes, and `v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>` in the
//! `webhook-signature` header, which receivers check with any Standard Webhooks library.

use crate::hash::hmac_sha256_parts;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The prefix of a secret's text form.
pub const SECRET_PREFIX: &str = "whsec_";

/// Bytes of a new secret (the scheme asks for 24 to 64).
pub const SECRET_BYTES: usize = 32;

/// A new secret in its text form, `whsec_` and the base64 of [`SECRET_BYTES`] random bytes.
pub fn new_secret() -> String {
    format!(
        "{SECRET_PREFIX}{}",
        STANDARD.encode(crate::random::bytes::<SECRET_BYTES>())
    )
}

/// The key bytes of a secret in its text form; `None` when it is not one.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX)?)
        .ok()
        .filter(|key| (24..=64).contains(&key.len()))
}

/// The `webhook-signature` value of a message: `v1,` and the base64 of the HMAC.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    let mac = hmac_sha256_parts(
        key,
        &[id.as_bytes(), b".", timestamp.as_bytes(), b".", body],
    );
    format!("v1,{}", STANDARD.encode(mac))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_schemes_published_example_signs_as_published() {
        // The example of the Standard Webhooks / Svix documentation.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn new_secrets_are_distinct_and_read_back() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(secret_key(&a).unwrap().len(), SECRET_BYTES);
        assert!(secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert!(secret_key("whsec_AAAA").is_none());
        assert!(secret_key("whsec_not base64!").is_none());
    }
}
