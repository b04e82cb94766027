//! The Cognito endpoint's request parsing (`POST /`): an `X-Amz-Target` and a body through
//! `auth_return_server::parse_request`, the function the dispatcher parses with. It must never
//! panic, and what it refuses it refuses in the protocol's error shape: a client fault (400)
//! with a Cognito `__type`, never a server error.
//!
//! Input: the target on the first line, the body after it; no line at all is a request
//! without the header.

#![no_main]

use auth_return_server::parse_request;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (target, body) = match data.iter().position(|&b| b == b'\n') {
        // A header value that is not text is answered as a missing header.
        Some(at) => (std::str::from_utf8(&data[..at]).ok(), &data[at + 1..]),
        None => (None, data),
    };
    let Err(error) = parse_request(target, body) else {
        return;
    };
    assert_eq!(error.status, StatusCode::BAD_REQUEST, "{error:?}");
    assert!(error.kind.ends_with("Exception"), "{error:?}");
    assert!(error.message.chars().count() < 2048, "{error:?}");
    let kind = error.kind;
    let response = error.into_response();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let errortype = response.headers().get("x-amzn-errortype");
    assert_eq!(
        errortype.and_then(|v| v.to_str().ok()),
        Some(format!("{kind}:").as_str())
    );
});
