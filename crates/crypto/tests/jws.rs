//! RS256 JWS: sign → verify, tampering, algorithm confusion, key ids, malformed tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use auth_return_crypto::jws::{self, Jwk, JwsError, SigningKey, VerifyingKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().unwrap())
}

fn verifier() -> VerifyingKey {
    VerifyingKey::from_jwk(&key().public_jwk()).unwrap()
}

fn claims() -> serde_json::Value {
    json!({"sub": "u-1", "token_use": "access", "exp": 2_000_000_000u64, "cognito:groups": ["a"]})
}

fn b64(v: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn sign_verify_round_trip() {
    let token = key().sign_json(&claims()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert!(!token.contains('='));
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header, json!({"kid": key().kid(), "alg": "RS256"}));
    assert!(
        URL_SAFE_NO_PAD
            .decode(parts[0])
            .unwrap()
            .starts_with(b"{\"kid\"")
    );
    assert_eq!(jws::peek_kid(&token).unwrap(), key().kid());
    let got = jws::verify(&token, &verifier()).unwrap();
    assert_eq!(serde_json::Value::Object(got), claims());
}

#[test]
fn kid_is_rfc7638_thumbprint_and_stable() {
    let jwk = key().public_jwk();
    assert_eq!(jwk.kid, key().kid());
    assert_eq!(jwk.kid.len(), 43);
    assert_eq!(
        (jwk.kty.as_str(), jwk.alg.as_str(), jwk.use_.as_str()),
        ("RSA", "RS256", "sig")
    );
    assert_eq!(jwk.e, "AQAB");
    assert_eq!(
        jws::rsa_thumbprint(
            &URL_SAFE_NO_PAD.decode(&jwk.n).unwrap(),
            &URL_SAFE_NO_PAD.decode(&jwk.e).unwrap()
        ),
        jwk.kid
    );
    let text = serde_json::to_value(&jwk).unwrap();
    assert_eq!(text["use"], "sig");
    let back: Jwk = serde_json::from_value(text).unwrap();
    assert_eq!(back, jwk);
    // PKCS#8 round trip keeps the key and its kid.
    let der = key().to_pkcs8();
    let again = SigningKey::from_pkcs8(der.expose()).unwrap();
    assert_eq!(again.kid(), key().kid());
    let token = again.sign_json(&claims()).unwrap();
    assert!(jws::verify(&token, &verifier()).is_ok());
    assert!(SigningKey::from_pkcs8(b"not a key").is_err());
}

#[test]
fn rfc7638_example_thumbprint() {
    // RFC 7638 §3.1 example key.
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    let n = URL_SAFE_NO_PAD.decode(n).unwrap();
    assert_eq!(
        jws::rsa_thumbprint(&n, &[1, 0, 1]),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[test]
fn tampered_payload_fails() {
    let token = key().sign_json(&claims()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let mut evil = claims();
    evil["sub"] = json!("admin");
    let forged = format!("{}.{}.{}", parts[0], b64(&evil), parts[2]);
    assert_eq!(
        jws::verify(&forged, &verifier()),
        Err(JwsError::BadSignature)
    );
    let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    sig[10] ^= 1;
    let forged = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig));
    assert_eq!(
        jws::verify(&forged, &verifier()),
        Err(JwsError::BadSignature)
    );
}

#[test]
fn other_algorithms_rejected() {
    let token = key().sign_json(&claims()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    for alg in ["none", "HS256", "rs256", "RS512", "PS256"] {
        let header = b64(&json!({"kid": key().kid(), "alg": alg}));
        for sig in ["", parts[2]] {
            let t = format!("{header}.{}.{sig}", parts[1]);
            let err = jws::verify(&t, &verifier()).unwrap_err();
            assert!(
                matches!(err, JwsError::BadAlgorithm | JwsError::Malformed),
                "{alg}: {err:?}"
            );
        }
        let t = format!("{header}.{}.{}", parts[1], parts[2]);
        assert_eq!(jws::verify(&t, &verifier()), Err(JwsError::BadAlgorithm));
    }
    let crit = b64(&json!({"kid": key().kid(), "alg": "RS256", "crit": ["exp"]}));
    let t = format!("{crit}.{}.{}", parts[1], parts[2]);
    assert_eq!(jws::verify(&t, &verifier()), Err(JwsError::BadAlgorithm));
}

#[test]
fn kid_mismatch_rejected() {
    let other = SigningKey::generate().unwrap();
    let token = other.sign_json(&claims()).unwrap();
    assert_eq!(jws::verify(&token, &verifier()), Err(JwsError::UnknownKey));
    // Same key, but the verifier was registered under another kid.
    let mut jwk = key().public_jwk();
    jwk.kid = "someone-else".into();
    let vk = VerifyingKey::from_jwk(&jwk).unwrap();
    let token = key().sign_json(&claims()).unwrap();
    assert_eq!(jws::verify(&token, &vk), Err(JwsError::UnknownKey));
    // No kid at all.
    let parts: Vec<&str> = token.split('.').collect();
    let t = format!(
        "{}.{}.{}",
        b64(&json!({"alg": "RS256"})),
        parts[1],
        parts[2]
    );
    assert_eq!(jws::verify(&t, &verifier()), Err(JwsError::UnknownKey));
    assert_eq!(jws::peek_kid(&t), Err(JwsError::UnknownKey));
}

#[test]
fn malformed_tokens_rejected() {
    let token = key().sign_json(&claims()).unwrap();
    let vk = verifier();
    let cut = &token[..token.len() - 5];
    assert!(jws::verify(cut, &vk).is_err());
    let two: String = token.rsplit_once('.').unwrap().0.to_string();
    assert_eq!(jws::verify(&two, &vk), Err(JwsError::Malformed));
    assert_eq!(
        jws::verify(&format!("{token}.x"), &vk),
        Err(JwsError::Malformed)
    );
    assert_eq!(jws::verify("", &vk), Err(JwsError::Malformed));
    assert_eq!(jws::verify("a.b.c", &vk), Err(JwsError::Malformed));
    assert_eq!(
        jws::verify(&"a".repeat(20_000), &vk),
        Err(JwsError::Malformed)
    );
    assert_eq!(jws::peek_kid("nodots"), Err(JwsError::Malformed));
    assert_eq!(
        jws::peek_kid(&format!("{}.x.y", "A".repeat(5_000))),
        Err(JwsError::Malformed)
    );
    // Payload that is valid JSON but not an object, properly signed.
    let arr = key().sign_json(&json!([1, 2])).unwrap();
    assert_eq!(jws::verify(&arr, &vk), Err(JwsError::Malformed));
}

#[test]
fn verifying_key_rejects_bad_jwk() {
    let mut jwk = key().public_jwk();
    jwk.kty = "EC".into();
    assert!(VerifyingKey::from_jwk(&jwk).is_err());
    let mut jwk = key().public_jwk();
    jwk.n = "!!".into();
    assert!(VerifyingKey::from_jwk(&jwk).is_err());
}
