//! Proof Key for Code Exchange (RFC 7636): the `S256` challenge an authorization request
//! carries and the verifier the token request proves it with.

use auth_return_crypto::hash::{ct_eq, sha256};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Whether `text` is 43–128 characters of the unreserved set (RFC 7636 §4.1: the verifier's
/// alphabet; an `S256` challenge is 43 of them).
fn unreserved(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether `challenge` has the shape of an `S256` challenge: base64url of 32 bytes, no padding
/// (RFC 7636 §4.2).
pub fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && unreserved(challenge, 43, 43)
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|bytes| bytes.len() == 32)
}

/// Whether `verifier` proves `challenge`: `BASE64URL(SHA256(verifier)) == challenge`
/// (RFC 7636 §4.6), compared in constant time.
pub fn verifies(verifier: &str, challenge: &str) -> bool {
    if !unreserved(verifier, 43, 128) {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(sha256(verifier.as_bytes()));
    ct_eq(computed.as_bytes(), challenge.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies() {
        assert!(is_s256_challenge(CHALLENGE));
        assert!(verifies(VERIFIER, CHALLENGE));
    }

    #[test]
    fn wrong_or_malformed_verifiers_do_not() {
        assert!(!verifies(&VERIFIER.replace('d', "e"), CHALLENGE));
        assert!(!verifies("short", CHALLENGE));
        assert!(!verifies(&format!("{VERIFIER}!"), CHALLENGE));
        assert!(!is_s256_challenge("plain-challenge"));
        assert!(!is_s256_challenge(&format!("{}=", &CHALLENGE[..42])));
    }
}
