//! Per-pool public documents: OIDC discovery and JWKS (docs/cognito-protocol.md §2; OpenID Connect
//! Discovery 1.0 §3, RFC 7517 §5) and the revocation feed.

use crate::error::ApiError;
use crate::extract::PathId;
use crate::router::AppState;
use auth_return_core::PoolId;
use auth_return_core::oauth_settings::STANDARD_SCOPES;
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
    let base = &state.service.config().public_url;
    let mut scopes = STANDARD_SCOPES.to_vec();
    scopes.sort_unstable();
    Ok(cacheable(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
        "end_session_endpoint": format!("{base}/logout"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "response_types_supported": ["code", "token"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "implicit"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "email", "email_verified", "name", "given_name", "family_name", "phone_number", "cognito:username", "token_use"],
        "scopes_supported": scopes,
        "prompt_values_supported": ["login", "none"],
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
