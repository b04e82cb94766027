//! `/api/apps/{app_id}/identity-providers`: the owning developer adds, lists, reads, changes
//! and removes an app's upstream identity providers, as the Cognito operations do
//! (docs/cognito-protocol.md §5.9); secrets are taken, never shown.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, JsonBody, JsonBodyRejection, PathId};
use crate::rest::error_body::ErrorBody;
use crate::rest::params::IdentityProviderPath;
use crate::router::AppState;
use crate::views::IdentityProviderView;
use auth_return_core::federation::{IdentityProviderChange, NewIdentityProvider};
use auth_return_core::{Actor, AppId, PoolId, Service};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tracing::instrument;
use utoipa::ToSchema;

/// `POST /api/apps/{app_id}/identity-providers` body.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateIdentityProviderRequest)]
pub struct CreateRequest {
    /// The name (`Google` and `SignInWithApple` for those types).
    name: String,
    /// `OIDC`, `Google` or `SignInWithApple`.
    #[serde(rename = "type")]
    provider_type: String,
    /// The provider details (`client_id`, `client_secret`, `authorize_scopes`, `oidc_issuer`, …).
    details: BTreeMap<String, String>,
    /// Pool attribute → the provider's claim; `username` maps to `sub` unless given.
    #[serde(default)]
    attribute_mapping: BTreeMap<String, String>,
    /// Other names that find it.
    #[serde(default)]
    identifiers: Vec<String>,
}

/// `PATCH /api/apps/{app_id}/identity-providers/{name}` body: each member given replaces it;
/// secret details not given are kept.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateIdentityProviderRequest)]
pub struct UpdateRequest {
    /// The provider details, checked whole for its type.
    details: Option<BTreeMap<String, String>>,
    /// Pool attribute → the provider's claim.
    attribute_mapping: Option<BTreeMap<String, String>>,
    /// Other names that find it.
    identifiers: Option<Vec<String>>,
}

/// `GET /api/apps/{app_id}/identity-providers` answer.
#[derive(Serialize, ToSchema)]
pub struct IdentityProviderList {
    /// The app's providers by name.
    identity_providers: Vec<IdentityProviderView>,
}

/// The pool of the caller's app `app_id`.
async fn pool_of(service: &Service, actor: Actor, app_id: &AppId) -> Result<PoolId, ApiError> {
    Ok(service.get_app(actor, app_id).await?.pool_id)
}

/// The app and provider name of a path.
fn path_parts(
    path: Result<Path<IdentityProviderPath>, PathRejection>,
) -> Result<(AppId, String), ApiError> {
    let Path(IdentityProviderPath { app_id, name }) =
        path.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    Ok((app_id.parse()?, name))
}

/// `POST /api/apps/{app_id}/identity-providers`: adds a provider.
#[utoipa::path(post, path = "/api/apps/{app_id}/identity-providers", tag = "identity providers",
    operation_id = "identity_providers_create",
    security(("console_token" = [])),
    params(PathId<AppId>),
    request_body = CreateRequest,
    responses(
        (status = 201, description = "The provider, its secrets named but not shown.", body = IdentityProviderView),
        (status = 400, description = "A name, type, detail, mapping or identifier that is not valid.", body = ErrorBody),
        JsonBodyRejection,
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
        (status = 409, description = "The name or an identifier is taken, or the app has as many providers as allowed.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn create(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
    JsonBody(request): JsonBody<CreateRequest>,
) -> Result<(StatusCode, Json<IdentityProviderView>), ApiError> {
    let service = &state.service;
    let pool_id = pool_of(service, actor, &app_id).await?;
    let new = NewIdentityProvider {
        name: request.name,
        provider_type: request.provider_type,
        details: request.details,
        attribute_mapping: request.attribute_mapping,
        idp_identifiers: request.identifiers,
    };
    let provider = service
        .create_identity_provider(actor, &pool_id, new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IdentityProviderView::of(service, provider)?),
    ))
}

/// `GET /api/apps/{app_id}/identity-providers`: the app's providers by name.
#[utoipa::path(get, path = "/api/apps/{app_id}/identity-providers", tag = "identity providers",
    operation_id = "identity_providers_list",
    security(("console_token" = [])),
    params(PathId<AppId>),
    responses(
        (status = 200, description = "The app's providers, never their secrets.", body = IdentityProviderList),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
) -> Result<Json<IdentityProviderList>, ApiError> {
    let service = &state.service;
    let pool_id = pool_of(service, actor, &app_id).await?;
    let identity_providers = service
        .list_all_identity_providers(actor, &pool_id)
        .await?
        .into_iter()
        .map(|provider| IdentityProviderView::of(service, provider))
        .collect::<Result<_, _>>()?;
    Ok(Json(IdentityProviderList { identity_providers }))
}

/// `GET /api/apps/{app_id}/identity-providers/{name}`.
#[utoipa::path(get, path = "/api/apps/{app_id}/identity-providers/{name}", tag = "identity providers",
    operation_id = "identity_providers_show",
    security(("console_token" = [])),
    params(IdentityProviderPath),
    responses(
        (status = 200, description = "The provider, never its secrets.", body = IdentityProviderView),
        (status = 404, description = "No such app of the caller's, or provider of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn show(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    path: Result<Path<IdentityProviderPath>, PathRejection>,
) -> Result<Json<IdentityProviderView>, ApiError> {
    let service = &state.service;
    let (app_id, name) = path_parts(path)?;
    let pool_id = pool_of(service, actor, &app_id).await?;
    let provider = service
        .describe_identity_provider(actor, &pool_id, &name)
        .await?;
    Ok(Json(IdentityProviderView::of(service, provider)?))
}

/// `PATCH /api/apps/{app_id}/identity-providers/{name}`.
#[utoipa::path(patch, path = "/api/apps/{app_id}/identity-providers/{name}", tag = "identity providers",
    operation_id = "identity_providers_update",
    security(("console_token" = [])),
    params(IdentityProviderPath),
    request_body = UpdateRequest,
    responses(
        (status = 200, description = "The provider as changed.", body = IdentityProviderView),
        (status = 400, description = "A detail, mapping or identifier that is not valid.", body = ErrorBody),
        JsonBodyRejection,
        (status = 404, description = "No such app of the caller's, or provider of the app's.", body = ErrorBody),
        (status = 409, description = "An identifier another provider has.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn update(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    path: Result<Path<IdentityProviderPath>, PathRejection>,
    JsonBody(request): JsonBody<UpdateRequest>,
) -> Result<Json<IdentityProviderView>, ApiError> {
    let service = &state.service;
    let (app_id, name) = path_parts(path)?;
    let pool_id = pool_of(service, actor, &app_id).await?;
    let change = IdentityProviderChange {
        details: request.details,
        attribute_mapping: request.attribute_mapping,
        idp_identifiers: request.identifiers,
    };
    let provider = service
        .update_identity_provider(actor, &pool_id, &name, change)
        .await?;
    Ok(Json(IdentityProviderView::of(service, provider)?))
}

/// `DELETE /api/apps/{app_id}/identity-providers/{name}`.
#[utoipa::path(delete, path = "/api/apps/{app_id}/identity-providers/{name}", tag = "identity providers",
    operation_id = "identity_providers_delete",
    security(("console_token" = [])),
    params(IdentityProviderPath),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such app of the caller's, or provider of the app's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor))]
pub async fn delete(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    path: Result<Path<IdentityProviderPath>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let service = &state.service;
    let (app_id, name) = path_parts(path)?;
    let pool_id = pool_of(service, actor, &app_id).await?;
    service
        .delete_identity_provider(actor, &pool_id, &name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
