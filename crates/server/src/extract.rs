//! Extractors that prove who is calling before a handler runs (docs/architecture.md rule 3).

use crate::client::ClientInfo;
use crate::error::ApiError;
use crate::rest::error_body::error_response;
use crate::router::AppState;
use auth_return_core::events::Caller;
use auth_return_core::{Actor, KeyManager};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::str::FromStr;
use utoipa::openapi::RefOr;

/// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The bearer token, or a 401 saying which token `what` names.
fn required_bearer<'a>(parts: &'a Parts, what: &str) -> Result<&'a str, ApiError> {
    bearer_token(&parts.headers)
        .ok_or_else(|| ApiError::unauthorized(format!("Authorization: Bearer {what} required")))
}

/// Who made a request, for the audit events it causes: the client address the transport
/// layer resolved (`transport::identify_client`) and the `User-Agent`, if it is text.
pub fn caller_of(client: Option<&ClientInfo>, headers: &HeaderMap) -> Caller {
    Caller {
        ip: client.map(|client| client.ip),
        user_agent: headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// The request's [`Caller`], for handlers whose actions are recorded.
pub struct RequestCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for RequestCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(caller_of(
            parts.extensions.get::<ClientInfo>(),
            &parts.headers,
        )))
    }
}

/// A developer proven by a console access token.
pub struct ConsoleDeveloper(pub Actor);

impl FromRequestParts<AppState> for ConsoleDeveloper {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = required_bearer(parts, "<console access token>")?;
        Ok(Self(state.service.authenticate_developer(token).await?))
    }
}

/// A caller of `/api/keys`, proven by an access token: a developer when it is a console
/// token, else a user of the token's app (see `Service::authenticate_key_manager`).
pub struct KeyCaller(pub KeyManager);

impl FromRequestParts<AppState> for KeyCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = required_bearer(
            parts,
            "<access token> (an app user's, or a developer's console token)",
        )?;
        Ok(Self(state.service.authenticate_key_manager(token).await?))
    }
}

/// A JSON body whose rejections are answered in the REST error shape.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            // Keep the rejection's status (400, 413 too large, 415 not JSON, 422 wrong shape).
            Err(rejection) => Err(ApiError {
                status: rejection.status(),
                ..ApiError::bad_request(rejection.body_text())
            }),
        }
    }
}

/// What [`JsonBody`] answers for a body it cannot read, as the OpenAPI document lists it
/// (besides the 400 of a body that is not JSON, which every operation with a body lists).
pub struct JsonBodyRejection;

impl utoipa::IntoResponses for JsonBodyRejection {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        [
            ("413", "The body is larger than the server takes."),
            (
                "415",
                "The body is not declared `Content-Type: application/json`.",
            ),
            (
                "422",
                "The body is JSON, but a member has the wrong type or a required one is missing.",
            ),
        ]
        .into_iter()
        .map(|(status, description)| (status.to_owned(), RefOr::T(error_response(description))))
        .collect()
    }
}

/// The route's one path parameter as a typed id (`AppId`, `ApiKeyId`, `PoolId`), parsed once
/// here. A malformed id names nothing, so it is answered as the not-found its `FromStr` says.
pub struct PathId<T>(pub T);

impl<T, S> FromRequestParts<S> for PathId<T>
where
    T: FromStr<Err = auth_return_core::Error>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| ApiError {
                status: rejection.status(),
                ..ApiError::bad_request(rejection.body_text())
            })?;
        Ok(Self(raw.parse()?))
    }
}
