//! `POST /`: the Cognito Identity Provider JSON protocol (docs/cognito-protocol.md §1): one
//! dispatcher on `X-Amz-Target`, lenient request parsing, Cognito's error envelope.

mod admin;
mod auth;
mod cors;

pub use cors::{EXPOSED_HEADERS, preflight};
mod profile;
mod recovery;
mod session;
mod signup;
mod throttle;
mod wire;

use crate::client::ClientInfo;
use crate::error::{AMZ_JSON, CognitoError};
use crate::router::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest request body accepted (64 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// The target prefix every operation name carries.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// What an operation answers: the serialized output shape, or an error.
type Answer = Result<Vec<u8>, CognitoError>;

/// Serializes an output shape.
fn answer<T: Serialize>(output: &T) -> Answer {
    serde_json::to_vec(output).map_err(|e| {
        tracing::error!(error = %e, "response serialization");
        CognitoError::internal()
    })
}

/// `{}`: the body of operations without output (Amplify needs a body,
/// docs/cognito-protocol.md §1.2).
fn empty() -> Answer {
    Ok(b"{}".to_vec())
}

/// Parses a request shape; an empty body counts as `{}`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, CognitoError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| CognitoError::invalid(format!("Malformed request body: {e}")))
}

/// The `POST /` handler.
pub async fn handle(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    request_headers: HeaderMap,
    body: Body,
) -> Response {
    let client = client.map(|Extension(c)| c);
    // The id every answer carries in `x-request-id` (`trace.rs`), under Cognito's name too.
    let request_id = crate::trace::request_id(&request_headers).to_owned();
    let (body, result) = match to_bytes(body, MAX_BODY).await {
        Ok(body) => {
            let result = dispatch(&state, client, &request_headers, &body).await;
            (body, result)
        }
        Err(_) => (
            axum::body::Bytes::new(),
            Err(CognitoError::invalid(format!(
                "Request body must not exceed {MAX_BODY} bytes"
            ))),
        ),
    };
    let mut response = match result {
        Ok(bytes) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
            r
        }
        Err(e) => e.into_response(),
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert(HeaderName::from_static("x-amzn-requestid"), v);
    }
    // Answers carry tokens: never cache them (RFC 6749 §5.1).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    cors::grant(&state.service, &request_headers, &body, &mut response).await;
    response
}

async fn dispatch(
    state: &AppState,
    client: Option<ClientInfo>,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CognitoError::invalid("Missing X-Amz-Target header"))?;
    let operation = target
        .strip_prefix(TARGET_PREFIX)
        .ok_or_else(|| CognitoError::invalid(format!("Unsupported target {}", truncate(target))))?;
    if let (Some(bucket), Some(client)) = (throttle::bucket(operation, body), client) {
        state.limits.check(bucket, client.limit_key())?;
    }
    let service = state.service.as_ref();
    match operation {
        "SignUp" => signup::sign_up(service, parse(body)?).await,
        "ConfirmSignUp" => signup::confirm_sign_up(service, parse(body)?).await,
        "ResendConfirmationCode" => signup::resend_confirmation_code(service, parse(body)?).await,
        "InitiateAuth" => auth::initiate_auth(service, parse(body)?).await,
        "RespondToAuthChallenge" => auth::respond_to_auth_challenge(service, parse(body)?).await,
        "GetTokensFromRefreshToken" => {
            auth::get_tokens_from_refresh_token(service, parse(body)?).await
        }
        "ForgotPassword" => recovery::forgot_password(service, parse(body)?).await,
        "ConfirmForgotPassword" => recovery::confirm_forgot_password(service, parse(body)?).await,
        "GetUser" => session::get_user(service, parse(body)?).await,
        "GlobalSignOut" => session::global_sign_out(service, parse(body)?).await,
        "RevokeToken" => session::revoke_token(service, parse(body)?).await,
        "ChangePassword" => profile::change_password(service, parse(body)?).await,
        "UpdateUserAttributes" => profile::update_user_attributes(service, parse(body)?).await,
        "GetUserAttributeVerificationCode" => {
            profile::get_user_attribute_verification_code(service, parse(body)?).await
        }
        "VerifyUserAttribute" => profile::verify_user_attribute(service, parse(body)?).await,
        "DeleteUser" => profile::delete_user(service, parse(body)?).await,
        "AdminConfirmSignUp" => admin::admin_confirm_sign_up(service, headers, parse(body)?).await,
        "AdminCreateUser" => admin::admin_create_user(service, headers, parse(body)?).await,
        "AdminGetUser" => admin::admin_get_user(service, headers, parse(body)?).await,
        "AdminDeleteUser" => admin::admin_delete_user(service, headers, parse(body)?).await,
        "AdminDisableUser" => admin::admin_set_enabled(service, headers, parse(body)?, false).await,
        "AdminEnableUser" => admin::admin_set_enabled(service, headers, parse(body)?, true).await,
        "AdminSetUserPassword" => {
            admin::admin_set_user_password(service, headers, parse(body)?).await
        }
        "AdminResetUserPassword" => {
            admin::admin_reset_user_password(service, headers, parse(body)?).await
        }
        "AdminUserGlobalSignOut" => {
            admin::admin_user_global_sign_out(service, headers, parse(body)?).await
        }
        "ListUsers" => admin::list_users(service, headers, parse(body)?).await,
        other => Err(CognitoError::invalid(format!(
            "Operation {} is not supported.",
            truncate(other)
        ))),
    }
}

/// Echoes at most 64 characters of client input in messages.
fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}
