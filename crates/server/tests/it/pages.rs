//! The server's HTML pages: the landing page beside the Cognito endpoint, the guide, the
//! console's shell and the demo page, each with the strict Content-Security-Policy.

use crate::common::TestServer;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// GETs `path` and checks that it is a page with the policy; its headers and text.
async fn page(server: &TestServer, path: &str) -> (HeaderMap, String) {
    let response = server
        .http
        .get(format!("{}{path}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html; charset=utf-8"),
        "{path}"
    );
    assert_eq!(headers["content-security-policy"], CSP, "{path}");
    assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    assert_eq!(headers["cache-control"], "no-store", "{path}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    let text = response.text().await.unwrap();
    // No inline script or style: every <script> has a src, and there is no <style> or style="".
    for (i, _) in text.match_indices("<script") {
        assert!(
            text[i..].starts_with("<script src=\""),
            "{path}: inline script"
        );
    }
    assert!(
        !text.contains("<style") && !text.contains(" style="),
        "{path}"
    );
    (headers, text)
}

/// The `href`/`src` values of `text` that are this server's content-addressed files.
fn versioned_files(text: &str) -> Vec<String> {
    text.split(['"', '\''])
        .filter(|part| {
            part.starts_with('/')
                && (part.ends_with(".js") || part.ends_with(".css"))
                && part.matches('.').count() == 2
        })
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn get_root_is_the_landing_page_while_post_root_stays_cognito() {
    let server = TestServer::start().await;
    let (_, text) = page(&server, "/").await;
    for link in [r#"href="/console""#, r#"href="/docs""#, r#"action="/demo""#] {
        assert!(text.contains(link), "{link}");
    }
    let reply = server.call("ListUsers", serde_json::json!({})).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = server
        .raw_with(
            "SignUp",
            b"{}".to_vec(),
            &[("content-type", "application/x-amz-json-1.1")],
        )
        .await;
    assert_eq!(reply.error_type(), "InvalidParameterException");
    // The page's stylesheet is served with its type and forever-cacheable.
    for file in versioned_files(&text) {
        let response = server
            .http
            .get(format!("{}{file}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let kind = if file.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            "text/javascript; charset=utf-8"
        };
        assert_eq!(response.headers()["content-type"], kind, "{file}");
    }
}

#[tokio::test]
async fn the_guide_is_the_readme_with_anchors_and_no_markup_of_its_own() {
    let server = TestServer::start().await;
    let (_, text) = page(&server, "/docs").await;
    assert!(text.contains(r#"<h3 id="who-can-become-a-developer">"#));
    assert!(text.contains(r##"<a href="#who-can-become-a-developer">"##));
    // The README's HTML examples are shown, never run.
    assert!(text.contains("&lt;script src="));
    assert!(!text.contains("<script"));
    assert!(!text.contains("<auth-header>"));
    // The README's screenshot is there, served beside the guide.
    assert!(
        text.contains(r#"<img src="docs/console.png""#),
        "the screenshot"
    );
    let image = server
        .http
        .get(format!("{}/docs/console.png", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    let bytes = image.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
}

#[tokio::test]
async fn the_console_shell_loads_its_files_and_the_component_for_the_console_app() {
    let server = TestServer::start().await;
    let (_, text) = page(&server, "/console").await;
    assert!(text.contains(r#"data-app-id="console" data-fetch-token="access""#));
    let files = versioned_files(&text);
    for stem in ["/console.", "/auth_component.", "/auth_header_component."] {
        assert!(
            files.iter().any(|f| f.starts_with(stem)),
            "{stem}: {files:?}"
        );
    }
    let script = files
        .iter()
        .find(|f| f.starts_with("/console.") && f.ends_with(".js"));
    let body = server
        .http
        .get(format!("{}{}", server.url, script.unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The snippet templates were embedded by build.rs.
    assert!(
        body.contains(r#""script-tags.html": "\u003cscript src=\"{{SERVER}}/auth_component.js\""#)
    );
    assert!(!body.contains("innerHTML"), "the console writes text only");
}

#[tokio::test]
async fn the_demo_page_names_its_app_as_text_and_links_to_the_console() {
    let server = TestServer::start().await;
    let app = server.app(r#"<img src=x onerror="alert(1)"> & Co"#).await;
    let id = app.app.id.to_string();
    let (_, text) = page(&server, &format!("/demo/{id}")).await;
    assert!(text.contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co"));
    assert!(!text.contains("<img"));
    assert!(text.contains(&format!(r#"href="/console#/apps/{id}""#)));
    assert!(text.contains(&format!(
        r#"<script src="/auth_component.js" data-app-id="{id}"></script>"#
    )));
    // The landing page's form leads there.
    let response = server
        .http
        .get(format!("{}/demo?app_id={id}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.url().path(), format!("/demo/{id}"));
    for missing in ["/demo?app_id=nope", "/demo", "/demo/app_doesnotexist"] {
        let (status, _, _) = server.get(missing, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}
