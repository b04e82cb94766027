//! RS256 JSON Web Signatures (RFC 7515 compact form, RFC 7518 §3.3) and RSA JWKs
//! (RFC 7517, RFC 7638 thumbprints) for Cognito-shaped ID and access tokens
//! (docs/cognito-protocol.md §6.1).

mod error;
mod es256;
mod jwk;
mod signing;
mod verifying;

pub use error::JwsError;
pub use es256::Es256SigningKey;
pub use jwk::{Jwk, rsa_thumbprint};
pub use signing::SigningKey;
pub use verifying::{VerifyingKey, peek_kid, verify};
