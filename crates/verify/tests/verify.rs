//! Verification against tokens and keys made here, with the JWKS served by an in-process stub:
//! valid tokens, each attack and bad input of issue 5, and the JWKS cache's behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use auth_return_verify::{Accept, TokenUse, Verifier, VerifyError};
use aws_lc_rs::hmac;
use common::*;
use serde_json::{Value, json};

fn verifier(stub: &Stub) -> Verifier {
    Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .build()
        .unwrap()
}

fn hs256(secret: &[u8], header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}

/// Asserts the error's Display does not contain any part of the token.
fn assert_no_echo(err: &VerifyError, token: &str) {
    let text = err.to_string();
    for part in token.split('.') {
        if part.len() >= 8 {
            assert!(!text.contains(part), "error {text:?} echoes the token");
        }
    }
}

#[tokio::test]
async fn valid_id_token() {
    let stub = start().await;
    let v = verifier(&stub);
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let c = v.verify_id_token(&token).await.unwrap();
    assert_eq!(c.token_use, TokenUse::Id);
    assert_eq!(c.sub, "11111111-2222-3333-4444-555555555555");
    assert_eq!(c.iss, stub.issuer(POOL_A));
    assert_eq!(c.aud, vec![CLIENT.to_owned()]);
    assert_eq!(c.username.as_deref(), Some("alice"));
    assert_eq!(c.email.as_deref(), Some("alice@example.com"));
    assert_eq!(c.email_verified, Some(true));
    assert_eq!(c.origin_jti.as_deref(), Some("session-1"));
    assert_eq!(c.jti.as_deref(), Some("jti-id-1"));
    assert!(c.auth_time.is_some() && c.iat.is_some());
    assert!(c.in_group("admins") && !c.in_group("nobody"));
    assert_eq!(c.get("custom:tenant"), Some(&json!("t-42")));
    assert!(c.raw().contains_key("cognito:username"));
    // verify() accepts either kind by default.
    assert_eq!(v.verify(&token).await.unwrap().token_use, TokenUse::Id);
}

#[tokio::test]
async fn valid_access_token() {
    let stub = start().await;
    let v = verifier(&stub);
    let token = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    let c = v.verify_access_token(&token).await.unwrap();
    assert_eq!(c.token_use, TokenUse::Access);
    assert_eq!(c.client_id.as_deref(), Some(CLIENT));
    assert!(c.aud.is_empty());
    assert_eq!(c.username.as_deref(), Some("alice"));
    assert!(c.has_scope("openid") && c.has_scope("email") && !c.has_scope("admin"));
    assert_eq!(c.groups, vec!["staff".to_owned()]);
    assert_eq!(v.verify(&token).await.unwrap().token_use, TokenUse::Access);
}

#[tokio::test]
async fn discovery_finds_jwks_uri() {
    let stub = start().await;
    let v = Verifier::from_issuer(stub.issuer(POOL_A), CLIENT).unwrap();
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    v.verify(&token).await.unwrap();
    v.verify(&token).await.unwrap();
    assert_eq!(
        stub.state
            .discovery_requests
            .load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert_eq!(stub.jwks_requests(), 1);
    // A trailing slash on the configured issuer is tolerated.
    let v2 = Verifier::from_issuer(format!("{}/", stub.issuer(POOL_A)), CLIENT).unwrap();
    v2.verify(&token).await.unwrap();
}

#[tokio::test]
async fn discovery_naming_another_issuer_is_refused() {
    let stub = start().await;
    *stub.state.discovery_issuer_override.lock().unwrap() = Some("https://evil.example".into());
    let v = Verifier::from_issuer(stub.issuer(POOL_A), CLIENT).unwrap();
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let err = v.verify(&token).await.unwrap_err();
    assert!(
        matches!(&err, VerifyError::KeysUnavailable(m) if m.contains("discovery")),
        "{err}"
    );
}

#[tokio::test]
async fn alg_none_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    let claims = id_claims(&stub.issuer(POOL_A));
    for alg in ["none", "None", "NONE"] {
        let header = json!({"alg": alg, "kid": key_a().kid});
        let token = format!(
            "{}.{}.",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let err = v.verify(&token).await.unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::UnsupportedAlgorithm(_) | VerifyError::Malformed(_)
            ),
            "{alg}: {err}"
        );
        // …and with a signature part, to reach the algorithm check.
        let token = format!("{token}AAAA");
        let err = v.verify(&token).await.unwrap_err();
        assert_eq!(err, VerifyError::UnsupportedAlgorithm(alg.to_owned()));
    }
    // No fetch was triggered by these.
    assert_eq!(stub.jwks_requests(), 0);
}

