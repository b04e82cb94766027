//! `POST /api/apps/{app_id}/hooks/secret`: the app's owner makes a new secret to sign its hook
//! calls with (the hooks themselves are settings: `PATCH /api/apps/{id}` with `"hooks"`).

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, PathId, RequestCaller};
use crate::router::AppState;
use auth_return_core::AppId;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tracing::instrument;

/// A new hook secret; the answer is the only place it appears.
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    PathId(app_id): PathId<AppId>,
) -> Result<Response, ApiError> {
    let secret = state
        .service
        .rotate_hook_secret(actor, &app_id, &caller)
        .await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(json!({ "secret": secret })),
    )
        .into_response())
}
