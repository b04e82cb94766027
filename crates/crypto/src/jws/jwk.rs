//! RSA public JWKs (RFC 7517 §4, RFC 7518 §6.3.1) and RFC 7638 thumbprints.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::hash::sha256;

/// An RSA public JWK (RFC 7517): `kty` "RSA", `kid`, `alg` "RS256", `use` "sig", and the
/// base64url (no padding) big-endian modulus `n` and exponent `e`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    /// Key type, `"RSA"`.
    pub kty: String,
    /// Key id (the RFC 7638 thumbprint for keys made here).
    pub kid: String,
    /// Algorithm, `"RS256"`.
    pub alg: String,
    /// Public key use, `"sig"`.
    #[serde(rename = "use")]
    pub use_: String,
    /// Modulus, base64url without padding.
    pub n: String,
    /// Public exponent, base64url without padding.
    pub e: String,
}

impl Jwk {
    /// An RS256 signing JWK for the big-endian modulus and exponent (no leading zeros).
    pub fn rsa(kid: String, n: &[u8], e: &[u8]) -> Self {
        Self {
            kty: "RSA".into(),
            kid,
            alg: "RS256".into(),
            use_: "sig".into(),
            n: URL_SAFE_NO_PAD.encode(n),
            e: URL_SAFE_NO_PAD.encode(e),
        }
    }
}

/// RFC 7638 §3.2 thumbprint of an RSA key: base64url(SHA-256(`{"e":..,"kty":"RSA","n":..}`)),
/// 43 characters.
pub fn rsa_thumbprint(n: &[u8], e: &[u8]) -> String {
    let canonical = format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(e),
        URL_SAFE_NO_PAD.encode(n)
    );
    URL_SAFE_NO_PAD.encode(sha256(canonical.as_bytes()))
}