#[tokio::test]
async fn hs256_with_public_key_as_secret_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    let claims = id_claims(&stub.issuer(POOL_A));
    let header = json!({"alg": "HS256", "kid": key_a().kid});
    let jwk_text = key_a().jwk().to_string();
    for secret in [key_a().public_der(), jwk_text.into_bytes()] {
        let token = hs256(&secret, &header, &claims);
        let err = v.verify(&token).await.unwrap_err();
        assert_eq!(err, VerifyError::UnsupportedAlgorithm("HS256".into()));
    }
    for alg in ["HS384", "HS512", "RS512", "PS256", "ES256", "EdDSA"] {
        let token = key_a().sign_with_header(&json!({"alg": alg, "kid": key_a().kid}), &claims);
        let err = v.verify(&token).await.unwrap_err();
        assert_eq!(err, VerifyError::UnsupportedAlgorithm(alg.into()));
    }
}

#[tokio::test]
async fn kid_of_another_jwks_is_unknown() {
    let stub = start().await;
    let v = verifier(&stub);
    // Pool B's key, pool A's claims.
    let token = key_b().sign(&id_claims(&stub.issuer(POOL_A)));
    let err = v.verify(&token).await.unwrap_err();
    assert_eq!(err, VerifyError::UnknownKey(key_b().kid.clone()));
    // Pool B's key under pool A's kid: bad signature.
    let token = key_b().sign_with_header(
        &json!({"alg":"RS256","kid": key_a().kid}),
        &id_claims(&stub.issuer(POOL_A)),
    );
    assert_eq!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::BadSignature
    );
}

#[tokio::test]
async fn valid_token_of_another_pool_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    // A perfectly valid token of pool B (its own key, issuer and even the same client id).
    let token = key_b().sign(&id_claims(&stub.issuer(POOL_B)));
    let vb = Verifier::builder(stub.issuer(POOL_B), CLIENT)
        .jwks_url(stub.jwks_url(POOL_B))
        .build()
        .unwrap();
    vb.verify(&token).await.unwrap();
    assert!(matches!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::UnknownKey(_)
    ));
    // Even if both pools shared a key, the issuer would not match.
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_B)));
    assert!(matches!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::WrongIssuer { .. }
    ));
}

#[tokio::test]
async fn tampered_header_or_payload_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let parts: Vec<&str> = token.split('.').collect();
    // Payload changed (another sub), signature kept.
    let mut claims = id_claims(&stub.issuer(POOL_A));
    claims["sub"] = json!("someone-else");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(claims.to_string().as_bytes()),
        parts[2]
    );
    assert_eq!(
        v.verify(&forged).await.unwrap_err(),
        VerifyError::BadSignature
    );
    // Header changed (extra member), signature kept.
    let header = json!({"kid": key_a().kid, "alg": "RS256", "typ": "JWT"});
    let forged = format!(
        "{}.{}.{}",
        b64(header.to_string().as_bytes()),
        parts[1],
        parts[2]
    );
    assert_eq!(
        v.verify(&forged).await.unwrap_err(),
        VerifyError::BadSignature
    );
    // One signature bit flipped.
    let mut sig =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, parts[2])
            .unwrap();
    sig[10] ^= 1;
    let forged = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
    assert_eq!(
        v.verify(&forged).await.unwrap_err(),
        VerifyError::BadSignature
    );
    // A signature from another token of the same key.
    let other = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        other.split('.').nth(2).unwrap()
    );
    let err = v.verify(&forged).await.unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    assert_no_echo(&err, &forged);
}

