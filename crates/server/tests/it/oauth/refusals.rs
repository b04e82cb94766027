//! Every refusal of the authorization and token endpoints: error pages where the redirect URI
//! cannot be trusted, RFC 6749 errors everywhere else, and nothing issued.

use super::support::*;
use crate::common::{PASSWORD, TestServer, claims};
use reqwest::StatusCode;
use serde_json::Value;

/// An authorization request that must get an error page: 400, HTML, no `Location`.
/// Parameters over the defaults of `authorize_path`.
type Overrides<'a> = &'a [(&'a str, Option<&'a str>)];

async fn assert_error_page(browser: &mut Browser<'_>, path: &str, says: &str) {
    let answer = browser.get(path).await;
    assert_eq!(
        answer.status,
        StatusCode::BAD_REQUEST,
        "{path}: {}",
        answer.body
    );
    assert!(
        answer.headers.get("location").is_none(),
        "{path} redirected"
    );
    assert!(answer.body.contains(says), "{path}: {}", answer.body);
    assert_eq!(answer.headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn an_untrusted_redirect_uri_gets_a_page_never_a_redirect() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Pages", false).await;
    let mut browser = Browser::new(&server);
    for uri in [
        "https://evil.example/callback",
        "http://127.0.0.1:9/callback/",
        "http://127.0.0.1:9/callback?x=1",
        "http://127.0.0.1:9/CALLBACK",
    ] {
        let path = authorize_path(&app, &[("redirect_uri", Some(uri))]);
        assert_error_page(&mut browser, &path, "not registered").await;
        assert_error_page(
            &mut browser,
            &path.replacen("/oauth2/authorize", "/login", 1),
            "not registered",
        )
        .await;
    }
    assert_error_page(
        &mut browser,
        &authorize_path(&app, &[("redirect_uri", None)]),
        "not registered",
    )
    .await;
    assert_error_page(
        &mut browser,
        &authorize_path(&app, &[("client_id", Some("nosuchclient"))]),
        "Unknown app",
    )
    .await;
    assert_error_page(
        &mut browser,
        &authorize_path(&app, &[("client_id", None)]),
        "client_id is required",
    )
    .await;
    let repeated = format!("{}&state=again", authorize_path(&app, &[]));
    assert_error_page(&mut browser, &repeated, "must not be repeated").await;
}

#[tokio::test]
async fn bad_requests_go_back_to_the_client_with_their_error_and_state() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Errors", false).await;
    let mut browser = Browser::new(&server);
    let cases: [(Overrides, &str, &str); 7] = [
        (
            &[("code_challenge", None), ("code_challenge_method", None)],
            "invalid_request",
            "code_challenge is required",
        ),
        (
            &[("code_challenge_method", Some("plain"))],
            "invalid_request",
            "S256",
        ),
        (
            &[("code_challenge", Some("short"))],
            "invalid_request",
            "code_challenge",
        ),
        (
            &[("scope", Some("openid admin:everything"))],
            "invalid_scope",
            "admin:everything",
        ),
        (
            &[("response_type", Some("id_token"))],
            "unsupported_response_type",
            "id_token",
        ),
        (
            &[("response_type", None)],
            "invalid_request",
            "response_type",
        ),
        (&[("prompt", Some("consent"))], "invalid_request", "prompt"),
    ];
    for (extra, error, says) in cases {
        let answer = browser.get(&authorize_path(&app, extra)).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{extra:?}");
        assert!(
            answer.location().starts_with(CALLBACK),
            "{extra:?}: {}",
            answer.location()
        );
        let params = answer.location_params(false);
        assert_eq!(params["error"], error, "{extra:?}");
        assert!(
            params["error_description"].contains(says),
            "{extra:?}: {params:?}"
        );
        assert_eq!(params["state"], "st-123");
        assert!(!params.contains_key("code"));
    }
    let code_flow_off = oauth_app(&server, "No code flow", false).await;
    configure(
        &server,
        &code_flow_off,
        serde_json::json!({"flows": {"code": false}}),
    )
    .await;
    let answer = browser.get(&authorize_path(&code_flow_off, &[])).await;
    assert_eq!(
        answer.location_params(false)["error"],
        "unauthorized_client"
    );
}

fn as_pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn token_error(browser: &mut Browser<'_>, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let answer = browser.post_form("/oauth2/token", form, None).await;
    (answer.status, answer.json())
}

