//! `/api/keys`: API keys created, listed and revoked by an app's users (their own keys) and by
//! developers (their apps' keys), and checked by any service with `POST /api/keys/verify`.

use crate::client::ClientInfo;
use crate::error::ApiError;
use crate::extract::{JsonBody, JsonBodyRejection, KeyCaller, PathId, RequestCaller};
use crate::limits::Bucket;
use crate::rest::error_body::ErrorBody;
use crate::router::AppState;
use crate::views::{ApiKeyView, CreatedApiKeyView};
use auth_return_core::{ApiKeyId, ApiKeyVerdict, NewApiKey};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::{IntoParams, ToSchema};

/// The header services pass a key in.
const API_KEY_HEADER: &str = "x-api-key";

/// `POST /api/keys` body. `app_id` only with a developer's console token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    /// A label (1–100 characters).
    #[serde(default)]
    name: Option<String>,
    /// The app the key is for: required with a console token, refused with a user's token.
    #[serde(default)]
    app_id: Option<String>,
    /// Lifetime in days (1–3,650); absent: until revoked.
    #[serde(default)]
    expires_in_days: Option<i64>,
    /// Scopes for the verifying service (at most 20).
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

/// `GET /api/keys` query: `app_id` only with a developer's console token.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The app whose keys to list: required with a console token, refused with a user's token.
    app_id: Option<String>,
}

/// `GET /api/keys` answer.
#[derive(Serialize, ToSchema)]
#[schema(as = ApiKeyList)]
pub struct KeyList {
    /// The keys, revoked and expired ones too.
    keys: Vec<ApiKeyView>,
}

/// `POST /api/keys/verify` body, when the key is not in `X-API-Key`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The key (`ar_…`).
    key: String,
}

/// `POST /api/keys/verify` answer.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Verdict {
    /// The key verifies.
    Valid(ValidKey),
    /// It does not.
    Invalid(InvalidKey),
}

/// `POST /api/keys/verify` answer for a valid key.
#[derive(Serialize, ToSchema)]
pub struct ValidKey {
    /// `true`.
    valid: bool,
    /// The app the key belongs to.
    app_id: String,
    /// The owning user (`sub`), or null for a key of the app itself.
    user_id: Option<String>,
    /// The key's public id.
    key_id: String,
    /// Its label.
    name: String,
    /// Its scopes.
    scopes: Vec<String>,
    /// Expiry, epoch seconds; null = until revoked.
    expires_at: Option<i64>,
}

/// `POST /api/keys/verify` answer for any key that does not verify, whatever the reason.
#[derive(Serialize, ToSchema)]
#[schema(max_properties = 1)]
pub struct InvalidKey {
    /// `false`.
    valid: bool,
}

