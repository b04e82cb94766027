//! The REST API's contract: an OpenAPI 3.1 document generated from the handlers'
//! `#[utoipa::path]` annotations and the route table that registers them (`rest::routes`),
//! served at `GET /api/openapi.json`.

use crate::error::ApiError;
use crate::rest::error_body::{ErrorBody, error_response};
use crate::rest::routes;
use crate::router::AppState;
use auth_return_core::Error;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi};

/// How long caches may keep the document: it changes only with the server's version.
const CACHE_CONTROL: &str = "public, max-age=3600";

/// What every document starts from: its description, tags, the error body and the ways to
/// authenticate. The operations are added by the routes that serve them.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Auth Return REST API",
        description = "Apps, their settings, signing keys, events, inbox, passkeys, hooks and \
            webhooks, developers' access keys, API keys and the user behind a token. Every \
            error answers `{\"error\", \"message\"}` (with `fields` for settings). Generated from \
            the server's code.",
    ),
    components(schemas(ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "apps", description = "A developer's apps and their settings."),
        (name = "signing keys", description = "The keys an app's tokens are signed with."),
        (name = "events", description = "An app's audit events."),
        (name = "inbox", description = "The development inbox: mail the server kept instead of sending."),
        (name = "passkeys", description = "The passkeys of an app's users."),
        (name = "hooks", description = "The secret an app's hook calls are signed with."),
        (name = "webhooks", description = "An app's webhook endpoints and their deliveries."),
        (name = "identity providers", description = "An app's upstream identity providers for federated sign-in."),
        (name = "access keys", description = "A developer's AWS-style access keys (SigV4)."),
        (name = "api keys", description = "API keys of apps and their users, and their verification."),
        (name = "user", description = "Who a token belongs to."),
        (name = "contract", description = "This document."),
    ),
)]
pub struct ApiDoc;

/// The credentials the extractors accept (`crate::extract`), by the names the operations use.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            "console_token",
            bearer("A developer's console access token (from signing in to the console)."),
        );
        components.add_security_scheme(
            "user_token",
            bearer("An access token of an app's user (`/api/user`: an ID token too)."),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "An API key (`ar_…`) to verify.",
            ))),
        );
    }
}

/// Answers any operation may give whatever its handler does, from the layers around every
/// route and from the credential extractors: added to each operation, or to the description
/// of a status it already lists.
fn add_common_responses(openapi: &mut Document) {
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            if needs_credentials(operation) {
                add_response(
                    operation,
                    "401",
                    "The bearer token is missing, not valid, expired or revoked (`unauthorized`).",
                );
            }
            if operation.request_body.is_some() {
                add_response(
                    operation,
                    "400",
                    "The body is not JSON, or not of the shape the operation takes (unknown \
                     members too).",
                );
            }
            add_response(
                operation,
                "400",
                "A trusted proxy's forwarding header that cannot be read.",
            );
            add_response(
                operation,
                "403",
                "Plain HTTP from an address that is not loopback (`https_required`).",
            );
            add_response(operation, "500", "An internal error (`internal`).");
        }
    }
}

/// Whether every way to call `operation` takes a credential (an empty requirement is none).
fn needs_credentials(operation: &Operation) -> bool {
    operation
        .security
        .as_ref()
        .is_some_and(|ways| !ways.is_empty() && !ways.iter().any(|way| *way == Default::default()))
}

/// `status` with the error body, or `description` added to the one `operation` lists.
fn add_response(operation: &mut Operation, status: &str, description: &str) {
    let responses = &mut operation.responses.responses;
    match responses.get_mut(status) {
        Some(RefOr::T(response)) => {
            response.description = format!("{} Or: {description}", response.description);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert(status.to_owned(), RefOr::T(error_response(description)));
        }
    }
}

/// The whole document: what [`ApiDoc`] starts with, every operation the route table serves,
/// and the answers common to all of them.
pub fn document() -> Document {
    let mut openapi = routes::api().into_openapi();
    add_common_responses(&mut openapi);
    openapi
}

/// The document as served (kept in `AppState`, made once per server).
pub fn document_json() -> Result<Bytes, Arc<str>> {
    document()
        .to_json()
        .map(Bytes::from)
        .map_err(|e| Arc::from(e.to_string()))
}

/// `GET /api/openapi.json`: this API's contract. Public, cacheable.
#[utoipa::path(get, path = "/api/openapi.json", tag = "contract",
    operation_id = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document of the REST API.", body = Object)),
)]
pub async fn serve(State(state): State<AppState>) -> Result<Response, ApiError> {
    let json = state
        .openapi
        .as_ref()
        .map_err(|e| Error::Internal(format!("serialising the OpenAPI document: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            ),
        ],
        json.clone(),
    )
        .into_response())
}
