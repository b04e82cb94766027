//! `/api/apps`: developers register and manage their apps; `/api/apps/{id}/config` is public.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody};
use crate::router::AppState;
use crate::views::AppView;
use auth_return_core::{AppConfig, AppUpdate, NewApp};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

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

pub async fn create(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
    JsonBody(req): JsonBody<CreateAppRequest>,
) -> Result<(StatusCode, Json<AppView>), ApiError> {
    let new = NewApp {
        name: req.name,
        origins: req.origins,
        client_secret: req.client_secret,
    };
    let created = state.service.create_app(scope, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(AppView::new(
            &state.service,
            &created.app,
            created.client_secret,
        )),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
) -> Result<Json<AppList>, ApiError> {
    let apps = state.service.list_apps(scope).await?;
    Ok(Json(AppList {
        apps: apps
            .iter()
            .map(|app| AppView::new(&state.service, app, None))
            .collect(),
    }))
}

pub async fn show(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
    Path(app_id): Path<String>,
) -> Result<Json<AppView>, ApiError> {
    let app = state.service.get_app(scope, &app_id).await?;
    Ok(Json(AppView::new(&state.service, &app, None)))
}

pub async fn update(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
    Path(app_id): Path<String>,
    JsonBody(update): JsonBody<AppUpdate>,
) -> Result<Json<AppView>, ApiError> {
    let app = state.service.update_app(scope, &app_id, update).await?;
    Ok(Json(AppView::new(&state.service, &app, None)))
}

pub async fn delete(
    State(state): State<AppState>,
    ConsoleDeveloper(scope): ConsoleDeveloper,
    Path(app_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.service.delete_app(scope, &app_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn config(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Json<AppConfig>, ApiError> {
    Ok(Json(state.service.app_config(&app_id).await?))
}
