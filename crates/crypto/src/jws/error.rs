//! Errors of JWS signing and verification.

/// Why a token could not be signed or verified (RFC 7515 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    /// Not three base64url segments, bad JSON, too large, or claims not a JSON object.
    #[error("malformed token")]
    Malformed,
    /// The header's `alg` is not exactly `RS256` (RFC 7518 §3.3), or it has `crit`.
    #[error("unsupported algorithm")]
    BadAlgorithm,
    /// The header's `kid` is missing or names another key.
    #[error("unknown signing key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// Key generation, parsing or signing failed inside the crypto provider.
    #[error("cryptographic failure")]
    Crypto,
}
