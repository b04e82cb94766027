//! `POST /oauth2/token` (RFC 6749 §3.2, §5): the `authorization_code`, `refresh_token` and
//! `client_credentials` grants, answered as RFC 6749 §5.1 JSON, never cached.

use super::client_auth::authenticated_app;
use super::error::OAuthError;
use super::form::{charge, form};
use crate::client::ClientInfo;
use crate::extract::RequestCaller;
use crate::router::AppState;
use auth_return_core::Error;
use auth_return_core::oauth::OAuthTokens;
use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The token response (RFC 6749 §5.1; OpenID Connect Core §3.1.3.3).
#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    token_type: &'static str,
    expires_in: i64,
    scope: String,
}

impl From<OAuthTokens> for TokenResponse {
    fn from(t: OAuthTokens) -> Self {
        Self {
            access_token: t.access_token,
            id_token: t.id_token,
            refresh_token: t.refresh_token,
            token_type: "Bearer",
            expires_in: t.expires_in,
            scope: t.scope,
        }
    }
}

/// `POST /oauth2/token`.
pub async fn token(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(e) = charge(&state, client.as_ref().map(|Extension(c)| c)) {
        return e.into_response();
    }
    match grant(&state, &caller, &headers, body).await {
        Ok(tokens) => {
            let mut response = Json(TokenResponse::from(tokens)).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn grant(
    state: &AppState,
    caller: &auth_return_core::events::Caller,
    headers: &HeaderMap,
    body: Body,
) -> Result<OAuthTokens, OAuthError> {
    let form = form(headers, body).await?;
    let (app, _) = authenticated_app(state, headers, &form).await?;
    let service = &state.service;
    let tokens = match form.get("grant_type") {
        None => Err(Error::InvalidParameter("grant_type is required.".into())),
        Some("authorization_code") => {
            service
                .exchange_code(
                    &app,
                    form.get("code"),
                    form.get("redirect_uri"),
                    form.get("code_verifier"),
                    caller,
                )
                .await
        }
        Some("refresh_token") => {
            service
                .oauth_refresh(&app, form.get("refresh_token"), caller)
                .await
        }
        Some("client_credentials") => service.client_credentials(&app, form.get("scope")).await,
        Some(other) => Err(Error::UnsupportedGrantType(
            other.chars().take(64).collect(),
        )),
    }?;
    Ok(tokens)
}
