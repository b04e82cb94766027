//! App clients in Cognito's management API (docs/cognito-protocol.md §5.4, clients):
//! CreateUserPoolClient, UpdateUserPoolClient, DeleteUserPoolClient, ListUserPoolClients and
//! DescribeUserPoolClient — several clients per pool, each with its own secret, lifetimes,
//! sign-in flows and OAuth 2.0 settings. Members this service cannot honour are refused by name.

use super::credentials::{Access, Credentials};
use super::members::{self, Rule, empty_list, empty_object};
use super::wire::required;
use super::{Answer, answer};
use crate::error::CognitoError;
use auth_return_core::clients::{
    ClientOAuth, ClientSpec, ExplicitAuthFlow, PoolClient, TimeUnit, ValidityUnits,
};
use auth_return_core::events::Caller;
use auth_return_core::model::App;
use auth_return_core::oauth_settings::OAuthFlows;
use auth_return_core::settings::RefreshRotation;
use auth_return_core::{ClientId, PoolId, Service};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The most clients one ListUserPoolClients page holds (Cognito's bound).
const MAX_CLIENTS_PAGE: i64 = 60;

/// Members with the values that are ours.
const RULES: &[Rule] = &[
    Rule {
        member: "ReadAttributes",
        accepts: empty_list,
        why: "every client reads every attribute",
    },
    Rule {
        member: "WriteAttributes",
        accepts: empty_list,
        why: "every client writes every writable attribute",
    },
    Rule {
        member: "AnalyticsConfiguration",
        accepts: empty_object,
        why: "Amazon Pinpoint analytics are not offered",
    },
    Rule {
        member: "EnableTokenRevocation",
        accepts: |v| *v == json!(true),
        why: "refresh tokens can always be revoked: true only",
    },
    Rule {
        member: "EnablePropagateAdditionalUserContextData",
        accepts: |v| *v == json!(false),
        why: "advanced security is not offered: false only",
    },
    Rule {
        member: "AuthSessionValidity",
        accepts: |v| *v == json!(3),
        why: "a sign-in's challenge session lasts 3 minutes: 3 only",
    },
];

/// Members read into the client.
const READ: &[&str] = &[
    "UserPoolId",
    "ClientId",
    "ClientName",
    "GenerateSecret",
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ExplicitAuthFlows",
    "CallbackURLs",
    "LogoutURLs",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "PreventUserExistenceErrors",
    "RefreshTokenRotation",
    "SupportedIdentityProviders",
];

/// `TokenValidityUnits`: each unit given, or Cognito's default.
fn units(body: &Map<String, Value>) -> Result<ValidityUnits, CognitoError> {
    let mut units = ValidityUnits::default();
    let Some(given) = members::get(body, "TokenValidityUnits") else {
        return Ok(units);
    };
    let given = given
        .as_object()
        .ok_or_else(|| CognitoError::invalid("TokenValidityUnits must be an object."))?;
    for (name, value) in given {
        if value.is_null() {
            continue;
        }
        let unit = value.as_str().and_then(TimeUnit::parse).ok_or_else(|| {
            CognitoError::invalid(format!(
                "TokenValidityUnits.{name} must be seconds, minutes, hours or days."
            ))
        })?;
        match name.as_str() {
            "AccessToken" => units.access = unit,
            "IdToken" => units.id = unit,
            "RefreshToken" => units.refresh = unit,
            other => {
                return Err(CognitoError::invalid(format!(
                    "TokenValidityUnits.{} is not supported here.",
                    super::truncate(other)
                )));
            }
        }
    }
    Ok(units)
}

/// A lifetime member in seconds, in its unit.
fn lifetime(
    body: &Map<String, Value>,
    name: &str,
    unit: TimeUnit,
) -> Result<Option<i64>, CognitoError> {
    members::integer(body, name)?
        .map(|n| {
            n.checked_mul(unit.seconds())
                .ok_or_else(|| CognitoError::invalid(format!("{name} is out of range.")))
        })
        .transpose()
}

/// The client `body` describes (CreateUserPoolClient, UpdateUserPoolClient).
fn spec(body: &Map<String, Value>) -> Result<ClientSpec, CognitoError> {
    members::check(body, READ, RULES)?;
    let name = members::string(body, "ClientName")?
        .ok_or_else(|| CognitoError::invalid(super::validation::null("clientName")))?;
    let validity_units = units(body)?;
    let access = lifetime(body, "AccessTokenValidity", validity_units.access)?;
    let id = lifetime(body, "IdTokenValidity", validity_units.id)?;
    // One lifetime for both tokens here: given once, it is both; given twice, the same.
    let token_validity_secs = match (access, id) {
        (Some(a), Some(i)) if a != i => {
            return Err(CognitoError::invalid(
                "AccessTokenValidity and IdTokenValidity must be the same length of time here: \
                 both tokens have one lifetime.",
            ));
        }
        (a, i) => a.or(i),
    };
    let auth_flows = members::get(body, "ExplicitAuthFlows")
        .map(|_| {
            members::strings(body, "ExplicitAuthFlows")?
                .iter()
                .map(|flow| {
                    ExplicitAuthFlow::parse(flow).ok_or_else(|| {
                        CognitoError::invalid(format!(
                            "ExplicitAuthFlows: {} is not supported here (the ALLOW_ values only: \
                             ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_AUTH, \
                             ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH, \
                             ALLOW_CUSTOM_AUTH).",
                            super::truncate(flow)
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let enabled = members::boolean(body, "AllowedOAuthFlowsUserPoolClient")?.unwrap_or(false);
    let mut flows = OAuthFlows::NONE;
    for flow in members::strings(body, "AllowedOAuthFlows")? {
        match flow.as_str() {
            "code" => flows.code = true,
            "implicit" => flows.implicit = true,
            "client_credentials" => flows.client_credentials = true,
            other => {
                return Err(CognitoError::invalid(format!(
                    "AllowedOAuthFlows: {} is not one of code, implicit, client_credentials.",
                    super::truncate(other)
                )));
            }
        }
    }
    if !enabled {
        flows = OAuthFlows::NONE;
    }
    let hide_existing_accounts = match members::string(body, "PreventUserExistenceErrors")? {
        None => None,
        Some("ENABLED") => Some(true),
        Some("LEGACY") => Some(false),
        Some(_) => {
            return Err(CognitoError::invalid(
                "PreventUserExistenceErrors must be ENABLED or LEGACY.",
            ));
        }
    };
    Ok(ClientSpec {
        name: name.to_owned(),
        token_validity_secs,
        refresh_validity_secs: lifetime(body, "RefreshTokenValidity", validity_units.refresh)?,
        auth_flows,
        oauth: ClientOAuth {
            callback_urls: members::strings(body, "CallbackURLs")?,
            logout_urls: members::strings(body, "LogoutURLs")?,
            flows,
            scopes: members::strings(body, "AllowedOAuthScopes")?,
        },
        hide_existing_accounts,
        refresh_rotation: rotation(body)?,
        validity_units,
        identity_providers: members::get(body, "SupportedIdentityProviders")
            .map(|_| members::strings(body, "SupportedIdentityProviders"))
            .transpose()?,
    })
}

/// `RefreshTokenRotation`: `Feature` `ENABLED` or `DISABLED`, `RetryGracePeriodSeconds` 0–60.
fn rotation(body: &Map<String, Value>) -> Result<Option<RefreshRotation>, CognitoError> {
    let Some(given) = members::get(body, "RefreshTokenRotation") else {
        return Ok(None);
    };
    let given = given
        .as_object()
        .ok_or_else(|| CognitoError::invalid("RefreshTokenRotation must be an object."))?;
    let enabled = match members::string(given, "Feature")? {
        Some("ENABLED") => true,
        Some("DISABLED") | None => false,
        Some(_) => {
            return Err(CognitoError::invalid(
                "RefreshTokenRotation.Feature must be ENABLED or DISABLED.",
            ));
        }
    };
    let grace_secs = members::integer(given, "RetryGracePeriodSeconds")?.unwrap_or(0);
    Ok(Some(RefreshRotation {
        enabled,
        grace_secs,
    }))
}

/// The pool id member, parsed.
fn pool_id(body: &Map<String, Value>) -> Result<PoolId, CognitoError> {
    Ok(members::string(body, "UserPoolId")?
        .ok_or_else(|| CognitoError::invalid(super::validation::null("userPoolId")))?
        .parse()?)
}

/// CreateUserPoolClient's body: the pool, the client's settings and whether to generate a
/// secret.
pub fn read_create(body: &[u8]) -> Result<(PoolId, ClientSpec, bool), CognitoError> {
    let body = members::object(body)?;
    let pool_id = pool_id(&body)?;
    let spec = spec(&body)?;
    let generate_secret = members::boolean(&body, "GenerateSecret")?.unwrap_or(false);
    Ok((pool_id, spec, generate_secret))
}

/// UpdateUserPoolClient's body: the pool, the client and its new settings.
pub fn read_update(body: &[u8]) -> Result<(PoolId, ClientId, ClientSpec), CognitoError> {
    let body = members::object(body)?;
    let pool_id = pool_id(&body)?;
    let client_id = ClientId::new(
        members::string(&body, "ClientId")?
            .ok_or_else(|| CognitoError::invalid(super::validation::null("clientId")))?,
    );
    Ok((pool_id, client_id, spec(&body)?))
}

pub async fn create_user_pool_client(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    body: &[u8],
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, spec, generate_secret) = read_create(body)?;
    let actor = authority.permit(service, &pool_id, Access::Write).await?;
    let created = service
        .create_pool_client(actor, &pool_id, &spec, generate_secret, caller)
        .await?;
    let providers = service.client_identity_providers(&created.app).await?;
    client_answer(&created, providers)
}

pub async fn update_user_pool_client(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    body: &[u8],
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let (pool_id, client_id, spec) = read_update(body)?;
    let actor = authority.permit(service, &pool_id, Access::Write).await?;
    let updated = service
        .update_pool_client(actor, &pool_id, &client_id, &spec, caller)
        .await?;
    let providers = service.client_identity_providers(&updated.app).await?;
    client_answer(&updated, providers)
}

/// `DescribeUserPoolClient` and `DeleteUserPoolClient` input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientRequest {
    user_pool_id: Option<PoolId>,
    client_id: Option<ClientId>,
}

/// `ListUserPoolClients` input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListClientsRequest {
    user_pool_id: Option<PoolId>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

pub async fn describe_user_pool_client(
    service: &Service,
    credentials: &Credentials<'_>,
    req: ClientRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let client_id = required(&req.client_id, "clientId")?;
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let described = service
        .describe_pool_client(actor, pool_id, client_id)
        .await?;
    let providers = service.client_identity_providers(&described.app).await?;
    client_answer(&described, providers)
}

pub async fn delete_user_pool_client(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: ClientRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let client_id = required(&req.client_id, "clientId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service
        .delete_pool_client(actor, pool_id, client_id, caller)
        .await?;
    super::empty()
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
struct ListClientsResponse {
    user_pool_clients: Vec<ClientDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// ListUserPoolClients: `MaxResults` (1–60, default 60) clients after `NextToken` (the last
/// client id of the previous page), the app's own first.
pub async fn list_user_pool_clients(
    service: &Service,
    credentials: &Credentials<'_>,
    req: ListClientsRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let max = req.max_results.unwrap_or(MAX_CLIENTS_PAGE);
    if !(1..=MAX_CLIENTS_PAGE).contains(&max) {
        return Err(CognitoError::invalid(format!(
            "1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy \
             constraint: Member must have value between 1 and {MAX_CLIENTS_PAGE}"
        )));
    }
    let actor = authority.permit(service, pool_id, Access::Read).await?;
    let clients = service.list_pool_clients(actor, pool_id).await?;
    let start = match &req.next_token {
        None => 0,
        Some(token) => {
            clients
                .iter()
                .position(|app| app.client.id.as_str() == token)
                .ok_or_else(|| CognitoError::invalid("Invalid pagination token."))?
                + 1
        }
    };
    let page: Vec<&App> = clients
        .iter()
        .skip(start)
        .take(usize::try_from(max).unwrap_or(1))
        .collect();
    let more = start + page.len() < clients.len();
    answer(&ListClientsResponse {
        next_token: more
            .then(|| page.last().map(|app| app.client.id.to_string()))
            .flatten(),
        user_pool_clients: page
            .iter()
            .map(|app| ClientDescription {
                client_id: app.client.id.to_string(),
                user_pool_id: app.pool_id.to_string(),
                client_name: app.client_name().to_owned(),
            })
            .collect(),
    })
}

/// `UserPoolClientType`: lifetimes in the units they were given in.
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
    token_validity_units: Value,
    explicit_auth_flows: Vec<&'static str>,
    supported_identity_providers: Vec<String>,
    #[serde(rename = "CallbackURLs")]
    callback_urls: Vec<String>,
    #[serde(rename = "LogoutURLs")]
    logout_urls: Vec<String>,
    allowed_o_auth_flows: Vec<&'static str>,
    allowed_o_auth_scopes: Vec<String>,
    allowed_o_auth_flows_user_pool_client: bool,
    prevent_user_existence_errors: &'static str,
    enable_token_revocation: bool,
    enable_propagate_additional_user_context_data: bool,
    auth_session_validity: i64,
    refresh_token_rotation: Value,
}

/// `{"UserPoolClient": UserPoolClientType}` of a client (Create, Update, Describe), with the
/// identity providers it may use.
fn client_answer(pool_client: &PoolClient, identity_providers: Vec<String>) -> Answer {
    let PoolClient { app, secret } = pool_client;
    let client = &app.client;
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
    let units = client.profile.validity_units.unwrap_or(ValidityUnits {
        access: TimeUnit::Seconds,
        id: TimeUnit::Seconds,
        refresh: TimeUnit::Seconds,
    });
    let rotation = &app.settings.refresh_rotation;
    let oauth_on =
        !flows.is_empty() && (!oauth.callback_urls.is_empty() || oauth.flows.client_credentials);
    answer(&json!({ "UserPoolClient": UserPoolClientType {
        user_pool_id: app.pool_id.to_string(),
        client_name: app.client_name().to_owned(),
        client_id: client.id.to_string(),
        client_secret: secret.as_ref().map(|s| s.expose().to_owned()),
        last_modified_date: client.updated_at,
        creation_date: client.created_at,
        refresh_token_validity: client.refresh_validity_secs / units.refresh.seconds(),
        access_token_validity: client.token_validity_secs / units.access.seconds(),
        id_token_validity: client.token_validity_secs / units.id.seconds(),
        token_validity_units: json!({
            "AccessToken": units.access.as_str(),
            "IdToken": units.id.as_str(),
            "RefreshToken": units.refresh.as_str(),
        }),
        explicit_auth_flows: client.allowed_flows().into_iter().map(ExplicitAuthFlow::as_str).collect(),
        supported_identity_providers: identity_providers,
        callback_urls: oauth.callback_urls.clone(),
        logout_urls: oauth.logout_urls.clone(),
        allowed_o_auth_flows_user_pool_client: oauth_on,
        allowed_o_auth_flows: flows,
        allowed_o_auth_scopes: oauth.scopes.clone(),
        prevent_user_existence_errors: if app.settings.hide_existing_accounts { "ENABLED" } else { "LEGACY" },
        enable_token_revocation: true,
        enable_propagate_additional_user_context_data: false,
        auth_session_validity: 3,
        refresh_token_rotation: json!({
            "Feature": if rotation.enabled { "ENABLED" } else { "DISABLED" },
            "RetryGracePeriodSeconds": rotation.grace_secs,
        }),
    }}))
}

super::operation::shape!(bearer: ClientRequest, ListClientsRequest);
