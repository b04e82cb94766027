//! Authenticator-app codes (Cognito's software-token MFA): TOTP (RFC 6238) over HOTP (RFC 4226).
//!
//! Cognito's `AssociateSoftwareToken` hands out the secret and `VerifySoftwareToken` checks a
//! first code. Parameters are the ones every authenticator app assumes and Cognito uses: HMAC-SHA1,
//! 30-second steps counted from the Unix epoch (`T0 = 0`), 6-digit codes. A secret is shown to
//! the user as unpadded RFC 4648 base32 (Cognito's `SecretCode`) or as an `otpauth://` URI
//! (the Key Uri Format authenticator apps scan from a QR code).

use aws_lc_rs::hmac;
use data_encoding::BASE32_NOPAD;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::random;
use crate::secret::SecretBytes;

/// Length in bytes of a newly generated secret: 160 bits, the length RFC 4226 §4 (R6)
/// recommends and the one Cognito issues (32 base32 characters).
pub const SECRET_LEN: usize = 20;

/// Time step `X` of RFC 6238 §4.1, in seconds.
pub const PERIOD_SECS: i64 = 30;

/// Number of digits of the codes users type.
pub const DIGITS: u32 = 6;

/// A TOTP shared secret (the HMAC key `K` of RFC 4226): zeroized on drop, redacted in `Debug`.
#[derive(Clone, Debug)]
pub struct TotpSecret(SecretBytes);

impl TotpSecret {
    /// A new random secret of [`SECRET_LEN`] bytes from the system CSPRNG.
    pub fn generate() -> Self {
        Self(SecretBytes::new(random::bytes_vec(SECRET_LEN)))
    }

    /// Wraps stored secret bytes (e.g. once unsealed); they are wiped when the value is dropped.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(SecretBytes::new(bytes))
    }

    /// Borrows the raw secret bytes (e.g. to seal them for storage). Never log them.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }

    /// The secret as RFC 4648 §6 base32, uppercase, without padding: Cognito's `SecretCode`
    /// (32 characters for a 20-byte secret).
    pub fn to_base32(&self) -> String {
        BASE32_NOPAD.encode(self.expose())
    }

    /// Parses unpadded RFC 4648 base32, in either case.
    ///
    /// Strict: `None` on padding, whitespace, any other character, a length no whole number
    /// of bytes can have, non-zero trailing bits, or an empty secret.
    pub fn from_base32(s: &str) -> Option<Self> {
        // Only the case is forgiven (apps and people write base32 in lowercase); everything
        // else must be canonical, so one secret has exactly one accepted spelling per case.
        let upper = Zeroizing::new(s.to_ascii_uppercase());
        let bytes = BASE32_NOPAD.decode(upper.as_bytes()).ok()?;
        if bytes.is_empty() {
            return None;
        }
        Some(Self::from_bytes(bytes))
    }

    /// The Key Uri Format URI an authenticator app scans:
    /// `otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30`,
    /// with `issuer` and `account` percent-encoded (UTF-8, RFC 3986 §2.1).
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let issuer = percent_encode(issuer);
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={PERIOD_SECS}",
            account = percent_encode(account),
            secret = self.to_base32(),
        )
    }
}

/// The time step `T = floor(unix_secs / 30)` of RFC 6238 §4.2 (`T0 = 0`); 0 for times before
/// the epoch.
pub fn step_at(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs.div_euclid(PERIOD_SECS)).unwrap_or(0)
}

/// The 6-digit, zero-padded code of time step `step` (RFC 6238 §4.2: `HOTP(K, T)`).
pub fn code_at(secret: &TotpSecret, step: u64) -> String {
    let value = truncated(&key(secret), step) % 10u32.pow(DIGITS);
    format!("{value:06}")
}

/// RFC 4226 HOTP of `counter` with `digits` digits, zero-padded; `None` unless `digits` is
/// 6, 7 or 8 (the lengths RFC 4226 §5.3 provides for).
///
/// With `counter = step_at(t)` this is TOTP at time `t` (RFC 6238 §4.2); [`code_at`] is the
/// 6-digit case.
pub fn hotp(secret: &TotpSecret, counter: u64, digits: u32) -> Option<String> {
    if !(6..=8).contains(&digits) {
        return None;
    }
    let value = truncated(&key(secret), counter) % 10u32.pow(digits);
    let width = usize::try_from(digits).ok()?;
    Some(format!("{value:0width$}"))
}

