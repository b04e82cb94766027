//! `GET|POST /oauth2/userInfo` (OpenID Connect Core §5.3): the claims of the access token's
//! user, the token as an RFC 6750 bearer (the `Authorization` header, or `access_token` in a
//! form body, §2.2).

use super::error::OAuthError;
use super::form::form;
use crate::router::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};

/// `GET|POST /oauth2/userInfo`.
pub async fn user_info(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match claims(&state, &method, &headers, body).await {
        Ok(claims) => {
            let mut response = Json(claims).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn claims(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
) -> Result<serde_json::Map<String, serde_json::Value>, OAuthError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let token = match (bearer, method == Method::POST) {
        (Some(token), _) => token,
        (None, true) => form(headers, body)
            .await?
            .owned("access_token")
            .ok_or_else(missing_token)?,
        (None, false) => return Err(missing_token()),
    };
    Ok(state.service.user_info(&token).await?)
}

/// RFC 6750 §3.1: a request without a token gets the bare challenge.
fn missing_token() -> OAuthError {
    OAuthError {
        challenge: Some("Bearer"),
        ..OAuthError::invalid_token("An access token is required.")
    }
}