#[tokio::test]
async fn truncated_and_non_base64_parts_are_malformed() {
    let stub = start().await;
    let v = verifier(&stub);
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let p: Vec<&str> = token.split('.').collect();
    let cases = [
        String::new(),
        p[0].to_owned(),
        format!("{}.{}", p[0], p[1]),
        format!("{}.{}.", p[0], p[1]),
        format!("{}..{}", p[0], p[2]),
        format!(".{}.{}", p[1], p[2]),
        format!("{token}.extra"),
        format!("{}.{}.{}", p[0], p[1], "!!!!"),
        format!("{}.{}.{}", p[0], "a*b", p[2]),
        format!("{}.{}=.{}", p[0], p[1], p[2]),
        format!(
            "{}.{}.{}",
            p[0],
            p[1].replace('-', "+").replace('_', "/") + "+/",
            p[2]
        ),
        format!("{} .{}.{}", p[0], p[1], p[2]),
        format!("{}.{}.{}", b64(b"not json"), p[1], p[2]),
        format!("{}.{}.{}", b64(br#"{"alg":"RS256"}"#), p[1], p[2]),
        format!("{}.{}.{}", b64(br#"{"alg":"RS256","kid":""}"#), p[1], p[2]),
        format!("{}.{}.{}", b64(br#"{"alg":256,"kid":"x"}"#), p[1], p[2]),
        format!("{}.{}.{}", b64(br#"[1,2]"#), p[1], p[2]),
    ];
    for case in &cases {
        let err = v.verify(case).await.unwrap_err();
        assert!(matches!(err, VerifyError::Malformed(_)), "{case:?}: {err}");
        assert_no_echo(&err, case);
    }
    // A signature cut in half is well-formed base64url but does not verify.
    let half = &p[2][..p[2].len() / 2];
    let err = v
        .verify(&format!("{}.{}.{half}", p[0], p[1]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, VerifyError::BadSignature | VerifyError::Malformed(_)),
        "{err}"
    );
    // A payload that is base64url of something other than a JSON object, properly signed.
    let header = json!({"kid": key_a().kid, "alg": "RS256"});
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(b"[]"));
    let signed = key_a().sign_with_header(&header, &json!([]));
    assert!(signed.starts_with(&input));
    assert_eq!(
        v.verify(&signed).await.unwrap_err(),
        VerifyError::Malformed("payload is not a JSON object")
    );
}

#[tokio::test]
async fn crit_header_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    let token = key_a().sign_with_header(
        &json!({"alg":"RS256","kid": key_a().kid,"crit":["exp"]}),
        &id_claims(&stub.issuer(POOL_A)),
    );
    assert_eq!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::UnsupportedCritical
    );
}

#[tokio::test]
async fn oversized_token_is_refused_before_parsing() {
    let stub = start().await;
    let v = verifier(&stub);
    let mut claims = id_claims(&stub.issuer(POOL_A));
    claims["pad"] = json!("x".repeat(20_000));
    let token = key_a().sign(&claims);
    assert!(matches!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::TooLarge { max: 16384, .. }
    ));
    let big = "a".repeat(1 << 20);
    assert!(matches!(
        v.verify(&big).await.unwrap_err(),
        VerifyError::TooLarge { .. }
    ));
}

#[tokio::test]
async fn expired_token_is_refused_with_leeway() {
    let stub = start().await;
    let v = verifier(&stub);
    let mut claims = id_claims(&stub.issuer(POOL_A));
    claims["exp"] = json!(now() - 120);
    claims["iat"] = json!(now() - 3720);
    let token = key_a().sign(&claims);
    let err = v.verify(&token).await.unwrap_err();
    assert!(
        matches!(err, VerifyError::Expired { leeway: 60, .. }),
        "{err}"
    );
    // 30 s ago is within the default 60 s leeway…
    claims["exp"] = json!(now() - 30);
    let token = key_a().sign(&claims);
    v.verify(&token).await.unwrap();
    // …but not with a leeway of zero.
    let strict = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .leeway(Duration::ZERO)
        .build()
        .unwrap();
    assert!(matches!(
        strict.verify(&token).await.unwrap_err(),
        VerifyError::Expired { .. }
    ));
    // exp is required and must be a number.
    claims.as_object_mut().unwrap().remove("exp");
    let token = key_a().sign(&claims);
    assert_eq!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::MissingClaim("exp")
    );
    claims["exp"] = json!("tomorrow");
    let token = key_a().sign(&claims);
    assert_eq!(
        v.verify(&token).await.unwrap_err(),
        VerifyError::InvalidClaim("exp")
    );
}

#[tokio::test]
async fn nbf_or_iat_in_the_future_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    for claim in ["nbf", "iat"] {
        let mut claims = id_claims(&stub.issuer(POOL_A));
        claims[claim] = json!(now() + 600);
        let err = v.verify(&key_a().sign(&claims)).await.unwrap_err();
        assert!(
            matches!(err, VerifyError::NotYetValid { claim: c, .. } if c == claim),
            "{err}"
        );
        // Within leeway: fine.
        claims[claim] = json!(now() + 20);
        v.verify(&key_a().sign(&claims)).await.unwrap();
    }
}

#[tokio::test]
async fn wrong_issuer_is_refused() {
    let stub = start().await;
    let v = verifier(&stub);
    for iss in [
        format!("{}/", stub.issuer(POOL_A)),
        stub.issuer(POOL_A).to_uppercase(),
        format!("{}x", stub.issuer(POOL_A)),
        "https://cognito-idp.us-east-1.amazonaws.com/local_poolA".to_owned(),
    ] {
        let mut claims = id_claims(&stub.issuer(POOL_A));
        claims["iss"] = json!(iss);
        let err = v.verify(&key_a().sign(&claims)).await.unwrap_err();
        assert!(
            matches!(err, VerifyError::WrongIssuer { .. }),
            "{iss}: {err}"
        );
    }
    let mut claims = id_claims(&stub.issuer(POOL_A));
    claims.as_object_mut().unwrap().remove("iss");
    assert_eq!(
        v.verify(&key_a().sign(&claims)).await.unwrap_err(),
        VerifyError::MissingClaim("iss")
    );
}

#[tokio::test]
async fn token_use_must_match() {
    let stub = start().await;
    let v = verifier(&stub);
    let id = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let access = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    assert!(matches!(
        v.verify_access_token(&id).await.unwrap_err(),
        VerifyError::WrongTokenUse {
            expected: "access",
            ..
        }
    ));
    assert!(matches!(
        v.verify_id_token(&access).await.unwrap_err(),
        VerifyError::WrongTokenUse { expected: "id", .. }
    ));
    // Accept setting drives verify().
    let only_access = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .accept(Accept::AccessTokens)
        .build()
        .unwrap();
    assert!(only_access.verify(&id).await.is_err());
    only_access.verify(&access).await.unwrap();
    // Missing or odd token_use.
    for tu in [json!(null), json!("refresh"), json!(1)] {
        let mut claims = id_claims(&stub.issuer(POOL_A));
        claims["token_use"] = tu.clone();
        let err = v.verify(&key_a().sign(&claims)).await.unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::WrongTokenUse { .. }
                    | VerifyError::MissingClaim("token_use")
                    | VerifyError::InvalidClaim("token_use")
            ),
            "{tu}: {err}"
        );
    }
}

