//! Random secrets from the operating system's CSPRNG (aws-lc-rs `rand`).
//!
//! Character strings are drawn by rejection sampling, so every character of the alphabet is
//! equally likely (no modulo bias).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const DIGITS: &[u8] = b"0123456789";
const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const UPPER_ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Fills `buf` with random bytes.
///
/// # Panics
/// If the system random source fails, which AWS-LC treats as fatal; continuing without
/// randomness would be a security bug.
pub fn fill(buf: &mut [u8]) {
    if aws_lc_rs::rand::fill(buf).is_err() {
        panic!("system random number generator failed");
    }
}

/// `N` random bytes.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}

/// `len` random bytes in a vector.
pub fn bytes_vec(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    fill(&mut out);
    out
}

/// A uniformly random string of `len` characters from `alphabet` (at most 256 symbols).
fn from_alphabet(alphabet: &[u8], len: usize) -> String {
    debug_assert!(!alphabet.is_empty() && alphabet.len() <= 256);
    // Largest multiple of the alphabet size that fits in a byte: bytes at or above it are
    // rejected so that `byte % size` is uniform.
    let size = alphabet.len();
    let limit = 256 - (256 % size);
    let mut out = String::with_capacity(len);
    let mut pool = [0u8; 64];
    while out.len() < len {
        fill(&mut pool);
        for &b in &pool {
            if usize::from(b) < limit {
                out.push(char::from(alphabet[usize::from(b) % size]));
                if out.len() == len {
                    break;
                }
            }
        }
    }
    out
}

/// `len` random characters from `[0-9A-Za-z]`.
pub fn alphanumeric(len: usize) -> String {
    from_alphabet(ALNUM, len)
}

/// `len` random characters from `[0-9a-z]`.
pub fn lower_alphanumeric(len: usize) -> String {
    from_alphabet(LOWER_ALNUM, len)
}

/// `len` random characters from `[0-9A-Z]`.
pub fn upper_alphanumeric(len: usize) -> String {
    from_alphabet(UPPER_ALNUM, len)
}

/// `len` uniformly random decimal digits (confirmation and MFA codes).
pub fn digits(len: usize) -> String {
    from_alphabet(DIGITS, len)
}

/// `n_bytes` random bytes as base64url without padding (RFC 4648 §5).
pub fn token_urlsafe(n_bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(bytes_vec(n_bytes))
}
