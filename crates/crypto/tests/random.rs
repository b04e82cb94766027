//! Random strings: length and alphabet sanity.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_return_crypto::random;

#[test]
fn digits_length_and_charset() {
    for len in [0, 1, 6, 8, 100] {
        let d = random::digits(len);
        assert_eq!(d.len(), len);
        assert!(d.bytes().all(|b| b.is_ascii_digit()));
    }
    // Every digit shows up in a long sample.
    let sample = random::digits(2_000);
    for c in '0'..='9' {
        assert!(sample.contains(c));
    }
}

#[test]
fn alphabets() {
    let a = random::alphanumeric(500);
    assert_eq!(a.len(), 500);
    assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
    let l = random::lower_alphanumeric(500);
    assert!(
        l.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    );
    let t = random::token_urlsafe(32);
    assert_eq!(t.len(), 43);
    assert!(
        t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_ne!(random::bytes::<32>(), random::bytes::<32>());
}

#[test]
fn secret_debug_is_redacted() {
    let s = auth_return_crypto::secret::SecretBytes::new(vec![0x41; 8]);
    let shown = format!("{s:?}");
    assert!(!shown.contains("65") && !shown.contains("AAAA"));
    assert_eq!(shown, "[redacted]");
}
