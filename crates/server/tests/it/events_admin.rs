//! The audit events of what developers and users change: every admin action (with the acting
//! developer), API keys created and revoked, settings changed, signing keys rotated, attribute
//! and email changes, and a refresh token presented again after its rotation. None holds a
//! secret: no password, code, token, key or template text.

use crate::common::{PASSWORD, TestServer, create_app, developer, send};
use auth_return_core::PoolId;
use auth_return_core::events::{Event, EventKind, EventQuery};
use reqwest::Method;
use serde_json::{Value, json};

/// Every event of `pool`, oldest first, once the recorder has written what it holds.
async fn events(server: &TestServer, pool: &PoolId) -> Vec<Event> {
    server.service.events().flush().await;
    let query = EventQuery {
        limit: 1000,
        ..EventQuery::default()
    };
    let mut found = server
        .service
        .store()
        .list_events(pool, &query)
        .await
        .unwrap();
    found.reverse();
    found
}

fn detail<'a>(event: &'a Event, key: &str) -> &'a Value {
    event.detail.get(key).unwrap_or(&Value::Null)
}

/// A developer's app, made over REST; returns (token, developer id, app JSON, pool id).
async fn developer_app(server: &TestServer) -> (String, String, Value, PoolId) {
    let token = developer(server, "acting-dev@example.com").await;
    let sub = crate::common::claims(&token)["sub"]
        .as_str()
        .unwrap()
        .to_owned();
    let app = create_app(server, &token, "Audited").await;
    let pool: PoolId = app["user_pool_id"].as_str().unwrap().parse().unwrap();
    (token, sub, app, pool)
}

