//! The server's own HTML pages: the landing page (`GET /`), the integration guide (`GET /docs`),
//! the developer console's shell (`GET /console`), the demo page (`GET /demo/{app_id}`) and the
//! hosted sign-in pages (`hosted.rs`, rendered for the routes of `server/src/oauth/`).
//! Every page carries one strict Content-Security-Policy: no inline script or style, only this
//! server's files; scripts and stylesheets are the content-addressed assets of `assets.rs`.

pub mod console;
pub mod demo;
pub mod docs;
pub mod hosted;
pub mod landing;

use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

/// The policy of every page: this server's scripts, styles, images and API, nothing inline,
/// no framing, no `<base>`, forms only to this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `html` as a page: `text/html`, the policy, `X-Frame-Options: DENY`, `Cache-Control: no-store`.
pub fn page_response(html: String) -> Response {
    page_response_connecting(html, None)
}

/// [`page_response`], whose scripts may also call `origin` (the Cognito endpoint of an app
/// whose pool lives there, which the sign-in component calls from the page).
pub fn page_response_connecting(html: String, origin: Option<&url::Url>) -> Response {
    let mut response = Html(html).into_response();
    let policy = origin
        .map(|url| url.origin().ascii_serialization())
        .filter(|origin| origin != "null")
        .and_then(|origin| {
            let policy = CONTENT_SECURITY_POLICY.replace(
                "connect-src 'self'",
                &format!("connect-src 'self' {origin}"),
            );
            HeaderValue::from_str(&policy).ok()
        })
        .unwrap_or(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `text` escaped for HTML text and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The document around a page's `head` extras and `body`, titled `title` (escaped here).
pub fn document(title: &str, head: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<link rel="icon" href="data:,">
{head}
</head>
<body>
{body}
</body>
</html>
"#,
        title = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(
            escape(r#"<img src=x onerror="a('1')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt;&amp;"
        );
    }

    #[test]
    fn pages_carry_the_policy() {
        let response = page_response(document("<T>", "", "<p>x</p>"));
        let headers = response.headers();
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/html"))
        );
    }

    #[test]
    fn a_page_may_also_call_one_named_origin_and_nothing_more() {
        let policy = |url: &str| {
            let url = url::Url::parse(url).unwrap();
            let response = page_response_connecting(String::new(), Some(&url));
            response.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_owned()
        };
        let cognito = policy("https://cognito-idp.eu-west-1.amazonaws.com/");
        assert!(
            cognito.contains(
                "; connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com; font-src"
            ),
            "{cognito}"
        );
        assert_eq!(
            cognito.replace(" https://cognito-idp.eu-west-1.amazonaws.com", ""),
            CONTENT_SECURITY_POLICY
        );
        // Only the origin: no path, and nothing that could end the directive.
        let odd = policy("http://127.0.0.1:45710/a;script-src%20*");
        assert!(
            odd.contains("connect-src 'self' http://127.0.0.1:45710;"),
            "{odd}"
        );
        assert!(!odd.contains("script-src *"), "{odd}");
        // A URL without an origin adds nothing.
        assert_eq!(policy("data:text/plain,x"), CONTENT_SECURITY_POLICY);
    }
}
