//! The first layer every request passes: resolves who is calling ([`ClientInfo`]) from the
//! socket and, behind trusted proxies, their forwarding headers.

use crate::client::ClientInfo;
use crate::router::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
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
    let info = ClientInfo::resolve(
        peer,
        state.options.tls,
        request.headers(),
        &state.options.trusted_proxies,
    );
    request.extensions_mut().insert(info);
    next.run(request).await
}
