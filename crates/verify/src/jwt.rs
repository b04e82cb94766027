//! Strict parsing of a JWS compact serialization (RFC 7515 §7.1): three base64url parts, no
//! padding, no stray characters, a bounded length, and a JOSE header (RFC 7515 §4) that names
//! RS256 and a `kid`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::error::{VerifyError, sanitize};

/// Default maximum token length: 16 KiB.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 16 * 1024;

/// The parts of a token before its signature is checked.
pub(crate) struct Parsed<'a> {
    /// The `kid` of the header.
    pub kid: String,
    /// `base64url(header) "." base64url(payload)`: the JWS signing input (RFC 7515 §5.2).
    pub signing_input: &'a [u8],
    /// The payload, base64url-encoded (decoded only after the signature verified).
    pub payload_b64: &'a str,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

#[derive(Deserialize)]
struct Header {
    alg: Option<serde_json::Value>,
    kid: Option<serde_json::Value>,
    crit: Option<serde_json::Value>,
}

/// Strict base64url without padding (RFC 7515 §2): rejects `=`, `+`, `/`, whitespace and
/// non-canonical trailing bits.
pub(crate) fn b64url(part: &str, what: &'static str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| VerifyError::Malformed(what))
}

/// Splits and checks a token up to (not including) the signature check.
pub(crate) fn parse(token: &str, max_len: usize) -> Result<Parsed<'_>, VerifyError> {
    if token.len() > max_len {
        return Err(VerifyError::TooLarge {
            len: token.len(),
            max: max_len,
        });
    }
    if token.is_empty() {
        return Err(VerifyError::Malformed("empty token"));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VerifyError::Malformed("not three dot-separated parts"));
    };
    if h.is_empty() || p.is_empty() || s.is_empty() {
        return Err(VerifyError::Malformed("empty part"));
    }
    let header_bytes = b64url(h, "header is not base64url")?;
    let header: Header = serde_json::from_slice(&header_bytes)
        .map_err(|_| VerifyError::Malformed("header is not a JSON object"))?;
    match header.alg {
        Some(serde_json::Value::String(alg)) if alg == "RS256" => {}
        Some(serde_json::Value::String(alg)) => {
            return Err(VerifyError::UnsupportedAlgorithm(sanitize(&alg)));
        }
        Some(_) => return Err(VerifyError::Malformed("header alg is not a string")),
        None => return Err(VerifyError::Malformed("header has no alg")),
    }
    if header.crit.is_some() {
        return Err(VerifyError::UnsupportedCritical);
    }
    let kid = match header.kid {
        Some(serde_json::Value::String(kid)) if !kid.is_empty() => kid,
        Some(_) => {
            return Err(VerifyError::Malformed(
                "header kid is not a non-empty string",
            ));
        }
        None => return Err(VerifyError::Malformed("header has no kid")),
    };
    let signature = b64url(s, "signature is not base64url")?;
    // Decoding the payload is deferred until the signature verified, but its encoding is
    // checked now so that a non-base64 payload is reported as malformed, not as a bad signature.
    if !p
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        || p.len() % 4 == 1
    {
        return Err(VerifyError::Malformed("payload is not base64url"));
    }
    let signing_input = &token.as_bytes()[..h.len() + 1 + p.len()];
    Ok(Parsed {
        kid,
        signing_input,
        payload_b64: p,
        signature,
    })
}

/// Decodes the payload into a JSON object (RFC 7519 §7.2 step 10).
pub(crate) fn payload(
    payload_b64: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, VerifyError> {
    let bytes = b64url(payload_b64, "payload is not base64url")?;
    serde_json::from_slice(&bytes)
        .map_err(|_| VerifyError::Malformed("payload is not a JSON object"))
}
