//! `POST /oauth2/revoke` (RFC 7009): revokes a refresh token's session and every token minted
//! from it. An unknown token is not an error (§2.2); access tokens are `unsupported_token_type`
//! (§2.2.1: they end with their session).

use super::client_auth::authenticated_app;
use super::error::OAuthError;
use super::form::{charge, form};
use crate::client::ClientInfo;
use crate::extract::RequestCaller;
use crate::router::AppState;
use auth_return_core::Error;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `POST /oauth2/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(e) = charge(&state, client.as_ref().map(|Extension(c)| c)) {
        return e.into_response();
    }
    let outcome = async {
        let form = form(&headers, body).await?;
        let (app, auth) = authenticated_app(&state, &headers, &form).await?;
        let token = form.get("token").ok_or_else(|| {
            OAuthError::from(Error::InvalidParameter("token is required.".into()))
        })?;
        state
            .service
            .revoke_token(&app.client.id, token, auth.secret.as_deref(), &caller)
            .await
            .map_err(OAuthError::from)
    }
    .await;
    match outcome {
        Ok(()) => {
            let mut response = StatusCode::OK.into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => e.into_response(),
    }
}
