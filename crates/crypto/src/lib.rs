//! Pure cryptography for Auth Return: no I/O, no async runtime, no configuration.
//!
//! * [`srp`] — SRP-6a exactly as the Cognito clients compute it (docs/cognito-protocol.md §3; RFC
//!   5054/2945 with Cognito's `padHex` encoding and "Caldera Derived Key" HKDF).
//! * [`timestamp`] — the strict `TIMESTAMP` parser of docs/cognito-protocol.md §3.7 step 4.
//! * [`secret_hash`] — Cognito `SECRET_HASH` (docs/cognito-protocol.md §4).
//! * [`seal`] — AES-256-GCM sealed blobs (e.g. the SRP `SECRET_BLOCK`, stored keys).
//! * [`jws`] — RS256 compact JWS signing/verification and RSA JWKs (RFC 7515/7517/7518).
//! * [`sigv4`] — checking AWS Signature Version 4 (`AWS4-HMAC-SHA256`) request signatures.
//! * [`webhook`] — Standard Webhooks signatures (`whsec_` secrets, `v1,` HMAC-SHA256).
//! * [`totp`] — authenticator-app codes: TOTP over HMAC-SHA1 (RFC 6238/4226), base32 secrets
//!   and `otpauth://` URIs.
//! * [`random`], [`hash`], [`secret`] — random secrets, SHA-256/HMAC/HKDF, redacted
//!   zeroizing secret types.
//!
//! All primitives come from `aws-lc-rs`; big-integer arithmetic for SRP uses the
//! constant-time Montgomery form of `crypto-bigint`.

pub mod hash;
pub mod jws;
pub mod random;
pub mod seal;
pub mod secret;
pub mod secret_hash;
pub mod sigv4;
pub mod srp;
pub mod timestamp;
pub mod totp;
pub mod webhook;
