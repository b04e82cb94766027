//! Random client ↔ server SRP round trips and rejection of bad public values (RFC 5054 §2.5.4).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_return_crypto::srp::{self, SrpError};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const N_HEX: &str = "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

const POOL: &str = "ExAmPle12";
const UID: &str = "0c9e2f4e-7d1a-4b8e-9a55-0123456789ab";

/// One full sign-in; returns whether the server accepted the client's signature.
fn sign_in(stored_password: &str, typed_password: &str) -> bool {
    let verifier = srp::new_verifier(POOL, UID, stored_password);
    let client = srp::client_ephemeral();
    let a_pub = srp::parse_client_public(&client.srp_a_hex).unwrap();
    let server = srp::server_ephemeral(&verifier.v);
    let secret_block = auth_return_crypto::random::bytes::<48>();
    let block_b64 = STANDARD.encode(secret_block);
    let ts = srp::srp_timestamp_now();
    let sig = srp::client_password_claim(
        POOL,
        UID,
        typed_password,
        &client,
        &server.srp_b_hex(),
        &verifier.salt_hex,
        &block_b64,
        &ts,
    )
    .unwrap();
    srp::verify_password_claim(
        POOL,
        UID,
        &a_pub,
        server.b.expose(),
        &server.b_pub,
        &verifier.v,
        &secret_block,
        &ts,
        &sig,
    )
}

#[test]
fn round_trip_succeeds() {
    for _ in 0..3 {
        assert!(sign_in("Correct-Horse-9", "Correct-Horse-9"));
    }
}

#[test]
fn wrong_password_fails() {
    assert!(!sign_in("Correct-Horse-9", "Correct-Horse-8"));
}

#[test]
fn new_verifier_shape() {
    let v = srp::new_verifier(POOL, UID, "pw");
    assert_eq!(v.v.len(), 384);
    // Canonical padHex of 16 bytes: 32 hex digits, or 34 with a "00" prefix.
    assert!(v.salt_hex.len() == 32 || (v.salt_hex.len() == 34 && v.salt_hex.starts_with("00")));
    assert_eq!(
        srp::pad_hex_bytes(&hex::decode(&v.salt_hex).unwrap()),
        v.salt_hex
    );
    assert!(srp::check_password(POOL, UID, "pw", &v.salt_hex, &v.v));
    assert!(!srp::check_password(POOL, "other", "pw", &v.salt_hex, &v.v));
    assert!(!srp::check_password(POOL, UID, "pw", "zz", &v.v));
    assert_eq!(
        srp::verifier_with_salt(POOL, UID, "pw", "xyz"),
        Err(SrpError::BadSalt)
    );
}

#[test]
fn server_ephemeral_shape() {
    let v = srp::new_verifier(POOL, UID, "pw");
    let e = srp::server_ephemeral(&v.v);
    assert_eq!(e.b.expose().len(), 32);
    // A fresh secret for every challenge.
    let again = srp::server_ephemeral(&v.v);
    assert_ne!(again.b.expose(), e.b.expose());
    assert_ne!(again.b_pub, e.b_pub);
    assert_eq!(e.b_pub.len(), 384);
    assert!(!e.srp_b_hex().starts_with("00"));
    assert_eq!(
        hex::decode(e.srp_b_hex()).unwrap().len() + e.b_pub.iter().take_while(|&&b| b == 0).count(),
        384
    );
}

#[test]
fn rejects_bad_client_public() {
    assert_eq!(srp::parse_client_public("0"), Err(SrpError::AIsZeroModN));
    assert_eq!(srp::parse_client_public("0000"), Err(SrpError::AIsZeroModN));
    assert_eq!(srp::parse_client_public(N_HEX), Err(SrpError::AOutOfRange));
    assert_eq!(
        srp::parse_client_public(&N_HEX.to_uppercase()),
        Err(SrpError::AOutOfRange)
    );
    // 2N - 1 and anything wider than 3072 bits.
    assert_eq!(
        srp::parse_client_public(&n_times(2, 0)),
        Err(SrpError::AOutOfRange)
    );
    assert_eq!(
        srp::parse_client_public(&n_times(2, -1)),
        Err(SrpError::AOutOfRange)
    );
    assert_eq!(
        srp::parse_client_public(&n_times(1, 1)),
        Err(SrpError::AOutOfRange)
    );
    assert_eq!(
        srp::parse_client_public(&format!("1{}", "0".repeat(768))),
        Err(SrpError::AOutOfRange)
    );
    assert_eq!(srp::parse_client_public(""), Err(SrpError::BadHex));
    assert_eq!(srp::parse_client_public("12g4"), Err(SrpError::BadHex));
    assert_eq!(srp::parse_client_public("0x1234"), Err(SrpError::BadHex));
    assert_eq!(srp::parse_client_public(" 1234"), Err(SrpError::BadHex));
    assert_eq!(
        srp::parse_client_public(&"f".repeat(10_000)),
        Err(SrpError::BadHex)
    );
}

/// Hex of `m·N + delta` for small `m` and `|delta|` (test helper; plain byte arithmetic).
fn n_times(m: u32, delta: i32) -> String {
    let n = hex::decode(N_HEX).unwrap();
    let mut out = vec![0u8; n.len() + 1];
    let mut carry: i64 = i64::from(delta);
    for i in (0..n.len()).rev() {
        let v = i64::from(n[i]) * i64::from(m) + carry;
        out[i + 1] = v.rem_euclid(256) as u8;
        carry = v.div_euclid(256);
    }
    out[0] = carry as u8;
    hex::encode(out)
}

#[test]
fn accepts_odd_length_and_uppercase_a() {
    let parsed = srp::parse_client_public("ABC").unwrap();
    assert_eq!(parsed.len(), 384);
    assert_eq!(&parsed[382..], &[0x0a, 0xbc]);
    // N - 1 is in range.
    let mut n_minus_1 = N_HEX.to_string();
    n_minus_1.replace_range(767.., "e");
    assert!(srp::parse_client_public(&n_minus_1).is_ok());
}

#[test]
fn verify_rejects_a_zero_or_n() {
    let v = srp::new_verifier(POOL, UID, "pw");
    let e = srp::server_ephemeral(&v.v);
    let n = hex::decode(N_HEX).unwrap();
    for a in [vec![0u8; 384], n] {
        assert!(!srp::verify_password_claim(
            POOL,
            UID,
            &a,
            e.b.expose(),
            &e.b_pub,
            &v.v,
            b"block",
            "Tue Jan 2 15:04:05 UTC 2024",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        ));
    }
}

#[test]
fn client_rejects_bad_b() {
    let client = srp::client_ephemeral();
    let claim = |b: &str, block: &str| {
        srp::client_password_claim(POOL, UID, "pw", &client, b, "00ff", block, "x")
    };
    assert_eq!(claim("0", "AAAA"), Err(SrpError::BIsZeroModN));
    assert_eq!(claim(N_HEX, "AAAA"), Err(SrpError::BOutOfRange));
    assert_eq!(claim("q", "AAAA"), Err(SrpError::BadHex));
    assert_eq!(claim("1234", "!!"), Err(SrpError::BadSecretBlock));
}

#[test]
fn timestamp_now_parses() {
    let ts = srp::srp_timestamp_now();
    let secs = auth_return_crypto::timestamp::parse_srp_timestamp(&ts).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - secs).abs() <= 2, "{ts} -> {secs}, now {now}");
}
