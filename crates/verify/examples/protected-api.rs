//! A small axum backend accepting only the tokens of one Auth Return app.
//!
//! ```text
//! AUTH_ISSUER=http://127.0.0.1:8080/local_abc AUTH_CLIENT_ID=xyz \
//!     cargo run -p auth-return-verify --features axum --example protected-api -- --bind 127.0.0.1:0
//! ```
//!
//! Options (each also from the environment): `--issuer` (`AUTH_ISSUER`), `--client-id`
//! (`AUTH_CLIENT_ID`), `--jwks-url` (`AUTH_JWKS_URL`, default: discovery), `--bind` (`BIND`,
//! default `127.0.0.1:3001`), `--scope` (`AUTH_REQUIRED_SCOPE`), `--revocation-poll-secs`
//! (`AUTH_REVOCATION_POLL_SECS`). It prints `listening on http://ADDR` once ready.
//!
//! Routes: `GET /health` (open), `GET /me` (extractor: ID or access token, answers the claims as
//! JSON), `GET /api/hello` (behind the layer).
#![allow(clippy::print_stdout)]

use std::time::Duration;

use auth_return_verify::axum::{RequireAuthLayer, VerifiedUser};
use auth_return_verify::{Claims, Verifier};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::json;

fn option(args: &[String], flag: &str, env: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
}

async fn me(user: VerifiedUser) -> Json<serde_json::Value> {
    let c = &user.0;
    Json(json!({
        "sub": c.sub,
        "username": c.username,
        "email": c.email,
        "token_use": c.token_use.as_str(),
        "client_id": c.client_id,
        "aud": c.aud,
        "scope": c.scope,
        "groups": c.groups,
        "exp": c.exp,
    }))
}

async fn hello(Extension(claims): Extension<Claims>) -> String {
    format!(
        "hello {}",
        claims.username.as_deref().unwrap_or(claims.sub.as_str())
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let issuer =
        option(&args, "--issuer", "AUTH_ISSUER").ok_or("--issuer or AUTH_ISSUER is required")?;
    let client_id = option(&args, "--client-id", "AUTH_CLIENT_ID")
        .ok_or("--client-id or AUTH_CLIENT_ID is required")?;
    let bind = option(&args, "--bind", "BIND").unwrap_or_else(|| "127.0.0.1:3001".to_owned());

    let mut builder = Verifier::builder(issuer, client_id);
    if let Some(url) = option(&args, "--jwks-url", "AUTH_JWKS_URL") {
        builder = builder.jwks_url(url);
    }
    if let Some(scope) = option(&args, "--scope", "AUTH_REQUIRED_SCOPE") {
        builder = builder.require_scope(scope);
    }
    if let Some(secs) = option(&args, "--revocation-poll-secs", "AUTH_REVOCATION_POLL_SECS") {
        builder = builder.revocation_polling(Duration::from_secs(secs.parse()?));
    }
    let verifier = builder.build()?;

    let api = Router::new()
        .route("/api/hello", get(hello))
        .layer(RequireAuthLayer::new(verifier.clone()));
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/me", get(me))
        .merge(api)
        .with_state(verifier);

    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
