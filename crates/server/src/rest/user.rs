//! `GET /api/user`: who a bearer token (ID or access, any pool) belongs to.

use crate::error::ApiError;
use crate::extract::bearer_token;
use crate::rest::error_body::ErrorBody;
use crate::router::AppState;
use auth_return_core::auth::TokenInfo;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use tracing::instrument;

/// `GET /api/user`: the user a bearer token belongs to.
#[utoipa::path(get, path = "/api/user", tag = "user",
    operation_id = "user_show",
    security(("user_token" = []), ("console_token" = [])),
    responses(
        (status = 200, description = "Whose the token is.", body = TokenInfo),
        (status = 502, description = "The provider of the token's pool could not verify it.", body = ErrorBody),
        (status = 503, description = "The provider is throttling this server.", body = ErrorBody),
    ),
)]
// No fields: the one input is a bearer token.
#[instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<TokenInfo>, ApiError> {
    let token = bearer_token(&headers)
        .ok_or_else(|| ApiError::unauthorized("Authorization: Bearer <token> required"))?;
    Ok(Json(state.service.token_info(token).await?))
}
