//! The axum extractor and the tower layer (feature `axum`): 401 with an RFC 6750 challenge for
//! missing and refused tokens, 403 for missing scopes, 503 without keys, and the claims passed
//! through for valid tokens.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "axum")]

mod common;

use auth_return_verify::axum::{RequireAuthLayer, VerifiedUser};
use auth_return_verify::{Claims, Verifier};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use axum::{Extension, Router};
use common::*;
use serde_json::Value;
use tower::ServiceExt as _;

async fn me(user: VerifiedUser) -> String {
    format!("{}:{}", user.sub, user.token_use)
}

fn app(v: Verifier) -> Router {
    let protected = Router::new()
        .route(
            "/layer/me",
            get(|Extension(c): Extension<Claims>| async move { c.sub }),
        )
        .route("/layer/user", get(me))
        .layer(RequireAuthLayer::new(v.clone()));
    Router::new()
        .route("/me", get(me))
        .route("/open", get(|| async { "open" }))
        .merge(protected)
        .with_state(v)
}

async fn call(
    app: &Router,
    path: &str,
    auth: Option<&str>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut req = Request::get(path);
    if let Some(a) = auth {
        req = req.header(header::AUTHORIZATION, a);
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let challenge = resp
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(resp.into_body(), 1 << 16)
        .await
        .unwrap()
        .to_vec();
    (status, challenge, body)
}

fn verifier(stub: &Stub) -> Verifier {
    Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .build()
        .unwrap()
}

#[tokio::test]
async fn extractor_and_layer_pass_valid_tokens() {
    let stub = start().await;
    let app = app(verifier(&stub));
    let id = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    let access = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    for (token, kind) in [(&id, "id"), (&access, "access")] {
        let auth = format!("Bearer {token}");
        let (s, _, body) = call(&app, "/me", Some(&auth)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            format!("11111111-2222-3333-4444-555555555555:{kind}")
        );
        let (s, _, body) = call(&app, "/layer/me", Some(&auth)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body, b"11111111-2222-3333-4444-555555555555");
        let (s, _, _) = call(&app, "/layer/user", Some(&format!("bearer {token}"))).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _, _) = call(&app, "/open", None).await;
    assert_eq!(s, StatusCode::OK);
    // The layer verified once; the extractor behind it reused the claims.
    assert_eq!(stub.jwks_requests(), 1);
}

#[tokio::test]
async fn refused_tokens_get_401_with_challenge() {
    let stub = start().await;
    let app = app(verifier(&stub));
    let mut expired = id_claims(&stub.issuer(POOL_A));
    expired["exp"] = serde_json::json!(now() - 3600);
    let expired = key_a().sign(&expired);
    let foreign = key_b().sign(&id_claims(&stub.issuer(POOL_B)));
    for path in ["/me", "/layer/me"] {
        for auth in [
            format!("Bearer {expired}"),
            format!("Bearer {foreign}"),
            "Bearer not.a.token".to_owned(),
        ] {
            let (s, challenge, body) = call(&app, path, Some(&auth)).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
            let challenge = challenge.unwrap();
            assert!(
                challenge.starts_with("Bearer error=\"invalid_token\""),
                "{challenge}"
            );
            let json: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(json["error"], "invalid_token");
            assert!(json["error_description"].is_string());
            let text = String::from_utf8(body).unwrap();
            assert!(!text.contains(auth.trim_start_matches("Bearer ")));
        }
        // No credentials at all: 401 with a bare challenge (RFC 6750 §3.1).
        for auth in [
            None,
            Some("Basic dXNlcjpwYXNz"),
            Some("Bearer "),
            Some("Bearer"),
        ] {
            let (s, challenge, body) = call(&app, path, auth).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{path} {auth:?}");
            assert_eq!(challenge.as_deref(), Some("Bearer"));
            let json: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(json["error"], "invalid_request");
        }
    }
}

#[tokio::test]
async fn missing_scope_is_403_insufficient_scope() {
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .require_scope("orders/read")
        .build()
        .unwrap();
    let app = app(v);
    let access = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    let (s, challenge, _) = call(&app, "/layer/me", Some(&format!("Bearer {access}"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let challenge = challenge.unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"orders/read\""), "{challenge}");
}

#[tokio::test]
async fn unavailable_keys_are_503() {
    let dead = dead_address().await;
    let v = Verifier::builder(format!("{dead}/{POOL_A}"), CLIENT)
        .build()
        .unwrap();
    let app = app(v);
    let token = key_a().sign(&id_claims(&format!("{dead}/{POOL_A}")));
    let (s, challenge, body) = call(&app, "/me", Some(&format!("Bearer {token}"))).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(challenge.is_none());
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"], "temporarily_unavailable");
}