/// Checks a code the user typed at `unix_secs` and returns the time step it belongs to.
///
/// Accepts exactly 6 ASCII digits; anything else is `None` without any HMAC being computed.
/// The code is compared, in constant time, with those of the steps before, at and after the
/// current one: RFC 6238 §5.2's one step of clock skew either way. When more than one step
/// matches (codes can collide), the latest is returned, so a caller that refuses any step at
/// or below the last one it accepted never accepts the same code twice (RFC 6238 §5.2).
pub fn verify(secret: &TotpSecret, code: &str, unix_secs: i64) -> Option<u64> {
    let code = code.as_bytes();
    if code.len() != 6 || !code.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let key = key(secret);
    let now = step_at(unix_secs);
    let mut found = Choice::from(0);
    let mut matched = 0u64;
    // Every candidate is computed and compared, in ascending order, whatever matched before:
    // the work done says nothing about which step (if any) matched.
    for step in [now.checked_sub(1), Some(now), now.checked_add(1)]
        .into_iter()
        .flatten()
    {
        let expected = six_digits(truncated(&key, step));
        let hit = expected.ct_eq(code);
        matched = u64::conditional_select(&matched, &step, hit);
        found |= hit;
    }
    bool::from(found).then_some(matched)
}

/// The HMAC-SHA1 key `K` of `secret`.
fn key(secret: &TotpSecret) -> hmac::Key {
    // SHA-1 is what RFC 6238 authenticator apps and Cognito use; HMAC-SHA1 remains sound as a
    // PRF even though SHA-1 collisions are practical.
    hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.expose())
}

