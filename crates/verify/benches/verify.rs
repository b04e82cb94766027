//! Verifications per second on one core with warm keys (issue 5 target: ≥ 40,000/s; an
//! RSA-2048 verification alone costs about 21 µs here).
//!
//! The JWKS is served once by an in-process axum server on 127.0.0.1:0; after the warm-up fetch
//! every verification is local. Measured: the async `verify` on a current-thread runtime, and
//! the synchronous `verify_cached`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use auth_return_verify::{Accept, Verifier};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use axum::Router;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let pk = pair.public_key();
    let jwks = json!({"keys": [{
        "kty": "RSA", "kid": "bench", "alg": "RS256", "use": "sig",
        "n": b64(pk.modulus().big_endian_without_leading_zero()),
        "e": b64(pk.exponent().big_endian_without_leading_zero()),
    }]});
    // The JWKS server runs on its own thread so the measured runtime stays single-threaded.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = Router::new().route(
                "/pool/.well-known/jwks.json",
                get(move || {
                    let j = jwks.clone();
                    async move { axum::Json(j) }
                }),
            );
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            axum::serve(l, app).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    let issuer = format!("http://{addr}/pool");
    let verifier =
        Verifier::from_jwks(format!("{issuer}/.well-known/jwks.json"), &issuer, "client").unwrap();

    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let claims = json!({
        "sub": "11111111-2222-3333-4444-555555555555", "iss": issuer, "client_id": "client",
        "token_use": "access", "scope": "openid email aws.cognito.signin.user.admin",
        "exp": now + 3600, "iat": now, "auth_time": now, "jti": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
        "origin_jti": "1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809", "username": "alice",
        "cognito:groups": ["staff"],
    });
    let input = format!(
        "{}.{}",
        b64(json!({"kid":"bench","alg":"RS256"}).to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    let token = format!("{input}.{}", b64(&sig));
    rt.block_on(verifier.refresh_keys()).unwrap();

    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    g.bench_function("access_token_async_warm", |b| {
        b.iter(|| {
            rt.block_on(verifier.verify(std::hint::black_box(&token)))
                .unwrap()
        });
    });
    g.bench_function("access_token_cached_sync", |b| {
        b.iter(|| {
            verifier
                .verify_cached(std::hint::black_box(&token), Accept::Any)
                .unwrap()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
