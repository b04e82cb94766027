//! Admin operations, ListUsers and the pool's MFA configuration (docs/cognito-protocol.md §5.2),
//! authorized by the owning developer's console access token or a request signed with one of
//! their access keys ([`Credentials`]), within the key's limits.

use super::credentials::{Access, Credentials};
use super::wire::{Attribute, required};
use super::{Answer, answer, empty};
use auth_return_core::admin::{NewUser, PoolMfaChange, PoolMfaConfig, WebAuthnChange};
use auth_return_core::auth::UserView;
use auth_return_core::events::{Caller, Event, EventKind};
use auth_return_core::{PoolId, Service};
use serde::{Deserialize, Serialize};

/// The members every admin user call has.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUserRequest {
    user_pool_id: Option<PoolId>,
    username: Option<String>,
    password: Option<String>,
    permanent: Option<bool>,
}

impl AdminUserRequest {
    fn target(&self) -> Result<(&PoolId, &str), crate::error::CognitoError> {
        Ok((
            required(&self.user_pool_id, "userPoolId")?,
            required(&self.username, "username")?,
        ))
    }
}

/// `UserType` (ListUsers, AdminCreateUser) or the AdminGetUser output: the same members,
/// with the attribute list named `Attributes` or `UserAttributes`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct UserType {
    username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Vec<Attribute>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_attributes: Option<Vec<Attribute>>,
    user_create_date: i64,
    user_last_modified_date: i64,
    enabled: bool,
    user_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_mfa_setting: Option<&'static str>,
    #[serde(rename = "UserMFASettingList", skip_serializing_if = "Vec::is_empty")]
    user_mfa_setting_list: Vec<&'static str>,
}

pub(super) fn user_type(
    view: UserView,
    attributes_member: bool,
    only: Option<&[String]>,
) -> UserType {
    let attributes: Vec<Attribute> = view
        .attributes
        .into_iter()
        .filter(|(name, _)| only.is_none_or(|names| names.contains(name)))
        .map(|(name, value)| Attribute {
            name,
            value: Some(value),
        })
        .collect();
    let (attributes, user_attributes) = if attributes_member {
        (Some(attributes), None)
    } else {
        (None, Some(attributes))
    };
    UserType {
        username: view.username,
        attributes,
        user_attributes,
        user_create_date: view.created_at,
        user_last_modified_date: view.updated_at,
        enabled: view.enabled,
        user_status: view.status,
        preferred_mfa_setting: view.mfa.preferred,
        user_mfa_setting_list: view.mfa.factors,
    }
}

pub async fn admin_confirm_sign_up(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .admin_confirm_sign_up(actor, pool_id, username, caller)
        .await?;
    empty()
}

pub async fn admin_get_user(
    service: &Service,
    credentials: &Credentials<'_>,
    req: AdminUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    answer(&user_type(
        service.admin_get_user(actor, pool_id, username).await?,
        false,
        None,
    ))
}

pub async fn admin_delete_user(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .admin_delete_user(actor, pool_id, username, caller)
        .await?;
    empty()
}

pub async fn admin_set_enabled(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUserRequest,
    enabled: bool,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .admin_set_user_enabled(actor, pool_id, username, enabled, caller)
        .await?;
    empty()
}

pub async fn admin_set_user_password(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    let password = required(&req.password, "password")?;
    service
        .admin_set_user_password(
            actor,
            pool_id,
            username,
            password,
            req.permanent.unwrap_or(false),
            caller,
        )
        .await?;
    empty()
}

pub async fn admin_reset_user_password(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .admin_reset_user_password(actor, pool_id, username, caller)
        .await?;
    empty()
}

pub async fn admin_user_global_sign_out(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, username) = req.target()?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .admin_user_global_sign_out(actor, pool_id, username, caller)
        .await?;
    empty()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserRequest {
    user_pool_id: Option<PoolId>,
    username: Option<String>,
    user_attributes: Option<Vec<Attribute>>,
    temporary_password: Option<String>,
    message_action: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AdminCreateUserResponse {
    user: UserType,
}

pub async fn admin_create_user(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminCreateUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    let username = required(&req.username, "username")?;
    let new = NewUser {
        username: username.to_owned(),
        attributes: req
            .user_attributes
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a.name, a.value.unwrap_or_default()))
            .collect(),
        temporary_password: req.temporary_password,
        message_action: req.message_action,
    };
    let view = service
        .admin_create_user(actor, pool_id, new, caller)
        .await?;
    answer(&AdminCreateUserResponse {
        user: user_type(view, true, None),
    })
}