/// `Cache-Control: no-store`: for answers carrying a secret or a verdict that may change.
fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// `POST /api/keys`: creates a key, shown this once.
#[utoipa::path(post, path = "/api/keys", tag = "api keys",
    operation_id = "api_keys_create",
    security(("console_token" = []), ("user_token" = [])),
    request_body = CreateKeyRequest,
    responses(
        (status = 201, description = "The key, shown this once.", body = CreatedApiKeyView),
        (status = 400, description = "A name, lifetime or scope that is not valid, or `app_id` missing (console token) or given (user token).", body = ErrorBody),
        JsonBodyRejection,
        (status = 403, description = "The app does not let its users create keys, or the user's sign-in is not recent enough.", body = ErrorBody),
        (status = 404, description = "No such app of the developer's.", body = ErrorBody),
        (status = 409, description = "The app or user has as many live keys as allowed.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(caller = ?manager))]
pub async fn create(
    State(state): State<AppState>,
    KeyCaller(manager): KeyCaller,
    RequestCaller(caller): RequestCaller,
    JsonBody(req): JsonBody<CreateKeyRequest>,
) -> Result<Response, ApiError> {
    let new = NewApiKey {
        name: req.name.unwrap_or_default(),
        expires_in_days: req.expires_in_days,
        scopes: req.scopes.unwrap_or_default(),
    };
    let app_id = manager.named_app(req.app_id.as_deref())?;
    let created = state
        .service
        .create_api_key(&manager, app_id.as_ref(), new, &caller)
        .await?;
    Ok((
        StatusCode::CREATED,
        no_store(),
        Json(CreatedApiKeyView::from(&created)),
    )
        .into_response())
}

/// `GET /api/keys`: the keys the caller may see.
#[utoipa::path(get, path = "/api/keys", tag = "api keys",
    operation_id = "api_keys_list",
    security(("console_token" = []), ("user_token" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "An app's keys (console token) or the user's own.", body = KeyList),
        (status = 400, description = "`app_id` missing (console token) or given (user token), or an unknown parameter.", body = ErrorBody),
        (status = 404, description = "No such app of the developer's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(caller = ?manager))]
pub async fn list(
    State(state): State<AppState>,
    KeyCaller(manager): KeyCaller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<KeyList>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let app_id = manager.named_app(query.app_id.as_deref())?;
    let keys = state
        .service
        .list_api_keys(&manager, app_id.as_ref())
        .await?;
    Ok(Json(KeyList {
        keys: keys.iter().map(ApiKeyView::from).collect(),
    }))
}

/// `DELETE /api/keys/{id}`: revokes a key the caller may see.
#[utoipa::path(delete, path = "/api/keys/{key_id}", tag = "api keys",
    operation_id = "api_keys_revoke",
    security(("console_token" = []), ("user_token" = [])),
    params(PathId<ApiKeyId>),
    responses(
        (status = 204, description = "Revoked (or it already was)."),
        (status = 404, description = "No such key the caller may see.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(caller = ?manager, key_id = %key_id))]
pub async fn revoke(
    State(state): State<AppState>,
    KeyCaller(manager): KeyCaller,
    RequestCaller(caller): RequestCaller,
    PathId(key_id): PathId<ApiKeyId>,
) -> Result<StatusCode, ApiError> {
    state
        .service
        .revoke_api_key(&manager, &key_id, &caller)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/keys/verify`. No authentication: services call it with the key they were given.
/// Every key that does not verify, whatever the reason, gets the same `{"valid":false}` after
/// the same work.
// No fields: the one input is the key itself.
#[utoipa::path(post, path = "/api/keys/verify", tag = "api keys",
    operation_id = "api_keys_verify",
    security(("api_key" = []), ()),
    request_body(content = Option<VerifyRequest>, description = "The key, when it is not in `X-API-Key`: one of the two, not both."),
    responses(
        (status = 200, description = "Whether the key verifies, and what it is when it does.", body = Verdict),
        (status = 400, description = "No key, a key in both places, or a body that is not JSON.", body = ErrorBody),
        (status = 413, description = "The body is larger than the server takes.", body = ErrorBody),
        (status = 422, description = "The body is JSON, but not `{\"key\": \"…\"}`.", body = ErrorBody),
        (status = 429, description = "This client verified too many keys too fast (`Retry-After` says when to retry).", body = ErrorBody),
    ),
)]
#[instrument(skip_all)]
pub async fn verify(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    if let Some(Extension(client)) = client {
        state.limits.check(Bucket::KeyVerify, client.limit_key())?;
    }
    let body = body.map_err(ApiError::from)?;
    let key = presented_key(&headers, &body)?;
    let verdict = match state.service.verify_api_key(&key).await? {
        ApiKeyVerdict::Valid(key) => {
            let key = *key;
            Verdict::Valid(ValidKey {
                valid: true,
                app_id: key.app_id.to_string(),
                user_id: key.user_id.map(|u| u.to_string()),
                key_id: key.id.to_string(),
                name: key.name,
                scopes: key.scopes,
                expires_at: key.expires_at,
            })
        }
        ApiKeyVerdict::Invalid => Verdict::Invalid(InvalidKey { valid: false }),
    };
    Ok((no_store(), Json(verdict)).into_response())
}

/// The key from `X-API-Key` or from a `{"key"}` JSON body: exactly one of the two.
fn presented_key(headers: &HeaderMap, body: &[u8]) -> Result<String, ApiError> {
    let has_body = !body.iter().all(u8::is_ascii_whitespace);
    match (headers.get(API_KEY_HEADER), has_body) {
        (Some(_), true) => Err(ApiError::bad_request(
            "give the key in the X-API-Key header or in the body, not both",
        )),
        // A header that is not text cannot be a key, but it still gets the hash and lookup.
        (Some(value), false) => Ok(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        (None, true) => match Json::<VerifyRequest>::from_bytes(body) {
            Ok(Json(req)) => Ok(req.key),
            Err(rejection) => Err(ApiError {
                status: rejection.status(),
                ..ApiError::bad_request(rejection.body_text())
            }),
        },
        (None, false) => Err(ApiError::bad_request(
            "an API key is required: the X-API-Key header or a {\"key\"} JSON body",
        )),
    }
}
