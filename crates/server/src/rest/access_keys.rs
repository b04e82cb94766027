//! `/api/access-keys`: a developer creates, lists and revokes their own AWS-style access keys
//! (SigV4, for boto3 and the AWS CLI), as `auth-return access-keys` does for the operator.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, PathId, RequestCaller};
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

/// `POST /api/access-keys` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    app_id: Option<String>,
    #[serde(default)]
    read_only: bool,
}

/// `GET /api/access-keys` answer.
#[derive(Serialize)]
pub struct AccessKeyList {
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