#[tokio::test]
async fn audience_must_be_our_client() {
    let stub = start().await;
    let v = verifier(&stub);
    let mut id = id_claims(&stub.issuer(POOL_A));
    id["aud"] = json!("client-b");
    assert_eq!(
        v.verify(&key_a().sign(&id)).await.unwrap_err(),
        VerifyError::WrongAudience { claim: "aud" }
    );
    id.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        v.verify(&key_a().sign(&id)).await.unwrap_err(),
        VerifyError::WrongAudience { claim: "aud" }
    );
    // An ID token carrying our id only as client_id is still refused (aud decides).
    id["client_id"] = json!(CLIENT);
    assert!(v.verify(&key_a().sign(&id)).await.is_err());
    // aud as an array containing us (RFC 7519 §4.1.3).
    id["aud"] = json!(["other", CLIENT]);
    v.verify(&key_a().sign(&id)).await.unwrap();

    let mut access = access_claims(&stub.issuer(POOL_A));
    access["client_id"] = json!("client-b");
    assert_eq!(
        v.verify(&key_a().sign(&access)).await.unwrap_err(),
        VerifyError::WrongAudience { claim: "client_id" }
    );
    access.as_object_mut().unwrap().remove("client_id");
    access["aud"] = json!(CLIENT);
    assert_eq!(
        v.verify(&key_a().sign(&access)).await.unwrap_err(),
        VerifyError::WrongAudience { claim: "client_id" }
    );
}

