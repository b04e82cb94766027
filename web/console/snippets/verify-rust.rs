use auth_return_verify::axum::{RequireAuthLayer, VerifiedUser};
use auth_return_verify::{Claims, Verifier};

// Keys by discovery (<issuer>/.well-known/openid-configuration → jwks_uri), fetched on first use.
let verifier = Verifier::from_issuer(issuer, client_id)?;
let claims = verifier.verify_access_token(token).await?;   // or verify_id_token / verify

// axum: an extractor (needs Verifier: FromRef<your state>) …
async fn me(user: VerifiedUser) -> String { user.sub.clone() }
// … or a layer for a whole router, which puts the Claims into the request extensions.
let api = Router::new()
    .route("/api/hello", get(hello))
    .layer(RequireAuthLayer::new(verifier.clone()));
