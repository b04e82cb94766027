//! Per-pool public documents: OIDC discovery and JWKS (docs/cognito-protocol.md §2; OpenID Connect
//! Discovery 1.0 §3, RFC 7517 §5) and the revocation feed.

use crate::error::ApiError;
use crate::extract::PathId;
use crate::router::AppState;
use auth_return_core::PoolId;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

fn cacheable(body: serde_json::Value) -> Response {
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

pub async fn jwks(
    State(state): State<AppState>,
    PathId(pool_id): PathId<PoolId>,
) -> Result<Response, ApiError> {
    let keys = state.service.jwks(&pool_id).await?;
    Ok(cacheable(json!({ "keys": keys })))
}

pub async fn openid_configuration(
    State(state): State<AppState>,
    PathId(pool_id): PathId<PoolId>,
) -> Result<Response, ApiError> {
    // Only existing pools are described.
    state.service.jwks(&pool_id).await?;
    let issuer = state.service.issuer(&pool_id);
    Ok(cacheable(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "response_types_supported": ["token"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "email", "email_verified", "cognito:username", "token_use"],
        "scopes_supported": ["aws.cognito.signin.user.admin"],
    })))
}

/// `GET /{poolId}/revocations?since=<cursor>`: the pool's revoked sessions still in force.
pub async fn revocations(
    State(state): State<AppState>,
    PathId(pool_id): PathId<PoolId>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, ApiError> {
    // Parsed by hand so that no query string can earn a non-JSON rejection: unknown
    // parameters are ignored and the first `since` wins.
    let since = query.as_deref().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "since")
            .map(|(_, v)| v.into_owned())
    });
    let page = state
        .service
        .revocations(&pool_id, since.as_deref())
        .await?;
    let mut response = Json(page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