#[tokio::test]
async fn required_scopes_and_groups() {
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .require_scope("email")
        .require_scope("orders/write")
        .build()
        .unwrap();
    let access = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    assert_eq!(
        v.verify(&access).await.unwrap_err(),
        VerifyError::MissingScope("orders/write".into())
    );
    let mut claims = access_claims(&stub.issuer(POOL_A));
    claims["scope"] = json!("email orders/write");
    v.verify(&key_a().sign(&claims)).await.unwrap();
    // ID tokens carry no scopes.
    let id = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    assert!(matches!(
        v.verify(&id).await.unwrap_err(),
        VerifyError::MissingScope(_)
    ));

    let g = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .require_group("admins")
        .build()
        .unwrap();
    g.verify(&id).await.unwrap();
    assert_eq!(
        g.verify(&access).await.unwrap_err(),
        VerifyError::MissingGroup("admins".into())
    );
}

#[tokio::test]
async fn jwks_keys_the_crate_cannot_use_are_skipped() {
    let stub = start().await;
    // An HS256 "key" and an RS512-only key under their own kids, and an RSA key without alg.
    stub.add_key(
        POOL_A,
        json!({"kty":"oct","kid":"k-oct","k": b64(b"secret"),"alg":"HS256"}),
    );
    let mut rs512 = key_b().jwk();
    rs512["kid"] = json!("k-rs512");
    rs512["alg"] = json!("RS512");
    stub.add_key(POOL_A, rs512);
    let mut enc = key_b().jwk();
    enc["kid"] = json!("k-enc");
    enc["use"] = json!("enc");
    stub.add_key(POOL_A, enc);
    let mut noalg = key_a2().jwk();
    noalg.as_object_mut().unwrap().remove("alg");
    stub.add_key(POOL_A, noalg);
    let v = verifier(&stub);
    let claims = id_claims(&stub.issuer(POOL_A));

    let hs = hs256(b"secret", &json!({"alg":"HS256","kid":"k-oct"}), &claims);
    assert_eq!(
        v.verify(&hs).await.unwrap_err(),
        VerifyError::UnsupportedAlgorithm("HS256".into())
    );
    let t = key_b().sign_with_header(&json!({"alg":"RS256","kid":"k-rs512"}), &claims);
    assert_eq!(
        v.verify(&t).await.unwrap_err(),
        VerifyError::UnknownKey("k-rs512".into())
    );
    let t = key_b().sign_with_header(&json!({"alg":"RS256","kid":"k-enc"}), &claims);
    assert_eq!(
        v.verify(&t).await.unwrap_err(),
        VerifyError::UnknownKey("k-enc".into())
    );
    // RSA without alg: used as RS256.
    v.verify(&key_a2().sign(&claims)).await.unwrap();
}

