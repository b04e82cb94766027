//! ForgotPassword and ConfirmForgotPassword (docs/cognito-protocol.md §5.1).

use super::wire::{CodeDeliveryDetails, required};
use super::{Answer, answer, empty};
use auth_return_core::events::Caller;
use auth_return_core::{ClientId, Service};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForgotPasswordRequest {
    client_id: Option<ClientId>,
    username: Option<String>,
    secret_hash: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeliveryResponse {
    code_delivery_details: CodeDeliveryDetails,
}

pub async fn forgot_password(
    service: &Service,
    caller: &Caller,
    req: ForgotPasswordRequest,
) -> Answer {
    let client_id = required(&req.client_id, "clientId")?;
    let username = required(&req.username, "username")?;
    let delivery = service
        .forgot_password(client_id, username, req.secret_hash.as_deref(), caller)
        .await?;
    answer(&DeliveryResponse {
        code_delivery_details: delivery.into(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmForgotPasswordRequest {
    client_id: Option<ClientId>,
    username: Option<String>,
    confirmation_code: Option<String>,
    password: Option<String>,
    secret_hash: Option<String>,
}

pub async fn confirm_forgot_password(
    service: &Service,
    caller: &Caller,
    req: ConfirmForgotPasswordRequest,
) -> Answer {
    let client_id = required(&req.client_id, "clientId")?;
    let username = required(&req.username, "username")?;
    let code = required(&req.confirmation_code, "confirmationCode")?;
    let password = required(&req.password, "password")?;
    service
        .confirm_forgot_password(
            client_id,
            username,
            code,
            password,
            req.secret_hash.as_deref(),
            caller,
        )
        .await?;
    empty()
}

super::operation::shape!(client_id => client_id: ForgotPasswordRequest, ConfirmForgotPasswordRequest);
