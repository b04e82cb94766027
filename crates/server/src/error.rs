//! The one mapping from domain errors to the wire: Cognito `__type` + message
//! (docs/cognito-protocol.md §1.2, §7) for `POST /`, and `{"error","message"}` bodies for the REST
//! API (`rest/error.rs`). Internal errors are answered with a bare message; every error answer carries an
//! [`ErrorNote`] that `crate::trace::log_errors` logs once, internal ones with their detail.

use crate::client::UnreadableForwarding;
use crate::limits::Throttled;
use auth_return_core::Error;
use auth_return_core::provider::ProviderFailureKind;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;

pub use crate::rest::error::ApiError;

/// The Cognito content type.
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// What an error answer tells the logging middleware (`crate::trace::log_errors`), as a response
/// extension: its code and, for our own faults, the error with the detail no client sees.
#[derive(Clone, Debug)]
pub struct ErrorNote {
    /// The Cognito exception name or the REST error code.
    pub code: &'static str,
    /// A store or internal error, to be logged with its detail.
    pub internal: Option<Arc<Error>>,
}

impl ErrorNote {
    /// Attaches the note to an answer.
    pub(crate) fn attach(self, response: &mut Response) {
        response.extensions_mut().insert(self);
    }
}

/// A Cognito protocol error: `__type`, message and HTTP status.
#[derive(Debug)]
pub struct CognitoError {
    /// The exception name, e.g. `NotAuthorizedException`.
    pub kind: &'static str,
    /// The human-readable message.
    pub message: String,
    /// 400 for client faults, 500 for ours.
    pub status: StatusCode,
    /// Seconds for a `Retry-After` header (RFC 9110 §10.2.3), when throttled.
    pub retry_after_secs: Option<u64>,
    /// A store or internal error behind a 500, for the log.
    pub internal: Option<Arc<Error>>,
}

impl CognitoError {
    /// A client-fault error.
    pub fn client(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: StatusCode::BAD_REQUEST,
            retry_after_secs: None,
            internal: None,
        }
    }

    /// Our fault; the detail was logged where it happened.
    pub fn internal() -> Self {
        Self {
            kind: "InternalErrorException",
            message: "An internal error occurred.".into(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
            retry_after_secs: None,
            internal: None,
        }
    }

    /// Malformed input.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::client("InvalidParameterException", message)
    }
}

/// What a throttled client is told to wait: the per-client buckets know exactly.
pub(crate) fn throttled_message(t: Throttled) -> String {
    format!(
        "Too many requests from this address; retry in {} s.",
        t.retry_after_secs
    )
}

impl From<Throttled> for CognitoError {
    fn from(t: Throttled) -> Self {
        Self {
            retry_after_secs: Some(t.retry_after_secs),
            ..Self::client("TooManyRequestsException", throttled_message(t))
        }
    }
}

/// `Retry-After` of an answer shed by the busy crypto pool: soon, it drains in milliseconds.
pub(crate) const OVERLOAD_RETRY_SECS: u64 = 1;

/// Adds `Retry-After` when there is one.
pub(crate) fn set_retry_after(response: &mut Response, secs: Option<u64>) {
    if let Some(secs) = secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
}

