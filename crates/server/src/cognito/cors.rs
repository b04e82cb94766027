//! CORS for `POST /`: preflights are always allowed (they cannot see which app the body names),
//! but the actual answer grants the origin only if the app the operation acts for lists it, or
//! lists no origins. The app is found from the member the operation itself uses (`ClientId`,
//! the `AccessToken`'s client, the client a multi-factor `Session` names, or the
//! administrator's bearer token: [`Tenant`], read from the
//! parsed request); an answer to a request that names no known client that way — or whose
//! body does not parse — gets no grant at all. The route is outside the permissive CORS layer
//! of the other routes by construction (`super::router`).

use super::operation::Tenant;
use auth_return_core::tokens::verify::claimed_client;
use auth_return_core::{ClientId, Service};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Headers browsers may read (Amplify reads the error type; the JS SDK reads `date` for
/// clock-skew correction; docs/cognito-protocol.md §1.4; the request id for error reports).
pub const EXPOSED_HEADERS: [&str; 5] = [
    "x-request-id",
    "x-amzn-requestid",
    "x-amzn-errortype",
    "x-amzn-errormessage",
    "date",
];

/// The client a request acts for, from the member its operation uses.
fn client_of(headers: &HeaderMap, tenant: &Tenant) -> Option<ClientId> {
    match tenant {
        Tenant::ClientId(client) => Some(client.clone()),
        Tenant::AccessToken(token) => claimed_client(token.expose()),
        Tenant::Bearer => {
            let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
            claimed_client(value.strip_prefix("Bearer ")?.trim())
        }
        // Opened by `grant`, which has the service.
        Tenant::ChallengeSession(_) | Tenant::Unnamed => None,
    }
}

/// `OPTIONS /`: permissive, as the body (and so the app) is unknown at this point.
pub async fn preflight(headers: HeaderMap) -> Response {
    let mut response = StatusCode::OK.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_static("content-type, x-amz-target, x-amz-user-agent, authorization")
        });
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Adds the CORS grant to an answer when the request came from a browser origin the app allows.
pub async fn grant(
    service: &Service,
    request_headers: &HeaderMap,
    tenant: &Tenant,
    response: &mut Response,
) {
    let Some(origin) = request_headers.get(header::ORIGIN) else {
        return;
    };
    let client = match tenant {
        Tenant::ChallengeSession(session) => service.challenge_session_client(session),
        other => client_of(request_headers, other),
    };
    let allowed = match client {
        Some(client) => match service.client_origins(&client).await {
            Ok(Some(origins)) => {
                origins.is_empty()
                    || origin
                        .to_str()
                        .is_ok_and(|o| origins.iter().any(|a| a.eq_ignore_ascii_case(o)))
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "origin check failed");
                false
            }
        },
        None => false,
    };
    let h = response.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if allowed {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        if let Ok(exposed) = HeaderValue::from_str(&EXPOSED_HEADERS.join(", ")) {
            h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
        }
    }
}
