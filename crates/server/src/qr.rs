//! `POST /qr`: an authenticator app's `otpauth://` URI drawn as an SVG QR code, for the sign-in
//! component and the hosted pages (which have no QR encoder of their own). The URI carries the
//! user's new secret, so it comes in the body, never in a URL; it is neither logged nor kept,
//! no error message repeats it, and the answer is `no-store`.

use crate::error::ApiError;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The longest URI drawn, in bytes: an `otpauth://` URI with a long app name and email is
/// about 200.
pub const MAX_TEXT: usize = 512;

/// The largest body read: the URI, JSON-escaped, with room to spare.
const MAX_BODY: usize = 4 * 1024;

/// The scheme every drawn URI has (Google Authenticator's Key Uri Format).
const SCHEME: &str = "otpauth://";

/// The drawing's smallest side, in SVG pixels; it scales without blurring.
pub const MIN_SIZE: u32 = 200;

/// `{"text": "otpauth://…"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QrRequest {
    text: String,
}

/// `POST /qr`: the SVG (`image/svg+xml`, `no-store`), or a 400 saying what is wrong.
pub async fn render(body: Body) -> Result<Response, ApiError> {
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiError::bad_request(format!("The body must be at most {MAX_BODY} bytes."))
    })?;
    // An object first: serde would take `["otpauth://…"]` for the struct too. serde's own
    // message could quote the body, secret and all: ours names only the shape.
    let shape =
        || ApiError::bad_request(r#"The body must be JSON of the form {"text": "otpauth://…"}."#);
    let object: Map<String, Value> = serde_json::from_slice(&bytes).map_err(|_| shape())?;
    let request = QrRequest::deserialize(object).map_err(|_| shape())?;
    let svg = draw(&request.text)?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((StatusCode::OK, headers, svg).into_response())
}

/// The QR code of `text`, when it is an `otpauth://` URI of at most [`MAX_TEXT`] bytes.
fn draw(text: &str) -> Result<String, ApiError> {
    if text.len() > MAX_TEXT {
        return Err(ApiError::bad_request(format!(
            "text must be at most {MAX_TEXT} bytes."
        )));
    }
    let scheme = text.get(..SCHEME.len()).unwrap_or_default();
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return Err(ApiError::bad_request(
            "text must be an otpauth:// URI (an authenticator app's key).",
        ));
    }
    let code = QrCode::new(text.as_bytes())
        .map_err(|_| ApiError::bad_request("text cannot be drawn as a QR code."))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(MIN_SIZE, MIN_SIZE)
        .build())
}
