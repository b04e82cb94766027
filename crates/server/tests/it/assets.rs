//! The embeddable scripts and the demo page, served by the binary.

use crate::common::TestServer;
use reqwest::StatusCode;

#[tokio::test]
async fn scripts_are_served_with_validators_and_cors() {
    let server = TestServer::start().await;
    for file in ["auth_component.js", "auth_header_component.js"] {
        let response = server
            .http
            .get(format!("{}/{file}", server.url))
            .header("origin", "https://some-app.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("must-revalidate")
        );
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let body = response.text().await.unwrap();
        assert!(body.len() > 1000 && body.contains("AuthReturn"), "{file}");
        // Joined from web/'s modules by build.rs: one classic script, everything inside a wrapper.
        assert!(
            !body
                .lines()
                .any(|l| l.starts_with("import ") || l.starts_with("export ")),
            "{file} keeps module syntax"
        );
        assert!(body.trim_end().ends_with("})();"), "{file}");

        // Revalidation: the same ETag gives 304 and no body.
        let again = server
            .http
            .get(format!("{}/{file}", server.url))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.text().await.unwrap().is_empty());

        // The content-addressed copy is cacheable forever and identical.
        let hash = etag.trim_matches('"');
        let versioned = format!("{}.{hash}.js", file.trim_end_matches(".js"));
        let response = server
            .http
            .get(format!("{}/{versioned}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.text().await.unwrap(), body);
    }
    for missing in [
        "/auth_component.0000000000000000.js",
        "/nothing.js",
        "/Cargo.toml",
    ] {
        let (status, body, _) = server.get(missing, None).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{missing}"
        );
    }
}

#[tokio::test]
async fn the_demo_page_uses_both_components() {
    let server = TestServer::start().await;
    let app = server.app("Demo").await;
    let response = server
        .http
        .get(format!("{}/demo/{}", server.url, app.app.id))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let page = response.text().await.unwrap();
    // Same-origin paths: the page's policy allows this server's scripts only.
    assert!(page.contains(&format!(
        r#"<script src="/auth_component.js" data-app-id="{}"></script>"#,
        app.app.id
    )));
    assert!(page.contains(r#"<script src="/auth_header_component.js"></script>"#));
    assert!(page.contains("<auth-header>"));
    assert!(page.contains(r#"<script src="/demo."#));
    assert!(page.contains("Demo"), "names the app");
    let (status, _, _) = server.get("/demo/app_doesnotexist", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = server.get("/demo/<script>", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
