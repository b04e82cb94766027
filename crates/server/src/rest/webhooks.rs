//! `/api/apps/{app_id}/webhooks`: the owning developer registers, lists, changes and removes
//! an app's webhook endpoints, rotates their signing secrets and reads their delivery logs.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, JsonBodyRejection, PathId, RequestCaller};
use crate::rest::error_body::ErrorBody;
use crate::rest::params::{WebhookPath, page_size};
use crate::router::AppState;
use crate::views::{DeliveryView, WebhookView, WebhookWithSecretView};
use auth_return_core::events::{EventKind, cap};
use auth_return_core::webhooks::{NewWebhook, WebhookUpdate};
use auth_return_core::{AppId, WebhookId};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

/// The longest part of an unknown event type an error message repeats.
const ECHO_MAX_CHARS: usize = 64;
/// Deliveries per page unless asked otherwise.
const DEFAULT_PAGE: u32 = 50;

/// `POST /api/apps/{app_id}/webhooks` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateWebhookRequest)]
pub struct CreateRequest {
    /// Where deliveries are posted: `https`, a public address.
    url: String,
    /// The developer's label.
    #[serde(default)]
    description: String,
    /// The event types it takes (codes like `sign_in`).
    event_types: Vec<String>,
}

/// `PATCH /api/apps/{app_id}/webhooks/{webhook_id}` body: each member given replaces it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateWebhookRequest)]
pub struct UpdateRequest {
    /// Where deliveries are posted.
    url: Option<String>,
    /// The developer's label.
    description: Option<String>,
    /// The event types it takes.
    event_types: Option<Vec<String>>,
    /// On (again, ending a failure streak) or off.
    enabled: Option<bool>,
}

/// `GET …/deliveries` query.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesParams {
    /// The `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^-?[0-9]*$")]
    cursor: Option<String>,
    /// Deliveries per page, 1–100 (default 50).
    #[param(schema_with = limit_schema)]
    limit: Option<String>,
}

/// The `limit` parameter's schema: [`page_size`] up to the longest page of deliveries.
fn limit_schema() -> Schema {
    page_size(auth_return_core::webhooks::MAX_DELIVERY_PAGE)
}

/// `GET /api/apps/{app_id}/webhooks` answer.
#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    /// The endpoints, oldest first.
    webhooks: Vec<WebhookView>,
}

/// `GET …/deliveries` answer.
#[derive(Serialize, ToSchema)]
pub struct DeliveryPage {
    /// The deliveries, newest first.
    deliveries: Vec<DeliveryView>,
    /// The `cursor` of the next page, when there is one.
    next_cursor: Option<String>,
}

/// The event kinds `types` name, or a 400 naming the first unknown one.
fn kinds(types: Vec<String>) -> Result<Vec<EventKind>, ApiError> {
    types
        .iter()
        .map(|code| {
            EventKind::parse(code).ok_or_else(|| {
                let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                ApiError::bad_request(format!(
                    "unknown event type {:?}: event_types must be some of {}",
                    cap(code, ECHO_MAX_CHARS),
                    known.join(", ")
                ))
            })
        })
        .collect()
}

/// The app and endpoint ids of a path.
fn ids(path: Result<Path<WebhookPath>, PathRejection>) -> Result<(AppId, WebhookId), ApiError> {
    let Path(WebhookPath { app_id, webhook_id }) =
        path.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    Ok((app_id.parse()?, webhook_id.parse()?))
}

/// An answer that holds a secret: never stored by caches.
fn with_secret(status: StatusCode, view: WebhookWithSecretView) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(view),
    )
        .into_response()
}

/// `POST /api/apps/{app_id}/webhooks`: registers an endpoint; the answer is the only place its
/// secret appears until it is rotated.
#[utoipa::path(post, path = "/api/apps/{app_id}/webhooks", tag = "webhooks",
    operation_id = "webhooks_create",
    security(("console_token" = [])),
    params(PathId<AppId>),
    request_body = CreateRequest,
    responses(
        (status = 201, description = "The endpoint with its signing secret, shown this once.", body = WebhookWithSecretView),
        (status = 400, description = "A URL, description or event type that is not valid.", body = ErrorBody),
        JsonBodyRejection,
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 409, description = "The app has as many endpoints as allowed.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn create(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    PathId(app_id): PathId<AppId>,
    JsonBody(request): JsonBody<CreateRequest>,
) -> Result<Response, ApiError> {
    let new = NewWebhook {
        url: request.url,
        description: request.description,
        kinds: kinds(request.event_types)?,
    };
    let made = state
        .service
        .create_webhook(actor, &app_id, new, &caller)
        .await?;
    Ok(with_secret(
        StatusCode::CREATED,
        WebhookWithSecretView::from(&made),
    ))
}

