//! The REST answer of each error: status, a stable code and a message in `{"error","message"}`
//! (the Cognito envelope of `POST /` is in `crate::error`).

use crate::client::UnreadableForwarding;
use crate::error::{
    ErrorNote, HTTPS_REQUIRED, OVERLOAD_RETRY_SECS, set_retry_after, throttled_message,
};
use crate::limits::Throttled;
use crate::rest::error_body::{ErrorBody, FieldProblem};
use auth_return_core::provider::ProviderFailureKind;
use auth_return_core::{Error, SettingProblem};
use axum::Json;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// A REST API error: status, a stable machine code and a message.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// Seconds for a `Retry-After` header, when throttled.
    pub retry_after_secs: Option<u64>,
    /// A store or internal error behind a 500, for the log.
    pub internal: Option<Arc<Error>>,
    /// Each invalid member of a settings change (`fields` in the body; empty: absent).
    pub fields: Vec<SettingProblem>,
}

impl ApiError {
    /// A 400 for malformed input.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_request",
            message: message.into(),
            retry_after_secs: None,
            internal: None,
            fields: Vec::new(),
        }
    }

    /// A 401 for a missing or unusable bearer token.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            ..Self::bad_request(message)
        }
    }
}

/// The REST status and code of each domain error. Every variant is named, so a new one does
/// not compile until it is given its answer here.
fn rest_status(e: &Error) -> (StatusCode, &'static str) {
    match e {
        Error::InvalidParameter(_)
        | Error::InvalidSettings(_)
        | Error::Validation(_)
        | Error::InvalidPassword(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
        Error::AppNotFound
        | Error::PoolNotFound(_)
        | Error::ClientNotFound(_)
        | Error::UserNotFound
        | Error::ApiKeyNotFound
        | Error::AccessKeyNotFound
        | Error::WebhookNotFound
        | Error::GroupNotFound
        | Error::IdentityProviderNotFound(_)
        | Error::PasskeyNotFound => (StatusCode::NOT_FOUND, "not_found"),
        Error::GroupExists(_) | Error::DuplicateProvider(_) => (StatusCode::CONFLICT, "conflict"),
        Error::GroupLimitExceeded(_)
        | Error::IdentityProviderLimitExceeded(_)
        | Error::ClientLimitExceeded(_)
        | Error::CustomAttributeLimitExceeded(_) => {
            (StatusCode::CONFLICT, "limit_exceeded")
        }
        Error::InboxUnavailable => (StatusCode::NOT_FOUND, "inbox_unavailable"),
        Error::HookDenied { .. } => (StatusCode::BAD_REQUEST, "hook_denied"),
        Error::HookFailed { .. } => (StatusCode::BAD_GATEWAY, "hook_failed"),
        Error::ApiKeyLimitExceeded(_)
        | Error::AccessKeyLimitExceeded(_)
        | Error::WebhookLimitExceeded(_) => (StatusCode::CONFLICT, "limit_exceeded"),
        Error::UnrecognizedAccessKey | Error::InvalidSignature(_) | Error::IncompleteSignature(_) => {
            (StatusCode::UNAUTHORIZED, "unauthorized")
        }
        Error::AccessKeyDenied(_) => (StatusCode::FORBIDDEN, "forbidden"),
        Error::UserApiKeysDisabled => (StatusCode::FORBIDDEN, "user_api_keys_disabled"),
        Error::RecentSignInRequired(_) => (StatusCode::FORBIDDEN, "recent_sign_in_required"),
        Error::MissingCredentials
        | Error::BadCredentials
        | Error::InvalidAccessToken
        | Error::AccessTokenExpired
        | Error::AccessTokenRevoked
        | Error::UserDisabled => (StatusCode::UNAUTHORIZED, "unauthorized"),
        Error::UsernameExists | Error::AliasExists | Error::UserAccountExists => {
            (StatusCode::CONFLICT, "conflict")
        }
        Error::Overloaded => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        Error::ExternalPool { .. } | Error::NotForExternalPool { .. } => {
            (StatusCode::CONFLICT, "external_pool")
        }
        Error::ProviderNotConfigured(_) => (StatusCode::BAD_REQUEST, "provider_not_configured"),
        Error::Provider(failure) => match failure.kind {
            ProviderFailureKind::Invalid => (StatusCode::BAD_REQUEST, "invalid_request"),
            ProviderFailureKind::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ProviderFailureKind::Throttled => (StatusCode::SERVICE_UNAVAILABLE, "provider_throttled"),
            ProviderFailureKind::QuotaExceeded => (StatusCode::CONFLICT, "provider_quota_exceeded"),
            ProviderFailureKind::NotPermitted => (StatusCode::BAD_GATEWAY, "provider_not_permitted"),
            ProviderFailureKind::Unavailable => (StatusCode::BAD_GATEWAY, "provider_unavailable"),
        },
        Error::Store(_) | Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        // Sign-in, code and refresh outcomes of `POST /`: no REST route meets them today, and
        // should one, a plain 400 is the answer.
        Error::IncorrectCredentials
        | Error::BadSecretHash(_)
        | Error::BadClientSecret(_)
        | Error::ChallengeExpired
        | Error::InvalidRefreshToken
        | Error::RefreshTokenExpired
        | Error::RefreshTokenRevoked
        | Error::RefreshTokenReused
        | Error::TemporaryPasswordExpired
        | Error::NotAuthorizedState(_)
        | Error::UnsupportedUserState(_)
        | Error::PasswordAttemptsExceeded
        | Error::AttemptLimitExceeded
        | Error::SignUpNotPermitted
        | Error::InvitationLimitExceeded(_)
        | Error::UserNotConfirmed
        | Error::PasswordResetRequired
        | Error::CannotConfirm(_)
        | Error::CodeMismatch
        | Error::MfaCodeMismatch
        | Error::SoftwareTokenMismatch
        | Error::SoftwareTokenNotFound
        | Error::WebAuthnNotEnabled
        | Error::WebAuthnConfigurationMissing
        | Error::WebAuthnChallengeNotFound
        | Error::WebAuthnOriginNotAllowed
        | Error::WebAuthnRelyingPartyMismatch
        | Error::WebAuthnClientMismatch
        | Error::WebAuthnCredentialNotSupported(_)
        | Error::WebAuthnCredentialExists
        | Error::PasskeyLimitExceeded(_)
        | Error::PasskeyRefused
        | Error::CodeExpired
        | Error::CodeAttemptsExceeded
        | Error::UnsupportedTokenType
        | Error::ClientUnauthorized
        | Error::DeliveryFailed
        // The OAuth 2.0 endpoints' outcomes (answered in their own shape, `oauth/error.rs`).
        | Error::InvalidClient
        | Error::InvalidGrant(_)
        | Error::InvalidScope(_)
        | Error::UnauthorizedClient(_)
        | Error::UnsupportedGrantType(_)
        | Error::UnsupportedResponseType(_)
        | Error::LoginRequired
        | Error::RedirectUriNotRegistered
        | Error::FederatedSignInFailed(_) => (StatusCode::BAD_REQUEST, "bad_request"),
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let (status, code) = rest_status(&e);
        let retry_after_secs = matches!(e, Error::Overloaded).then_some(OVERLOAD_RETRY_SECS);
        if let Error::Store(_) | Error::Internal(_) = e {
            return Self {
                status,
                code,
                message: "An internal error occurred.".into(),
                retry_after_secs,
                internal: Some(Arc::new(e)),
                fields: Vec::new(),
            };
        }
        let message = e.to_string();
        let fields = match e {
            Error::InvalidSettings(problems) => problems,
            _ => Vec::new(),
        };
        Self {
            status,
            code,
            retry_after_secs,
            message,
            internal: None,
            fields,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(ErrorBody {
            error: self.code,
            message: self.message,
            fields: self
                .fields
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.field,
                    message: p.message,
                })
                .collect(),
        });
        let mut response = (self.status, body).into_response();
        set_retry_after(&mut response, self.retry_after_secs);
        if self.status == StatusCode::UNAUTHORIZED {
            // RFC 6750 §3.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
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

impl ApiError {
    /// 403 `https_required`: a plain-HTTP request from a non-loopback address.
    pub fn https_required() -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            code: "https_required",
            ..Self::bad_request(HTTPS_REQUIRED)
        }
    }
}

impl From<Throttled> for ApiError {
    fn from(t: Throttled) -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "too_many_requests",
            message: throttled_message(t),
            retry_after_secs: Some(t.retry_after_secs),
            internal: None,
            fields: Vec::new(),
        }
    }
}

/// A body that could not be read (413 when it is larger than the server takes), answered in
/// this shape with the rejection's status.
impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        Self {
            status: rejection.status(),
            ..Self::bad_request(rejection.body_text())
        }
    }
}

/// A trusted proxy's forwarding header that cannot be read: 400 `invalid_request`.
impl From<UnreadableForwarding> for ApiError {
    fn from(e: UnreadableForwarding) -> Self {
        Self::bad_request(e.to_string())
    }
}
