//! Password verifiers (docs/cognito-protocol.md §3.4; RFC 2945 §3 with Cognito's `x`):
//! `x = H(padHex(salt) ‖ H(poolName ‖ uid ‖ ":" ‖ password))`, `v = g^x mod N`.

use zeroize::Zeroize;

use super::encoding::{int_to_fixed, pad_bytes, pad_hex_bytes, parse_hex_int};
use super::error::SrpError;
use super::group::group;
use crate::hash::{ct_eq, sha256};
use crate::random;

/// A stored verifier: canonical `padHex` salt and `v` as 384 big-endian bytes (left-padded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    /// The salt exactly as sent in `SALT` (canonical padHex, docs/cognito-protocol.md §3.4 step 1).
    pub salt_hex: String,
    /// `v = g^x mod N`, big-endian, left-padded to 384 bytes.
    pub v: Vec<u8>,
}

/// Canonical salt bytes: the salt hex re-encoded as padHex, as identity-js does
/// (docs/cognito-protocol.md §3.4).
fn salt_bytes(salt_hex: &str) -> Result<Vec<u8>, SrpError> {
    let salt = parse_hex_int(salt_hex).map_err(|_| SrpError::BadSalt)?;
    Ok(pad_bytes(&salt))
}

/// The private value `x` (32 bytes, big-endian) for already-canonical salt bytes.
pub(crate) fn compute_x(pool_name: &str, uid: &str, password: &str, salt: &[u8]) -> [u8; 32] {
    let mut inner_msg = Vec::with_capacity(pool_name.len() + uid.len() + 1 + password.len());
    inner_msg.extend_from_slice(pool_name.as_bytes());
    inner_msg.extend_from_slice(uid.as_bytes());
    inner_msg.push(b':');
    inner_msg.extend_from_slice(password.as_bytes());
    let mut inner = sha256(&inner_msg);
    inner_msg.zeroize();
    let mut outer_msg = Vec::with_capacity(salt.len() + 32);
    outer_msg.extend_from_slice(salt);
    outer_msg.extend_from_slice(&inner);
    let x = sha256(&outer_msg);
    inner.zeroize();
    outer_msg.zeroize();
    x
}

/// `x` for a salt given as hex (any case; re-encoded as padHex first).
pub(crate) fn compute_x_hex(
    pool_name: &str,
    uid: &str,
    password: &str,
    salt_hex: &str,
) -> Result<[u8; 32], SrpError> {
    Ok(compute_x(pool_name, uid, password, &salt_bytes(salt_hex)?))
}

/// `v = g^x mod N` as 384 big-endian bytes.
fn verifier_from_x(x: &[u8; 32]) -> Vec<u8> {
    int_to_fixed(&group().pow_g(x).retrieve())
}

/// A new verifier with a fresh 16-byte random salt, sent as canonical padHex
/// (docs/cognito-protocol.md §3.4).
pub fn new_verifier(pool_name: &str, uid: &str, password: &str) -> Verifier {
    let salt = random::bytes::<16>();
    let salt_hex = pad_hex_bytes(&salt);
    let mut x = compute_x(pool_name, uid, password, &pad_bytes(&salt));
    let v = verifier_from_x(&x);
    x.zeroize();
    Verifier { salt_hex, v }
}

/// The verifier `v` (384 big-endian bytes) for a given salt hex (docs/cognito-protocol.md §3.4
/// steps 2-4).
pub fn verifier_with_salt(
    pool_name: &str,
    uid: &str,
    password: &str,
    salt_hex: &str,
) -> Result<Vec<u8>, SrpError> {
    let mut x = compute_x_hex(pool_name, uid, password, salt_hex)?;
    let v = verifier_from_x(&x);
    x.zeroize();
    Ok(v)
}

/// Checks a plaintext password against a stored `(salt, v)` by recomputing `v` and comparing
/// in constant time (docs/cognito-protocol.md §3.4, USER_PASSWORD_AUTH). Malformed inputs give
/// `false`.
pub fn check_password(
    pool_name: &str,
    uid: &str,
    password: &str,
    salt_hex: &str,
    v: &[u8],
) -> bool {
    let Ok(candidate) = verifier_with_salt(pool_name, uid, password, salt_hex) else {
        return false;
    };
    let Some(stored) = super::encoding::to_fixed(v) else {
        return false;
    };
    ct_eq(&candidate, &stored)
}
