//! API keys end to end: created by an app's users and by developers, listed without secrets,
//! verified by services (with `last_used_at` coalesced to the minute), revoked, expired, kept
//! inside their app, refused on every malformed request, and stored only as hashes.

use crate::common::{PASSWORD, TestServer, developer, send};
use auth_return_core::{Actor, AppUpdate, CreatedApp, UserId};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Lets `app`'s users create keys with the scopes these tests use.
async fn allow_user_keys(server: &TestServer, app: &CreatedApp) {
    let update = AppUpdate {
        user_api_keys: Some(
            serde_json::from_value(json!({"enabled": true, "scopes": ["read", "orders:write"]}))
                .unwrap(),
        ),
        ..Default::default()
    };
    server
        .service
        .update_app(
            Actor::Operator,
            &app.app.id,
            update,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
}

/// An app of the operator's whose users may create keys.
async fn keys_app(server: &TestServer, name: &str) -> CreatedApp {
    let app = server.app(name).await;
    allow_user_keys(server, &app).await;
    app
}

/// Signs a confirmed user of `app` in; returns their sub and access token.
async fn user(server: &TestServer, app: &CreatedApp, email: &str) -> (String, String) {
    let sub = server
        .confirmed_user(app.app.client.id.as_str(), email, PASSWORD)
        .await;
    let tokens = server.tokens(app, email, PASSWORD).await;
    (sub, tokens.access)
}

/// `POST /api/keys` with `token`; status, body and headers.
async fn create(
    server: &TestServer,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value, HeaderMap) {
    let mut request = server
        .http
        .post(format!("{}/api/keys", server.url))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        headers,
    )
}

