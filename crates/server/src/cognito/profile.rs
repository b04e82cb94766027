//! A signed-in user's own account: ChangePassword, UpdateUserAttributes,
//! GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser
//! (docs/cognito-protocol.md §5.1).

use super::wire::{Attribute, CodeDeliveryDetails, required};
use super::{Answer, answer, empty};
use crate::error::CognitoError;
use auth_return_core::Service;
use auth_return_core::events::Caller;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangePasswordRequest {
    access_token: Option<String>,
    previous_password: Option<String>,
    proposed_password: Option<String>,
}

pub async fn change_password(
    service: &Service,
    caller: &Caller,
    req: ChangePasswordRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let previous = required(&req.previous_password, "previousPassword")?;
    let proposed = required(&req.proposed_password, "proposedPassword")?;
    service
        .change_password(token, previous, proposed, caller)
        .await?;
    empty()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAttributesRequest {
    access_token: Option<String>,
    user_attributes: Option<Vec<Attribute>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateAttributesResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_delivery_details_list: Vec<CodeDeliveryDetails>,
}

pub async fn update_user_attributes(
    service: &Service,
    caller: &Caller,
    req: UpdateAttributesRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let attributes = req
        .user_attributes
        .ok_or_else(|| CognitoError::invalid(super::validation::null("userAttributes")))?;
    let attributes: Vec<(String, String)> = attributes
        .into_iter()
        .map(|a| (a.name, a.value.unwrap_or_default()))
        .collect();
    let delivery = service
        .update_user_attributes(token, &attributes, caller)
        .await?;
    answer(&UpdateAttributesResponse {
        code_delivery_details_list: delivery.into_iter().map(Into::into).collect(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeCodeRequest {
    access_token: Option<String>,
    attribute_name: Option<String>,
    code: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeliveryResponse {
    code_delivery_details: CodeDeliveryDetails,
}

pub async fn get_user_attribute_verification_code(
    service: &Service,
    req: AttributeCodeRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let attribute = required(&req.attribute_name, "attributeName")?;
    let delivery = service
        .get_user_attribute_verification_code(token, attribute)
        .await?;
    answer(&DeliveryResponse {
        code_delivery_details: delivery.into(),
    })
}

pub async fn verify_user_attribute(
    service: &Service,
    caller: &Caller,
    req: AttributeCodeRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let attribute = required(&req.attribute_name, "attributeName")?;
    let code = required(&req.code, "code")?;
    service
        .verify_user_attribute(token, attribute, code, caller)
        .await?;
    empty()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserRequest {
    access_token: Option<String>,
}

pub async fn delete_user(service: &Service, req: DeleteUserRequest) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    service.delete_user(token).await?;
    empty()
}

super::operation::shape!(
    access_token => access_token:
    ChangePasswordRequest,
    UpdateAttributesRequest,
    AttributeCodeRequest,
    DeleteUserRequest
);
