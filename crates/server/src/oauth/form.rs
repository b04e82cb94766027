//! The form body of the token and revocation endpoints (RFC 6749 §3.2: `POST`,
//! `application/x-www-form-urlencoded`).

use super::error::OAuthError;
use super::params::{MAX_PARAMS_LEN, Params};
use crate::client::ClientInfo;
use crate::limits::Bucket;
use crate::router::AppState;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, header};

/// Charges the caller's address in the bucket of the token and revocation endpoints (the
/// refresh bucket: each grant is one token request), before the body is read.
pub fn charge(state: &AppState, client: Option<&ClientInfo>) -> Result<(), OAuthError> {
    if let Some(client) = client {
        state.limits.check(Bucket::Refresh, client.limit_key())?;
    }
    Ok(())
}

/// The parameters of a form body; `invalid_request` for another content type, a body too
/// large, or a repeated parameter.
pub async fn form(headers: &HeaderMap, body: Body) -> Result<Params, OAuthError> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(OAuthError::invalid_request(
            "The body must be application/x-www-form-urlencoded.",
        ));
    }
    let bytes = to_bytes(body, MAX_PARAMS_LEN).await.map_err(|_| {
        OAuthError::invalid_request(format!("The body must be at most {MAX_PARAMS_LEN} bytes."))
    })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| OAuthError::invalid_request("The body must be UTF-8."))?;
    Params::parse(text).map_err(|bad| OAuthError::invalid_request(bad.message()))
}