/// Creates a key that must succeed; returns the answer.
async fn new_key(server: &TestServer, token: &str, body: Value) -> Value {
    let (status, created, _) = create(server, Some(token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// `GET /api/keys[?query]`: the `keys` array.
async fn list(server: &TestServer, token: &str, query: &str) -> Vec<Value> {
    let (status, body) = send(
        server,
        Method::GET,
        &format!("/api/keys{query}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["keys"].as_array().unwrap().clone()
}

/// `DELETE /api/keys/{id}`: the status.
async fn revoke(server: &TestServer, token: &str, key_id: &str) -> StatusCode {
    send(
        server,
        Method::DELETE,
        &format!("/api/keys/{key_id}"),
        Some(token),
        None,
    )
    .await
    .0
}

/// `POST /api/keys/verify` with the key in `X-API-Key`: status, raw body, headers.
async fn verify_raw(server: &TestServer, key: &str) -> (StatusCode, String, HeaderMap) {
    let response = server
        .http
        .post(format!("{}/api/keys/verify", server.url))
        .header("x-api-key", key)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, response.text().await.unwrap(), headers)
}

/// The verify answer for `key` (which must be a 200).
async fn verify(server: &TestServer, key: &str) -> Value {
    let (status, body, _) = verify_raw(server, key).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// An app registered by `dev` through the REST API, as the SRP helpers want it.
async fn developer_app(server: &TestServer, dev: &str, name: &str) -> CreatedApp {
    let body = crate::common::create_app(server, dev, name).await;
    let app = server
        .service
        .get_app(
            Actor::Operator,
            &body["app_id"].as_str().unwrap().parse().unwrap(),
        )
        .await
        .unwrap();
    let app = CreatedApp {
        app,
        client_secret: None,
    };
    allow_user_keys(server, &app).await;
    app
}

fn key_of(created: &Value) -> &str {
    created["key"].as_str().unwrap()
}

#[tokio::test]
async fn a_user_creates_lists_verifies_and_revokes_their_key() {
    let server = TestServer::start().await;
    let app = keys_app(&server, "Shop").await;
    let (sub, token) = user(&server, &app, "alice@example.com").await;
    let now = server.clock_now();

    let (status, created, headers) = create(
        &server,
        Some(&token),
        json!({"name": "  laptop  ", "expires_in_days": 30, "scopes": ["read", "orders:write", "read"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        headers["cache-control"], "no-store",
        "the answer carries the secret"
    );
    let key = key_of(&created).to_owned();
    assert!(key.starts_with("ar_") && key.len() == 46, "{key}");
    assert!(
        key[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let key_id = created["key_id"].as_str().unwrap().to_owned();
    assert!(key_id.starts_with("key_"), "{key_id}");
    assert_eq!(
        created,
        json!({
            "key": key, "key_id": key_id, "prefix": &key[..10], "name": "laptop",
            "app_id": app.app.id.as_str(), "user_id": sub, "scopes": ["read", "orders:write"],
            "created_at": now, "expires_at": now + 30 * 86_400,
        })
    );

    // Listed without the secret or its hash.
    let (status, body) = send(&server, Method::GET, "/api/keys", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.to_string().contains(&key[10..]), "{body}");
    assert_eq!(
        body["keys"],
        json!([{
            "key_id": key_id, "name": "laptop", "prefix": &key[..10], "app_id": app.app.id.as_str(),
            "user_id": sub, "scopes": ["read", "orders:write"], "created_at": now,
            "expires_at": now + 30 * 86_400, "last_used_at": null, "revoked": false,
            "revoked_at": null,
        }])
    );

    // Verified from the header or the body, by anyone, with no token.
    let (status, text, headers) = verify_raw(&server, &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    let expected = json!({
        "valid": true, "app_id": app.app.id.as_str(), "user_id": sub, "key_id": key_id,
        "name": "laptop", "scopes": ["read", "orders:write"], "expires_at": now + 30 * 86_400,
    });
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), expected);
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/keys/verify",
        None,
        Some(json!({"key": key})),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, expected));

    // last_used_at: written on use, then at most once a minute.
    let last_used = |keys: Vec<Value>| keys[0]["last_used_at"].as_i64();
    assert_eq!(last_used(list(&server, &token, "").await), Some(now));
    server.clock.advance(59);
    assert_eq!(verify(&server, &key).await["valid"], true);
    assert_eq!(
        last_used(list(&server, &token, "").await),
        Some(now),
        "coalesced"
    );
    server.clock.advance(1);
    assert_eq!(verify(&server, &key).await["valid"], true);
    assert_eq!(last_used(list(&server, &token, "").await), Some(now + 60));

    // Revoked: twice is fine; then it no longer verifies, and the list says so.
    assert_eq!(
        revoke(&server, &token, &key_id).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        revoke(&server, &token, &key_id).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(verify(&server, &key).await, json!({"valid": false}));
    let keys = list(&server, &token, "").await;
    assert_eq!(keys[0]["revoked"], true);
    assert_eq!(keys[0]["revoked_at"], now + 60);

    // A key without expiry or scopes.
    let plain = new_key(&server, &token, json!({"name": "ci"})).await;
    assert_eq!(plain["expires_at"], Value::Null);
    assert_eq!(plain["scopes"], json!([]));
    assert_eq!(
        verify(&server, key_of(&plain)).await["expires_at"],
        Value::Null
    );
}

#[tokio::test]
async fn developers_manage_the_keys_of_their_own_apps_only() {
    let server = TestServer::start().await;
    let dev1 = developer(&server, "dev1@example.com").await;
    let dev2 = developer(&server, "dev2@example.com").await;
    let app = developer_app(&server, &dev1, "Shop").await;
    let app_id = app.app.id.as_str();

    // An app-owned key: no user.
    let app_key = new_key(
        &server,
        &dev1,
        json!({"app_id": app_id, "name": "backend", "scopes": ["admin"]}),
    )
    .await;
    assert_eq!(app_key["user_id"], Value::Null);
    assert_eq!(app_key["app_id"], app_id);
    let valid = verify(&server, key_of(&app_key)).await;
    assert_eq!(
        (valid["valid"].clone(), valid["user_id"].clone()),
        (json!(true), Value::Null)
    );

    // Another developer's app does not exist for dev2; the console app is nobody's.
    for (token, target) in [
        (&dev2, app_id),
        (&dev1, "console"),
        (&dev1, "app_nosuchapp"),
    ] {
        let (status, body, _) =
            create(&server, Some(token), json!({"app_id": target, "name": "x"})).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{target}"
        );
        let (status, _) = send(
            &server,
            Method::GET,
            &format!("/api/keys?app_id={target}"),
            Some(token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{target}");
    }
    // A console token must name the app.
    let (status, body, _) = create(&server, Some(&dev1), json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("app_id"),
        "{body}"
    );
    let (status, _) = send(&server, Method::GET, "/api/keys", Some(&dev1), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A user's key: the developer sees it with the app's own; the user sees only theirs.
    let (sub, user_token) = user(&server, &app, "carol@example.com").await;
    server.clock.advance(1);
    let user_key = new_key(&server, &user_token, json!({"name": "phone"})).await;
    let all = list(&server, &dev1, &format!("?app_id={app_id}")).await;
    let ids: Vec<&Value> = all.iter().map(|k| &k["key_id"]).collect();
    assert_eq!(ids, [&app_key["key_id"], &user_key["key_id"]]);
    assert_eq!(all[1]["user_id"], sub);
    let own = list(&server, &user_token, "").await;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["key_id"], user_key["key_id"]);
    // A user token does not take app_id.
    let (status, body, _) = create(
        &server,
        Some(&user_token),
        json!({"app_id": app_id, "name": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = send(
        &server,
        Method::GET,
        &format!("/api/keys?app_id={app_id}"),
        Some(&user_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // …and cannot touch the app's own key.
    let app_key_id = app_key["key_id"].as_str().unwrap();
    assert_eq!(
        revoke(&server, &user_token, app_key_id).await,
        StatusCode::NOT_FOUND
    );

    // dev2 cannot revoke; dev1 can revoke the user's key too.
    let user_key_id = user_key["key_id"].as_str().unwrap();
    assert_eq!(
        revoke(&server, &dev2, user_key_id).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(verify(&server, key_of(&user_key)).await["valid"], true);
    assert_eq!(
        revoke(&server, &dev1, user_key_id).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        verify(&server, key_of(&user_key)).await,
        json!({"valid": false})
    );
    assert_eq!(
        revoke(&server, &dev1, "key_doesnotexist").await,
        StatusCode::NOT_FOUND
    );

    // Deleting the app deletes its keys.
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("/api/apps/{app_id}"),
        Some(&dev1),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        verify(&server, key_of(&app_key)).await,
        json!({"valid": false})
    );
    assert_eq!(
        revoke(&server, &dev1, app_key_id).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn keys_never_cross_apps() {
    let server = TestServer::start().await;
    let a = keys_app(&server, "A").await;
    let b = keys_app(&server, "B").await;
    let (_, alice) = user(&server, &a, "same@example.com").await;
    let (_, bob) = user(&server, &b, "same@example.com").await;
    let alice_key = new_key(&server, &alice, json!({"name": "a"})).await;
    let bob_key = new_key(&server, &bob, json!({"name": "b"})).await;

    assert_eq!(
        verify(&server, key_of(&alice_key)).await["app_id"],
        a.app.id.as_str()
    );
    assert_eq!(
        verify(&server, key_of(&bob_key)).await["app_id"],
        b.app.id.as_str()
    );
    let listed = list(&server, &bob, "").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["key_id"], bob_key["key_id"]);
    assert_eq!(
        revoke(&server, &bob, alice_key["key_id"].as_str().unwrap()).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(verify(&server, key_of(&alice_key)).await["valid"], true);
}

#[tokio::test]
async fn every_key_that_does_not_verify_gets_the_same_answer() {
    let server = TestServer::start().await;
    let app = keys_app(&server, "Shop").await;
    let (sub, token) = user(&server, &app, "alice@example.com").await;
    let (_, leaver) = user(&server, &app, "leaver@example.com").await;
    let revoked = new_key(&server, &token, json!({"name": "revoked"})).await;
    let expiring = new_key(
        &server,
        &token,
        json!({"name": "expiring", "expires_in_days": 1}),
    )
    .await;
    let of_disabled = new_key(&server, &token, json!({"name": "disabled owner"})).await;
    let of_deleted = new_key(&server, &leaver, json!({"name": "deleted owner"})).await;

    assert_eq!(
        revoke(&server, &token, revoked["key_id"].as_str().unwrap()).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(verify(&server, key_of(&expiring)).await["valid"], true);
    assert_eq!(verify(&server, key_of(&of_deleted)).await["valid"], true);
    // Deleting the user deletes their keys; disabling keeps them but they stop verifying.
    let reply = server
        .raw(
            "DeleteUser",
            json!({"AccessToken": leaver}).to_string().into_bytes(),
            None,
        )
        .await;
    reply.ok();
    server.clock.advance(86_400);
    let store = server.service.store();
    let mut alice = store
        .get_user(&app.app.pool_id, UserId::parse(&sub).unwrap())
        .await
        .unwrap()
        .unwrap();
    alice.enabled = false;
    store.update_user(&alice).await.unwrap();

    let unknown = format!("ar_{}", "A".repeat(43));
    let too_long = "ar_".to_owned() + &"x".repeat(10_000);
    let cases = [
        key_of(&revoked),
        key_of(&expiring),
        key_of(&of_disabled),
        key_of(&of_deleted),
        unknown.as_str(),
        "hello",
        "",
        "ar_",
        too_long.as_str(),
        &key_of(&revoked)[..20],
    ];
    for key in cases {
        let (status, body, headers) = verify_raw(&server, key).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, r#"{"valid":false}"#),
            "{key}"
        );
        assert_eq!(headers["cache-control"], "no-store");
    }
    // A header that is not text is just another unknown key.
    let response = server
        .http
        .post(format!("{}/api/keys/verify", server.url))
        .header(
            "x-api-key",
            reqwest::header::HeaderValue::from_bytes(b"ar_\xff\xfe").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), r#"{"valid":false}"#);

    // Enabled again, the disabled owner's key verifies again.
    alice.enabled = true;
    store.update_user(&alice).await.unwrap();
    assert_eq!(verify(&server, key_of(&of_disabled)).await["valid"], true);
}

#[tokio::test]
async fn malformed_and_unauthorised_requests_are_refused() {
    let server = TestServer::start().await;
    let app = keys_app(&server, "Shop").await;
    let (_, token) = user(&server, &app, "alice@example.com").await;
    let id_token = server.tokens(&app, "alice@example.com", PASSWORD).await.id;

    // No token, a bad token, an ID token: 401 with the RFC 6750 challenge.
    for bearer in [None, Some("not-a-token"), Some(id_token.as_str())] {
        let (status, body, headers) = create(&server, bearer, json!({"name": "x"})).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized"))
        );
        assert_eq!(
            headers["www-authenticate"],
            "Bearer error=\"invalid_token\""
        );
        let (status, _) = send(&server, Method::GET, "/api/keys", bearer, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = send(&server, Method::DELETE, "/api/keys/key_x", bearer, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    // Bodies: malformed JSON, unknown or mistyped members, too large.
    let raw = |body: Vec<u8>| {
        server
            .http
            .post(format!("{}/api/keys", server.url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let response = raw(b"{not json".to_vec()).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    for body in [
        json!({"name": "x", "expires_in_day": 3}),
        json!({"name": "x", "scope": ["a"]}),
        json!({"name": 5}),
        json!({"name": "x", "scopes": "read"}),
        json!({"name": "x", "expires_in_days": "3"}),
        json!("name"),
    ] {
        let (status, reply, _) = create(&server, Some(&token), body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {reply}");
        assert_eq!(reply["error"], "invalid_request");
    }
    let big = json!({"name": "x".repeat(70 * 1024)})
        .to_string()
        .into_bytes();
    let response = raw(big).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Values: each refusal says what is wrong, and nothing is created.
    for (body, needle) in [
        (json!({}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": "tab\there"}), "name"),
        (
            json!({"name": "x", "expires_in_days": 0}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "expires_in_days": 3651}),
            "expires_in_days",
        ),
        (
            json!({"name": "x", "expires_in_days": -5}),
            "expires_in_days",
        ),
        (json!({"name": "x", "scopes": [""]}), "scopes"),
        (json!({"name": "x", "scopes": ["two words"]}), "scopes"),
        (json!({"name": "x", "scopes": ["s".repeat(101)]}), "scopes"),
        (
            json!({"name": "x", "scopes": (0..21).map(|i| format!("s{i}")).collect::<Vec<_>>()}),
            "scopes",
        ),
    ] {
        let (status, reply, _) = create(&server, Some(&token), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {reply}");
        assert_eq!(reply["error"], "invalid_request");
        assert!(
            reply["message"].as_str().unwrap().contains(needle),
            "{body}: {reply}"
        );
    }
    assert_eq!(list(&server, &token, "").await, Vec::<Value>::new());
    let (status, _) = send(
        &server,
        Method::GET,
        "/api/keys?app_idd=x",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        revoke(&server, &token, &"k".repeat(200)).await,
        StatusCode::NOT_FOUND
    );

    // Verify: exactly one key, in the header or a well-formed body.
    let verify_with = |header: Option<&'static str>, body: Option<&'static str>| {
        let mut request = server.http.post(format!("{}/api/keys/verify", server.url));
        if let Some(h) = header {
            request = request.header("x-api-key", h);
        }
        if let Some(b) = body {
            request = request.header("content-type", "application/json").body(b);
        }
        request.send()
    };
    for (header, body, status) in [
        (None, None, StatusCode::BAD_REQUEST),
        (
            Some("ar_x"),
            Some(r#"{"key":"ar_x"}"#),
            StatusCode::BAD_REQUEST,
        ),
        (None, Some("{not json"), StatusCode::BAD_REQUEST),
        (
            None,
            Some(r#"{"key":"ar_x","app":"y"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            None,
            Some(r#"{"kee":"ar_x"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (None, Some(r#"{"key":5}"#), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let response = verify_with(header, body).await.unwrap();
        assert_eq!(response.status(), status, "{header:?} {body:?}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"],
            "invalid_request"
        );
    }
    // Whitespace around the body is no body.
    let response = verify_with(Some("ar_x"), Some("  \n")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn each_owner_holds_at_most_a_hundred_live_keys() {
    let server = TestServer::start().await;
    let dev = developer(&server, "dev@example.com").await;
    let app = developer_app(&server, &dev, "Shop").await;
    let (_, token) = user(&server, &app, "alice@example.com").await;

    let mut first = None;
    for i in 0..100 {
        let body = if i < 10 {
            json!({"name": format!("k{i}"), "expires_in_days": 1})
        } else {
            json!({"name": format!("k{i}")})
        };
        let created = new_key(&server, &token, body).await;
        first.get_or_insert(created["key_id"].as_str().unwrap().to_owned());
    }
    let (status, body, _) = create(&server, Some(&token), json!({"name": "one too many"})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("limit_exceeded")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("100"), "{body}");

    // The cap is per owner: the app's own keys and other users are not affected.
    new_key(
        &server,
        &dev,
        json!({"app_id": app.app.id.as_str(), "name": "app key"}),
    )
    .await;
    let (_, other) = user(&server, &app, "bob@example.com").await;
    new_key(&server, &other, json!({"name": "bob"})).await;

    // Revoked and expired keys do not count.
    assert_eq!(
        revoke(&server, &token, first.as_deref().unwrap()).await,
        StatusCode::NO_CONTENT
    );
    new_key(&server, &token, json!({"name": "replacement"})).await;
    assert_eq!(
        create(&server, Some(&token), json!({"name": "x"})).await.0,
        StatusCode::CONFLICT
    );
    server.clock.advance(86_400);
    let token = server
        .tokens(&app, "alice@example.com", PASSWORD)
        .await
        .access;
    for i in 0..9 {
        new_key(
            &server,
            &token,
            json!({"name": format!("after expiry {i}")}),
        )
        .await;
    }
    assert_eq!(
        create(&server, Some(&token), json!({"name": "x"})).await.0,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn only_the_hash_of_a_key_is_stored() {
    use auth_return_core::clock::ManualClock;
    use auth_return_core::compute::ComputePool;
    use auth_return_core::{Dependencies, KeyManager, NewApiKey, NewApp, Service, ServiceConfig};
    use auth_return_mail::OutboxMailer;
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let store = auth_return_store::connect(&format!(
        "sqlite://{}",
        dir.path().join("keys.db").display()
    ))
    .await
    .unwrap();
    let service = Service::new(Dependencies {
        events: auth_return_core::recorder::EventRecorder::spawn(store.clone()),
        store,
        clock: Arc::new(ManualClock::new(1_700_000_000)),
        mailer: Arc::new(OutboxMailer::new(dir.path().join("outbox.jsonl"))),
        master_key: [7; 32],
        config: ServiceConfig::new("local", "http://127.0.0.1:1"),
        compute: ComputePool::new(1),
    });
    let app = service
        .create_app(
            Actor::Operator,
            NewApp {
                name: "Shop".into(),
                ..NewApp::default()
            },
        )
        .await
        .unwrap();
    let created = service
        .create_api_key(
            &KeyManager::Apps(Actor::Operator),
            Some(&app.app.id),
            NewApiKey {
                name: "stored".into(),
                ..NewApiKey::default()
            },
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    let key = created.key.expose().to_owned();
    assert!(
        !format!("{created:?}").contains(&key[10..]),
        "Debug is redacted"
    );
    let hash = auth_return_crypto::hash::sha256(key.as_bytes());

    // Through the store: the record holds the SHA-256 and the display prefix, nothing more.
    let record = service
        .store()
        .get_api_key(&created.record.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.hash, hash.to_vec());
    assert_eq!(record.prefix, key[..10]);
    assert!(
        service
            .store()
            .get_api_key_by_hash(&hash)
            .await
            .unwrap()
            .is_some()
    );

    // In the database files (with the WAL): the hash bytes are there, the key is not.
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("keys.db")
        {
            bytes.extend(std::fs::read(path).unwrap());
        }
    }
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&hash), "the hash is where we looked");
    assert!(!contains(key.as_bytes()));
    assert!(!contains(&key.as_bytes()[10..]));
}

#[tokio::test]
async fn user_keys_are_opt_in_need_a_recent_sign_in_and_the_apps_scopes() {
    let server = TestServer::start().await;
    let dev = developer(&server, "opt-in-dev@example.com").await;
    let app = developer_app(&server, &dev, "Opt-in").await;
    let app_id = app.app.id.as_str().to_owned();
    let patch = |body: Value| {
        let (server, dev, path) = (&server, &dev, format!("/api/apps/{app_id}"));
        async move { send(server, Method::PATCH, &path, Some(dev), Some(body)).await }
    };
    // Off by default: a user's token creates nothing.
    patch(json!({"user_api_keys": {"enabled": false}})).await;
    let (_, token) = user(&server, &app, "opt@example.com").await;
    let (status, body, _) = create(&server, Some(&token), json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "user_api_keys_disabled");
    assert!(list(&server, &token, "").await.is_empty(), "nothing stored");
    // The developer's own keys for the app are not affected.
    new_key(
        &server,
        &dev,
        json!({"app_id": app_id, "name": "backend", "scopes": ["admin"]}),
    )
    .await;

    // Bad settings change nothing.
    for bad in [
        json!({"user_api_keys": {"enabled": "yes"}}),
        json!({"user_api_keys": {"scopes": ["two words"]}}),
        json!({"user_api_keys": {"scope": ["read"]}}),
    ] {
        let (status, answer) = patch(bad.clone()).await;
        assert!(status.is_client_error(), "{bad}: {answer}");
    }
    let (status, view) =
        patch(json!({"user_api_keys": {"enabled": true, "scopes": ["read"]}})).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(
        view["user_api_keys"],
        json!({"enabled": true, "scopes": ["read"]})
    );

    // Only the scopes the developer defined.
    let (status, body, _) = create(
        &server,
        Some(&token),
        json!({"name": "x", "scopes": ["read", "write"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("write"),
        "{body}"
    );
    new_key(&server, &token, json!({"name": "ok", "scopes": ["read"]})).await;

    // A sign-in older than five minutes is not enough, even with a valid token.
    server.clock.advance(301);
    let (status, body, _) = create(&server, Some(&token), json!({"name": "late"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "recent_sign_in_required");
    assert_eq!(
        list(&server, &token, "").await.len(),
        1,
        "nothing more stored"
    );
}

#[tokio::test]
async fn a_users_keys_die_with_a_global_sign_out_or_a_new_password() {
    let server = TestServer::start().await;
    let dev = developer(&server, "revoke-dev@example.com").await;
    let app = developer_app(&server, &dev, "Revoking").await;
    let client_id = app.app.client.id.as_str().to_owned();
    let pool = app.app.pool_id.as_str().to_owned();
    user(&server, &app, "kate@example.com").await;
    let app_key = new_key(
        &server,
        &dev,
        json!({"app_id": app.app.id.as_str(), "name": "app"}),
    )
    .await;
    let other = user(&server, &app, "bystander@example.com").await.1;
    let bystander = new_key(&server, &other, json!({"name": "bystander"})).await;

    // Each way of ending a user's sessions or changing their password, in turn.
    let mut password = PASSWORD.to_owned();
    for (step, new_password) in [
        ("GlobalSignOut", None),
        ("ChangePassword", Some("Changed-Horse-1")),
        ("AdminUserGlobalSignOut", None),
        ("AdminSetUserPassword", Some("Admin-Set-Horse-2")),
        ("ConfirmForgotPassword", Some("Reset-Horse-3")),
    ] {
        let token = server
            .tokens(&app, "kate@example.com", &password)
            .await
            .access;
        let key = new_key(&server, &token, json!({"name": step})).await;
        assert_eq!(verify(&server, key_of(&key)).await["valid"], true);
        let reply = match step {
            "GlobalSignOut" => server.call(step, json!({"AccessToken": token})).await,
            "ChangePassword" => {
                server
                    .call(
                        step,
                        json!({"AccessToken": token, "PreviousPassword": password,
                                       "ProposedPassword": new_password}),
                    )
                    .await
            }
            "AdminUserGlobalSignOut" | "AdminSetUserPassword" => {
                let mut body = json!({"UserPoolId": pool, "Username": "kate@example.com"});
                if let Some(p) = new_password {
                    body["Password"] = json!(p);
                    body["Permanent"] = json!(true);
                }
                let bearer = format!("Bearer {dev}");
                server
                    .raw_with(
                        step,
                        body.to_string().into_bytes(),
                        &[("authorization", &bearer)],
                    )
                    .await
            }
            _ => {
                server
                    .call(
                        "ForgotPassword",
                        json!({"ClientId": client_id, "Username": "kate@example.com"}),
                    )
                    .await
                    .ok();
                let code = server.last_code("kate@example.com");
                server
                    .call(
                        step,
                        json!({"ClientId": client_id, "Username": "kate@example.com",
                                       "ConfirmationCode": code, "Password": new_password}),
                    )
                    .await
            }
        };
        assert_eq!(reply.status, StatusCode::OK, "{step}: {:?}", reply.body);
        assert_eq!(
            verify(&server, key_of(&key)).await["valid"],
            false,
            "{step}"
        );
        if let Some(p) = new_password {
            password = p.to_owned();
        }
    }
    // The app's own key and another user's key live on.
    assert_eq!(verify(&server, key_of(&app_key)).await["valid"], true);
    assert_eq!(verify(&server, key_of(&bystander)).await["valid"], true);
}
