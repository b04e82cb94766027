//! `GET /api/user`: who a bearer token (ID or access, any pool) belongs to.

use crate::error::ApiError;
use crate::extract::bearer_token;
use crate::router::AppState;
use auth_return_core::auth::TokenInfo;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use tracing::instrument;

/// `GET /api/user`: the user a bearer token belongs to.
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