#[tokio::test]
async fn cached_keys_survive_jwks_outage() {
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .min_refetch_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    v.verify(&token).await.unwrap();
    stub.set_mode(Mode::Down);
    tokio::time::sleep(Duration::from_millis(5)).await;
    // A refetch is attempted for an unknown kid, fails, and the cache stays.
    let other = key_b().sign(&id_claims(&stub.issuer(POOL_A)));
    assert!(matches!(
        v.verify(&other).await.unwrap_err(),
        VerifyError::UnknownKey(_)
    ));
    assert!(matches!(
        v.refresh_keys().await.unwrap_err(),
        VerifyError::KeysUnavailable(_)
    ));
    v.verify(&token).await.unwrap();
    stub.set_mode(Mode::Garbage);
    assert!(v.refresh_keys().await.is_err());
    v.verify(&token).await.unwrap();
    assert!(stub.jwks_requests() >= 3);
}

#[tokio::test]
async fn never_reachable_jwks_gives_a_clear_error() {
    let dead = dead_address().await;
    let v = Verifier::builder(format!("{dead}/{POOL_A}"), CLIENT)
        .http_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let token = key_a().sign(&id_claims(&format!("{dead}/{POOL_A}")));
    let err = v.verify(&token).await.unwrap_err();
    let VerifyError::KeysUnavailable(msg) = &err else {
        panic!("{err}");
    };
    assert!(msg.contains("never fetched"), "{msg}");
    assert!(err.is_unavailable());
    assert_no_echo(&err, &token);
    // The cached-only path says the same.
    assert!(matches!(
        v.verify_cached(&token, Accept::Any).unwrap_err(),
        VerifyError::KeysUnavailable(_)
    ));
}

#[tokio::test]
async fn garbage_or_huge_jwks_is_refused() {
    for (mode, needle) in [
        (Mode::Garbage, "not a JSON object"),
        (Mode::Huge(1 << 20), "larger than"),
        (Mode::HugeChunked(4 << 20), "larger than"),
        (Mode::Down, "HTTP 503"),
    ] {
        let stub = start().await;
        stub.set_mode(mode);
        let v = verifier(&stub);
        let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
        let err = v.verify(&token).await.unwrap_err();
        assert!(
            matches!(&err, VerifyError::KeysUnavailable(m) if m.contains(needle)),
            "{err}"
        );
    }
    // A body just under a small configured limit is fine; over it is refused.
    let stub = start().await;
    let small = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .max_body_size(100)
        .build()
        .unwrap();
    assert!(small.refresh_keys().await.is_err());
    assert_eq!(verifier(&stub).refresh_keys().await.unwrap(), 1);
}

#[tokio::test]
async fn unknown_kid_refetches_at_most_once_per_interval() {
    let stub = start().await;
    *stub.state.jwks_delay.lock().unwrap() = Duration::from_millis(100);
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .min_refetch_interval(Duration::from_millis(800))
        .build()
        .unwrap();
    let good = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let unknown = key_b().sign(&id_claims(&stub.issuer(POOL_A)));

    // 50 concurrent verifications on a cold cache: one fetch.
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let v = v.clone();
            let t = if i % 2 == 0 {
                good.clone()
            } else {
                unknown.clone()
            };
            tokio::spawn(async move { v.verify(&t).await })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        let r = t.await.unwrap();
        assert_eq!(r.is_ok(), i % 2 == 0);
    }
    assert_eq!(stub.jwks_requests(), 1);

    // 50 concurrent unknown kids on a warm cache, within the interval: no fetch at all.
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let v = v.clone();
            let t = unknown.clone();
            tokio::spawn(async move { v.verify(&t).await })
        })
        .collect();
    for t in tasks {
        assert!(matches!(t.await.unwrap(), Err(VerifyError::UnknownKey(_))));
    }
    assert_eq!(stub.jwks_requests(), 1);

    // After the interval: exactly one more fetch for 50 concurrent unknown kids.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let v = v.clone();
            let t = unknown.clone();
            tokio::spawn(async move { v.verify(&t).await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().is_err());
    }
    assert_eq!(stub.jwks_requests(), 2);
    assert_eq!(v.key_fetch_count().await, 2);
}

