//! Verification of Auth Return tokens for app backends.
//!
//! Auth Return issues Cognito-compatible RS256 JWTs: ID tokens (`token_use: "id"`, `aud` = the
//! app's client id) and access tokens (`token_use: "access"`, `client_id`, `scope`), both with
//! `iss` = `<public url>/<poolId>` and a `kid` naming a key of `<iss>/.well-known/jwks.json`.
//! This crate checks all of it without calling the server per request:
//!
//! ```no_run
//! # async fn demo(token: &str) -> Result<(), auth_return_verify::VerifyError> {
//! use auth_return_verify::Verifier;
//!
//! let verifier = Verifier::builder("https://auth.example.com/eu-west-1_abc123", "my-client-id")
//!     .require_scope("orders/read")
//!     .build()?;
//! let claims = verifier.verify_access_token(token).await?;
//! println!("user {} ({:?})", claims.sub, claims.username);
//! # Ok(()) }
//! ```
//!
//! What is implemented, with the specifications it follows:
//! - JWS compact parsing and RS256 signatures (RFC 7515, RFC 7518 §3.3) with the algorithm
//!   taken from the key, never from the token — see [`verifier`];
//! - JWK Sets fetched once, cached, refetched on an unknown `kid` at most once per interval with
//!   a single request in flight (RFC 7517) — see [`jwks`];
//! - JWT claim checks (RFC 7519 §4, §7.2) and typed claims — see [`Claims`];
//! - an axum extractor and a tower layer answering RFC 6750 §3 challenges (feature `axum`);
//! - an opt-in revocation feed poller — see [`revocation`].
//!
//! Crypto is AWS-LC (via `aws-lc-rs`) only; HTTPS is rustls on the same provider.

pub mod claims;
pub mod error;
pub mod jwks;
pub mod jwt;
pub mod revocation;
pub mod verifier;

#[cfg(feature = "axum")]
pub mod axum;

pub use claims::{Claims, TokenUse};
pub use error::VerifyError;
pub use verifier::{Accept, Clock, Verifier, VerifierBuilder};