impl From<Error> for CognitoError {
    fn from(e: Error) -> Self {
        let kind = match &e {
            Error::InvalidParameter(_) | Error::InvalidSettings(_) => "InvalidParameterException",
            Error::HookDenied { .. } => "UserLambdaValidationException",
            Error::HookFailed { .. } => "UnexpectedLambdaException",
            Error::Validation(violation) => {
                return Self::invalid(crate::cognito::validation::message(violation));
            }
            Error::InvalidPassword(_) => "InvalidPasswordException",
            Error::ClientNotFound(_)
            | Error::PoolNotFound(_)
            | Error::ApiKeyNotFound
            | Error::AccessKeyNotFound
            | Error::WebhookNotFound
            | Error::InboxUnavailable => "ResourceNotFoundException",
            Error::ApiKeyLimitExceeded(_)
            | Error::AccessKeyLimitExceeded(_)
            | Error::WebhookLimitExceeded(_) => "LimitExceededException",
            // AWS's own names for a request whose SigV4 credentials fail.
            Error::UnrecognizedAccessKey => "UnrecognizedClientException",
            Error::InvalidSignature(_) => "InvalidSignatureException",
            Error::IncompleteSignature(_) => "IncompleteSignature",
            Error::AccessKeyDenied(_) => "AccessDeniedException",
            Error::UserApiKeysDisabled | Error::RecentSignInRequired(_) => "NotAuthorizedException",
            Error::AppNotFound => {
                return Self::client("ResourceNotFoundException", "App does not exist.");
            }
            Error::IncorrectCredentials
            | Error::UserDisabled
            | Error::BadSecretHash(_)
            | Error::BadClientSecret(_)
            | Error::ChallengeExpired
            | Error::InvalidAccessToken
            | Error::AccessTokenExpired
            | Error::AccessTokenRevoked
            | Error::InvalidRefreshToken
            | Error::RefreshTokenExpired
            | Error::RefreshTokenRevoked
            | Error::CannotConfirm(_) => "NotAuthorizedException",
            Error::TemporaryPasswordExpired
            | Error::NotAuthorizedState(_)
            | Error::PasswordAttemptsExceeded
            | Error::SignUpNotPermitted => "NotAuthorizedException",
            Error::AttemptLimitExceeded | Error::InvitationLimitExceeded(_) => {
                "LimitExceededException"
            }
            Error::RefreshTokenReused => "RefreshTokenReuseException",
            Error::AliasExists => "AliasExistsException",
            Error::UserAccountExists => "UsernameExistsException",
            Error::UnsupportedUserState(_) => "UnsupportedUserStateException",
            Error::UserNotConfirmed => "UserNotConfirmedException",
            Error::PasswordResetRequired => "PasswordResetRequiredException",
            Error::UserNotFound => "UserNotFoundException",
            Error::GroupExists(_) => "GroupExistsException",
            Error::GroupNotFound | Error::IdentityProviderNotFound(_) => {
                "ResourceNotFoundException"
            }
            Error::DuplicateProvider(_) => "DuplicateProviderException",
            Error::GroupLimitExceeded(_)
            | Error::IdentityProviderLimitExceeded(_)
            | Error::ClientLimitExceeded(_)
            | Error::CustomAttributeLimitExceeded(_) => "LimitExceededException",
            Error::ExternalPool { .. } => "ResourceNotFoundException",
            Error::ProviderNotConfigured(_) | Error::NotForExternalPool { .. } => {
                "InvalidParameterException"
            }
            Error::Provider(failure) => match failure.kind {
                ProviderFailureKind::Invalid => "InvalidParameterException",
                ProviderFailureKind::NotFound => "ResourceNotFoundException",
                ProviderFailureKind::Throttled => "TooManyRequestsException",
                ProviderFailureKind::QuotaExceeded => "LimitExceededException",
                // The provider's fault, not the caller's: a 500 with the provider's reason.
                ProviderFailureKind::NotPermitted | ProviderFailureKind::Unavailable => {
                    return Self {
                        message: failure.message.clone(),
                        ..Self::internal()
                    };
                }
            },
            Error::UsernameExists => "UsernameExistsException",
            Error::CodeMismatch | Error::MfaCodeMismatch => "CodeMismatchException",
            Error::SoftwareTokenMismatch => "EnableSoftwareTokenMFAException",
            Error::SoftwareTokenNotFound => "SoftwareTokenMFANotFoundException",
            Error::WebAuthnNotEnabled => "WebAuthnNotEnabledException",
            Error::WebAuthnConfigurationMissing => "WebAuthnConfigurationMissingException",
            Error::WebAuthnChallengeNotFound => "WebAuthnChallengeNotFoundException",
            Error::WebAuthnOriginNotAllowed => "WebAuthnOriginNotAllowedException",
            Error::WebAuthnRelyingPartyMismatch => "WebAuthnRelyingPartyMismatchException",
            Error::WebAuthnClientMismatch => "WebAuthnClientMismatchException",
            Error::WebAuthnCredentialNotSupported(_) | Error::WebAuthnCredentialExists => {
                "WebAuthnCredentialNotSupportedException"
            }
            Error::PasskeyLimitExceeded(_) => "LimitExceededException",
            Error::PasskeyNotFound => "ResourceNotFoundException",
            Error::PasskeyRefused => "NotAuthorizedException",
            Error::CodeExpired => "ExpiredCodeException",
            Error::CodeAttemptsExceeded => "LimitExceededException",
            Error::UnsupportedTokenType => "UnsupportedTokenTypeException",
            Error::ClientUnauthorized => "UnauthorizedException",
            Error::MissingCredentials => "MissingAuthenticationTokenException",
            Error::BadCredentials => "UnrecognizedClientException",
            Error::DeliveryFailed => "CodeDeliveryFailureException",
            Error::Overloaded => "TooManyRequestsException",
            // The OAuth 2.0 endpoints answer these in their own shape (`oauth/error.rs`).
            Error::InvalidClient
            | Error::InvalidGrant(_)
            | Error::UnauthorizedClient(_)
            | Error::LoginRequired => "NotAuthorizedException",
            Error::InvalidScope(_)
            | Error::UnsupportedGrantType(_)
            | Error::UnsupportedResponseType(_)
            | Error::RedirectUriNotRegistered
            | Error::FederatedSignInFailed(_) => "InvalidParameterException",
            Error::Store(_) | Error::Internal(_) => {
                return Self {
                    internal: Some(Arc::new(e)),
                    ..Self::internal()
                };
            }
        };
        let retry_after_secs = matches!(e, Error::Overloaded).then_some(OVERLOAD_RETRY_SECS);
        Self {
            retry_after_secs,
            ..Self::client(kind, e.to_string())
        }
    }
}

