//! Cost of the server's SRP and JWS operations. Ignored by default; run with
//! `cargo test -p auth-return-crypto --release --test timing -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use auth_return_crypto::{jws, srp};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

fn time(name: &str, reps: u32, mut f: impl FnMut()) {
    f();
    let t = Instant::now();
    for _ in 0..reps {
        f();
    }
    let per = t.elapsed() / reps;
    eprintln!(
        "{name:<44} {per:>10.2?}  ({:.0}/s on one core)",
        1.0 / per.as_secs_f64()
    );
}

#[test]
#[ignore = "timing measurement, not a check"]
fn timing_srp_and_jws() {
    let (pool, uid, pw) = (
        "ExAmPle12",
        "8f1c2b3a-1111-4222-8333-944455556666",
        "pw-1234",
    );
    srp::warm_up();
    let verifier = srp::new_verifier(pool, uid, pw);
    let client = srp::client_ephemeral();
    let a_pub = srp::parse_client_public(&client.srp_a_hex).unwrap();
    let server = srp::server_ephemeral(&verifier.v);
    let block = [9u8; 64];
    let block_b64 = STANDARD.encode(block);
    let ts = srp::srp_timestamp_now();
    let sig = srp::client_password_claim(
        pool,
        uid,
        pw,
        &client,
        &server.srp_b_hex(),
        &verifier.salt_hex,
        &block_b64,
        &ts,
    )
    .unwrap();

    time("srp::new_verifier (g^x, table)", 200, || {
        std::hint::black_box(srp::new_verifier(pool, uid, pw));
    });
    time("srp::parse_client_public", 2000, || {
        std::hint::black_box(srp::parse_client_public(&client.srp_a_hex).unwrap());
    });
    time("srp::server_ephemeral (k·v + g^b)", 200, || {
        std::hint::black_box(srp::server_ephemeral(&verifier.v));
    });
    time("srp::verify_password_claim", 200, || {
        assert!(srp::verify_password_claim(
            pool,
            uid,
            &a_pub,
            server.b.expose(),
            &server.b_pub,
            &verifier.v,
            &block,
            &ts,
            &sig,
        ));
    });
    time("server total (ephemeral + verify)", 100, || {
        let e = srp::server_ephemeral(&verifier.v);
        std::hint::black_box(srp::verify_password_claim(
            pool,
            uid,
            &a_pub,
            e.b.expose(),
            &e.b_pub,
            &verifier.v,
            &block,
            &ts,
            &sig,
        ));
    });
    time("client: client_ephemeral (128-byte a)", 100, || {
        std::hint::black_box(srp::client_ephemeral());
    });
    time("client: client_password_claim", 50, || {
        std::hint::black_box(
            srp::client_password_claim(
                pool,
                uid,
                pw,
                &client,
                &server.srp_b_hex(),
                &verifier.salt_hex,
                &block_b64,
                &ts,
            )
            .unwrap(),
        );
    });

    let key = jws::SigningKey::generate().unwrap();
    let vk = jws::VerifyingKey::from_jwk(&key.public_jwk()).unwrap();
    let claims = serde_json::json!({"sub": uid, "token_use": "access", "exp": 2_000_000_000u64});
    let token = key.sign_json(&claims).unwrap();
    time("jws::SigningKey::sign_json (RS256)", 500, || {
        std::hint::black_box(key.sign_json(&claims).unwrap());
    });
    time("jws::verify (RS256)", 2000, || {
        std::hint::black_box(jws::verify(&token, &vk).unwrap());
    });
}
