//! Admin operations, authorized by the owning developer's console access token
//! (`Authorization: Bearer`; SigV4 comes later).

use super::wire::required;
use super::{Answer, empty};
use crate::extract::bearer_token;
use auth_return_core::{Error, Service};
use axum::http::HeaderMap;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUserRequest {
    user_pool_id: Option<String>,
    username: Option<String>,
}

pub async fn admin_confirm_sign_up(
    service: &Service,
    headers: &HeaderMap,
    req: AdminUserRequest,
) -> Answer {
    let token = bearer_token(headers).ok_or(Error::MissingCredentials)?;
    let scope = service.authenticate_developer(token).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let username = required(&req.username, "username")?;
    service
        .admin_confirm_sign_up(scope, pool_id, username)
        .await?;
    empty()
}
