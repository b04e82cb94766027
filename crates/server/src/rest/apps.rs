//! `/api/apps`: developers register and manage their apps; `/api/apps/{id}/config` is public.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, JsonBodyRejection, PathId, RequestCaller};
use crate::rest::error_body::ErrorBody;
use crate::rest::params::page_size;
use crate::router::AppState;
use crate::views::AppView;
use auth_return_core::app_listing::MAX_PAGE_SIZE;
use auth_return_core::{AppConfig, AppCursor, AppId, AppQuery, AppUpdate, NewApp};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tracing::field::{Empty, display};
use tracing::{Span, instrument};
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

/// `POST /api/apps` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAppRequest {
    /// Display name (1–100 characters).
    name: String,
    /// Allowed browser origins, `scheme://host[:port]` (empty = any).
    #[serde(default)]
    origins: Vec<String>,
    /// Whether the app's client gets a secret (for server-side apps).
    #[serde(default)]
    client_secret: bool,
    /// Where the pool lives (`builtin`, `cognito`); absent: the server's default.
    #[serde(default)]
    provider: Option<auth_return_core::provider::ProviderKind>,
}

/// `GET /api/apps` query, as given: every member optional, an empty one as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Text the name contains (any case), or the start of the app or pool id.
    search: Option<String>,
    /// Apps per page, 1–1,000; absent for every app.
    #[param(schema_with = limit_schema)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The `limit` parameter's schema: [`page_size`] up to [`MAX_PAGE_SIZE`].
fn limit_schema() -> Schema {
    page_size(MAX_PAGE_SIZE)
}

/// `GET /api/apps` answer.
#[derive(Serialize, ToSchema)]
pub struct AppList {
    /// The apps of this page, newest first.
    apps: Vec<AppView>,
    /// Where the next page starts; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// `POST /api/apps`: registers an app owned by the calling developer.
#[utoipa::path(post, path = "/api/apps", tag = "apps",
    operation_id = "apps_create",
    security(("console_token" = [])),
    request_body = CreateAppRequest,
    responses(
        (status = 201, description = "The app, with its client secret if it has one (shown this once).", body = AppView),
        (status = 400, description = "A name or origin that is not valid, or a provider this server is not set up for.", body = ErrorBody),
        JsonBodyRejection,
        (status = 429, description = "The server is too busy to make the app's signing key now (`Retry-After` says when to retry).", body = ErrorBody),
        (status = 502, description = "The provider refused or failed to make the pool.", body = ErrorBody),
        (status = 503, description = "The provider is throttling this server.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn create(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    JsonBody(req): JsonBody<CreateAppRequest>,
) -> Result<(StatusCode, Json<AppView>), ApiError> {
    let new = NewApp {
        name: req.name,
        origins: req.origins,
        client_secret: req.client_secret,
        provider: req.provider,
    };
    let created = state.service.create_app(actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(AppView {
            user_count: created.app.external.is_none().then_some(0),
            ..AppView::new(&state.service, &created.app, created.client_secret)
        }),
    ))
}

/// `GET /api/apps`: the calling developer's apps, newest first, with their user counts;
/// searched and paged when the query says so.
#[utoipa::path(get, path = "/api/apps", tag = "apps",
    operation_id = "apps_list",
    security(("console_token" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "A page of apps.", body = AppList),
        (status = 400, description = "A limit or cursor that is not valid.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<AppList>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let given = |value: Option<String>| value.filter(|v| !v.is_empty());
    let limit = given(params.limit)
        .map(|limit| {
            limit
                .parse::<u32>()
                .map_err(|_| ApiError::bad_request(format!("limit must be 1 to {MAX_PAGE_SIZE}")))
        })
        .transpose()?;
    let query = AppQuery {
        search: given(params.search),
        after: given(params.cursor)
            .map(|c| AppCursor::decode(&c))
            .transpose()?,
        limit,
    };
    let page = state.service.find_apps(actor, query).await?;
    Ok(Json(AppList {
        apps: page
            .apps
            .iter()
            .map(|summary| AppView::counted(&state.service, summary))
            .collect(),
        next_cursor: page.next_cursor.map(|c| c.encode()),
    }))
}

/// `GET /api/apps/{id}`: one of the calling developer's apps.
#[utoipa::path(get, path = "/api/apps/{app_id}", tag = "apps",
    operation_id = "apps_show",
    security(("console_token" = [])),
    params(PathId<AppId>),
    responses(
        (status = 200, description = "The app, with its user count.", body = AppView),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn show(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<AppView>, ApiError> {
    let summary = state.service.app_summary(actor, &app_id).await?;
    Ok(Json(AppView::counted(&state.service, &summary)))
}

/// `PATCH /api/apps/{id}`: changes an app's settings.
#[utoipa::path(patch, path = "/api/apps/{app_id}", tag = "apps",
    operation_id = "apps_update",
    security(("console_token" = [])),
    params(PathId<AppId>),
    request_body = AppUpdate,
    responses(
        (status = 200, description = "The app as changed.", body = AppView),
        (status = 400, description = "A member that is not valid; `fields` names each.", body = ErrorBody),
        JsonBodyRejection,
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 409, description = "A member the app's provider has no place for.", body = ErrorBody),
        (status = 502, description = "The provider refused or failed the change.", body = ErrorBody),
        (status = 503, description = "The provider is throttling this server.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = Empty))]
pub async fn update(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    // Checked after the body, as before ids were typed: a bad body is answered first.
    app_id: Result<PathId<AppId>, ApiError>,
    JsonBody(update): JsonBody<AppUpdate>,
) -> Result<Json<AppView>, ApiError> {
    let PathId(app_id) = app_id?;
    Span::current().record("app_id", display(&app_id));
    let app = state
        .service
        .update_app(actor, &app_id, update, &caller)
        .await?;
    let summary = state.service.summarize(app).await?;
    Ok(Json(AppView::counted(&state.service, &summary)))
}

/// `DELETE /api/apps/{id}`: deletes an app with its pool.
#[utoipa::path(delete, path = "/api/apps/{app_id}", tag = "apps",
    operation_id = "apps_delete",
    security(("console_token" = [])),
    params(PathId<AppId>),
    responses(
        (status = 204, description = "Deleted, with its pool and every user."),
        (status = 400, description = "The console app, which cannot be deleted.", body = ErrorBody),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 502, description = "The provider refused or failed to delete the pool.", body = ErrorBody),
        (status = 503, description = "The provider is throttling this server.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn delete(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
) -> Result<StatusCode, ApiError> {
    state.service.delete_app(actor, &app_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/apps/{id}/config`: the public configuration a front end needs.
#[utoipa::path(get, path = "/api/apps/{app_id}/config", tag = "apps",
    operation_id = "apps_config",
    params(PathId<AppId>),
    responses(
        (status = 200, description = "What a front end needs to sign its users in.", body = AppConfig),
        (status = 404, description = "No such app.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(app_id = %app_id))]
pub async fn config(
    State(state): State<AppState>,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<AppConfig>, ApiError> {
    Ok(Json(state.service.app_config(&app_id).await?))
}
