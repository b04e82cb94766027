//! RS256 verification of compact JWS (RFC 7515 §5.2) against one RSA public key.

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::error::JwsError;
use super::jwk::Jwk;

/// Largest token accepted, in bytes: bounds work done on untrusted input.
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Largest encoded header accepted by [`peek_kid`].
const MAX_HEADER_LEN: usize = 1024;

/// An RSA public key for RS256 verification, parsed once.
#[derive(Clone)]
pub struct VerifyingKey {
    key: ParsedPublicKey,
    kid: String,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// Parses an RSA JWK (RFC 7517/7518 §6.3.1). `kty` must be `RSA` and `alg`, if set,
    /// `RS256`.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, JwsError> {
        if jwk.kty != "RSA" {
            return Err(JwsError::Crypto);
        }
        if !jwk.alg.is_empty() && jwk.alg != "RS256" {
            return Err(JwsError::BadAlgorithm);
        }
        let n = URL_SAFE_NO_PAD
            .decode(&jwk.n)
            .map_err(|_| JwsError::Crypto)?;
        let e = URL_SAFE_NO_PAD
            .decode(&jwk.e)
            .map_err(|_| JwsError::Crypto)?;
        let key = RsaPublicKeyComponents { n: &n, e: &e }
            .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
            .map_err(|_| JwsError::Crypto)?;
        Ok(Self {
            key,
            kid: jwk.kid.clone(),
        })
    }

    /// The key id this key answers to.
    pub fn kid(&self) -> &str {
        &self.kid
    }
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

/// Splits a compact JWS into exactly three non-empty-header segments.
fn split(token: &str) -> Result<(&str, &str, &str), JwsError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwsError::Malformed);
    }
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) if !h.is_empty() && !s.is_empty() => Ok((h, p, s)),
        _ => Err(JwsError::Malformed),
    }
}

fn parse_header(header_b64: &str) -> Result<Header, JwsError> {
    if header_b64.len() > MAX_HEADER_LEN {
        return Err(JwsError::Malformed);
    }
    let raw = URL_SAFE_NO_PAD
        .decode(header_b64)
        .map_err(|_| JwsError::Malformed)?;
    serde_json::from_slice(&raw).map_err(|_| JwsError::Malformed)
}

/// The `kid` of a token's header, for choosing a key; nothing is verified.
pub fn peek_kid(token: &str) -> Result<String, JwsError> {
    let header_b64 = token.split('.').next().unwrap_or_default();
    if !token.contains('.') {
        return Err(JwsError::Malformed);
    }
    parse_header(header_b64)?.kid.ok_or(JwsError::UnknownKey)
}

/// Verifies a compact RS256 JWS and returns its claims. The header `alg` must be exactly
/// `RS256` (`none`, `HS256`, … are refused: RFC 8725 §3.1), `crit` is not supported, and `kid`
/// must equal the key's; the payload must be a JSON object. Claims such as `exp` are the
/// caller's to check.
pub fn verify(
    token: &str,
    key: &VerifyingKey,
) -> Result<serde_json::Map<String, serde_json::Value>, JwsError> {
    let (header_b64, payload_b64, sig_b64) = split(token)?;
    let header = parse_header(header_b64)?;
    if header.alg != "RS256" || header.crit.is_some() {
        return Err(JwsError::BadAlgorithm);
    }
    if header.kid.as_deref() != Some(key.kid()) {
        return Err(JwsError::UnknownKey);
    }
    let sig = URL_SAFE_NO_PAD
        .decode(sig_b64)
        .map_err(|_| JwsError::Malformed)?;
    let signed_len = header_b64.len() + 1 + payload_b64.len();
    key.key
        .verify_sig(&token.as_bytes()[..signed_len], &sig)
        .map_err(|_| JwsError::BadSignature)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| JwsError::Malformed)?;
    serde_json::from_slice(&payload).map_err(|_| JwsError::Malformed)
}
