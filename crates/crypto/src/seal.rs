//! AES-256-GCM sealing (NIST SP 800-38D) with random 96-bit nonces, on aws-lc-rs.
//!
//! Sealed form: `nonce (12) ‖ ciphertext ‖ tag (16)`. Random nonces keep a key safe for about
//! 2^32 seals (SP 800-38D §8.3); derive separate keys per purpose with
//! [`crate::hash::derive_key`] and rotate long-lived ones.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use zeroize::Zeroize;

use crate::random;
use crate::secret::SecretBytes;

/// Length of the authentication tag appended to the ciphertext.
const TAG_LEN: usize = 16;

/// Opening failed: the blob is truncated, was tampered with, or the key or AAD differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sealed data could not be opened")]
pub struct SealError;

/// An AES-256-GCM key ready to seal and open (cheap to share across threads).
pub struct Sealer {
    key: LessSafeKey,
}

impl Sealer {
    /// Builds a sealer from a 32-byte key; the caller's copy is wiped.
    pub fn new(mut key: [u8; 32]) -> Self {
        let unbound = UnboundKey::new(&AES_256_GCM, &key);
        key.zeroize();
        match unbound {
            Ok(k) => Self {
                key: LessSafeKey::new(k),
            },
            // A 32-byte key always has the right length for AES-256.
            Err(_) => unreachable!("AES-256-GCM accepts every 32-byte key"),
        }
    }

    /// Encrypts and authenticates `plaintext`, binding `aad`; returns `nonce ‖ ct ‖ tag`.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let nonce_bytes = random::bytes::<NONCE_LEN>();
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(&nonce_bytes);
        let mut body = plaintext.to_vec();
        let nonce = Nonce::assume_unique_for_key(nonce_bytes);
        if self
            .key
            .seal_in_place_append_tag(nonce, Aad::from(aad), &mut body)
            .is_err()
        {
            // Only fails for plaintexts beyond GCM's 64 GiB limit.
            unreachable!("AES-256-GCM seal failed");
        }
        out.extend_from_slice(&body);
        body.zeroize();
        out
    }

    /// Verifies and decrypts a blob made by [`Sealer::seal`] with the same `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<SecretBytes, SealError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(SealError);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError)?;
        let mut owned = body.to_vec();
        let len = match self.key.open_in_place(nonce, Aad::from(aad), &mut owned) {
            Ok(plain) => plain.len(),
            Err(_) => {
                owned.zeroize();
                return Err(SealError);
            }
        };
        // Wipe the tag bytes too, then drop them.
        owned[len..].zeroize();
        owned.truncate(len);
        Ok(SecretBytes::new(owned))
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer([redacted])")
    }
}
