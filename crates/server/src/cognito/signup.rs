//! SignUp, ConfirmSignUp, ResendConfirmationCode (docs/cognito-protocol.md §5.1).

use super::wire::{Attribute, CodeDeliveryDetails, required};
use super::{Answer, answer, empty};
use auth_return_core::auth::SignUpContext;
use auth_return_core::events::Caller;
use auth_return_core::{ClientId, Service};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpRequest {
    client_id: Option<ClientId>,
    username: Option<String>,
    password: Option<String>,
    secret_hash: Option<String>,
    user_attributes: Option<Vec<Attribute>>,
    client_metadata: Option<std::collections::BTreeMap<String, String>>,
    validation_data: Option<Vec<Attribute>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SignUpResponse {
    user_confirmed: bool,
    user_sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_delivery_details: Option<CodeDeliveryDetails>,
}

pub async fn sign_up(service: &Service, caller: &Caller, req: SignUpRequest) -> Answer {
    let client_id = required(&req.client_id, "clientId")?;
    let username = required(&req.username, "username")?;
    let password = required(&req.password, "password")?;
    let attributes: Vec<(String, String)> = req
        .user_attributes
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.name, a.value.unwrap_or_default()))
        .collect();
    let context = SignUpContext {
        attributes,
        client_metadata: req.client_metadata.unwrap_or_default(),
        validation_data: req
            .validation_data
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.name, a.value.unwrap_or_default()))
            .collect(),
        provider: None,
    };
    let out = service
        .sign_up(
            client_id,
            username,
            password,
            req.secret_hash.as_deref(),
            &context,
            caller,
        )
        .await?;
    answer(&SignUpResponse {
        user_confirmed: out.confirmed,
        user_sub: out.user_sub.to_string(),
        code_delivery_details: out.delivery.map(Into::into),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpRequest {
    client_id: Option<ClientId>,
    username: Option<String>,
    confirmation_code: Option<String>,
    secret_hash: Option<String>,
}

pub async fn confirm_sign_up(
    service: &Service,
    caller: &Caller,
    req: ConfirmSignUpRequest,
) -> Answer {
    let client_id = required(&req.client_id, "clientId")?;
    let username = required(&req.username, "username")?;
    let code = required(&req.confirmation_code, "confirmationCode")?;
    service
        .confirm_sign_up(
            client_id,
            username,
            code,
            req.secret_hash.as_deref(),
            caller,
        )
        .await?;
    empty()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResendRequest {
    client_id: Option<ClientId>,
    username: Option<String>,
    secret_hash: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResendResponse {
    code_delivery_details: CodeDeliveryDetails,
}

pub async fn resend_confirmation_code(service: &Service, req: ResendRequest) -> Answer {
    let client_id = required(&req.client_id, "clientId")?;
    let username = required(&req.username, "username")?;
    let delivery = service
        .resend_confirmation_code(client_id, username, req.secret_hash.as_deref())
        .await?;
    answer(&ResendResponse {
        code_delivery_details: delivery.into(),
    })
}

super::operation::shape!(client_id => client_id: SignUpRequest, ConfirmSignUpRequest, ResendRequest);
