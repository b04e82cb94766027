//! GetUser, GlobalSignOut, RevokeToken (docs/cognito-protocol.md §5.1).

use super::wire::{Attribute, required};
use super::{Answer, answer, empty};
use auth_return_core::events::Caller;
use auth_return_core::{ClientId, Service};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest {
    access_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetUserResponse {
    username: String,
    user_attributes: Vec<Attribute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_mfa_setting: Option<&'static str>,
    #[serde(rename = "UserMFASettingList", skip_serializing_if = "Vec::is_empty")]
    user_mfa_setting_list: Vec<&'static str>,
}

pub async fn get_user(service: &Service, req: AccessTokenRequest) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let user = service.get_user(token).await?;
    answer(&GetUserResponse {
        username: user.username,
        user_attributes: user
            .attributes
            .into_iter()
            .map(|(name, value)| Attribute {
                name,
                value: Some(value),
            })
            .collect(),
        preferred_mfa_setting: user.mfa.preferred,
        user_mfa_setting_list: user.mfa.factors,
    })
}

pub async fn global_sign_out(
    service: &Service,
    caller: &Caller,
    req: AccessTokenRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    service.global_sign_out(token, caller).await?;
    empty()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest {
    token: Option<String>,
    client_id: Option<ClientId>,
    client_secret: Option<String>,
}

pub async fn revoke_token(service: &Service, caller: &Caller, req: RevokeTokenRequest) -> Answer {
    let token = required(&req.token, "token")?;
    let client_id = required(&req.client_id, "clientId")?;
    service
        .revoke_token(client_id, token, req.client_secret.as_deref(), caller)
        .await?;
    empty()
}

super::operation::shape!(client_id => client_id: RevokeTokenRequest);
super::operation::shape!(access_token => access_token: AccessTokenRequest);