impl IntoResponse for CognitoError {
    fn into_response(self) -> Response {
        let body = json!({ "__type": self.kind, "message": self.message });
        let mut response = (self.status, body.to_string()).into_response();
        set_retry_after(&mut response, self.retry_after_secs);
        ErrorNote {
            code: self.kind,
            internal: self.internal,
        }
        .attach(&mut response);
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
        if let Ok(v) = HeaderValue::from_str(&format!("{}:", self.kind)) {
            headers.insert(HeaderName::from_static("x-amzn-errortype"), v);
        }
        // Header values must be visible ASCII; the body carries the exact text regardless.
        let ascii: String = self
            .message
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        if let Ok(v) = HeaderValue::from_str(&ascii) {
            headers.insert(HeaderName::from_static("x-amzn-errormessage"), v);
        }
        response
    }
}

/// A trusted proxy's forwarding header that cannot be read: 400 `InvalidParameterException`.
impl From<UnreadableForwarding> for CognitoError {
    fn from(e: UnreadableForwarding) -> Self {
        Self::invalid(e.to_string())
    }
}

/// Why a plain-HTTP request from a non-loopback address is refused (see `https.rs`).
pub const HTTPS_REQUIRED: &str = "HTTPS is required: plain HTTP is accepted only from loopback \
     addresses. Use https:// or put a TLS-terminating proxy listed in --trusted-proxies in front.";

