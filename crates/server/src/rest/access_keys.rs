//! `/api/access-keys`: a developer creates, lists and revokes their own AWS-style access keys
//! (SigV4, for boto3 and the AWS CLI), as `auth-return access-keys` does for the operator.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, JsonBodyRejection, PathId, RequestCaller};
use crate::rest::error_body::ErrorBody;
use crate::router::AppState;
use crate::views::{AccessKeyView, CreatedAccessKeyView};
use auth_return_core::access_keys::NewAccessKey;
use auth_return_core::{AccessKeyId, Actor, AppId};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::ToSchema;

/// `POST /api/access-keys` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateAccessKeyRequest)]
pub struct CreateRequest {
    /// A label (1–100 characters).
    #[serde(default)]
    name: Option<String>,
    /// The one app the key may act on; absent: every app of the developer.
    #[serde(default)]
    app_id: Option<String>,
    /// Whether the key may only read.
    #[serde(default)]
    read_only: bool,
}

/// `GET /api/access-keys` answer.
#[derive(Serialize, ToSchema)]
pub struct AccessKeyList {
    /// The keys, revoked ones too, oldest first.
    access_keys: Vec<AccessKeyView>,
}

/// The developer a console token proves (the operator has no console token).
fn developer(actor: Actor) -> Result<auth_return_core::UserId, ApiError> {
    match actor {
        Actor::Developer(id) => Ok(id),
        Actor::Operator => Err(ApiError::unauthorized(
            "a developer's console token is required",
        )),
    }
}

/// `POST /api/access-keys`: a new key for the signed-in developer; the answer is the only
/// place its secret ever appears (`Cache-Control: no-store`).
#[utoipa::path(post, path = "/api/access-keys", tag = "access keys",
    operation_id = "access_keys_create",
    security(("console_token" = [])),
    request_body = CreateRequest,
    responses(
        (status = 201, description = "The key with its secret, shown this once.", body = CreatedAccessKeyView),
        (status = 400, description = "A name that is not valid, or a developer who is disabled.", body = ErrorBody),
        JsonBodyRejection,
        (status = 404, description = "No such app of the developer's.", body = ErrorBody),
        (status = 409, description = "The developer has as many live keys as allowed.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn create(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    JsonBody(request): JsonBody<CreateRequest>,
) -> Result<Response, ApiError> {
    let new = NewAccessKey {
        name: request.name.unwrap_or_default(),
        app_id: request
            .app_id
            .as_deref()
            .map(str::parse::<AppId>)
            .transpose()?,
        read_only: request.read_only,
    };
    let created = state
        .service
        .create_access_key(developer(actor)?, new, actor, &caller)
        .await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(CreatedAccessKeyView::from(&created)),
    )
        .into_response())
}

/// `GET /api/access-keys`: the signed-in developer's keys, revoked ones too, oldest first.
#[utoipa::path(get, path = "/api/access-keys", tag = "access keys",
    operation_id = "access_keys_list",
    security(("console_token" = [])),
    responses((status = 200, description = "The developer's keys, never their secrets.", body = AccessKeyList)),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
) -> Result<Json<AccessKeyList>, ApiError> {
    let keys = state
        .service
        .list_access_keys(developer(actor)?, actor)
        .await?;
    Ok(Json(AccessKeyList {
        access_keys: keys.iter().map(AccessKeyView::from).collect(),
    }))
}

/// `DELETE /api/access-keys/{id}`: revokes one of the developer's keys (again: no change).
#[utoipa::path(delete, path = "/api/access-keys/{key_id}", tag = "access keys",
    operation_id = "access_keys_revoke",
    security(("console_token" = [])),
    params(PathId<AccessKeyId>),
    responses(
        (status = 200, description = "The key, revoked.", body = AccessKeyView),
        (status = 404, description = "No such key of the developer's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, access_key_id = %key_id))]
pub async fn revoke(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    PathId(key_id): PathId<AccessKeyId>,
) -> Result<Json<AccessKeyView>, ApiError> {
    let key = state
        .service
        .revoke_access_key(&key_id, actor, &caller)
        .await?;
    Ok(Json(AccessKeyView::from(&key)))
}
