//! Values both halves share once `A`, `B` and `S` are known (docs/cognito-protocol.md §3.6 steps 3,
//! 6, 8): `u = H(padHex(A) ‖ padHex(B))`, the "Caldera Derived Key" HKDF (RFC 5869, one block,
//! truncated to 16 bytes) and the `PASSWORD_CLAIM_SIGNATURE` HMAC.

use zeroize::Zeroize;

use super::encoding::pad_bytes;
use crate::hash::{hmac_sha256, hmac_sha256_parts, sha256};

/// HKDF `info` used by every Cognito client.
const INFO: &[u8] = b"Caldera Derived Key";

/// `u` as 32 big-endian bytes.
pub(crate) fn compute_u(a_pub: &[u8], b_pub: &[u8]) -> [u8; 32] {
    let mut msg = pad_bytes(a_pub);
    msg.extend_from_slice(&pad_bytes(b_pub));
    sha256(&msg)
}

/// `K` = first 16 bytes of HKDF-SHA256 with salt `padHex(u)`, IKM `padHex(S)`, info
/// "Caldera Derived Key" (docs/cognito-protocol.md §3.6 step 6).
pub(crate) fn derive_k(u: &[u8], s: &[u8]) -> [u8; 16] {
    let mut ikm = pad_bytes(s);
    let mut prk = hmac_sha256(&pad_bytes(u), &ikm);
    ikm.zeroize();
    let mut okm = hmac_sha256_parts(&prk, &[INFO, &[1u8]]);
    prk.zeroize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&okm[..16]);
    okm.zeroize();
    k
}

/// HMAC-SHA256(K, poolName ‖ uid ‖ secretBlock ‖ timestamp) (docs/cognito-protocol.md §3.6 step 8).
pub(crate) fn claim_mac(
    k: &[u8; 16],
    pool_name: &str,
    uid: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    hmac_sha256_parts(
        k,
        &[
            pool_name.as_bytes(),
            uid.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    )
}