/// `GET /api/apps/{app_id}/webhooks`: the app's endpoints, oldest first.
#[utoipa::path(get, path = "/api/apps/{app_id}/webhooks", tag = "webhooks",
    operation_id = "webhooks_list",
    security(("console_token" = [])),
    params(PathId<AppId>),
    responses(
        (status = 200, description = "The app's endpoints, never their secrets.", body = WebhookList),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<WebhookList>, ApiError> {
    let endpoints = state.service.list_webhooks(actor, &app_id).await?;
    Ok(Json(WebhookList {
        webhooks: endpoints.iter().map(WebhookView::from).collect(),
    }))
}

/// `GET /api/apps/{app_id}/webhooks/{webhook_id}`.
#[utoipa::path(get, path = "/api/apps/{app_id}/webhooks/{webhook_id}", tag = "webhooks",
    operation_id = "webhooks_show",
    security(("console_token" = [])),
    params(WebhookPath),
    responses(
        (status = 200, description = "The endpoint, never its secret.", body = WebhookView),
        (status = 404, description = "No such app of the caller's, or endpoint of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn show(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    path: Result<Path<WebhookPath>, PathRejection>,
) -> Result<Json<WebhookView>, ApiError> {
    let (app_id, id) = ids(path)?;
    let endpoint = state.service.get_webhook(actor, &app_id, &id).await?;
    Ok(Json(WebhookView::from(&endpoint)))
}

/// `PATCH /api/apps/{app_id}/webhooks/{webhook_id}`.
#[utoipa::path(patch, path = "/api/apps/{app_id}/webhooks/{webhook_id}", tag = "webhooks",
    operation_id = "webhooks_update",
    security(("console_token" = [])),
    params(WebhookPath),
    request_body = UpdateRequest,
    responses(
        (status = 200, description = "The endpoint as changed.", body = WebhookView),
        (status = 400, description = "A URL, description or event type that is not valid.", body = ErrorBody),
        JsonBodyRejection,
        (status = 404, description = "No such app of the caller's, or endpoint of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn update(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    path: Result<Path<WebhookPath>, PathRejection>,
    JsonBody(request): JsonBody<UpdateRequest>,
) -> Result<Json<WebhookView>, ApiError> {
    let (app_id, id) = ids(path)?;
    let update = WebhookUpdate {
        url: request.url,
        description: request.description,
        kinds: request.event_types.map(kinds).transpose()?,
        enabled: request.enabled,
    };
    let endpoint = state
        .service
        .update_webhook(actor, &app_id, &id, update, &caller)
        .await?;
    Ok(Json(WebhookView::from(&endpoint)))
}

/// `DELETE /api/apps/{app_id}/webhooks/{webhook_id}`: the endpoint and its delivery log.
#[utoipa::path(delete, path = "/api/apps/{app_id}/webhooks/{webhook_id}", tag = "webhooks",
    operation_id = "webhooks_delete",
    security(("console_token" = [])),
    params(WebhookPath),
    responses(
        (status = 204, description = "Deleted, with its delivery log."),
        (status = 404, description = "No such app of the caller's, or endpoint of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn delete(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    path: Result<Path<WebhookPath>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (app_id, id) = ids(path)?;
    state
        .service
        .delete_webhook(actor, &app_id, &id, &caller)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/apps/{app_id}/webhooks/{webhook_id}/rotate-secret`: a new secret signs from now
/// on; the answer is the only place it appears.
#[utoipa::path(post, path = "/api/apps/{app_id}/webhooks/{webhook_id}/rotate-secret", tag = "webhooks",
    operation_id = "webhooks_rotate_secret",
    security(("console_token" = [])),
    params(WebhookPath),
    responses(
        (status = 200, description = "The endpoint with its new secret, shown this once.", body = WebhookWithSecretView),
        (status = 404, description = "No such app of the caller's, or endpoint of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    path: Result<Path<WebhookPath>, PathRejection>,
) -> Result<Response, ApiError> {
    let (app_id, id) = ids(path)?;
    let made = state
        .service
        .rotate_webhook_secret(actor, &app_id, &id, &caller)
        .await?;
    Ok(with_secret(
        StatusCode::OK,
        WebhookWithSecretView::from(&made),
    ))
}

/// `GET /api/apps/{app_id}/webhooks/{webhook_id}/deliveries`: the delivery log, newest first,
/// a page at a time.
#[utoipa::path(get, path = "/api/apps/{app_id}/webhooks/{webhook_id}/deliveries", tag = "webhooks",
    operation_id = "webhooks_deliveries",
    security(("console_token" = [])),
    params(WebhookPath, DeliveriesParams),
    responses(
        (status = 200, description = "A page of deliveries, newest first.", body = DeliveryPage),
        (status = 400, description = "A cursor or limit that is not valid, or an unknown parameter.", body = ErrorBody),
        (status = 404, description = "No such app of the caller's, or endpoint of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn deliveries(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    path: Result<Path<WebhookPath>, PathRejection>,
    params: Result<Query<DeliveriesParams>, QueryRejection>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let (app_id, id) = ids(path)?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let before = match params.cursor.filter(|c| !c.is_empty()) {
        Some(cursor) => Some(cursor.parse::<i64>().map_err(|_| {
            ApiError::bad_request("cursor must be the next_cursor of the previous page")
        })?),
        None => None,
    };
    let limit = match params.limit.filter(|l| !l.is_empty()) {
        Some(limit) => limit
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=auth_return_core::webhooks::MAX_DELIVERY_PAGE).contains(l))
            .ok_or_else(|| ApiError::bad_request("limit must be 1 to 100"))?,
        None => DEFAULT_PAGE,
    };
    // One more than the page, to know whether another follows.
    let mut page = state
        .service
        .list_webhook_deliveries(actor, &app_id, &id, before, limit + 1)
        .await?;
    let more = page.len() > limit as usize;
    page.truncate(limit as usize);
    let next_cursor = more
        .then(|| page.last().map(|d| d.id.to_string()))
        .flatten();
    Ok(Json(DeliveryPage {
        deliveries: page.iter().map(DeliveryView::from).collect(),
        next_cursor,
    }))
}
