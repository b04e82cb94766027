//! Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1): HTTP Basic
//! (`client_secret_basic`) or the form's `client_id` + `client_secret` (`client_secret_post`),
//! never both; a client without a secret names itself with `client_id` alone.

use super::error::OAuthError;
use super::params::Params;
use crate::router::AppState;
use auth_return_core::model::App;
use auth_return_core::oauth::ClientAuth;
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The credentials of the request. Errors are `invalid_request` (both methods at once, or a
/// `client_id` in the form that differs from Basic's) or `invalid_client` (unreadable Basic).
pub fn client_auth(headers: &HeaderMap, form: &Params) -> Result<(ClientAuth, bool), OAuthError> {
    let basic = match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(value) => match value.strip_prefix("Basic ") {
            Some(encoded) => Some(decode_basic(encoded.trim()).ok_or_else(|| OAuthError {
                challenge: Some("Basic"),
                ..OAuthError::from(auth_return_core::Error::InvalidClient)
            })?),
            None => None,
        },
        None => None,
    };
    let Some((id, secret)) = basic else {
        return Ok((
            ClientAuth {
                client_id: form.owned("client_id"),
                secret: form.owned("client_secret"),
            },
            false,
        ));
    };
    if form.get("client_secret").is_some() {
        return Err(OAuthError::invalid_request(
            "Authenticate the client one way: HTTP Basic or client_secret in the body, not both.",
        ));
    }
    if form.get("client_id").is_some_and(|form_id| form_id != id) {
        return Err(OAuthError::invalid_request(
            "client_id differs from the client that authenticated.",
        ));
    }
    Ok((
        ClientAuth {
            client_id: Some(id),
            secret: Some(secret),
        },
        true,
    ))
}

/// The app of the authenticated client, and its credentials. A failed Basic authentication
/// carries the `WWW-Authenticate: Basic` challenge (RFC 6749 §5.2).
pub async fn authenticated_app(
    state: &AppState,
    headers: &HeaderMap,
    form: &Params,
) -> Result<(App, ClientAuth), OAuthError> {
    let (auth, used_basic) = client_auth(headers, form)?;
    match state.service.oauth_client(&auth).await {
        Ok(app) => Ok((app, auth)),
        Err(e) => {
            let mut error = OAuthError::from(e);
            if used_basic && error.code == "invalid_client" {
                error.challenge = Some("Basic");
            }
            Err(error)
        }
    }
}

/// `id:secret` from Basic credentials, each form-urlencoded first (RFC 6749 §2.3.1).
fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let bytes = STANDARD.decode(encoded).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn basic(id: &str, secret: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(header::AUTHORIZATION, v);
        }
        headers
    }

    fn form(text: &str) -> Params {
        Params::parse(text).unwrap_or_default()
    }

    #[test]
    fn basic_and_post_are_read_and_never_mixed() {
        let Ok((auth, used_basic)) = client_auth(&basic("c1", "s%3Ax"), &form("")) else {
            panic!("basic does not parse");
        };
        assert!(used_basic);
        assert_eq!(auth.client_id.as_deref(), Some("c1"));
        assert_eq!(
            auth.secret.as_deref(),
            Some("s:x"),
            "form-urlencoded before base64"
        );
        let Ok((auth, used_basic)) =
            client_auth(&HeaderMap::new(), &form("client_id=c&client_secret=s"))
        else {
            panic!("post does not parse");
        };
        assert!(!used_basic);
        assert_eq!(
            (auth.client_id.as_deref(), auth.secret.as_deref()),
            (Some("c"), Some("s"))
        );
        assert!(client_auth(&basic("c1", "s"), &form("client_secret=s")).is_err());
        assert!(client_auth(&basic("c1", "s"), &form("client_id=c2")).is_err());
        let mut garbage = HeaderMap::new();
        garbage.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert!(matches!(client_auth(&garbage, &form("")), Err(e) if e.code == "invalid_client"));
    }
}
