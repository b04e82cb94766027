//! `/api/apps/{id}/signing-keys`: the owning developer lists and rotates an app's signing keys,
//! as `auth-return keys signing` and `keys rotate` do for the operator.

use crate::error::ApiError;
use crate::extract::ConsoleDeveloper;
use crate::router::AppState;
use auth_return_core::key_rotation::KeyInfo;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

/// `POST /api/apps/{id}/signing-keys/rotate` body (optional).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateRequest {
    /// A leaked key: the new key signs at once and every older key is withdrawn now.
    #[serde(default)]
    emergency: bool,
}

/// The keys of an app, newest first.
#[derive(Serialize)]
pub struct KeyList {
    keys: Vec<KeyInfo>,
}

pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
    Path(app_id): Path<String>,
) -> Result<Json<KeyList>, ApiError> {
    let keys = state.service.signing_keys(scope, &app_id).await?;
    Ok(Json(KeyList { keys }))
}

pub async fn rotate(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
    Path(app_id): Path<String>,
    body: Bytes,
) -> Result<Json<KeyList>, ApiError> {
    let request = if body.iter().all(u8::is_ascii_whitespace) {
        RotateRequest::default()
    } else {
        rotate_request(&body)?
    };
    let keys = state
        .service
        .rotate_signing_key(scope, &app_id, request.emergency)
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
