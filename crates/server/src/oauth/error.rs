//! The OAuth 2.0 wire's errors: `{"error", "error_description"}` bodies for the token,
//! revocation and userinfo endpoints (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 6750 §3.1), and the
//! `error` parameters an authorization request is redirected back with (RFC 6749 §4.1.2.1).
//! Internal errors are logged, never described.

use crate::error::{ErrorNote, set_retry_after, throttled_message};
use crate::limits::Throttled;
use auth_return_core::Error;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

/// An OAuth 2.0 error answer.
#[derive(Debug)]
pub struct OAuthError {
    /// HTTP status of a JSON answer.
    pub status: StatusCode,
    /// The registered error code (`invalid_grant`, …).
    pub code: &'static str,
    /// Safe to show.
    pub description: String,
    /// `WWW-Authenticate` to send: a client that authenticated with HTTP Basic (RFC 6749 §5.2),
    /// or a bearer token that failed (RFC 6750 §3).
    pub challenge: Option<&'static str>,
    /// A store or internal error, for the log.
    pub internal: Option<Arc<Error>>,
    /// Seconds for `Retry-After`, when throttled.
    pub retry_after_secs: Option<u64>,
}

impl OAuthError {
    /// A 400 with `code`.
    pub fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            description: description.into(),
            challenge: None,
            internal: None,
            retry_after_secs: None,
        }
    }

    /// `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new("invalid_request", description)
    }

    /// `invalid_token` for a bearer token the userinfo endpoint cannot use (RFC 6750 §3.1).
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            challenge: Some("Bearer error=\"invalid_token\""),
            ..Self::new("invalid_token", description)
        }
    }
}

impl From<Error> for OAuthError {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::InvalidClient => {
                return Self {
                    status: StatusCode::UNAUTHORIZED,
                    ..Self::new("invalid_client", e.to_string())
                };
            }
            Error::InvalidGrant(_) => "invalid_grant",
            Error::InvalidScope(_) => "invalid_scope",
            Error::UnauthorizedClient(_) | Error::ClientUnauthorized => "unauthorized_client",
            Error::UnsupportedGrantType(_) => "unsupported_grant_type",
            Error::UnsupportedResponseType(_) => "unsupported_response_type",
            Error::UnsupportedTokenType => "unsupported_token_type",
            Error::LoginRequired => "login_required",
            Error::InvalidAccessToken
            | Error::AccessTokenExpired
            | Error::AccessTokenRevoked
            | Error::UserDisabled
            | Error::UserNotFound => return Self::invalid_token(e.to_string()),
            Error::Overloaded => {
                return Self {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    ..Self::new("temporarily_unavailable", e.to_string())
                };
            }
            Error::Store(_) | Error::Internal(_) => {
                return Self {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    internal: Some(Arc::new(e)),
                    ..Self::new("server_error", "An internal error occurred.")
                };
            }
            _ => "invalid_request",
        };
        Self::new(code, e.to_string())
    }
}

/// A client over its per-address limit: 429 with `Retry-After` (RFC 6585 §4), the error
/// `temporarily_unavailable`.
impl From<Throttled> for OAuthError {
    fn from(t: Throttled) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after_secs: Some(t.retry_after_secs),
            ..Self::new("temporarily_unavailable", throttled_message(t))
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "error_description": self.description });
        let mut response = (self.status, Json(body)).into_response();
        set_retry_after(&mut response, self.retry_after_secs);
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(challenge) = self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        ErrorNote {
            code: self.code,
            internal: self.internal,
        }
        .attach(&mut response);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_get_their_registered_codes() {
        let cases = [
            (Error::InvalidClient, 401, "invalid_client"),
            (Error::InvalidGrant("x"), 400, "invalid_grant"),
            (Error::InvalidScope("x".into()), 400, "invalid_scope"),
            (Error::UnauthorizedClient("x"), 400, "unauthorized_client"),
            (
                Error::UnsupportedGrantType("x".into()),
                400,
                "unsupported_grant_type",
            ),
            (Error::InvalidParameter("x".into()), 400, "invalid_request"),
            (Error::AccessTokenRevoked, 401, "invalid_token"),
            (Error::Internal("secret detail".into()), 500, "server_error"),
        ];
        for (error, status, code) in cases {
            let mapped = OAuthError::from(error);
            assert_eq!((mapped.status.as_u16(), mapped.code), (status, code));
            assert!(!mapped.description.contains("secret detail"));
        }
    }
}