impl CognitoError {
    /// 403 `AccessDeniedException`: a plain-HTTP call from a non-loopback address.
    pub fn https_required() -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            ..Self::client("AccessDeniedException", HTTPS_REQUIRED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use auth_return_core::ClientId;

    #[test]
    fn domain_errors_map_to_cognito_types_and_messages() {
        let cases: Vec<(Error, &str, &str)> = vec![
            (
                Error::IncorrectCredentials,
                "NotAuthorizedException",
                "Incorrect username or password.",
            ),
            (
                Error::UserNotConfirmed,
                "UserNotConfirmedException",
                "User is not confirmed.",
            ),
            (
                Error::CodeMismatch,
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
            ),
            (
                Error::CodeExpired,
                "ExpiredCodeException",
                "Invalid code provided, please request a code again.",
            ),
            (
                Error::UsernameExists,
                "UsernameExistsException",
                "An account with the given email already exists.",
            ),
            (
                Error::InvalidPassword("Password not long enough"),
                "InvalidPasswordException",
                "Password did not conform with policy: Password not long enough",
            ),
            (
                Error::ClientNotFound(ClientId::new("abc")),
                "ResourceNotFoundException",
                "User pool client abc does not exist.",
            ),
            (
                Error::BadSecretHash(ClientId::new("abc")),
                "NotAuthorizedException",
                "Unable to verify secret hash for client abc",
            ),
            (
                Error::AccessTokenRevoked,
                "NotAuthorizedException",
                "Access Token has been revoked",
            ),
            (
                Error::RefreshTokenRevoked,
                "NotAuthorizedException",
                "Refresh Token has been revoked",
            ),
        ];
        for (error, kind, message) in cases {
            let mapped = CognitoError::from(error);
            assert_eq!(
                (mapped.kind, mapped.message.as_str(), mapped.status),
                (kind, message, StatusCode::BAD_REQUEST)
            );
        }
    }

    #[test]
    fn client_text_in_the_error_message_header_cannot_split_headers() {
        let response =
            CognitoError::invalid("Unsupported target a\r\nSet-Cookie: x=1\u{7f}é").into_response();
        let header = response.headers()["x-amzn-errormessage"].to_str().unwrap();
        assert_eq!(header, "Unsupported target a  Set-Cookie: x=1  ");
        assert!(response.headers().get(header::SET_COOKIE).is_none());
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let mapped = CognitoError::from(Error::Internal(
            "database file /secret/path is locked".into(),
        ));
        assert_eq!(mapped.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(mapped.kind, "InternalErrorException");
        assert!(!mapped.message.contains("secret"));
        let api = ApiError::from(Error::Internal("driver said: password=hunter2".into()));
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!api.message.contains("hunter2"));
        // The detail goes to the log, through the answer's note, and nowhere else.
        let response = api.into_response();
        let note = response.extensions().get::<ErrorNote>().unwrap();
        assert_eq!(note.code, "internal");
        assert!(
            note.internal
                .as_ref()
                .unwrap()
                .to_string()
                .contains("hunter2")
        );
        let response = mapped.into_response();
        let note = response.extensions().get::<ErrorNote>().unwrap();
        assert!(
            note.internal
                .as_ref()
                .unwrap()
                .to_string()
                .contains("secret")
        );
    }

    #[test]
    fn throttled_and_overloaded_answers_say_when_to_retry() {
        let throttled = Throttled {
            retry_after_secs: 7,
        };
        let response = CognitoError::from(throttled).into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()["x-amzn-errortype"],
            "TooManyRequestsException:"
        );
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let response = ApiError::from(throttled).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");

        let shed = CognitoError::from(Error::Overloaded);
        assert_eq!(
            (shed.kind, shed.retry_after_secs),
            ("TooManyRequestsException", Some(1))
        );
        let response = ApiError::from(Error::Overloaded).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        // Other errors carry no Retry-After.
        let response = CognitoError::from(Error::IncorrectCredentials).into_response();
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }

    #[test]
    fn error_responses_carry_the_type_in_body_and_header() {
        let response = CognitoError::from(Error::IncorrectCredentials).into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()["x-amzn-errortype"],
            "NotAuthorizedException:"
        );
        assert_eq!(
            response.headers()["x-amzn-errormessage"],
            "Incorrect username or password."
        );
        assert_eq!(response.headers()[header::CONTENT_TYPE], AMZ_JSON);
    }
}
