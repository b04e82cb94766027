//! SRP-6a as the AWS Cognito clients compute it (docs/cognito-protocol.md §3; RFC 2945, RFC 5054
//! with Cognito's `padHex` encoding, `k = H(padHex(N) ‖ padHex(g))` and the "Caldera Derived Key"
//! HKDF).
//!
//! Group: RFC 3526 §4 3072-bit MODP prime, `g = 2`, `H` = SHA-256. Exponentiations with secret
//! exponents (`b`, `x`, `a`) run in constant-time Montgomery form (crypto-bigint); powers of
//! `g` use a precomputed fixed-base table.
//!
//! Server flow: [`new_verifier`] at sign-up; [`parse_client_public`] and [`server_ephemeral`]
//! at `InitiateAuth`; [`verify_password_claim`] at `RespondToAuthChallenge`.

mod client;
mod encoding;
mod error;
mod fixed_base;
mod group;
mod server;
mod session;
mod verifier;

#[cfg(test)]
mod tests;

pub use client::{
    ClientEphemeral, client_ephemeral, client_ephemeral_with_a, client_password_claim,
};
pub use encoding::pad_hex_bytes;
pub use error::SrpError;
pub use server::{
    ServerEphemeral, parse_client_public, server_ephemeral, server_ephemeral_with_b,
    verify_password_claim,
};
pub use verifier::{Verifier, check_password, new_verifier, verifier_with_salt};

/// The current UTC time as `EEE MMM d HH:mm:ss UTC yyyy` (docs/cognito-protocol.md §3.6 step 7).
pub fn srp_timestamp_now() -> String {
    crate::timestamp::now()
}

/// Builds the group constants and the fixed-base table now instead of on the first sign-in
/// (a few milliseconds; optional).
pub fn warm_up() {
    let _ = group::group();
}