#[tokio::test]
async fn a_code_is_bound_to_its_verifier_client_and_redirect_uri_and_used_once() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Bound", false).await;
    let other = oauth_app(&server, "Other", false).await;
    let client_id = app.app.client.id.to_string();
    let other_id = other.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "di@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);

    let exchange = |client: &str, code: &str, redirect: &str, verifier: &str| {
        let mut form = vec![
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("client_id".to_owned(), client.to_owned()),
            ("code".to_owned(), code.to_owned()),
            ("redirect_uri".to_owned(), redirect.to_owned()),
        ];
        if !verifier.is_empty() {
            form.push(("code_verifier".to_owned(), verifier.to_owned()));
        }
        form
    };

    // Another app's client cannot open the code (it is sealed for its own client), nor can
    // anyone a tampered one; neither spends it: its own client still exchanges it.
    let code = code_for(&mut browser, &app, "di@example.com", PASSWORD, &[]).await;
    let mut tampered = code.clone().into_bytes();
    tampered[30] = if tampered[30] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for form in [
        exchange(&other_id, &code, CALLBACK, VERIFIER),
        exchange(&client_id, &tampered, CALLBACK, VERIFIER),
        exchange(&client_id, &format!("{code}A"), CALLBACK, VERIFIER),
    ] {
        let (status, body) = token_error(&mut browser, &as_pairs(&form)).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant")),
            "{form:?}"
        );
    }
    let form = exchange(&client_id, &code, CALLBACK, VERIFIER);
    let answer = browser
        .post_form("/oauth2/token", &as_pairs(&form), None)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json());

    // A wrong redirect URI or verifier spends the code: a stolen code is worth one try.
    let wrong = [
        ("http://127.0.0.1:9/other", VERIFIER, "redirect_uri"),
        (
            CALLBACK,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX",
            "code_verifier",
        ),
        (CALLBACK, "", "code_verifier"),
    ];
    for (redirect, verifier, says) in wrong {
        let code = code_for(&mut browser, &app, "di@example.com", PASSWORD, &[]).await;
        let form = exchange(&client_id, &code, redirect, verifier);
        let (status, body) = token_error(&mut browser, &as_pairs(&form)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{form:?}");
        assert_eq!(body["error"], "invalid_grant", "{form:?}: {body}");
        assert!(
            body["error_description"].as_str().unwrap().contains(says),
            "{body}"
        );
        let retry = exchange(&client_id, &code, CALLBACK, VERIFIER);
        let (status, _) = token_error(&mut browser, &as_pairs(&retry)).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a refused code must stay spent"
        );
    }

    // Expired after 5 minutes.
    let code = code_for(&mut browser, &app, "di@example.com", PASSWORD, &[]).await;
    server.clock.advance(301);
    let (status, body) = token_error(
        &mut browser,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &client_id),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    // Malformed grants.
    for (form, error) in [
        (vec![("client_id", client_id.as_str())], "invalid_request"),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", client_id.as_str()),
            ],
            "unsupported_grant_type",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", client_id.as_str()),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", client_id.as_str()),
                ("code", "not-a-code"),
            ],
            "invalid_grant",
        ),
        (vec![("grant_type", "authorization_code")], "invalid_client"),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", "nosuchclient"),
            ],
            "invalid_client",
        ),
    ] {
        let (_, body) = token_error(&mut browser, &form).await;
        assert_eq!(body["error"], error, "{form:?}: {body}");
    }
    let json_body = browser
        .http_post_json("/oauth2/token", "{\"grant_type\":\"authorization_code\"}")
        .await;
    assert_eq!(json_body.json()["error"], "invalid_request");
}

#[tokio::test]
async fn a_replayed_code_revokes_what_its_first_exchange_issued() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Replay", false).await;
    let client_id = app.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "eve@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    let code = code_for(&mut browser, &app, "eve@example.com", PASSWORD, &[]).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let first = browser.post_form("/oauth2/token", &form, None).await.json();
    let access = first["access_token"].as_str().unwrap().to_owned();
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, _, _) = server.get("/oauth2/userInfo", Some(&access)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = token_error(&mut browser, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _, _) = server.get("/oauth2/userInfo", Some(&access)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the first exchange's access token is revoked"
    );
    let (_, body) = token_error(
        &mut browser,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &client_id),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(claims(&access)["client_id"], client_id);
}

#[tokio::test]
async fn a_burst_of_exchanges_of_one_code_issues_at_most_one_live_session() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Burst", false).await;
    let client_id = app.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "fay@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    let code = code_for(&mut browser, &app, "fay@example.com", PASSWORD, &[]).await;
    let attempts = (0..12).map(|_| {
        let url = format!("{}/oauth2/token", server.url);
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "authorization_code"),
                ("client_id", client_id.as_str()),
                ("code", code.as_str()),
                ("redirect_uri", CALLBACK),
                ("code_verifier", VERIFIER),
            ])
            .finish();
        let http = server.http.clone();
        tokio::spawn(async move {
            let response = http
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        })
    });
    let results: Vec<(StatusCode, Value)> = futures_join(attempts.collect()).await;
    let issued: Vec<&Value> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, b)| b)
        .collect();
    assert!(issued.len() <= 1, "{} exchanges succeeded", issued.len());
    assert!(
        results
            .iter()
            .filter(|(s, _)| *s == StatusCode::BAD_REQUEST)
            .count()
            >= 11
    );
    // Whatever one exchange issued, the replays revoked it.
    for body in issued {
        let access = body["access_token"].as_str().unwrap();
        let (status, _, _) = server.get("/oauth2/userInfo", Some(access)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

async fn futures_join<T: Send + 'static>(handles: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_sign_out_to_an_unregistered_address_gets_a_page_and_keeps_the_sign_in() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Sign-out", false).await;
    let client_id = app.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "max@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    code_for(&mut browser, &app, "max@example.com", PASSWORD, &[]).await;
    for (query, says) in [
        (
            format!("client_id={client_id}&logout_uri=https://evil.example/"),
            "not registered",
        ),
        (format!("client_id={client_id}"), "not registered"),
        (
            "logout_uri=http://127.0.0.1:9/signed-out".to_owned(),
            "client_id is required",
        ),
    ] {
        assert_error_page(&mut browser, &format!("/logout?{query}"), says).await;
    }
    let still = browser
        .get(&authorize_path(&app, &[("prompt", Some("none"))]))
        .await;
    assert!(
        still.location_params(false).contains_key("code"),
        "the sign-in stays"
    );
}
