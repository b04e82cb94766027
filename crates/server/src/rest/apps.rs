//! `/api/apps`: developers register and manage their apps; `/api/apps/{id}/config` is public.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, PathId};
use crate::router::AppState;
use crate::views::AppView;
use auth_return_core::{AppConfig, AppId, AppUpdate, NewApp};
use axum::Json;
use axum::extract::State;
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
}

/// `GET /api/apps` answer.
#[derive(Serialize)]
pub struct AppList {
    apps: Vec<AppView>,
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
    };
    let created = state.service.create_app(actor, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(AppView::new(
            &state.service,
            &created.app,
            created.client_secret,
        )),
    ))
}

/// `GET /api/apps`: the calling developer's apps.
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
) -> Result<Json<AppList>, ApiError> {
    let apps = state.service.list_apps(actor).await?;
    Ok(Json(AppList {
        apps: apps
            .iter()
            .map(|app| AppView::new(&state.service, app, None))
            .collect(),
    }))
}

/// `GET /api/apps/{id}`: one of the calling developer's apps.
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn show(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<AppView>, ApiError> {
    let app = state.service.get_app(actor, &app_id).await?;
    Ok(Json(AppView::new(&state.service, &app, None)))
}

/// `PATCH /api/apps/{id}`: changes an app's settings.
#[instrument(skip_all, fields(actor = ?actor, app_id = Empty))]
pub async fn update(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    // Checked after the body, as before ids were typed: a bad body is answered first.
    app_id: Result<PathId<AppId>, ApiError>,
    JsonBody(update): JsonBody<AppUpdate>,
) -> Result<Json<AppView>, ApiError> {
    let PathId(app_id) = app_id?;
    Span::current().record("app_id", display(&app_id));
    let app = state.service.update_app(actor, &app_id, update).await?;
    Ok(Json(AppView::new(&state.service, &app, None)))
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
