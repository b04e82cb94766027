//! The authorization code flow end to end: hosted sign-in, code, exchange, userinfo, refresh,
//! revocation, sign-out; and the implicit flow where an app allows it.

use super::support::*;
use crate::common::{PASSWORD, TestServer, claims};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_public_client_signs_in_by_redirect_with_pkce() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Redirect", false).await;
    let client_id = app.app.client.id.to_string();
    let sub = server
        .confirmed_user(&client_id, "ada@example.com", PASSWORD)
        .await;
    // A member of a group, which the exchanged tokens name.
    let (operator, pool) = (auth_return_core::Actor::Operator, &app.app.pool_id);
    let readers = auth_return_core::groups::NewGroup {
        name: "readers".into(),
        description: None,
        precedence: Some(2),
        role_arn: None,
    };
    server
        .service
        .create_group(operator, pool, readers)
        .await
        .unwrap();
    server
        .service
        .add_user_to_group(operator, pool, "ada@example.com", "readers")
        .await
        .unwrap();
    let mut browser = Browser::new(&server);

    // Nobody signed in: the request goes to the hosted page, unchanged.
    let path = authorize_path(&app, &[]);
    let first = browser.get(&path).await;
    assert_eq!(first.status, StatusCode::FOUND);
    assert_eq!(
        first.location(),
        path.replacen("/oauth2/authorize", "/login", 1)
    );
    let page = browser.get(first.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(browser.cookies.contains_key("ar_csrf"));
    let signed_in = browser.sign_in(&app, "ada@example.com", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert_eq!(signed_in.body, json!({"SignedIn": true}));
    let cookie = format!("ar_session_{}", app.app.pool_id);
    assert!(
        browser.cookies.contains_key(&cookie),
        "{:?}",
        browser.cookies
    );

    // Signed in: the code comes back with the state.
    let answer = browser.get(&path).await;
    let params = answer.location_params(false);
    assert!(answer.location().starts_with(CALLBACK));
    assert_eq!(params["state"], "st-123");
    let code = params["code"].clone();

    let tokens = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &client_id),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", VERIFIER),
            ],
            None,
        )
        .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    assert_eq!(tokens.headers["cache-control"], "no-store");
    let body = tokens.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "openid email");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["sub"], sub);
    assert_eq!(id["aud"], client_id);
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(id["at_hash"], expected_at_hash(&access));
    assert_eq!(id["cognito:groups"], json!(["readers"]));
    assert!(id["auth_time"].as_i64().unwrap() <= id["iat"].as_i64().unwrap());
    let access_claims = claims(&access);
    assert_eq!(access_claims["scope"], "openid email");
    assert_eq!(access_claims["client_id"], client_id);
    assert_eq!(access_claims["cognito:groups"], json!(["readers"]));

    // Userinfo: claims as far as the scopes reach.
    let (status, info, _) = server.get("/oauth2/userInfo", Some(&access)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["sub"], sub);
    assert_eq!(info["email"], "ada@example.com");
    // Without the user-pool API scope, the Cognito API refuses the token.
    let refused = server.call("GetUser", json!({"AccessToken": access})).await;
    refused.assert_error("NotAuthorizedException", "Invalid Access Token");

    // Refresh, then revoke: the session ends and its tokens with it.
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &client_id),
                ("refresh_token", &refresh),
            ],
            None,
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let refreshed = refreshed.json();
    assert!(refreshed["id_token"].is_string());
    assert_eq!(
        claims(refreshed["access_token"].as_str().unwrap())["scope"],
        "openid email"
    );
    let revoked = browser
        .post_form(
            "/oauth2/revoke",
            &[("client_id", &client_id), ("token", &refresh)],
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let again = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &client_id),
                ("refresh_token", &refresh),
            ],
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["error"], "invalid_grant");
    let (status, _, headers) = server.get("/oauth2/userInfo", Some(&access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );

    // A second request within the hosted session needs no password.
    let code = code_for(&mut browser, &app, "ada@example.com", "not needed", &[]).await;
    assert!(!code.is_empty());

    // Signing out ends the hosted session: the next request goes to the page again.
    let out = browser
        .get(&format!(
            "/logout?client_id={client_id}&logout_uri={SIGNED_OUT}"
        ))
        .await;
    assert_eq!(out.status, StatusCode::FOUND);
    assert_eq!(out.location(), SIGNED_OUT);
    assert!(!browser.cookies.contains_key(&cookie));
    let after = browser.get(&path).await;
    assert!(
        after.location().starts_with("/login?"),
        "{}",
        after.location()
    );
}

