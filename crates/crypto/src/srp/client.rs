//! The client half, computed exactly like amazon-cognito-identity-js
//! (docs/cognito-protocol.md §3.6): used by our tests and the load generator, never by the server.
//!
//! `A = g^a`, `x` as in §3.4, `S = (B − k·g^x)^(a + u·x) mod N`, then the HKDF key and the
//! `PASSWORD_CLAIM_SIGNATURE` HMAC.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use crypto_bigint::{U512, U4096};
use zeroize::Zeroize;

use super::encoding::{int_to_fixed, parse_hex_int, to_int, trim_leading_zeros};
use super::error::SrpError;
use super::group::{WIDE_EXP_BYTES, group, pow_secret};
use super::session::{claim_mac, compute_u, derive_k};
use super::verifier::compute_x_hex;
use crate::random;
use crate::secret::SecretBytes;

/// Standard base64 that also accepts input without `=` padding (signatures, secret blocks).
pub(crate) const SIG_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A client ephemeral key pair: secret `a` and `SRP_A` as sent (plain lowercase hex).
#[derive(Clone, Debug)]
pub struct ClientEphemeral {
    /// The secret exponent `a` (big-endian, at most 384 bytes).
    pub a: SecretBytes,
    /// `A = g^a mod N` as `A.toString(16)`: lowercase hex without leading zeros.
    pub srp_a_hex: String,
}

/// A fresh client ephemeral: 128 random bytes for `a`, as identity-js draws it.
pub fn client_ephemeral() -> ClientEphemeral {
    let mut a = random::bytes::<WIDE_EXP_BYTES>();
    let eph = client_ephemeral_with_a(&a);
    a.zeroize();
    eph
}

/// The client ephemeral for a given `a` (big-endian, not reduced, at most 384 bytes; longer
/// values keep only their low 384 bytes).
pub fn client_ephemeral_with_a(a: &[u8]) -> ClientEphemeral {
    let a = if a.len() > 384 {
        &a[a.len() - 384..]
    } else {
        a
    };
    let big_a = group().pow_g(a).retrieve();
    let fixed = int_to_fixed(&big_a);
    let min = trim_leading_zeros(&fixed);
    let hex = hex::encode(min);
    // `BigInteger.toString(16)` has no leading zero nibble.
    let srp_a_hex = match hex.strip_prefix('0') {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ if hex.is_empty() => "0".to_string(),
        _ => hex,
    };
    ClientEphemeral {
        a: SecretBytes::new(a.to_vec()),
        srp_a_hex,
    }
}

/// Computes `PASSWORD_CLAIM_SIGNATURE` (standard base64) for a `PASSWORD_VERIFIER` challenge
/// (docs/cognito-protocol.md §3.6 steps 2-8). `uid` is `USER_ID_FOR_SRP`; `timestamp` is used
/// verbatim.
#[allow(clippy::too_many_arguments)]
pub fn client_password_claim(
    pool_name: &str,
    uid: &str,
    password: &str,
    eph: &ClientEphemeral,
    srp_b_hex: &str,
    salt_hex: &str,
    secret_block_b64: &str,
    timestamp: &str,
) -> Result<String, SrpError> {
    let g = group();
    let b_bytes = parse_hex_int(srp_b_hex)?;
    let big_b = to_int(&b_bytes).ok_or(SrpError::BOutOfRange)?;
    if big_b.is_zero_vartime() {
        return Err(SrpError::BIsZeroModN);
    }
    if big_b >= g.n {
        return Err(SrpError::BOutOfRange);
    }
    let secret_block = SIG_B64
        .decode(secret_block_b64.trim())
        .map_err(|_| SrpError::BadSecretBlock)?;
    let a_pub = parse_hex_int(&eph.srp_a_hex)?;
    let u = compute_u(&a_pub, &b_bytes);
    if u.iter().all(|&x| x == 0) {
        return Err(SrpError::UIsZero);
    }
    let mut x = compute_x_hex(pool_name, uid, password, salt_hex)?;

    // base = B − k·g^x (mod N, non-negative)
    let base = g.monty(&big_b).sub(&g.k.mul(&g.pow_g(&x)));
    // exponent = a + u·x, computed without reduction like identity-js.
    let ux = U512::from_be_slice(&{
        let mut buf = [0u8; 64];
        buf[32..].copy_from_slice(&u);
        buf
    })
    .wrapping_mul(&U512::from_be_slice(&{
        let mut buf = [0u8; 64];
        buf[32..].copy_from_slice(&x);
        buf
    }));
    x.zeroize();
    let mut a_fixed = [0u8; 512];
    let a = eph.a.expose();
    a_fixed[512 - a.len()..].copy_from_slice(a);
    let exp = U4096::from_be_slice(&a_fixed).wrapping_add(&ux.resize::<{ U4096::LIMBS }>());
    a_fixed.zeroize();
    // Fixed exponent length (public): one byte more than the wider of `a` and `u·x`.
    let exp_len = a.len().max(64) + 1;
    let exp_bytes = exp.to_be_bytes();
    let mut exp_trim = exp_bytes.as_ref()[512 - exp_len..].to_vec();
    let s = pow_secret(&base, &exp_trim).retrieve();
    exp_trim.zeroize();
    let mut s_bytes = int_to_fixed(&s);
    let mut k = derive_k(&u, &s_bytes);
    s_bytes.zeroize();
    let mac = claim_mac(&k, pool_name, uid, &secret_block, timestamp);
    k.zeroize();
    Ok(STANDARD.encode(mac))
}
