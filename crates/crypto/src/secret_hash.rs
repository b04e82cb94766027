//! Cognito `SECRET_HASH` (docs/cognito-protocol.md §4):
//! `Base64(HMAC-SHA256(clientSecret, username ‖ clientId))`.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

use crate::hash::{ct_eq, hmac_sha256_parts};

/// Computes `SECRET_HASH` as standard base64 with padding (44 characters),
/// docs/cognito-protocol.md §4.
pub fn compute(client_secret: &str, username: &str, client_id: &str) -> String {
    STANDARD.encode(raw(client_secret, username, client_id))
}

/// Standard alphabet; accepts the value with or without `=` padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn raw(client_secret: &str, username: &str, client_id: &str) -> [u8; 32] {
    hmac_sha256_parts(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    )
}

/// Checks a presented `SECRET_HASH` in constant time. Malformed base64 is a mismatch.
pub fn verify(client_secret: &str, username: &str, client_id: &str, presented: &str) -> bool {
    let Ok(given) = LENIENT.decode(presented.trim()) else {
        return false;
    };
    ct_eq(&raw(client_secret, username, client_id), &given)
}