#[tokio::test]
async fn rotated_key_is_picked_up_on_unknown_kid() {
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .min_refetch_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    let old = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    v.verify(&old).await.unwrap();
    // The next key is published, then signs.
    stub.add_key(POOL_A, key_a2().jwk());
    tokio::time::sleep(Duration::from_millis(60)).await;
    let new = key_a2().sign(&id_claims(&stub.issuer(POOL_A)));
    v.verify(&new).await.unwrap();
    v.verify(&old).await.unwrap();
    assert_eq!(stub.jwks_requests(), 2);
}

#[tokio::test]
async fn errors_never_echo_the_token_and_sanitize_header_values() {
    let stub = start().await;
    let v = verifier(&stub);
    let claims = id_claims(&stub.issuer(POOL_A));
    let evil_kid = "kid\n\"injected\" \u{1b}[31m".to_owned() + &"k".repeat(500);
    let t = key_b().sign_with_header(&json!({"alg":"RS256","kid": evil_kid}), &claims);
    let err = v.verify(&t).await.unwrap_err();
    let text = err.to_string();
    assert!(
        !text.contains('\n') && !text.contains('\u{1b}') && text.len() < 200,
        "{text}"
    );
    assert_no_echo(&err, &t);
    let t = key_b().sign_with_header(&json!({"alg":"HS256\nX","kid":"x"}), &claims);
    let err = v.verify(&t).await.unwrap_err();
    assert!(!err.to_string().contains('\n'));
}

#[tokio::test]
async fn verify_cached_is_synchronous_after_warmup() {
    let stub = start().await;
    let v = verifier(&stub);
    let token = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    assert_eq!(v.refresh_keys().await.unwrap(), 1);
    let c = v.verify_cached(&token, Accept::AccessTokens).unwrap();
    assert_eq!(c.token_use, TokenUse::Access);
    let unknown = key_b().sign(&access_claims(&stub.issuer(POOL_A)));
    assert!(matches!(
        v.verify_cached(&unknown, Accept::Any).unwrap_err(),
        VerifyError::UnknownKey(_)
    ));
}

#[tokio::test]
async fn clock_is_injectable() {
    let stub = start().await;
    let claims = id_claims(&stub.issuer(POOL_A));
    let exp = claims["exp"].as_i64().unwrap();
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .clock(Arc::new(move || exp + 61))
        .build()
        .unwrap();
    assert!(matches!(
        v.verify(&key_a().sign(&claims)).await.unwrap_err(),
        VerifyError::Expired { .. }
    ));
}

#[tokio::test]
async fn config_errors() {
    assert!(matches!(
        Verifier::from_issuer("not a url", CLIENT).unwrap_err(),
        VerifyError::Config(_)
    ));
    assert!(matches!(
        Verifier::from_issuer("ftp://x/y", CLIENT).unwrap_err(),
        VerifyError::Config(_)
    ));
    assert!(matches!(
        Verifier::from_issuer("https://x/y", "").unwrap_err(),
        VerifyError::Config(_)
    ));
    assert!(matches!(
        Verifier::from_jwks("nope", "https://x/y", CLIENT).unwrap_err(),
        VerifyError::Config(_)
    ));
}
