//! Known-answer vector of docs/cognito-protocol.md §3.10 through the public SRP and SECRET_HASH
//! API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_return_crypto::{secret_hash, srp};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

fn kat() -> Value {
    serde_json::from_str(include_str!("data/srp_kat.json")).unwrap()
}

fn f(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap().to_string()
}

fn hexb(v: &Value, name: &str) -> Vec<u8> {
    hex::decode(f(v, name)).unwrap()
}

/// Left-pads to 384 bytes like the API's fixed-width outputs.
fn fixed(b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 384 - b.len()];
    out.extend_from_slice(b);
    out
}

#[test]
fn pad_hex_examples_spec_3_2() {
    assert_eq!(srp::pad_hex_bytes(&[0x14]), "14");
    assert_eq!(srp::pad_hex_bytes(&[0xec]), "00ec");
    assert_eq!(srp::pad_hex_bytes(&[0x0a, 0xbc]), "0abc");
    assert_eq!(srp::pad_hex_bytes(&[0x8a, 0xbc]), "008abc");
    assert_eq!(srp::pad_hex_bytes(&[0, 0, 0x8a, 0xbc]), "008abc");
    assert_eq!(srp::pad_hex_bytes(&[]), "00");
}

#[test]
fn verifier_matches() {
    let v = kat();
    let got = srp::verifier_with_salt(
        &f(&v, "pool_name"),
        &f(&v, "user_id_for_srp"),
        &f(&v, "password"),
        &f(&v, "SALT"),
    )
    .unwrap();
    assert_eq!(got, fixed(&hexb(&v, "verifier_v")));
    assert!(srp::check_password(
        &f(&v, "pool_name"),
        &f(&v, "user_id_for_srp"),
        &f(&v, "password"),
        &f(&v, "SALT"),
        &got
    ));
    assert!(!srp::check_password(
        &f(&v, "pool_name"),
        &f(&v, "user_id_for_srp"),
        "Correct-Horse-8",
        &f(&v, "SALT"),
        &got
    ));
    // Salt case does not matter once decoded.
    let upper = f(&v, "SALT").to_uppercase();
    assert!(srp::check_password(
        &f(&v, "pool_name"),
        &f(&v, "user_id_for_srp"),
        &f(&v, "password"),
        &upper,
        &got
    ));
}

#[test]
fn client_public_a() {
    let v = kat();
    let eph = srp::client_ephemeral_with_a(&hexb(&v, "a"));
    assert_eq!(eph.srp_a_hex, f(&v, "SRP_A"));
    let parsed = srp::parse_client_public(&eph.srp_a_hex).unwrap();
    assert_eq!(parsed, fixed(&hexb(&v, "SRP_A")));
}

#[test]
fn server_public_b() {
    let v = kat();
    let eph = srp::server_ephemeral_with_b(&hexb(&v, "verifier_v"), &hexb(&v, "b"));
    assert_eq!(eph.srp_b_hex(), f(&v, "SRP_B"));
    assert_eq!(eph.b_pub, fixed(&hexb(&v, "SRP_B")));
}

#[test]
fn client_signature() {
    let v = kat();
    let eph = srp::client_ephemeral_with_a(&hexb(&v, "a"));
    let sig = srp::client_password_claim(
        &f(&v, "pool_name"),
        &f(&v, "user_id_for_srp"),
        &f(&v, "password"),
        &eph,
        &f(&v, "SRP_B"),
        &f(&v, "SALT"),
        &f(&v, "SECRET_BLOCK"),
        &f(&v, "TIMESTAMP"),
    )
    .unwrap();
    assert_eq!(sig, f(&v, "PASSWORD_CLAIM_SIGNATURE"));
}

#[test]
fn server_verifies_kat_signature() {
    let v = kat();
    let secret_block = STANDARD.decode(f(&v, "SECRET_BLOCK")).unwrap();
    let check = |sig: &str, ts: &str| {
        srp::verify_password_claim(
            &f(&v, "pool_name"),
            &f(&v, "user_id_for_srp"),
            &hexb(&v, "SRP_A"),
            &hexb(&v, "b"),
            &hexb(&v, "SRP_B"),
            &hexb(&v, "verifier_v"),
            &secret_block,
            ts,
            sig,
        )
    };
    let sig = f(&v, "PASSWORD_CLAIM_SIGNATURE");
    let ts = f(&v, "TIMESTAMP");
    assert!(check(&sig, &ts));
    assert!(
        check(sig.trim_end_matches('='), &ts),
        "unpadded base64 accepted"
    );
    assert!(!check(&sig, "Tue Jan 2 15:04:06 UTC 2024"));
    assert!(!check("not base64!", &ts));
    assert!(!check("", &ts));
    assert!(!check("DZtrh+8fIw3j474tlyd91gfYgNLyHGykflvJV+QAZKs=", &ts));
}

#[test]
fn secret_hash_example_spec_4() {
    let v = kat();
    let ex = &v["secret_hash_example"];
    let (secret, user, client) = (
        f(ex, "client_secret"),
        f(ex, "username"),
        f(ex, "client_id"),
    );
    let expected = f(ex, "SECRET_HASH");
    assert_eq!(secret_hash::compute(&secret, &user, &client), expected);
    assert!(secret_hash::verify(&secret, &user, &client, &expected));
    assert!(!secret_hash::verify(&secret, "bob", &client, &expected));
    assert!(!secret_hash::verify(&secret, &user, &client, "garbage"));
}
