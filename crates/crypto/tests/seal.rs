//! AES-256-GCM sealing: round trip, tampering and AAD binding.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_return_crypto::seal::{SealError, Sealer};

#[test]
fn round_trip() {
    let s = Sealer::new([7u8; 32]);
    let sealed = s.seal(b"challenge state", b"pool|client");
    assert_eq!(sealed.len(), 12 + 15 + 16);
    assert_eq!(
        s.open(&sealed, b"pool|client").unwrap().expose(),
        b"challenge state"
    );
    // Fresh nonce every time.
    assert_ne!(sealed, s.seal(b"challenge state", b"pool|client"));
    let empty = s.seal(b"", b"");
    assert!(s.open(&empty, b"").unwrap().is_empty());
}

#[test]
fn tamper_fails() {
    let s = Sealer::new([7u8; 32]);
    let sealed = s.seal(b"challenge state", b"aad");
    for i in [0, 11, 12, sealed.len() - 1] {
        let mut t = sealed.clone();
        t[i] ^= 1;
        assert_eq!(s.open(&t, b"aad").unwrap_err(), SealError);
    }
    assert!(s.open(&sealed[..sealed.len() - 1], b"aad").is_err());
    assert!(s.open(&sealed[..27], b"aad").is_err());
    assert!(s.open(&[], b"aad").is_err());
}

#[test]
fn wrong_aad_or_key_fails() {
    let s = Sealer::new([7u8; 32]);
    let sealed = s.seal(b"x", b"aad");
    assert!(s.open(&sealed, b"aae").is_err());
    assert!(Sealer::new([8u8; 32]).open(&sealed, b"aad").is_err());
}
