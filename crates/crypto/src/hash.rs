//! SHA-256, HMAC-SHA256, HKDF-SHA256 (RFC 5869) and constant-time comparison, all on aws-lc-rs.

use aws_lc_rs::{digest, hkdf, hmac};
use subtle::ConstantTimeEq;

/// Salt for [`derive_key`]: fixed domain separation for every key this project derives.
const DERIVE_SALT: &[u8] = b"auth-return/derive_key/v1";

/// SHA-256 of `data` (FIPS 180-4).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// SHA-512 of `data` (FIPS 180-4).
pub fn sha512(data: &[u8]) -> [u8; 64] {
    let d = digest::digest(&digest::SHA512, data);
    let mut out = [0u8; 64];
    out.copy_from_slice(d.as_ref());
    out
}

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    hmac_sha256_parts(key, &[msg])
}

/// HMAC-SHA256 over the concatenation of `parts`, without building the concatenation.
pub fn hmac_sha256_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for p in parts {
        ctx.update(p);
    }
    let tag = ctx.sign();
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Constant-time equality of two byte strings (`subtle`). Lengths are not secret.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// HKDF-SHA256 (RFC 5869): derives a 32-byte key from `master` for the purpose `label`.
///
/// Extract uses the fixed salt `"auth-return/derive_key/v1"`; expand uses `label` as the
/// `info`. Different labels give independent keys; the same inputs always give the same key.
pub fn derive_key(master: &[u8], label: &str) -> [u8; 32] {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, DERIVE_SALT).extract(master);
    let info = [label.as_bytes()];
    let mut out = [0u8; 32];
    // Expanding 32 bytes of SHA-256 output can only fail for lengths > 255 * 32.
    let ok = prk
        .expand(&info, hkdf::HKDF_SHA256)
        .and_then(|okm| okm.fill(&mut out));
    debug_assert!(ok.is_ok());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn sha256_empty() {
        assert_eq!(
            hex::encode(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hmac_rfc4231_case2() {
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hmac_sha256_parts(b"Jefe", &[b"what do ya ", b"want for nothing?"]),
            tag
        );
    }

    #[test]
    fn ct_eq_works() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }

    #[test]
    fn derive_key_separates_labels() {
        let a = derive_key(b"master", "seal");
        assert_eq!(a, derive_key(b"master", "seal"));
        assert_ne!(a, derive_key(b"master", "fake-salt"));
        assert_ne!(a, derive_key(b"master2", "seal"));
    }
}
