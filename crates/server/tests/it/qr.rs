//! `POST /qr`: an `otpauth://` URI drawn as an SVG QR code that reads back (rqrr) to the same
//! URI; anything else, and any body that is not `{"text": …}`, a 400 that never repeats it.

use crate::common::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

const URI: &str = "otpauth://totp/Harbor%20Notes:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Harbor%20Notes";

/// A raw `POST /qr` from another origin: status, headers and body text.
async fn post(
    server: &TestServer,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = server
        .http
        .post(format!("{}/qr", server.url))
        .header("origin", "https://app.example")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

/// The value of `name="…"` in the SVG's root element.
fn attribute<'a>(svg: &'a str, name: &str) -> &'a str {
    let root = &svg[svg.find("<svg").unwrap()..];
    let start = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &root[start..start + root[start..].find('"').unwrap()]
}

/// The dark modules of qrcode's SVG (`M{x} {y}h{w}v{h}H{x}V{y}` per run) as a bitmap, read back
/// as a QR code would be by a phone's camera.
fn decode(svg: &str) -> String {
    let size: usize = attribute(svg, "width").parse().unwrap();
    let mut dark = vec![false; size * size];
    let path = &svg[svg.find(" d=\"").unwrap() + 4..];
    let path = &path[..path.find('"').unwrap()];
    for run in path.split('M').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = run
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let [x, y, w, h, ..] = numbers[..] else {
            panic!("a run without its rectangle: {run}");
        };
        for row in y..y + h {
            for column in x..x + w {
                dark[row * size + column] = true;
            }
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_bitmap(size, size, |x, y| dark[y * size + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the drawing");
    grids[0].decode().unwrap().1
}

fn assert_refused(status: StatusCode, body: &str, needle: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["error"], "invalid_request", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message}");
    assert!(
        !message.contains("JBSWY3DP"),
        "the secret is repeated: {message}"
    );
}

#[tokio::test]
async fn an_otpauth_uri_is_drawn_as_an_svg_that_reads_back() {
    let server = TestServer::start().await;
    let (status, headers, svg) = post(&server, json!({ "text": URI }).to_string()).await;
    assert_eq!(status, StatusCode::OK, "{svg}");
    assert_eq!(headers["content-type"], "image/svg+xml");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(!headers.contains_key("access-control-allow-credentials"));
    assert!(svg.starts_with("<?xml") && svg.ends_with("</svg>"), "{svg}");
    assert!(svg.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
    let (width, height) = (attribute(&svg, "width"), attribute(&svg, "height"));
    assert_eq!(width, height, "square");
    let side: u32 = width.parse().unwrap();
    assert!((200..400).contains(&side), "{side} px");
    assert_eq!(attribute(&svg, "viewBox"), format!("0 0 {side} {side}"));
    assert_eq!(decode(&svg), URI);

    // The scheme in capitals is still the scheme; the longest URI is drawn too.
    let upper = URI.replacen("otpauth", "OTPAUTH", 1);
    let (status, _, svg) = post(&server, json!({ "text": upper }).to_string()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode(&svg), upper);
    let longest = format!("{URI}&x={}", "a".repeat(512 - URI.len() - 3));
    assert_eq!(longest.len(), 512);
    let (status, _, svg) = post(&server, json!({ "text": longest }).to_string()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode(&svg), longest);
}

#[tokio::test]
async fn a_page_on_another_origin_may_ask_without_credentials() {
    let server = TestServer::start().await;
    let response = server
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/qr", server.url))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert!(!headers.contains_key("access-control-allow-credentials"));
}

#[tokio::test]
async fn anything_but_an_otpauth_uri_is_refused() {
    let server = TestServer::start().await;
    for text in [
        "https://example.com/?secret=JBSWY3DPEHPK3PXP",
        "JBSWY3DPEHPK3PXP",
        "",
        "otpauth:/totp/x?secret=JBSWY3DPEHPK3PXP",
        "é",
    ] {
        let (status, _, body) = post(&server, json!({ "text": text }).to_string()).await;
        assert_refused(status, &body, "otpauth:// URI");
    }
    let long = format!("{URI}&x={}", "a".repeat(513 - URI.len() - 3));
    let (status, _, body) = post(&server, json!({ "text": long }).to_string()).await;
    assert_refused(status, &body, "at most 512 bytes");
}

#[tokio::test]
async fn a_body_of_another_shape_is_refused() {
    let server = TestServer::start().await;
    let secret = json!({ "text": URI }).to_string();
    for body in [
        String::new(),
        "{".to_owned(),
        secret[..secret.len() - 1].to_owned(),
        json!({ "text": 5 }).to_string(),
        json!({ "uri": URI }).to_string(),
        json!({ "text": URI, "size": 300 }).to_string(),
        json!([URI]).to_string(),
        json!(URI).to_string(),
        "null".to_owned(),
    ] {
        let (status, _, answer) = post(&server, body.clone()).await;
        assert_refused(status, &answer, r#"{"text": "otpauth://…"}"#);
    }
    // Over 4 KiB, read no further.
    let padded = format!("{{\"text\": \"{URI}\"{}}}", " ".repeat(5000));
    let (status, _, answer) = post(&server, padded).await;
    assert_refused(status, &answer, "at most 4096 bytes");
    // Only POST: a URL must never carry the secret.
    let response = server
        .http
        .get(format!("{}/qr?text={URI}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}