/// An admin call as the developer, with a user agent the events keep.
async fn admin(server: &TestServer, token: &str, op: &str, pool: &PoolId, body: Value) {
    let mut body = body;
    body["UserPoolId"] = json!(pool.to_string());
    let reply = server
        .raw_with(
            op,
            body.to_string().into_bytes(),
            &[
                ("authorization", &format!("Bearer {token}")),
                ("user-agent", "console-test/2.0"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{op}: {:?}", reply.body);
}

#[tokio::test]
async fn every_admin_action_names_the_developer_and_the_user() {
    let server = TestServer::start().await;
    let (token, dev_sub, app, pool) = developer_app(&server).await;
    let client = app["client_id"].as_str().unwrap();
    let email = "target@example.com";
    server.confirmed_user(client, email, PASSWORD).await;
    let temporary = "Temp-Horse-42";

    for (op, body) in [
        ("AdminDisableUser", json!({"Username": email})),
        ("AdminEnableUser", json!({"Username": email})),
        ("AdminUserGlobalSignOut", json!({"Username": email})),
        (
            "AdminSetUserPassword",
            json!({"Username": email, "Password": temporary, "Permanent": false}),
        ),
        (
            "AdminSetUserPassword",
            json!({"Username": email, "Password": "Perm-Horse-42", "Permanent": true}),
        ),
        ("AdminResetUserPassword", json!({"Username": email})),
        (
            "AdminCreateUser",
            json!({"Username": "invited@example.com", "TemporaryPassword": temporary}),
        ),
        (
            "AdminCreateUser",
            json!({"Username": "invited@example.com", "MessageAction": "RESEND"}),
        ),
        ("AdminDeleteUser", json!({"Username": email})),
    ] {
        admin(&server, &token, op, &pool, body).await;
    }
    // A refused action records nothing.
    let refused = server
        .raw(
            "AdminDisableUser",
            json!({"UserPoolId": pool.to_string(), "Username": "ghost@example.com"})
                .to_string()
                .into_bytes(),
            Some(&token),
        )
        .await;
    assert_eq!(refused.error_type(), "UserNotFoundException");

    let found = events(&server, &pool).await;
    let actions: Vec<(&str, &str)> = found
        .iter()
        .filter(|e| e.kind == EventKind::AdminAction)
        .map(|e| {
            (
                detail(e, "action").as_str().unwrap(),
                e.email.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("disable_user", email),
            ("enable_user", email),
            ("global_sign_out", email),
            ("set_temporary_password", email),
            ("set_password", email),
            ("reset_password", email),
            ("create_user", "invited@example.com"),
            ("resend_invitation", "invited@example.com"),
            ("delete_user", email),
        ]
    );
    for event in found.iter().filter(|e| e.kind == EventKind::AdminAction) {
        assert_eq!(event.actor.as_deref(), Some(dev_sub.as_str()), "{event:?}");
        assert!(event.user_id.is_some());
        assert_eq!(event.user_agent.as_deref(), Some("console-test/2.0"));
        assert_eq!(event.client_ip.as_deref(), Some("127.0.0.1"));
        let text = format!("{event:?}");
        assert!(
            !text.contains(temporary) && !text.contains("Perm-Horse-42"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn keys_settings_and_rotations_are_recorded_without_secrets() {
    let server = TestServer::start().await;
    let (token, dev_sub, app, pool) = developer_app(&server).await;
    let app_id = app["app_id"].as_str().unwrap();

    let (status, key) = send(
        &server,
        Method::POST,
        "/api/keys",
        Some(&token),
        Some(json!({"app_id": app_id, "name": "billing <b>", "scopes": ["read"]})),
    )
    .await;
    assert_eq!(status, 201, "{key}");
    let secret = key["key"].as_str().unwrap().to_owned();
    let key_id = key["key_id"].as_str().unwrap();
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("/api/keys/{key_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    // Revoking again changes nothing and records nothing.
    send(
        &server,
        Method::DELETE,
        &format!("/api/keys/{key_id}"),
        Some(&token),
        None,
    )
    .await;

    let (status, _) = send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        Some(json!({"token_validity_secs": 900,
                    "templates": {"verification_message": "Secret wording {####}"}})),
    )
    .await;
    assert_eq!(status, 200);
    // A refused change records nothing; an empty one changes nothing.
    send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        Some(json!({"token_validity_secs": 1})),
    )
    .await;
    send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        Some(json!({})),
    )
    .await;

    for body in [None, Some(json!({"emergency": true}))] {
        let (status, _) = send(
            &server,
            Method::POST,
            &format!("/api/apps/{app_id}/signing-keys/rotate"),
            Some(&token),
            body,
        )
        .await;
        assert_eq!(status, 200);
    }

    let found = events(&server, &pool).await;
    let kinds: Vec<EventKind> = found.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::ApiKeyCreated,
            EventKind::ApiKeyRevoked,
            EventKind::SettingsChanged,
            EventKind::SigningKeyRotated,
            EventKind::SigningKeyRotated,
        ]
    );
    for event in &found {
        assert_eq!(event.actor.as_deref(), Some(dev_sub.as_str()));
        assert_eq!(event.client_ip.as_deref(), Some("127.0.0.1"));
        let text = format!("{event:?}");
        assert!(!text.contains(&secret[3..]), "no key: {text}");
        assert!(!text.contains("Secret wording"), "no template text: {text}");
    }
    assert_eq!(detail(&found[0], "key_id"), key_id);
    assert_eq!(detail(&found[0], "name"), "billing <b>");
    assert_eq!(detail(&found[0], "scopes"), "read");
    assert_eq!(detail(&found[1], "key_id"), key_id);
    assert_eq!(
        detail(&found[2], "changed"),
        "token_validity_secs templates"
    );
    assert_eq!(detail(&found[3], "emergency"), false);
    assert_eq!(detail(&found[4], "emergency"), true);
    assert_ne!(detail(&found[3], "kid"), detail(&found[4], "kid"));
}

#[tokio::test]
async fn attribute_and_email_changes_and_refresh_reuse_are_recorded() {
    let server = TestServer::start().await;
    let app = server.app("Profile").await;
    let client = app.app.client.id.as_str();
    let sub = server
        .confirmed_user(client, "old@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "old@example.com", PASSWORD).await;
    let ok = |reply: crate::common::Reply| assert_eq!(reply.status, 200, "{:?}", reply.body);

    ok(server
        .call(
            "UpdateUserAttributes",
            json!({"AccessToken": tokens.access, "UserAttributes": [
                {"Name": "name", "Value": "Private Name"},
                {"Name": "email", "Value": "new@example.com"}]}),
        )
        .await);
    let code = server.last_code("new@example.com");
    ok(server
        .call(
            "VerifyUserAttribute",
            json!({"AccessToken": tokens.access, "AttributeName": "email", "Code": code}),
        )
        .await);

    // Rotation on (the default): the first token, presented after the grace period, is reuse.
    let first = server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client, "RefreshToken": tokens.refresh}),
        )
        .await;
    ok(first);
    server.clock.advance(60);
    let reused = server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client, "RefreshToken": tokens.refresh}),
        )
        .await;
    assert_eq!(reused.error_type(), "RefreshTokenReuseException");

    let found = events(&server, &app.app.pool_id).await;
    let changed: Vec<&Event> = found
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::AttributesChanged
                    | EventKind::EmailChanged
                    | EventKind::RefreshTokenReuse
            )
        })
        .collect();
    let [attributes, email, reuse] = &changed[..] else {
        panic!("{changed:?}")
    };
    assert_eq!(attributes.kind, EventKind::AttributesChanged);
    assert_eq!(detail(attributes, "names"), "name email");
    assert_eq!(attributes.email.as_deref(), Some("old@example.com"));
    assert!(
        !format!("{attributes:?}").contains("Private Name"),
        "names, not values"
    );
    assert_eq!(email.kind, EventKind::EmailChanged);
    assert_eq!(email.email.as_deref(), Some("new@example.com"));
    assert_eq!(detail(email, "previous"), "old@example.com");
    assert_eq!(reuse.kind, EventKind::RefreshTokenReuse);
    assert_eq!(reuse.user_id.map(|u| u.to_string()), Some(sub));
    assert_eq!(reuse.email.as_deref(), Some("new@example.com"));
    assert!(!format!("{reuse:?}").contains(&tokens.refresh));
    for event in changed {
        assert_eq!(event.actor, None, "the user acted");
        assert_eq!(event.client_ip.as_deref(), Some("127.0.0.1"));
    }
}
