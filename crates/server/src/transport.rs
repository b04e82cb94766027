//! The first layer every request passes: resolves who is calling ([`ClientInfo`]) from the
//! socket and, behind trusted proxies, the one forwarding header the deployment names. A
//! trusted proxy's header that cannot be read ends the request here with a 400, in the
//! endpoint's own error shape: nothing of it runs, nothing is counted or stored.

use crate::client::ClientInfo;
use crate::error::{ApiError, CognitoError};
use crate::router::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{Ipv4Addr, SocketAddr};

/// Inserts the request's [`ClientInfo`] as an extension for the handlers and layers after it.
pub async fn identify_client(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Served without a socket (never in production): an unspecified, non-loopback peer, so
    // that nothing is granted to it.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)), |c| c.0);
    let resolved = ClientInfo::resolve(
        peer,
        state.options.tls,
        request.headers(),
        &state.options.trusted_proxies,
        state.options.forwarded_header,
    );
    match resolved {
        Ok(info) => {
            request.extensions_mut().insert(info);
            next.run(request).await
        }
        Err(unreadable) => {
            tracing::info!(
                proxy = %peer.ip(),
                header = unreadable.header,
                reason = unreadable.reason,
                method = %request.method(),
                path = request.uri().path(),
                "request from a trusted proxy refused: its forwarding header cannot be read"
            );
            early_answer(
                &request,
                CognitoError::from(unreadable.clone()),
                ApiError::from(unreadable),
            )
        }
    }
}

/// Whether `request` is a call of the Cognito endpoint (`POST /` with `X-Amz-Target`), which
/// answers errors in Cognito's shape; everything else answers in the REST shape.
pub(crate) fn is_cognito_call(request: &Request) -> bool {
    request.method() == Method::POST
        && request.uri().path() == "/"
        && request.headers().contains_key("x-amz-target")
}

/// An error answered before the router's own layers run: `cognito` for the Cognito endpoint,
/// `rest` elsewhere, with the headers every answer carries. It holds nothing but a fixed
/// message, so any page may read it and a browser client shows the reason rather than a CORS
/// failure.
pub(crate) fn early_answer(request: &Request, cognito: CognitoError, rest: ApiError) -> Response {
    let mut response = if is_cognito_call(request) {
        cognito.into_response()
    } else {
        rest.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    // The router's header layers sit inside the layer answering and never see this answer.
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