/// `DT(HMAC-SHA-1(K, C))` as a 31-bit number: RFC 4226 §5.3 steps 1-2 (dynamic truncation).
fn truncated(key: &hmac::Key, counter: u64) -> u32 {
    let tag = hmac::sign(key, &counter.to_be_bytes());
    let hs = tag.as_ref();
    // The low 4 bits of the last byte select where 4 bytes are read (offset ≤ 15, so within
    // the 20-byte SHA-1 output); the top bit is dropped so the result reads the same as a
    // signed or unsigned 32-bit integer.
    let offset = usize::from(hs[hs.len() - 1] & 0x0f);
    let mut word = [0u8; 4];
    word.copy_from_slice(&hs[offset..offset + 4]);
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// The last 6 decimal digits of `value` as ASCII (RFC 4226 §5.3 step 3 with `Digit = 6`).
fn six_digits(value: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    let mut v = value % 1_000_000;
    for d in out.iter_mut().rev() {
        // `v % 10` is below 10, so the cast cannot truncate.
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out
}

/// Percent-encodes every byte of `s` except RFC 3986 unreserved characters and `@`.
fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        // `@` is legal in both the path and the query (RFC 3986 §3.3, §3.4) and the Key Uri
        // Format's own example leaves it bare in e-mail address labels; `:` is always encoded
        // because the label's one bare colon separates the issuer from the account.
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The RFC 4226 Appendix D / RFC 6238 Appendix B SHA-1 secret.
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn rfc6238_appendix_b_sha1() {
        let secret = rfc_secret();
        for (t, step, code) in [
            (59, 0x1, "94287082"),
            (1_111_111_109, 0x23523EC, "07081804"),
            (1_111_111_111, 0x23523ED, "14050471"),
            (1_234_567_890, 0x273EF07, "89005924"),
            (2_000_000_000, 0x3F940AA, "69279037"),
            (20_000_000_000, 0x27BC86AA, "65353130"),
        ] {
            assert_eq!(step_at(t), step, "T at {t}");
            assert_eq!(hotp(&secret, step_at(t), 8).unwrap(), code, "TOTP at {t}");
        }
    }

    #[test]
    fn rfc4226_appendix_d() {
        // Table 2: the 31-bit truncated value (RFC 4226 §5.3 step 2) and the 6-digit HOTP.
        let secret = rfc_secret();
        let key = key(&secret);
        let expected: [(u32, &str); 10] = [
            (1_284_755_224, "755224"),
            (1_094_287_082, "287082"),
            (137_359_152, "359152"),
            (1_726_969_429, "969429"),
            (1_640_338_314, "338314"),
            (868_254_676, "254676"),
            (1_918_287_922, "287922"),
            (82_162_583, "162583"),
            (673_399_871, "399871"),
            (645_520_489, "520489"),
        ];
        for (count, (decimal, code)) in (0u64..).zip(expected) {
            assert_eq!(
                truncated(&key, count),
                decimal,
                "truncation at count {count}"
            );
            assert_eq!(code_at(&secret, count), code, "HOTP at count {count}");
            assert_eq!(
                hotp(&secret, count, 6).unwrap(),
                code,
                "HOTP at count {count}"
            );
        }
    }

    #[test]
    fn hotp_digits_range() {
        let secret = rfc_secret();
        assert_eq!(hotp(&secret, 1, 7).unwrap(), "4287082");
        assert!(hotp(&secret, 1, 5).is_none());
        assert!(hotp(&secret, 1, 9).is_none());
        assert!(hotp(&secret, 1, 0).is_none());
    }

    #[test]
    fn codes_are_zero_padded() {
        assert_eq!(six_digits(7_081_804), *b"081804");
        assert_eq!(six_digits(0), *b"000000");
        // RFC 6238 Appendix B at T = 1111111109 has a leading zero in its 8 digits.
        assert_eq!(code_at(&rfc_secret(), 0x23523EC), "081804");
    }

    #[test]
    fn step_at_floors_and_clamps() {
        assert_eq!(step_at(0), 0);
        assert_eq!(step_at(29), 0);
        assert_eq!(step_at(30), 1);
        assert_eq!(step_at(-1), 0);
        assert_eq!(step_at(i64::MIN), 0);
        assert_eq!(step_at(i64::MAX), u64::try_from(i64::MAX / 30).unwrap());
    }

    #[test]
    fn base32_rfc4648_section10() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            let secret = TotpSecret::from_bytes(plain.as_bytes().to_vec());
            assert_eq!(secret.to_base32(), encoded, "base32 of {plain:?}");
            if !plain.is_empty() {
                let back = TotpSecret::from_base32(encoded).unwrap();
                assert_eq!(back.expose(), plain.as_bytes());
                let lower = TotpSecret::from_base32(&encoded.to_ascii_lowercase()).unwrap();
                assert_eq!(lower.expose(), plain.as_bytes());
            }
        }
    }

    #[test]
    fn base32_known_secret_and_round_trip() {
        let rfc = rfc_secret();
        assert_eq!(rfc.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

        let secret = TotpSecret::generate();
        assert_eq!(secret.expose().len(), SECRET_LEN);
        let b32 = secret.to_base32();
        assert_eq!(b32.len(), 32);
        assert!(
            b32.bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
        let back = TotpSecret::from_base32(&b32).unwrap();
        assert_eq!(back.expose(), secret.expose());
        assert_ne!(TotpSecret::generate().expose(), secret.expose());
    }

    #[test]
    fn base32_is_strict() {
        for bad in [
            "",                  // no secret
            "MY======",          // padding
            "MZXW6 YTB",         // inner whitespace
            " MZXW6YTB",         // leading whitespace
            "MZXW6YTB\n",        // trailing newline
            "MZXW6YT1",          // '1' is not in the alphabet
            "MZXW6YT8",          // nor is '8'
            "M",                 // no whole number of bytes
            "MZ",                // non-zero trailing bits ("MY" is canonical for "f")
            "MZXW6YTB-",         // punctuation
            "GEZDGNBVGY3TQOJQÉ", // non-ASCII
        ] {
            assert!(TotpSecret::from_base32(bad).is_none(), "accepted {bad:?}");
        }
        assert!(TotpSecret::from_base32("mZxW6yTb").is_some());
    }

    #[test]
    fn debug_is_redacted() {
        let secret = TotpSecret::from_bytes(b"hunter2hunter2".to_vec());
        assert_eq!(format!("{secret:?}"), "TotpSecret([redacted])");
    }

    #[test]
    fn otpauth_uri_shape() {
        let secret = rfc_secret();
        assert_eq!(
            secret.otpauth_uri("Auth Return", "alice@example.com"),
            "otpauth://totp/Auth%20Return:alice@example.com\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Auth%20Return\
             &algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(
            secret.otpauth_uri("A&B: Co/Ltd?", "bob+mfa#1=x%y é"),
            "otpauth://totp/A%26B%3A%20Co%2FLtd%3F:bob%2Bmfa%231%3Dx%25y%20%C3%A9\
             ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=A%26B%3A%20Co%2FLtd%3F\
             &algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn verify_accepts_one_step_of_skew() {
        let secret = rfc_secret();
        let t = 1_111_111_111; // step 0x23523ED, 1 s into it
        let now = step_at(t);
        for step in [now - 1, now, now + 1] {
            assert_eq!(verify(&secret, &code_at(&secret, step), t), Some(step));
        }
        for step in [now - 2, now + 2] {
            assert_eq!(verify(&secret, &code_at(&secret, step), t), None);
        }
        // The window follows the clock: the same code, checked at the step boundaries.
        let code = code_at(&secret, now);
        let start = i64::try_from(now).unwrap() * PERIOD_SECS;
        assert_eq!(verify(&secret, &code, start - PERIOD_SECS), Some(now));
        assert_eq!(
            verify(&secret, &code, start + 2 * PERIOD_SECS - 1),
            Some(now)
        );
        assert_eq!(verify(&secret, &code, start - PERIOD_SECS - 1), None);
        assert_eq!(verify(&secret, &code, start + 2 * PERIOD_SECS), None);
    }

    #[test]
    fn verify_returns_the_latest_matching_step() {
        // Under the RFC secret, steps 910737 and 910738 share the code 911617.
        let secret = rfc_secret();
        assert_eq!(code_at(&secret, 910_737), "911617");
        assert_eq!(code_at(&secret, 910_738), "911617");
        let at = |step: i64| step * PERIOD_SECS + 7;
        assert_eq!(verify(&secret, "911617", at(910_736)), Some(910_737));
        assert_eq!(verify(&secret, "911617", at(910_737)), Some(910_738));
        assert_eq!(verify(&secret, "911617", at(910_738)), Some(910_738));
        assert_eq!(verify(&secret, "911617", at(910_739)), Some(910_738));
        assert_eq!(verify(&secret, "911617", at(910_740)), None);
    }

    #[test]
    fn verify_at_the_epoch() {
        // Step 0 has no step before it; steps 0 and 1 are still accepted.
        let secret = rfc_secret();
        assert_eq!(verify(&secret, "755224", 0), Some(0));
        assert_eq!(verify(&secret, "287082", 0), Some(1));
        assert_eq!(verify(&secret, "359152", 0), None);
        assert_eq!(verify(&secret, "755224", -5), Some(0));
    }

    #[test]
    fn verify_refuses_malformed_codes() {
        let secret = rfc_secret();
        let t = 59; // step 1, whose code is 287082
        assert_eq!(verify(&secret, "287082", t), Some(1));
        for bad in [
            "",
            "28708",
            "2870820",
            "94287082",
            "28708a",
            "287 82",
            " 287082",
            "287082 ",
            "+87082",
            "-87082",
            "２８７０８２",
            "28708٢",
        ] {
            assert_eq!(verify(&secret, bad, t), None, "accepted {bad:?}");
        }
    }

    #[test]
    fn verify_is_bound_to_the_secret() {
        let secret = TotpSecret::generate();
        let t = 1_700_000_000;
        let now = step_at(t);
        assert_eq!(verify(&secret, &code_at(&secret, now), t), Some(now));
        // The RFC secret's code for the same step, checked under a secret that differs from it
        // in one bit.
        let rfc = rfc_secret();
        let mut flipped = rfc.expose().to_vec();
        flipped[0] ^= 1;
        let other = TotpSecret::from_bytes(flipped);
        let code = code_at(&rfc, now);
        assert_eq!(verify(&rfc, &code, t), Some(now));
        assert_ne!(code_at(&other, now - 1), code);
        assert_ne!(code_at(&other, now), code);
        assert_ne!(code_at(&other, now + 1), code);
        assert_eq!(verify(&other, &code, t), None);
    }
}
