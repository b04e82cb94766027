//! Confidential clients at the token and revocation endpoints: `client_secret_basic`,
//! `client_secret_post`, wrong secrets, and the `client_credentials` grant.

use super::support::*;
use crate::common::{PASSWORD, TestServer, claims};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_confidential_client_exchanges_codes_with_basic_or_post_and_no_pkce() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Server app", true).await;
    let client_id = app.app.client.id.to_string();
    let secret = app.client_secret.clone().unwrap();
    page_user(&server, &app, "gil@example.com").await;
    let mut browser = Browser::new(&server);
    let no_pkce = [("code_challenge", None), ("code_challenge_method", None)];

    let code = code_for(&mut browser, &app, "gil@example.com", PASSWORD, &no_pkce).await;
    let basic = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
            ],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(basic.status, StatusCode::OK, "{}", basic.body);

    let code = code_for(&mut browser, &app, "gil@example.com", PASSWORD, &no_pkce).await;
    let post = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("client_id", &client_id),
                ("client_secret", &secret),
            ],
            None,
        )
        .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.body);
    let refresh = post.json()["refresh_token"].as_str().unwrap().to_owned();

    // Wrong, missing or doubled credentials: invalid_client, the code untouched.
    let code = code_for(&mut browser, &app, "gil@example.com", PASSWORD, &no_pkce).await;
    let grant = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
    ];
    let wrong = browser
        .post_form("/oauth2/token", &grant, Some((&client_id, "wrong")))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["error"], "invalid_client");
    assert_eq!(wrong.headers["www-authenticate"], "Basic");
    let mut missing = grant.to_vec();
    missing.push(("client_id", &client_id));
    let missing = browser.post_form("/oauth2/token", &missing, None).await;
    assert_eq!(
        (missing.status, missing.json()["error"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_client"))
    );
    assert!(missing.headers.get("www-authenticate").is_none());
    let mut doubled = grant.to_vec();
    doubled.push(("client_secret", &secret));
    let doubled = browser
        .post_form("/oauth2/token", &doubled, Some((&client_id, &secret)))
        .await;
    assert_eq!(doubled.json()["error"], "invalid_request");
    let right = browser
        .post_form("/oauth2/token", &grant, Some((&client_id, &secret)))
        .await;
    assert_eq!(
        right.status,
        StatusCode::OK,
        "refused credentials must not spend the code"
    );

    // Revocation needs the secret too.
    let denied = browser
        .post_form(
            "/oauth2/revoke",
            &[("token", &refresh)],
            Some((&client_id, "wrong")),
        )
        .await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
    let refreshed = browser
        .post_form(
            "/oauth2/token",
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let revoked = browser
        .post_form(
            "/oauth2/revoke",
            &[("token", &refresh)],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let unknown = browser
        .post_form(
            "/oauth2/revoke",
            &[("token", "no-such-token")],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::OK,
        "RFC 7009 §2.2: unknown tokens are not an error"
    );
    let access = right.json()["access_token"].as_str().unwrap().to_owned();
    let jwt = browser
        .post_form(
            "/oauth2/revoke",
            &[("token", &access)],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(jwt.json()["error"], "unsupported_token_type");
}

#[tokio::test]
async fn client_credentials_grant_the_apps_custom_scopes_to_the_client_itself() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Machine", true).await;
    let client_id = app.app.client.id.to_string();
    let secret = app.client_secret.clone().unwrap();
    let mut browser = Browser::new(&server);
    let grant = [("grant_type", "client_credentials")];
    let off = browser
        .post_form("/oauth2/token", &grant, Some((&client_id, &secret)))
        .await;
    assert_eq!(off.json()["error"], "unauthorized_client");
    configure(
        &server,
        &app,
        json!({"flows": {"code": true, "client_credentials": true},
               "custom_scopes": ["orders/read", "orders/write"]}),
    )
    .await;
    let all = browser
        .post_form("/oauth2/token", &grant, Some((&client_id, &secret)))
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let body = all.json();
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    let token = claims(body["access_token"].as_str().unwrap());
    assert_eq!(token["sub"], client_id);
    assert_eq!(token["scope"], "orders/read orders/write");
    assert_eq!(token["token_use"], "access");
    let one = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "client_credentials"),
                ("scope", "orders/read"),
            ],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(
        claims(one.json()["access_token"].as_str().unwrap())["scope"],
        "orders/read"
    );
    let unknown = browser
        .post_form(
            "/oauth2/token",
            &[("grant_type", "client_credentials"), ("scope", "openid")],
            Some((&client_id, &secret)),
        )
        .await;
    assert_eq!(unknown.json()["error"], "invalid_scope");
    // A client-credentials token is no user's: the user-pool API and userinfo refuse it.
    let access = all.json()["access_token"].as_str().unwrap().to_owned();
    let (status, _, _) = server.get("/oauth2/userInfo", Some(&access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn browser_apps_may_call_the_token_endpoint_cross_origin() {
    let server = TestServer::start().await;
    let response = server
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/oauth2/token", server.url),
        )
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-user-agent",
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("x-amz-user-agent"), "{allowed}");
}

#[tokio::test]
async fn a_burst_at_the_token_endpoint_is_limited_per_address() {
    use auth_return_server::ServerOptions;
    use auth_return_server::limits::{LimiterClock, RateLimitSettings};
    let server = TestServer::start_with(ServerOptions {
        rate_limits: RateLimitSettings::uniform(5),
        limiter_clock: LimiterClock::manual(),
        ..ServerOptions::default()
    })
    .await;
    let app = oauth_app(&server, "Limited", true).await;
    let client_id = app.app.client.id.to_string();
    let attempts = (0..12).map(|i| {
        let http = server.http.clone();
        let url = format!("{}/oauth2/token", server.url);
        let id = client_id.clone();
        tokio::spawn(async move {
            let response = http
                .post(url)
                .basic_auth(id, Some(format!("guess-{i}")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials")
                .send()
                .await
                .unwrap();
            let status = response.status();
            let retry = response.headers().get("retry-after").is_some();
            (
                status,
                retry,
                response.json::<serde_json::Value>().await.unwrap(),
            )
        })
    });
    let mut results = Vec::new();
    for attempt in attempts.collect::<Vec<_>>() {
        results.push(attempt.await.unwrap());
    }
    let judged = results
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled: Vec<_> = results
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(judged, 5, "only the bucket's worth of guesses is judged");
    assert_eq!(throttled.len(), 7);
    assert!(
        throttled
            .iter()
            .all(|(_, retry, body)| *retry && body["error"] == "temporarily_unavailable")
    );
}

#[tokio::test]
async fn a_client_credentials_token_verifies_in_a_backend_with_the_verify_crate() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Machine backend", true).await;
    configure(
        &server,
        &app,
        json!({"flows": {"code": true, "client_credentials": true}, "custom_scopes": ["orders/read"]}),
    )
    .await;
    let (client_id, secret) = (
        app.app.client.id.to_string(),
        app.client_secret.clone().unwrap(),
    );
    let mut browser = Browser::new(&server);
    let token = browser
        .post_form(
            "/oauth2/token",
            &[("grant_type", "client_credentials")],
            Some((&client_id, &secret)),
        )
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let verifier = auth_return_verify::Verifier::builder(
        format!("{}/{}", server.url, app.app.pool_id),
        client_id.as_str(),
    )
    .build()
    .unwrap();
    let claims = verifier.verify_access_token(&token).await.unwrap();
    assert_eq!(claims.sub, client_id);
    assert_eq!(claims.scope, vec!["orders/read".to_owned()]);
    assert!(claims.origin_jti.is_none() && claims.username.is_none());
}