/// AdminUpdateUserAttributes input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUpdateAttributesRequest {
    user_pool_id: Option<PoolId>,
    username: Option<String>,
    user_attributes: Option<Vec<Attribute>>,
}

pub async fn admin_update_user_attributes(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminUpdateAttributesRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let username = required(&req.username, "username")?;
    let attributes = required(&req.user_attributes, "userAttributes")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    let attributes: Vec<(String, String)> = attributes
        .iter()
        .map(|a| (a.name.clone(), a.value.clone().unwrap_or_default()))
        .collect();
    service
        .admin_update_user_attributes(actor, pool_id, username, &attributes, caller)
        .await?;
    empty()
}

/// AdminDeleteUserAttributes input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminDeleteAttributesRequest {
    user_pool_id: Option<PoolId>,
    username: Option<String>,
    user_attribute_names: Option<Vec<String>>,
}

pub async fn admin_delete_user_attributes(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminDeleteAttributesRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let username = required(&req.username, "username")?;
    let names = required(&req.user_attribute_names, "userAttributeNames")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .admin_delete_user_attributes(actor, pool_id, username, names, caller)
        .await?;
    empty()
}

/// AdminListUserAuthEvents input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminListUserAuthEventsRequest {
    user_pool_id: Option<PoolId>,
    username: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// `AuthEventType`: what the audit log knows of an authentication event (no risk scoring
/// here: `EventRisk` always says no risk was judged).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AuthEventType {
    event_id: String,
    event_type: &'static str,
    creation_date: i64,
    event_response: &'static str,
    event_risk: serde_json::Value,
    challenge_responses: Vec<serde_json::Value>,
    event_context_data: serde_json::Value,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AuthEventsResponse {
    auth_events: Vec<AuthEventType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

fn auth_event(event: &Event) -> AuthEventType {
    let (event_type, event_response) = match event.kind {
        EventKind::SignIn => ("SignIn", "Pass"),
        EventKind::SignInFailed => ("SignIn", "Fail"),
        EventKind::SignUp => ("SignUp", "Pass"),
        EventKind::PasswordChanged => ("PasswordChange", "Pass"),
        EventKind::PasswordResetRequested => ("ForgotPassword", "InProgress"),
        _ => ("ForgotPassword", "Pass"),
    };
    let challenge = match event.kind {
        EventKind::SignIn => {
            vec![serde_json::json!({"ChallengeName": "Password", "ChallengeResponse": "Success"})]
        }
        EventKind::SignInFailed => {
            vec![serde_json::json!({"ChallengeName": "Password", "ChallengeResponse": "Failure"})]
        }
        _ => Vec::new(),
    };
    let mut context = serde_json::Map::new();
    if let Some(ip) = &event.client_ip {
        context.insert("IpAddress".into(), ip.clone().into());
    }
    if let Some(agent) = &event.user_agent {
        context.insert("DeviceName".into(), agent.clone().into());
    }
    AuthEventType {
        event_id: event.id.to_string(),
        event_type,
        creation_date: event.at,
        event_response,
        event_risk: serde_json::json!({"RiskDecision": "NoRisk", "CompromisedCredentialsDetected": false}),
        challenge_responses: challenge,
        event_context_data: serde_json::Value::Object(context),
    }
}

pub async fn admin_list_user_auth_events(
    service: &Service,
    credentials: &Credentials<'_>,
    req: AdminListUserAuthEventsRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let username = required(&req.username, "username")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let (events, next_token) = service
        .admin_user_auth_events(
            actor,
            pool_id,
            username,
            req.max_results,
            req.next_token.as_deref(),
        )
        .await?;
    answer(&AuthEventsResponse {
        auth_events: events.iter().map(auth_event).collect(),
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersRequest {
    user_pool_id: Option<PoolId>,
    attributes_to_get: Option<Vec<String>>,
    limit: Option<i64>,
    pagination_token: Option<String>,
    filter: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListUsersResponse {
    users: Vec<UserType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination_token: Option<String>,
}

pub async fn list_users(
    service: &Service,
    credentials: &Credentials<'_>,
    req: ListUsersRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let (users, next) = service
        .list_users(
            actor,
            pool_id,
            req.filter.as_deref(),
            req.limit,
            req.pagination_token.as_deref(),
        )
        .await?;
    let only = req.attributes_to_get.as_deref();
    answer(&ListUsersResponse {
        users: users
            .into_iter()
            .map(|u| user_type(u, true, only))
            .collect(),
        pagination_token: next,
    })
}

/// `GetUserPoolMfaConfig` input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserPoolMfaConfigRequest {
    user_pool_id: Option<PoolId>,
}

/// `SetUserPoolMfaConfig` input. `EmailMfaConfiguration` given (its `Message` and `Subject`
/// are not read: the app's mail templates apply) offers codes by email, and a call that names
/// `MfaConfiguration` without it withdraws them. `WebAuthnConfiguration` given turns passkeys on
/// with its relying party (absent, passkeys stay as they are); the SMS member is not read.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserPoolMfaConfigRequest {
    user_pool_id: Option<PoolId>,
    mfa_configuration: Option<String>,
    software_token_mfa_configuration: Option<SoftwareTokenMfaConfigRequest>,
    email_mfa_configuration: Option<serde_json::Value>,
    web_authn_configuration: Option<WebAuthnConfigurationType>,
}

/// `WebAuthnConfigurationType`, given and answered.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct WebAuthnConfigurationType {
    #[serde(skip_serializing_if = "Option::is_none")]
    relying_party_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_verification: Option<String>,
}

/// `SoftwareTokenMfaConfigType` as given.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SoftwareTokenMfaConfigRequest {
    enabled: Option<bool>,
}

/// The output of both MFA configuration operations.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserPoolMfaConfigResponse {
    mfa_configuration: &'static str,
    software_token_mfa_configuration: SoftwareTokenMfaConfigType,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_mfa_configuration: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    web_authn_configuration: Option<WebAuthnConfigurationType>,
}

