//! Known-answer checks of the intermediate SRP values (docs/cognito-protocol.md §3.10).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

use super::encoding::{int_to_fixed, parse_hex_int, to_fixed, to_int};
use super::group::group;
use super::server::premaster;
use super::session::{compute_u, derive_k};
use super::verifier::compute_x_hex;

fn kat() -> Value {
    serde_json::from_str(include_str!("../../tests/data/srp_kat.json")).unwrap()
}

fn field(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap().to_string()
}

fn bytes(v: &Value, name: &str) -> Vec<u8> {
    parse_hex_int(&field(v, name)).unwrap()
}

#[test]
fn n_and_k() {
    let v = kat();
    let g = group();
    assert_eq!(hex::encode(int_to_fixed(&g.n)), field(&v, "N"));
    assert_eq!(hex::encode(g.k_bytes), field(&v, "k"));
}

#[test]
fn x_and_verifier() {
    let v = kat();
    let x = compute_x_hex(
        &field(&v, "pool_name"),
        &field(&v, "user_id_for_srp"),
        &field(&v, "password"),
        &field(&v, "SALT"),
    )
    .unwrap();
    assert_eq!(hex::encode(x), field(&v, "x"));
    let verifier = int_to_fixed(&group().pow_g(&x).retrieve());
    assert_eq!(
        verifier,
        to_fixed(&bytes(&v, "verifier_v")).unwrap().to_vec()
    );
}

#[test]
fn u_s_and_hkdf() {
    let v = kat();
    let a_pub = bytes(&v, "SRP_A");
    let b_pub = bytes(&v, "SRP_B");
    let u = compute_u(&a_pub, &b_pub);
    assert_eq!(hex::encode(u), field(&v, "u"));
    let (u2, s) = premaster(&a_pub, &bytes(&v, "b"), &b_pub, &bytes(&v, "verifier_v")).unwrap();
    assert_eq!(u2, u);
    assert_eq!(s, to_fixed(&bytes(&v, "S")).unwrap().to_vec());
    assert_eq!(hex::encode(derive_k(&u, &s)), field(&v, "hkdf_key_hex"));
    // Also via the integer path: S is below N.
    assert!(to_int(&s).unwrap() < group().n);
}

/// Timing of the building blocks; run with
/// `cargo test -p auth-return-crypto --release -- --ignored --nocapture timing`.
#[test]
#[ignore = "timing measurement, not a check"]
fn timing_modexp() {
    use std::time::Instant;

    use super::group::pow_secret;

    let g = group();
    let e = [0xa5u8; 32];
    let reps = 200u32;
    let base = g.pow_g(&[7u8; 32]);
    let time = |name: &str, f: &dyn Fn()| {
        f();
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        eprintln!("{name}: {:?}", t.elapsed() / reps);
    };
    time("g^b fixed-base table (256-bit)", &|| {
        std::hint::black_box(g.pow_g(std::hint::black_box(&e)));
    });
    time("x^b constant-time pow (256-bit)", &|| {
        std::hint::black_box(pow_secret(&base, std::hint::black_box(&e)));
    });
    let e_int = crypto_bigint::U256::from_be_slice(&e);
    time("x^u pow_vartime (256-bit)", &|| {
        std::hint::black_box(base.pow_vartime(std::hint::black_box(&e_int)));
    });
    let mut wide = [0u8; 384];
    wide[352..].copy_from_slice(&e);
    let e_wide = crypto_bigint::U3072::from_be_slice(&wide);
    time("x^b pow_amm_bounded_exp (256-bit)", &|| {
        std::hint::black_box(base.pow_amm_bounded_exp(std::hint::black_box(&e_wide), 256));
    });
    time("montgomery mul", &|| {
        std::hint::black_box(std::hint::black_box(base).mul(&base));
    });
    time("montgomery square", &|| {
        std::hint::black_box(std::hint::black_box(base).square());
    });
    let a = [0x5au8; 128];
    time("g^a fixed-base table (1024-bit)", &|| {
        std::hint::black_box(g.pow_g(std::hint::black_box(&a)));
    });
}
