//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`), the server's side: parse the `Authorization`
//! header, rebuild the canonical request from what arrived, derive the signing key from the
//! secret and compare signatures in constant time. Pure functions; the caller looks up the
//! secret by access key id and judges the clock (AWS's ±5 minutes) with [`parse_amz_date`].
//!
//! Every step is AWS's "Create a signed AWS API request" (Signature Version 4): the canonical
//! request, the string to sign over its SHA-256, the signing key chained through date, region,
//! service and `aws4_request`, and the HMAC-SHA256 signature in lowercase hex. Paths are
//! canonicalised as the non-S3 AWS SDKs do (the already-encoded path encoded once more).

mod authorization;
mod canonical;
mod signing;

pub use authorization::{Authorization, parse_authorization};
pub use canonical::{SignedRequest, canonical_request};
pub use signing::{format_amz_date, parse_amz_date, signing_key, string_to_sign, verify};

/// Why a signed request is refused, by the names AWS answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// The `Authorization` header or the date is malformed or misses a part
    /// (`IncompleteSignature`); the message says which.
    #[error("{0}")]
    Incomplete(String),
    /// The signature is well formed but not the one the secret makes
    /// (`InvalidSignatureException` / `SignatureDoesNotMatch`).
    #[error(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
    )]
    Mismatch,
}

impl SigV4Error {
    fn incomplete(message: impl Into<String>) -> Self {
        Self::Incomplete(message.into())
    }
}
