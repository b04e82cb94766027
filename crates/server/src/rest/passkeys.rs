//! `GET /api/apps/{id}/users/{sub}/passkeys` and `DELETE …/passkeys/{credential_id}`: the owning
//! developer sees a user's passkeys and removes one (a lost device).

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, RequestCaller};
use crate::rest::error_body::ErrorBody;
use crate::rest::params::{PasskeyPath, UserPath};
use crate::router::AppState;
use auth_return_core::auth::PasskeyView;
use auth_return_core::{AppId, Error, UserId};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use tracing::instrument;

/// The app and user of the path; a malformed id names nothing (404).
fn app_and_user(app_id: &str, user_id: &str) -> Result<(AppId, UserId), ApiError> {
    let app_id: AppId = app_id.parse()?;
    let user_id = UserId::parse(user_id).ok_or(Error::UserNotFound)?;
    Ok((app_id, user_id))
}

/// The path's parameters, or a 400 saying what is wrong with them.
fn path<T>(path: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    path.map(|Path(p)| p)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// `GET /api/apps/{id}/users/{sub}/passkeys`: the user's passkeys, oldest first.
#[utoipa::path(get, path = "/api/apps/{app_id}/users/{user_id}/passkeys", tag = "passkeys",
    operation_id = "passkeys_list",
    security(("console_token" = [])),
    params(UserPath),
    responses(
        (status = 200, description = "The user's passkeys, oldest first.", body = Vec<PasskeyView>),
        (status = 404, description = "No such app of the caller's, or no such user in it.", body = ErrorBody),
        (status = 409, description = "The app's pool lives with a provider: no passkeys here.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    params: Result<Path<UserPath>, PathRejection>,
) -> Result<Json<Vec<PasskeyView>>, ApiError> {
    let UserPath { app_id, user_id } = path(params)?;
    let (app_id, user_id) = app_and_user(&app_id, &user_id)?;
    Ok(Json(
        state
            .service
            .admin_list_passkeys(actor, &app_id, user_id)
            .await?,
    ))
}

/// `DELETE /api/apps/{id}/users/{sub}/passkeys/{credential_id}`: removes it (204).
#[utoipa::path(delete, path = "/api/apps/{app_id}/users/{user_id}/passkeys/{credential_id}", tag = "passkeys",
    operation_id = "passkeys_delete",
    security(("console_token" = [])),
    params(PasskeyPath),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such app of the caller's, user in it, or passkey of the user's.", body = ErrorBody),
        (status = 409, description = "The app's pool lives with a provider: no passkeys here.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn delete(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    RequestCaller(caller): RequestCaller,
    params: Result<Path<PasskeyPath>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let PasskeyPath {
        app_id,
        user_id,
        credential_id,
    } = path(params)?;
    let (app_id, user_id) = app_and_user(&app_id, &user_id)?;
    state
        .service
        .admin_delete_passkey(actor, &app_id, user_id, &credential_id, &caller)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
