//! `GET /api/apps/{id}/inbox`: the development inbox, the messages the outbox kept for an app
//! (codes and invitations), for its developer; 404 `inbox_unavailable` when SMTP delivers mail.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, PathId};
use crate::rest::error_body::ErrorBody;
use crate::rest::params::page_size;
use crate::router::AppState;
use auth_return_core::AppId;
use auth_return_core::inbox::MAX_INBOX_SIZE;
use auth_return_core::mail::KeptMail;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

/// `GET /api/apps/{id}/inbox` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// Messages to show, 1–100 (default 20).
    #[param(schema_with = limit_schema)]
    limit: Option<String>,
}

/// The `limit` parameter's schema: [`page_size`] up to [`MAX_INBOX_SIZE`].
fn limit_schema() -> Schema {
    page_size(MAX_INBOX_SIZE)
}

/// `GET /api/apps/{id}/inbox` answer.
#[derive(Serialize, ToSchema)]
pub struct InboxView {
    /// The messages, newest first.
    messages: Vec<KeptMail>,
}

/// `GET /api/apps/{id}/inbox`: the app's kept messages, newest first; never cached (they hold
/// live codes).
#[utoipa::path(get, path = "/api/apps/{app_id}/inbox", tag = "inbox",
    operation_id = "inbox_list",
    security(("console_token" = [])),
    params(PathId<AppId>, InboxParams),
    responses(
        (status = 200, description = "The kept messages, newest first.", body = InboxView),
        (status = 400, description = "A limit that is not valid, or an unknown parameter.", body = ErrorBody),
        (status = 404, description = "No such app of the caller's, or no inbox: this server delivers mail (`inbox_unavailable`).", body = ErrorBody),
        (status = 409, description = "The app's pool lives with a provider, which sends its mail.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
    params: Result<Query<InboxParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let limit = match params.limit.filter(|l| !l.is_empty()) {
        None => 0,
        Some(limit) => limit
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_INBOX_SIZE).contains(n))
            .ok_or_else(|| ApiError::bad_request(format!("limit must be 1 to {MAX_INBOX_SIZE}")))?,
    };
    let messages = state.service.inbox(actor, &app_id, limit).await?;
    let mut response = Json(InboxView { messages }).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