/// `SoftwareTokenMfaConfigType`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SoftwareTokenMfaConfigType {
    enabled: bool,
}

impl From<PoolMfaConfig> for UserPoolMfaConfigResponse {
    fn from(config: PoolMfaConfig) -> Self {
        Self {
            mfa_configuration: config.mode.as_str(),
            software_token_mfa_configuration: SoftwareTokenMfaConfigType {
                enabled: config.software_token,
            },
            email_mfa_configuration: config.email.then(|| serde_json::json!({})),
            web_authn_configuration: config.web_authn.map(|relying_party_id| {
                WebAuthnConfigurationType {
                    relying_party_id,
                    user_verification: Some("required".to_owned()),
                }
            }),
        }
    }
}

pub async fn get_user_pool_mfa_config(
    service: &Service,
    credentials: &Credentials<'_>,
    req: GetUserPoolMfaConfigRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let config = service.get_user_pool_mfa_config(actor, pool_id).await?;
    answer(&UserPoolMfaConfigResponse::from(config))
}

pub async fn set_user_pool_mfa_config(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: SetUserPoolMfaConfigRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    // As in Cognito, a call naming MfaConfiguration sets the whole configuration: without
    // EmailMfaConfiguration, codes by email are withdrawn.
    let email = match (&req.mfa_configuration, &req.email_mfa_configuration) {
        (_, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (None, None) => None,
    };
    let change = PoolMfaChange {
        mode: req.mfa_configuration,
        software_token: req.software_token_mfa_configuration.and_then(|c| c.enabled),
        email,
        web_authn: req.web_authn_configuration.map(|c| WebAuthnChange {
            relying_party_id: c.relying_party_id,
            user_verification: c.user_verification,
        }),
    };
    let config = service
        .set_user_pool_mfa_config(actor, pool_id, change, caller)
        .await?;
    answer(&UserPoolMfaConfigResponse::from(config))
}

super::operation::shape!(
    bearer: AdminUserRequest,
    AdminUpdateAttributesRequest,
    AdminDeleteAttributesRequest,
    AdminListUserAuthEventsRequest,
    AdminCreateUserRequest,
    ListUsersRequest,
    GetUserPoolMfaConfigRequest,
    SetUserPoolMfaConfigRequest
);
