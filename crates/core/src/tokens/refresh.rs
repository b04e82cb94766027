//! Opaque refresh tokens: 32 random bytes, handed out once, stored only as a SHA-256 hash.
//!
//! A fast hash is right here: the token carries 256 bits of entropy, so there is nothing to
//! brute-force, and lookups by hash cost nothing (docs/cognito-protocol.md §6.4).

use auth_return_crypto::hash::{hmac_sha256, sha256};
use auth_return_crypto::random::token_urlsafe;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Longest refresh token we look at; anything longer is not ours.
const MAX_LEN: usize = 128;

/// A new refresh token and the hash to store.
pub fn new_refresh_token() -> (String, Vec<u8>) {
    let token = token_urlsafe(32);
    let hash = sha256(token.as_bytes()).to_vec();
    (token, hash)
}

/// The token that replaces `presented` when it is rotated, and its hash: derived from the
/// token under a server key, so every rotation of one token (parallel tabs, a retry, a thief
/// replaying it within the grace period) hands out the same successor and the session never
/// branches. Without the key, and without `presented`, it cannot be guessed.
pub fn successor(key: &[u8], presented: &str) -> (String, Vec<u8>) {
    let token = URL_SAFE_NO_PAD.encode(hmac_sha256(key, presented.as_bytes()));
    let hash = sha256(token.as_bytes()).to_vec();
    (token, hash)
}

/// The storage hash of a presented token, or `None` if it cannot be one of ours.
pub fn refresh_hash(token: &str) -> Option<Vec<u8>> {
    let plausible = !token.is_empty()
        && token.len() <= MAX_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plausible.then(|| sha256(token.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_successor_is_a_token_of_the_same_shape_fixed_by_key_and_token() {
        let (first, _) = new_refresh_token();
        let (next, hash) = successor(&[7; 32], &first);
        assert_eq!(next.len(), 43);
        assert_eq!(refresh_hash(&next), Some(hash));
        assert_eq!(successor(&[7; 32], &first).0, next);
        assert_ne!(successor(&[8; 32], &first).0, next);
        assert_ne!(successor(&[7; 32], &next).0, next);
    }

    #[test]
    fn tokens_hash_to_what_is_stored() {
        let (token, hash) = new_refresh_token();
        assert_eq!(token.len(), 43);
        assert_eq!(refresh_hash(&token), Some(hash));
    }

    #[test]
    fn implausible_tokens_are_not_looked_up() {
        assert_eq!(refresh_hash(""), None);
        assert_eq!(refresh_hash("a.b.c"), None);
        assert_eq!(refresh_hash(&"a".repeat(129)), None);
    }
}