#[tokio::test]
async fn prompt_login_asks_again_and_prompt_none_never_shows_a_page() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Prompts", false).await;
    server
        .confirmed_user(app.app.client.id.as_str(), "bo@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    let none = browser
        .get(&authorize_path(&app, &[("prompt", Some("none"))]))
        .await;
    let params = none.location_params(false);
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], "st-123");
    code_for(&mut browser, &app, "bo@example.com", PASSWORD, &[]).await;
    let silent = browser
        .get(&authorize_path(&app, &[("prompt", Some("none"))]))
        .await;
    assert!(silent.location_params(false).contains_key("code"));
    let login = browser
        .get(&authorize_path(&app, &[("prompt", Some("login"))]))
        .await;
    assert!(login.location().starts_with("/login?"));
    assert!(!login.location().contains("prompt"), "{}", login.location());
}

#[tokio::test]
async fn the_implicit_flow_answers_in_the_fragment_only_where_allowed() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Implicit", false).await;
    server
        .confirmed_user(app.app.client.id.as_str(), "cy@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    let implicit = [
        ("response_type", Some("token")),
        ("code_challenge", None),
        ("code_challenge_method", None),
    ];
    let refused = browser.get(&authorize_path(&app, &implicit)).await;
    assert_eq!(
        refused.location_params(true)["error"],
        "unauthorized_client"
    );
    configure(
        &server,
        &app,
        json!({"flows": {"code": true, "implicit": true}}),
    )
    .await;
    code_for(&mut browser, &app, "cy@example.com", PASSWORD, &[]).await;
    let answer = browser.get(&authorize_path(&app, &implicit)).await;
    assert!(answer.location().starts_with(CALLBACK));
    let params = answer.location_params(true);
    assert!(
        url::Url::parse(answer.location())
            .unwrap()
            .query()
            .is_none()
    );
    let access = &params["access_token"];
    let id = claims(&params["id_token"]);
    assert_eq!(id["nonce"], "n-456");
    assert_eq!(id["at_hash"], expected_at_hash(access));
    assert_eq!(params["state"], "st-123");
    assert!(!params.contains_key("refresh_token"));
    let (status, _, _) = server.get("/oauth2/userInfo", Some(access)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn discovery_lists_the_endpoints() {
    let server = TestServer::start().await;
    let app = server.app("Discovered").await;
    let (status, doc, _) = server
        .get(
            &format!("/{}/.well-known/openid-configuration", app.app.pool_id),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for (member, path) in [
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userInfo"),
        ("end_session_endpoint", "/logout"),
        ("revocation_endpoint", "/oauth2/revoke"),
    ] {
        assert_eq!(doc[member], format!("{}{path}", server.url));
    }
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert!(
        doc["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("openid"))
    );
    assert!(
        doc["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("client_secret_basic"))
    );
}

#[tokio::test]
async fn max_age_asks_for_the_password_again_once_the_sign_in_is_older() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Max age", false).await;
    server
        .confirmed_user(app.app.client.id.as_str(), "lu@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    code_for(&mut browser, &app, "lu@example.com", PASSWORD, &[]).await;
    server.clock.advance(120);
    let fresh = browser
        .get(&authorize_path(&app, &[("max_age", Some("300"))]))
        .await;
    assert!(fresh.location_params(false).contains_key("code"));
    let stale = browser
        .get(&authorize_path(&app, &[("max_age", Some("60"))]))
        .await;
    assert!(
        stale.location().starts_with("/login?"),
        "{}",
        stale.location()
    );
    let silent = browser
        .get(&authorize_path(
            &app,
            &[("max_age", Some("60")), ("prompt", Some("none"))],
        ))
        .await;
    assert_eq!(silent.location_params(false)["error"], "login_required");
    let bad = browser
        .get(&authorize_path(&app, &[("max_age", Some("soon"))]))
        .await;
    assert_eq!(bad.location_params(false)["error"], "invalid_request");
}
