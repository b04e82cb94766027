//! The server half (docs/cognito-protocol.md §3.5 steps 3 and 7, §3.7 step 5; RFC 5054 §2.5-2.6):
//! `B = (k·v + g^b) mod N`, then `S = (A·v^u)^b mod N` and the signature check.

use base64::Engine as _;
use zeroize::Zeroize;

use super::encoding::{int_to_fixed, parse_hex_int, to_int, trim_leading_zeros};
use super::error::SrpError;
use super::group::{Int, SHORT_EXP_BYTES, group, pow_secret};
use super::session::{claim_mac, compute_u, derive_k};
use crate::hash::ct_eq;
use crate::random;
use crate::secret::SecretBytes;

/// A server ephemeral key pair: secret `b` and public `B` (384 big-endian bytes).
#[derive(Clone, Debug)]
pub struct ServerEphemeral {
    /// The secret exponent `b` (big-endian; 32 bytes when generated here).
    pub b: SecretBytes,
    /// `B`, big-endian, left-padded to 384 bytes.
    pub b_pub: Vec<u8>,
}

impl ServerEphemeral {
    /// `SRP_B` for the challenge: lowercase hex of `B` without redundant leading zero bytes
    /// (every client parses it as a big integer, docs/cognito-protocol.md §3.5 step 8).
    pub fn srp_b_hex(&self) -> String {
        hex::encode(trim_leading_zeros(&self.b_pub))
    }
}

/// Parses the client's `SRP_A` (plain hex, any case, odd length allowed) and rejects bad hex,
/// `A mod N == 0` and `A >= N` (docs/cognito-protocol.md §3.5 step 3, RFC 5054 §2.5.4). Returns `A`
/// as 384 big-endian bytes (left-padded).
pub fn parse_client_public(srp_a_hex: &str) -> Result<Vec<u8>, SrpError> {
    let bytes = parse_hex_int(srp_a_hex)?;
    let a = to_int(&bytes).ok_or(SrpError::AOutOfRange)?;
    check_a(&a)?;
    Ok(int_to_fixed(&a))
}

fn check_a(a: &Int) -> Result<(), SrpError> {
    let g = group();
    if a.is_zero_vartime() {
        return Err(SrpError::AIsZeroModN);
    }
    if a >= &g.n {
        return Err(SrpError::AOutOfRange);
    }
    Ok(())
}

/// A fresh server ephemeral for verifier `v`: 256 random bits of `b`, retried if `B ≡ 0`.
pub fn server_ephemeral(v: &[u8]) -> ServerEphemeral {
    loop {
        let mut b = random::bytes::<SHORT_EXP_BYTES>();
        let eph = server_ephemeral_with_b(v, &b);
        b.zeroize();
        if eph.b_pub.iter().any(|&x| x != 0) {
            return eph;
        }
    }
}

/// The server ephemeral for a given `b` (big-endian; used by the known-answer test).
///
/// `v` wider than `N` is treated as zero (it cannot come from [`super::new_verifier`]).
pub fn server_ephemeral_with_b(v: &[u8], b: &[u8]) -> ServerEphemeral {
    let g = group();
    let v = to_int(v)
        .map(|v| g.monty(&reduce(&v)))
        .unwrap_or(g.monty(&Int::ZERO));
    let big_b = g.k.mul(&v).add(&g.pow_g(b));
    ServerEphemeral {
        b: SecretBytes::new(b.to_vec()),
        b_pub: int_to_fixed(&big_b.retrieve()),
    }
}

/// `n mod N` for `n < 2^3072` (one conditional subtraction suffices since `N > 2^3071`).
fn reduce(n: &Int) -> Int {
    let g = group();
    if n >= &g.n { n.wrapping_sub(&g.n) } else { *n }
}

/// Checks `PASSWORD_CLAIM_SIGNATURE` (docs/cognito-protocol.md §3.7 step 5):
/// `u = H(padHex(A) ‖ padHex(B))`, `S = (A·v^u)^b mod N`, `K` = HKDF("Caldera Derived Key"),
/// expected = base64 HMAC-SHA256(K, poolName ‖ uid ‖ secretBlock ‖ timestamp), compared in
/// constant time.
/// `secret_block` is the decoded `SECRET_BLOCK`; `timestamp` is used as received. Any malformed
/// input (bad base64, `A` out of range, `u == 0`) gives `false`.
#[allow(clippy::too_many_arguments)]
pub fn verify_password_claim(
    pool_name: &str,
    uid: &str,
    a_pub: &[u8],
    eph_b: &[u8],
    b_pub: &[u8],
    v: &[u8],
    secret_block: &[u8],
    timestamp: &str,
    signature_b64: &str,
) -> bool {
    let Ok(given) = super::client::SIG_B64.decode(signature_b64.trim()) else {
        return false;
    };
    if given.len() != 32 {
        return false;
    }
    let Some(mut k) = session_key(a_pub, eph_b, b_pub, v) else {
        return false;
    };
    let expected = claim_mac(&k, pool_name, uid, secret_block, timestamp);
    k.zeroize();
    ct_eq(&expected, &given)
}

/// The server's session key `K`, or `None` if the inputs are out of range.
fn session_key(a_pub: &[u8], eph_b: &[u8], b_pub: &[u8], v: &[u8]) -> Option<[u8; 16]> {
    let (u, mut s) = premaster(a_pub, eph_b, b_pub, v)?;
    let k = derive_k(&u, &s);
    s.zeroize();
    Some(k)
}

/// `(u, S)` with `S = (A·v^u)^b mod N` as 384 big-endian bytes, or `None` when out of range.
pub(crate) fn premaster(
    a_pub: &[u8],
    eph_b: &[u8],
    b_pub: &[u8],
    v: &[u8],
) -> Option<([u8; 32], Vec<u8>)> {
    let g = group();
    let a = to_int(a_pub)?;
    check_a(&a).ok()?;
    let big_b = to_int(b_pub)?;
    if big_b >= g.n || big_b.is_zero_vartime() {
        return None;
    }
    let v = to_int(v)?;
    if v >= g.n || eph_b.is_empty() {
        return None;
    }
    let u = compute_u(a_pub, b_pub);
    if u.iter().all(|&x| x == 0) {
        return None;
    }
    // u is public: a variable-time exponentiation is fine for v^u.
    let v_u = g
        .monty(&v)
        .pow_vartime(&crypto_bigint::U256::from_be_slice(&u));
    let base = g.monty(&a).mul(&v_u);
    let s = pow_secret(&base, eph_b).retrieve();
    Some((u, int_to_fixed(&s)))
}
