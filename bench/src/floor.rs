//! The floor of each workload: the bare cryptography the server must do per operation, timed
//! on one core in the same run, so that the server's CPU per operation can be read as a ratio
//! to it on any machine.

use anyhow::{Context, bail};
use auth_return_crypto::hash::sha256;
use auth_return_crypto::jws::SigningKey;
use auth_return_crypto::srp;
use serde_json::json;
use std::time::{Duration, Instant};

/// A workload's floor: what is counted and its time per operation.
pub struct Floor {
    /// What the floor counts, for the report.
    pub what: &'static str,
    /// Time per operation on one core.
    pub per_op: Duration,
}

/// Times `op` over `rounds` calls after one warm-up call.
fn time(rounds: u32, mut op: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    op()?;
    let started = Instant::now();
    for _ in 0..rounds {
        op()?;
    }
    Ok(started.elapsed() / rounds)
}

/// Claims shaped like an ID token's, for a realistic signing input.
fn claims() -> serde_json::Value {
    json!({
        "sub": uuid::Uuid::new_v4().to_string(), "email_verified": true,
        "iss": "http://127.0.0.1:8080/local_AbCdEfGhI", "cognito:username": "bench",
        "origin_jti": uuid::Uuid::new_v4().to_string(), "aud": "abcdefghijklmnopqrstuvwxyz",
        "event_id": uuid::Uuid::new_v4().to_string(), "token_use": "id", "auth_time": 1_800_000_000,
        "exp": 1_800_003_600, "iat": 1_800_000_000, "jti": uuid::Uuid::new_v4().to_string(),
        "email": "bench@example.com",
    })
}

/// Two RS256 signatures (the ID and the access token).
fn sign_tokens(key: &SigningKey) -> anyhow::Result<()> {
    let claims = claims();
    for _ in 0..2 {
        key.sign_json(&claims).context("signing")?;
    }
    Ok(())
}

/// A full SRP sign-in's server side: the challenge's `B = kv + g^b`, then `S = (A·v^u)^b` and
/// the claim's HMAC, then the two tokens' signatures. The client's claims are made beforehand,
/// outside the timing.
pub fn sign_in() -> anyhow::Result<Floor> {
    const ROUNDS: u32 = 40;
    let (pool, uid, password) = ("AbCdEfGhI", "bench-user", "Bench-Horse-9");
    let verifier = srp::new_verifier(pool, uid, password);
    let key = SigningKey::generate().context("key")?;
    let client = srp::client_ephemeral_with_a(&auth_return_crypto::random::bytes::<32>());
    let a_pub = srp::parse_client_public(&client.srp_a_hex).context("A")?;
    let block = [7u8; 64];
    let block_b64 = base64_standard(&block);
    let timestamp = srp::srp_timestamp_now();
    let challenge = time(ROUNDS, || {
        std::hint::black_box(srp::server_ephemeral(&verifier.v));
        Ok(())
    })?;
    let mut answers = (0..=ROUNDS)
        .map(|_| {
            let server = srp::server_ephemeral(&verifier.v);
            let claim = srp::client_password_claim(
                pool,
                uid,
                password,
                &client,
                &server.srp_b_hex(),
                &verifier.salt_hex,
                &block_b64,
                &timestamp,
            )
            .map_err(|e| anyhow::anyhow!("client claim: {e}"))?;
            Ok((server, claim))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let answer = time(ROUNDS, || {
        let (server, claim) = answers.pop().context("answers")?;
        let valid = srp::verify_password_claim(
            pool,
            uid,
            &a_pub,
            server.b.expose(),
            &server.b_pub,
            &verifier.v,
            &block,
            &timestamp,
            &claim,
        );
        if !valid {
            bail!("the floor's own SRP claim did not verify");
        }
        sign_tokens(&key)
    })?;
    Ok(Floor {
        what: "SRP B, S and the claim's HMAC, two RS256 signatures",
        per_op: challenge + answer,
    })
}

fn base64_standard(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A passkey sign-in's server side: the assertion's ECDSA P-256 signature checked over the
/// authenticator data and the client data's hash, then the two tokens' signatures.
pub fn passkey() -> anyhow::Result<Floor> {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _,
        UnparsedPublicKey,
    };
    let key = SigningKey::generate().context("key")?;
    let passkey = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
        .map_err(|_| anyhow::anyhow!("P-256 key"))?;
    let public = UnparsedPublicKey::new(
        &ECDSA_P256_SHA256_ASN1,
        passkey.public_key().as_ref().to_vec(),
    );
    let client_data = br#"{"type":"webauthn.get","challenge":"aviCdD67FprXoOgnNAT3WYLdyBQImuckkv04Fm9e1Wk","origin":"http://localhost:5173","crossOrigin":false}"#;
    let mut signed = [0u8; 37].to_vec();
    signed.extend(sha256(client_data));
    let signature = passkey
        .sign(&SystemRandom::new(), &signed)
        .map_err(|_| anyhow::anyhow!("signing"))?;
    let per_op = time(100, || {
        let mut message = [0u8; 37].to_vec();
        message.extend(sha256(client_data));
        public
            .verify(&message, signature.as_ref())
            .map_err(|_| anyhow::anyhow!("the floor's own assertion did not verify"))?;
        sign_tokens(&key)
    })?;
    Ok(Floor {
        what: "an ECDSA P-256 verification, two RS256 signatures",
        per_op,
    })
}

/// A refresh's server side: the presented token's hash, then the two tokens' signatures.
pub fn refresh() -> anyhow::Result<Floor> {
    let key = SigningKey::generate().context("key")?;
    let token = "x".repeat(600);
    let per_op = time(100, || {
        std::hint::black_box(sha256(token.as_bytes()));
        sign_tokens(&key)
    })?;
    Ok(Floor {
        what: "SHA-256 of the token, two RS256 signatures",
        per_op,
    })
}

/// An API-key verification's server side: one SHA-256 of the presented key.
pub fn verify() -> anyhow::Result<Floor> {
    let key = format!("ar_{}", "A".repeat(43));
    let per_op = time(100_000, || {
        std::hint::black_box(sha256(std::hint::black_box(key.as_bytes())));
        Ok(())
    })?;
    Ok(Floor {
        what: "SHA-256 of the key",
        per_op,
    })
}

/// A console API call's server side: verifying the developer's RS256 access token.
pub fn console() -> anyhow::Result<Floor> {
    use auth_return_crypto::jws::{VerifyingKey, verify};
    let key = SigningKey::generate().context("key")?;
    let token = key.sign_json(&claims()).context("signing")?;
    let public = VerifyingKey::from_jwk(&key.public_jwk()).context("public key")?;
    let per_op = time(2_000, || {
        std::hint::black_box(verify(&token, &public).context("verify")?);
        Ok(())
    })?;
    Ok(Floor {
        what: "one RS256 verification (the console token)",
        per_op,
    })
}

/// An app's creation: one RSA-2048 key pair for its pool (the rest is a few inserts).
pub fn app_creation() -> anyhow::Result<Floor> {
    // Key generation searches for primes: its time varies, so take the mean of many.
    let per_op = time(20, || {
        SigningKey::generate().context("key")?;
        Ok(())
    })?;
    Ok(Floor {
        what: "one RSA-2048 key generation",
        per_op,
    })
}
