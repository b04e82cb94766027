//! `/api/apps`: developers register and manage their apps; `/api/apps/{id}/config` is public.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, PathId, RequestCaller};
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

/// `POST /api/apps` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAppRequest {
    name: String,
    #[serde(default)]
    origins: Vec<String>,
    #[serde(default)]
    client_secret: bool,
    /// Where the pool lives (`builtin`, `cognito`); absent: the server's default.
    #[serde(default)]
    provider: Option<auth_return_core::provider::ProviderKind>,
}

/// `GET /api/apps` query, as given: every member optional, an empty one as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Text the name contains (any case), or the start of the app or pool id.
    search: Option<String>,
    /// Apps per page, 1–1,000; absent for every app.
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// `GET /api/apps` answer.
#[derive(Serialize)]
pub struct AppList {
    apps: Vec<AppView>,
    /// Where the next page starts; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

/// `POST /api/apps`: registers an app owned by the calling developer.
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
#[instrument(skip_all, fields(app_id = %app_id))]
pub async fn config(
    State(state): State<AppState>,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<AppConfig>, ApiError> {
    Ok(Json(state.service.app_config(&app_id).await?))
}
