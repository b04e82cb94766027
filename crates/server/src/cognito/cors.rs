//! CORS for `POST /`: preflights are always allowed (they cannot see which app the body names),
//! but the actual answer grants the origin only if the app lists it, or lists no origins.

use auth_return_core::Service;
use auth_return_core::tokens::verify::claimed_client;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Headers browsers may read (Amplify reads the error type; the JS SDK reads `date` for
/// clock-skew correction; spec §1.4).
pub const EXPOSED_HEADERS: [&str; 4] = [
    "x-amzn-requestid",
    "x-amzn-errortype",
    "x-amzn-errormessage",
    "date",
];

/// What a request body says about its app, read without the operation's full shape.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Tenant {
    client_id: Option<String>,
    access_token: Option<String>,
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
    body: &[u8],
    response: &mut Response,
) {
    let Some(origin) = request_headers.get(header::ORIGIN) else {
        return;
    };
    let tenant: Option<Tenant> = serde_json::from_slice(body).ok();
    let client = tenant.and_then(|t| {
        t.client_id
            .or_else(|| t.access_token.as_deref().and_then(claimed_client))
    });
    let allowed = match client {
        Some(client) => match service.client_origins(&client).await {
            Ok(origins) => {
                origins.is_empty()
                    || origin
                        .to_str()
                        .is_ok_and(|o| origins.iter().any(|a| a.eq_ignore_ascii_case(o)))
            }
            Err(e) => {
                tracing::warn!(error = %e, "origin check failed");
                false
            }
        },
        None => true,
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
