//! Integer encodings used by the Cognito clients: `padHex` (docs/cognito-protocol.md §3.2) and
//! lenient hex input.

use super::error::SrpError;
use super::group::{BYTES, Int};

/// Longest hex text accepted for any SRP integer (twice the width of `N`, leading zeros
/// included); longer input is rejected before any work is done.
const MAX_HEX_LEN: usize = 4 * BYTES;

/// Strips leading zero bytes (the minimal big-endian form; empty for zero).
pub(crate) fn trim_leading_zeros(be: &[u8]) -> &[u8] {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    &be[start..]
}

/// Byte form of `padHex(n)` (docs/cognito-protocol.md §3.2): minimal big-endian bytes, with a
/// `0x00` prefix when the top bit is set, and `[0x00]` for zero — Java's
/// `BigInteger.toByteArray()`.
pub(crate) fn pad_bytes(be: &[u8]) -> Vec<u8> {
    let min = trim_leading_zeros(be);
    let mut out = Vec::with_capacity(min.len() + 1);
    if min.first().is_none_or(|&b| b >= 0x80) {
        out.push(0);
    }
    out.extend_from_slice(min);
    out
}

/// `padHex` (docs/cognito-protocol.md §3.2) of the non-negative integer with big-endian bytes `be`
/// (leading zero bytes ignored): 0x14 → `14`, 0xEC → `00ec`, 0xABC → `0abc`, 0x8ABC → `008abc`.
pub fn pad_hex_bytes(big_endian: &[u8]) -> String {
    hex::encode(pad_bytes(big_endian))
}

/// Parses hex as the clients send it: any case, possibly odd length (`BigInteger.toString(16)`),
/// possibly with leading zeros. Returns minimal big-endian bytes (empty for zero).
pub(crate) fn parse_hex_int(s: &str) -> Result<Vec<u8>, SrpError> {
    if s.is_empty() || s.len() > MAX_HEX_LEN {
        return Err(SrpError::BadHex);
    }
    let bytes = if s.len() % 2 == 1 {
        let mut padded = String::with_capacity(s.len() + 1);
        padded.push('0');
        padded.push_str(s);
        hex::decode(padded)
    } else {
        hex::decode(s)
    }
    .map_err(|_| SrpError::BadHex)?;
    Ok(trim_leading_zeros(&bytes).to_vec())
}

/// Left-pads big-endian bytes to the width of `N`; `None` if the value is wider than `N`.
pub(crate) fn to_fixed(be: &[u8]) -> Option<[u8; BYTES]> {
    let min = trim_leading_zeros(be);
    if min.len() > BYTES {
        return None;
    }
    let mut out = [0u8; BYTES];
    out[BYTES - min.len()..].copy_from_slice(min);
    Some(out)
}

/// Big-endian bytes (at most the width of `N`) as an integer.
pub(crate) fn to_int(be: &[u8]) -> Option<Int> {
    to_fixed(be).map(|fixed| Int::from_be_slice(&fixed))
}

/// An integer as big-endian bytes, left-padded to the width of `N`.
pub(crate) fn int_to_fixed(n: &Int) -> Vec<u8> {
    n.to_be_bytes().as_ref().to_vec()
}
