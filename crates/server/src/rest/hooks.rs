//! `POST /api/apps/{app_id}/hooks/secret`: the app's owner makes a new secret to sign its hook
//! calls with (the hooks themselves are settings: `PATCH /api/apps/{id}` with `"hooks"`).

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, PathId, RequestCaller};
use crate::rest::error_body::ErrorBody;
use crate::router::AppState;
use auth_return_core::AppId;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tracing::instrument;
use utoipa::ToSchema;

/// `POST /api/apps/{app_id}/hooks/secret` answer.
#[derive(Serialize, ToSchema)]
pub struct HookSecret {
    /// The secret the app's hook calls are signed with from now on.
    secret: String,
}

/// A new hook secret; the answer is the only place it appears.
#[utoipa::path(post, path = "/api/apps/{app_id}/hooks/secret", tag = "hooks",
    operation_id = "hooks_rotate_secret",
    security(("console_token" = [])),
    params(PathId<AppId>),
    responses(
        (status = 200, description = "The new secret, shown this once.", body = HookSecret),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 409, description = "The app's pool lives with a provider: no hooks run for it.", body = ErrorBody),
    ),
)]
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
        Json(HookSecret { secret }),
    )
        .into_response())
}
