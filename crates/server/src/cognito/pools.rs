//! Pools in Cognito's management API (docs/cognito-protocol.md §5.4): ListUserPools,
//! DescribeUserPool, DeleteUserPool — an app as a user pool, authorized like the admin
//! operations ([`Credentials`]). Its clients: [`super::clients`].

use super::credentials::{Access, Credentials};
use super::wire::required;
use super::{Answer, answer};
use auth_return_core::model::App;
use auth_return_core::settings::MfaMode;
use auth_return_core::{AppSummary, PoolId, Service};
use serde::{Deserialize, Serialize};

/// `ListUserPools` input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsRequest {
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// `DescribeUserPool` input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolRequest {
    user_pool_id: Option<PoolId>,
}

/// `UserPoolDescriptionType`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PoolDescription {
    id: String,
    name: String,
    lambda_config: serde_json::Value,
    last_modified_date: i64,
    creation_date: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListUserPoolsResponse {
    user_pools: Vec<PoolDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// `PasswordPolicyType`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PasswordPolicyType {
    minimum_length: usize,
    require_uppercase: bool,
    require_lowercase: bool,
    require_numbers: bool,
    require_symbols: bool,
    temporary_password_validity_days: i64,
}

/// `UserPoolType`: what we have of it (no Lambda triggers or SMS).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserPoolType {
    id: String,
    name: String,
    policies: serde_json::Value,
    deletion_protection: &'static str,
    lambda_config: serde_json::Value,
    last_modified_date: i64,
    creation_date: i64,
    auto_verified_attributes: [&'static str; 1],
    username_attributes: [&'static str; 1],
    mfa_configuration: &'static str,
    estimated_number_of_users: u64,
    admin_create_user_config: serde_json::Value,
    user_pool_tags: serde_json::Value,
    schema_attributes: Vec<serde_json::Value>,
}

fn description(app: &App) -> PoolDescription {
    PoolDescription {
        id: app.pool_id.to_string(),
        name: app.name.clone(),
        lambda_config: serde_json::json!({}),
        last_modified_date: app.created_at,
        creation_date: app.created_at,
    }
}

fn mfa_configuration(mode: MfaMode) -> &'static str {
    match mode {
        MfaMode::Off => "OFF",
        MfaMode::Optional => "OPTIONAL",
        MfaMode::On => "ON",
    }
}

pub async fn list_user_pools(
    service: &Service,
    credentials: &Credentials<'_>,
    req: ListUserPoolsRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let max_results = *required(&req.max_results, "maxResults")?;
    let (actor, only) = authority.listing();
    let page = service
        .list_pools(actor, max_results, req.next_token.as_deref())
        .await?;
    answer(&ListUserPoolsResponse {
        user_pools: page
            .apps
            .iter()
            .filter(|summary| only.is_none_or(|app_id| &summary.app.id == app_id))
            .map(|summary| description(&summary.app))
            .collect(),
        next_token: page.next_cursor.map(|cursor| cursor.encode()),
    })
}

pub async fn describe_user_pool(
    service: &Service,
    credentials: &Credentials<'_>,
    req: DescribeUserPoolRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    user_pool_answer(service, service.describe_pool(actor, pool_id).await?)
}

/// `{"UserPool": UserPoolType}` of a pool (DescribeUserPool, CreateUserPool).
pub(super) fn user_pool_answer(service: &Service, summary: AppSummary) -> Answer {
    let AppSummary { app, user_count } = summary;
    let policy = &app.settings.password_policy;
    let validity_days = service.config().temporary_password_ttl_secs / 86_400;
    answer(&serde_json::json!({ "UserPool": UserPoolType {
        id: app.pool_id.to_string(),
        name: app.name.clone(),
        policies: serde_json::json!({ "PasswordPolicy": PasswordPolicyType {
            minimum_length: policy.min_length,
            require_uppercase: policy.require_uppercase,
            require_lowercase: policy.require_lowercase,
            require_numbers: policy.require_numbers,
            require_symbols: policy.require_symbols,
            temporary_password_validity_days: validity_days,
        }}),
        deletion_protection: "INACTIVE",
        lambda_config: serde_json::json!({}),
        last_modified_date: app.created_at,
        creation_date: app.created_at,
        auto_verified_attributes: ["email"],
        username_attributes: ["email"],
        mfa_configuration: mfa_configuration(app.settings.mfa.mode),
        estimated_number_of_users: user_count,
        admin_create_user_config: serde_json::json!({
            "AllowAdminCreateUserOnly": false,
            "UnusedAccountValidityDays": validity_days,
        }),
        user_pool_tags: serde_json::json!({}),
        schema_attributes: super::schema::schema_attributes(&app.settings.custom_attributes),
    }}))
}

/// DeleteUserPool: the app goes, with its users (deletion protection is never on here).
pub async fn delete_user_pool(
    service: &Service,
    credentials: &Credentials<'_>,
    req: DescribeUserPoolRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service.delete_pool(actor, pool_id).await?;
    super::empty()
}

super::operation::shape!(bearer: ListUserPoolsRequest, DescribeUserPoolRequest);
