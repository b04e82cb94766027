//! Request ids, the span of each request and the one place error answers are logged.
//!
//! Every request gets a fresh `x-request-id` (a UUID) before anything else runs; every answer
//! repeats it, and every log line written while the request is served carries it through the
//! request span. A caller's own `x-request-id` is dropped: the id is ours, so a caller cannot
//! make its requests' log lines share an id with someone else's.

use crate::error::ErrorNote;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

/// The header that carries the request id, in both directions.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The request id of a request that passed the router's request-id layers (empty if it is not text).
pub fn request_id(headers: &HeaderMap) -> &str {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The span of one request: method, path (never the query) and request id.
pub(crate) fn request_span(request: &Request) -> Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        request_id = request_id(request.headers()),
    )
}

/// Drops a caller's `x-request-id`, so that the layer after this one always mints ours.
pub(crate) async fn forget_caller_request_id(mut request: Request) -> Request {
    request.headers_mut().remove(REQUEST_ID_HEADER);
    request
}

/// Logs each error answer once, from the [`ErrorNote`] its error put on it: our own faults as
/// errors with their detail, the client's at debug level with the code alone.
pub(crate) async fn log_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if let Some(note) = response.extensions().get::<ErrorNote>() {
        let status = response.status().as_u16();
        match &note.internal {
            Some(error) => {
                tracing::error!(status, code = note.code, error = %error, "internal error")
            }
            None => tracing::debug!(status, code = note.code, "request refused"),
        }
    }
    response
}
