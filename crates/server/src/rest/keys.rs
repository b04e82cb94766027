//! `/api/keys`: API keys created, listed and revoked by an app's users (their own keys) and by
//! developers (their apps' keys), and checked by any service with `POST /api/keys/verify`.

use crate::client::ClientInfo;
use crate::error::ApiError;
use crate::extract::{JsonBody, KeyCaller, PathId, RequestCaller};
use crate::limits::Bucket;
use crate::router::AppState;
use crate::views::{ApiKeyView, CreatedApiKeyView};
use auth_return_core::{ApiKeyId, ApiKeyVerdict, NewApiKey};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::instrument;

/// The header services pass a key in.
const API_KEY_HEADER: &str = "x-api-key";

/// `POST /api/keys` body. `app_id` only with a developer's console token.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    app_id: Option<String>,
    #[serde(default)]
    expires_in_days: Option<i64>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

/// `GET /api/keys` query: `app_id` only with a developer's console token.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    app_id: Option<String>,
}

/// `GET /api/keys` answer.
#[derive(Serialize)]
pub struct KeyList {
    keys: Vec<ApiKeyView>,
}

/// `POST /api/keys/verify` body, when the key is not in `X-API-Key`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    key: String,
}

/// `POST /api/keys/verify` answer for a valid key.
#[derive(Serialize)]
struct ValidKey {
    valid: bool,
    app_id: String,
    user_id: Option<String>,
    key_id: String,
    name: String,
    scopes: Vec<String>,
    expires_at: Option<i64>,
}

/// `Cache-Control: no-store`: for answers carrying a secret or a verdict that may change.
fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// `POST /api/keys`: creates a key, shown this once.
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

/// No authentication: services call it with the key they were given. Every key that does not
/// verify, whatever the reason, gets the same `{"valid":false}` after the same work.
// No fields: the one input is the key itself.
#[instrument(skip_all)]
pub async fn verify(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(Extension(client)) = client {
        state.limits.check(Bucket::KeyVerify, client.limit_key())?;
    }
    let key = presented_key(&headers, &body)?;
    let answer = match state.service.verify_api_key(&key).await? {
        ApiKeyVerdict::Valid(key) => {
            let key = *key;
            Json(ValidKey {
                valid: true,
                app_id: key.app_id.to_string(),
                user_id: key.user_id.map(|u| u.to_string()),
                key_id: key.id.to_string(),
                name: key.name,
                scopes: key.scopes,
                expires_at: key.expires_at,
            })
            .into_response()
        }
        ApiKeyVerdict::Invalid => Json(serde_json::json!({ "valid": false })).into_response(),
    };
    Ok((no_store(), answer).into_response())
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
