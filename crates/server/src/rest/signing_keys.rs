//! `/api/apps/{id}/signing-keys`: the owning developer lists and rotates an app's signing keys,
//! as `auth-return keys signing` and `keys rotate` do for the operator.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, PathId, RequestCaller};
use crate::rest::error_body::ErrorBody;
use crate::router::AppState;
use auth_return_core::AppId;
use auth_return_core::key_rotation::KeyInfo;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use serde::{Deserialize, Serialize};
use tracing::field::{Empty, display};
use tracing::{Span, instrument};
use utoipa::ToSchema;

/// `POST /api/apps/{id}/signing-keys/rotate` body (optional).
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateRequest {
    /// A leaked key: the new key signs at once and every older key is withdrawn now.
    #[serde(default)]
    emergency: bool,
}

/// The keys of an app, newest first.
#[derive(Serialize, ToSchema)]
#[schema(as = SigningKeyList)]
pub struct KeyList {
    /// The keys, newest first.
    keys: Vec<KeyInfo>,
}

/// `GET /api/apps/{id}/signing-keys`: the app's keys and their states.
#[utoipa::path(get, path = "/api/apps/{app_id}/signing-keys", tag = "signing keys",
    operation_id = "signing_keys_list",
    security(("console_token" = [])),
    params(PathId<AppId>),
    responses(
        (status = 200, description = "The app's signing keys, newest first.", body = KeyList),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 409, description = "The app's pool lives with a provider, which signs its tokens.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<KeyList>, ApiError> {
    let keys = state.service.signing_keys(actor, &app_id).await?;
    Ok(Json(KeyList { keys }))
}

/// `POST /api/apps/{id}/signing-keys/rotate`: publishes a new key.
#[utoipa::path(post, path = "/api/apps/{app_id}/signing-keys/rotate", tag = "signing keys",
    operation_id = "signing_keys_rotate",
    security(("console_token" = [])),
    params(PathId<AppId>),
    request_body(content = Option<RotateRequest>, description = "Optional: an empty body is a planned rotation."),
    responses(
        (status = 200, description = "The app's signing keys after the rotation, newest first.", body = KeyList),
        (status = 400, description = "A body that is not a JSON object of this shape.", body = ErrorBody),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 409, description = "The app's pool lives with a provider, which signs its tokens.", body = ErrorBody),
        (status = 413, description = "The body is larger than the server takes.", body = ErrorBody),
        (status = 429, description = "The server is too busy to make a key now (`Retry-After` says when to retry).", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = Empty, emergency = Empty))]
pub async fn rotate(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    // Checked after the body, as before ids were typed: a bad body is answered first.
    app_id: Result<PathId<AppId>, ApiError>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<KeyList>, ApiError> {
    let body = body.map_err(ApiError::from)?;
    let request = if body.iter().all(u8::is_ascii_whitespace) {
        RotateRequest::default()
    } else {
        rotate_request(&body)?
    };
    let PathId(app_id) = app_id?;
    Span::current()
        .record("app_id", display(&app_id))
        .record("emergency", request.emergency);
    let keys = state
        .service
        .rotate_signing_key(actor, &app_id, request.emergency, &caller)
        .await?;
    Ok(Json(KeyList { keys }))
}

/// The body as a JSON object (serde would also take an array for a struct).
fn rotate_request(body: &[u8]) -> Result<RotateRequest, ApiError> {
    let bad = |e: serde_json::Error| ApiError::bad_request(e.to_string());
    match serde_json::from_slice(body).map_err(bad)? {
        object @ serde_json::Value::Object(_) => serde_json::from_value(object).map_err(bad),
        _ => Err(ApiError::bad_request("the body must be a JSON object")),
    }
}
