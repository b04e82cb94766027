//! Pools and clients in Cognito's management API (docs/cognito-protocol.md §5.4):
//! ListUserPools, DescribeUserPool, DeleteUserPool, ListUserPoolClients, DescribeUserPoolClient
//! — an app as a user pool with its one app client, authorized like the admin operations ([`Credentials`]).

use super::credentials::{Access, Credentials};
use super::wire::required;
use super::{Answer, answer};
use auth_return_core::model::App;
use auth_return_core::settings::MfaMode;
use auth_return_core::{AppSummary, ClientId, PoolId, Service};
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

/// `ListUserPoolClients` input (one client per pool here: `MaxResults` and `NextToken` are
/// read but one page always holds it).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsRequest {
    user_pool_id: Option<PoolId>,
}

/// `DescribeUserPoolClient` input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolClientRequest {
    user_pool_id: Option<PoolId>,
    client_id: Option<ClientId>,
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

/// `UserPoolType`: what we have of it (no Lambda triggers, SMS or custom schema yet).
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
}

/// `UserPoolClientDescription`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ClientDescription {
    client_id: String,
    user_pool_id: String,
    client_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListUserPoolClientsResponse {
    user_pool_clients: Vec<ClientDescription>,
}

/// `UserPoolClientType`: lifetimes in the units it names (seconds: ours are kept so).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserPoolClientType {
    user_pool_id: String,
    client_name: String,
    client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    last_modified_date: i64,
    creation_date: i64,
    refresh_token_validity: i64,
    access_token_validity: i64,
    id_token_validity: i64,
    token_validity_units: serde_json::Value,
    explicit_auth_flows: Vec<&'static str>,
    supported_identity_providers: [&'static str; 1],
    #[serde(rename = "CallbackURLs")]
    callback_urls: Vec<String>,
    #[serde(rename = "LogoutURLs")]
    logout_urls: Vec<String>,
    allowed_o_auth_flows: Vec<&'static str>,
    allowed_o_auth_scopes: Vec<String>,
    allowed_o_auth_flows_user_pool_client: bool,
    prevent_user_existence_errors: &'static str,
    enable_token_revocation: bool,
    auth_session_validity: i64,
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

pub async fn list_user_pool_clients(
    service: &Service,
    credentials: &Credentials<'_>,
    req: ListUserPoolClientsRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let app = service.describe_pool(actor, pool_id).await?.app;
    answer(&ListUserPoolClientsResponse {
        user_pool_clients: vec![ClientDescription {
            client_id: app.client.id.to_string(),
            user_pool_id: app.pool_id.to_string(),
            client_name: app.name.clone(),
        }],
    })
}

pub async fn describe_user_pool_client(
    service: &Service,
    credentials: &Credentials<'_>,
    req: DescribeUserPoolClientRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let client_id = required(&req.client_id, "clientId")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let (app, secret) = service
        .describe_pool_client(actor, pool_id, client_id)
        .await?;
    let oauth = &app.settings.oauth;
    let mut flows = Vec::new();
    if oauth.flows.code {
        flows.push("code");
    }
    if oauth.flows.implicit {
        flows.push("implicit");
    }
    if oauth.flows.client_credentials {
        flows.push("client_credentials");
    }
    // Every app accepts each of these flows (§3, §5.3).
    let explicit_auth_flows = vec![
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ];
    answer(&serde_json::json!({ "UserPoolClient": UserPoolClientType {
        user_pool_id: app.pool_id.to_string(),
        client_name: app.name.clone(),
        client_id: app.client.id.to_string(),
        client_secret: secret.map(|s| s.expose().to_owned()),
        last_modified_date: app.created_at,
        creation_date: app.created_at,
        refresh_token_validity: app.client.refresh_validity_secs,
        access_token_validity: app.client.token_validity_secs,
        id_token_validity: app.client.token_validity_secs,
        token_validity_units: serde_json::json!({
            "AccessToken": "seconds", "IdToken": "seconds", "RefreshToken": "seconds",
        }),
        explicit_auth_flows,
        supported_identity_providers: ["COGNITO"],
        callback_urls: oauth.callback_urls.clone(),
        logout_urls: oauth.logout_urls.clone(),
        allowed_o_auth_flows_user_pool_client: !oauth.callback_urls.is_empty() || oauth.flows.client_credentials,
        allowed_o_auth_flows: flows,
        allowed_o_auth_scopes: oauth.scopes.clone(),
        prevent_user_existence_errors: if app.settings.hide_existing_accounts { "ENABLED" } else { "LEGACY" },
        enable_token_revocation: true,
        auth_session_validity: 3,
    }}))
}

super::operation::shape!(
    bearer: ListUserPoolsRequest,
    DescribeUserPoolRequest,
    ListUserPoolClientsRequest,
    DescribeUserPoolClientRequest
);
