//! The account flows leave audit events: `sign_up` and `sign_up_confirmed` (by code or by a
//! developer, who is named), `sign_in` for tokens, `sign_in_failed` with the reason the client is
//! never told; each with the caller's address and user agent and never a secret. Events are
//! written off the request path, and a store that refuses them costs no request.

use crate::common::{PASSWORD, TestServer, claims, developer, send};
use auth_return_core::events::{Event, EventKind, EventQuery, NewEvent};
use auth_return_core::recorder::EventRecorder;
use auth_return_core::{PoolId, UserId};
use serde_json::json;

/// Every event of `pool`, newest first, once the recorder has written what it holds.
async fn events(server: &TestServer, pool: &PoolId) -> Vec<Event> {
    server.service.events().flush().await;
    let query = EventQuery {
        limit: 1000,
        ..EventQuery::default()
    };
    server
        .service
        .store()
        .list_events(pool, &query)
        .await
        .unwrap()
}

async fn password_sign_in(server: &TestServer, client: &str, name: &str, password: &str) -> u16 {
    let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                      "AuthParameters": {"USERNAME": name, "PASSWORD": password}});
    let reply = server
        .raw_with(
            "InitiateAuth",
            body.to_string().into_bytes(),
            &[("user-agent", "events-test/1.0")],
        )
        .await;
    reply.status.as_u16()
}

#[tokio::test]
async fn sign_ins_record_who_when_from_where_and_why_not() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    let client = app.app.client.id.as_str();
    let sub = server
        .confirmed_user(client, "ann@example.com", PASSWORD)
        .await;
    let ann = UserId::parse(&sub).unwrap();

    assert_eq!(
        server
            .srp_sign_in(&app, "ann@example.com", PASSWORD)
            .await
            .status,
        200
    );
    assert_eq!(
        password_sign_in(&server, client, "ann@example.com", "Wrong-Horse-9").await,
        400
    );
    assert_eq!(
        password_sign_in(&server, client, "nobody@example.com", "Wrong-Horse-9").await,
        400
    );
    assert_eq!(
        password_sign_in(&server, client, "ann@example.com", PASSWORD).await,
        200
    );

    let mut found = events(&server, &app.app.pool_id).await;
    found.retain(|e| matches!(e.kind, EventKind::SignIn | EventKind::SignInFailed));
    let seen: Vec<_> = found
        .iter()
        .map(|e| (e.kind, e.detail.get("reason").and_then(|r| r.as_str())))
        .collect();
    assert_eq!(
        seen,
        [
            (EventKind::SignIn, None),
            (EventKind::SignInFailed, Some("unknown_user")),
            (EventKind::SignInFailed, Some("wrong_password")),
            (EventKind::SignIn, None),
        ],
        "newest first; the SRP challenge itself made no event"
    );
    let [last, unknown, wrong, srp] = &found[..] else {
        unreachable!()
    };
    for event in [last, wrong, srp] {
        assert_eq!(event.user_id, Some(ann));
        assert_eq!(event.email.as_deref(), Some("ann@example.com"));
    }
    // The name tried is kept for an unknown user (there is no id).
    assert_eq!(unknown.user_id, None);
    assert_eq!(unknown.email.as_deref(), Some("nobody@example.com"));
    for event in &found {
        assert_eq!(event.client_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(event.pool_id, app.app.pool_id);
        assert_eq!(event.at, server.clock_now());
        // No secret in any field.
        let text = format!("{event:?}");
        assert!(
            !text.contains(PASSWORD) && !text.contains("Wrong-Horse-9"),
            "{text}"
        );
    }
    assert_eq!(wrong.user_agent.as_deref(), Some("events-test/1.0"));

    // A name that is no email (a password typed into the name field) is not kept.
    assert_eq!(
        password_sign_in(&server, client, "Correct-Horse-Typed-9", "x").await,
        400
    );
    let typed = events(&server, &app.app.pool_id).await;
    assert_eq!(typed[0].detail["reason"], "unknown_user");
    assert_eq!(typed[0].email, None);
    assert!(!format!("{:?}", typed[0]).contains("Correct-Horse-Typed-9"));

    // Another app's pool sees none of them.
    let other = server.app("Other").await;
    assert!(events(&server, &other.app.pool_id).await.is_empty());
}

#[tokio::test]
async fn refusals_that_are_not_about_credentials_and_refreshes_record_nothing() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    let client = app.app.client.id.as_str();
    server
        .confirmed_user(client, "bob@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "bob@example.com", PASSWORD).await;
    let before = events(&server, &app.app.pool_id).await.len();

    let refresh = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                   "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}),
        )
        .await;
    assert_eq!(refresh.status, 200);
    // A malformed sign-in (no password) is refused before any account is looked at.
    let malformed = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "bob@example.com"}}),
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(events(&server, &app.app.pool_id).await.len(), before);
}

#[tokio::test]
async fn a_burst_of_failed_sign_ins_records_every_one_and_says_when_the_lock_held() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    let client = app.app.client.id.as_str().to_owned();
    server
        .confirmed_user(&client, "cy@example.com", PASSWORD)
        .await;
    let burst: Vec<_> = (0..24)
        .map(|_| {
            let (http, url) = (server.http.clone(), server.url.clone());
            let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                              "AuthParameters": {"USERNAME": "cy@example.com", "PASSWORD": "Wrong-Horse-9"}});
            tokio::spawn(async move {
                http.post(url)
                    .header("content-type", "application/x-amz-json-1.1")
                    .header("x-amz-target", "AWSCognitoIdentityProviderService.InitiateAuth")
                    .body(body.to_string())
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in burst {
        statuses.push(request.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == 400), "{statuses:?}");

    let found = events(&server, &app.app.pool_id).await;
    let failed: Vec<_> = found
        .iter()
        .filter(|e| e.kind == EventKind::SignInFailed)
        .collect();
    assert_eq!(failed.len(), 24, "one event per attempt");
    let locked = failed
        .iter()
        .filter(|e| e.detail.get("reason").and_then(|r| r.as_str()) == Some("locked"))
        .count();
    let wrong = failed.len() - locked;
    // Five free failures per streak, then the lock holds every parallel attempt.
    assert_eq!(
        wrong, 5,
        "reserved before judged: exactly the free failures were judged"
    );
    assert_eq!(locked, 19);
    // The failure that set the lock is the one lockout event, about the user.
    let lockouts: Vec<_> = found
        .iter()
        .filter(|e| e.kind == EventKind::LockedOut)
        .collect();
    assert_eq!(lockouts.len(), 1, "{lockouts:?}");
    assert_eq!(lockouts[0].email.as_deref(), Some("cy@example.com"));
    assert!(lockouts[0].user_id.is_some());
    assert_eq!(lockouts[0].detail["failures"], 5);
    assert_eq!(lockouts[0].detail["locked_secs"], 1);
}

#[tokio::test]
async fn a_batch_the_store_refuses_is_counted_lost_and_the_next_one_lands() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    let store = auth_return_store::connect(&server.database_url)
        .await
        .unwrap();
    let recorder = EventRecorder::spawn(store.clone());
    // No such pool: the foreign key refuses the insert, twice.
    recorder.record(NewEvent::new(
        PoolId::new("local_nope"),
        1,
        EventKind::SignIn,
    ));
    recorder.flush().await;
    assert_eq!(recorder.stats().failed(), 1);
    assert_eq!(recorder.stats().recorded(), 0);
    recorder.record(NewEvent::new(app.app.pool_id.clone(), 2, EventKind::SignUp));
    recorder.flush().await;
    assert_eq!(recorder.stats().recorded(), 1);
    let query = EventQuery {
        limit: 10,
        ..EventQuery::default()
    };
    let found = store.list_events(&app.app.pool_id, &query).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, EventKind::SignUp);
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_instead_of_waiting() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    let store = auth_return_store::connect(&server.database_url)
        .await
        .unwrap();
    let recorder = EventRecorder::spawn_with(store, 4);
    for at in 0..2_000 {
        recorder.record(NewEvent::new(
            app.app.pool_id.clone(),
            at,
            EventKind::SignIn,
        ));
    }
    recorder.flush().await;
    let stats = recorder.stats();
    assert_eq!(stats.recorded() + stats.dropped(), 2_000);
    assert!(
        stats.dropped() > 0,
        "a queue of 4 cannot take 2,000 at once"
    );
    assert_eq!(stats.failed(), 0);
}

#[tokio::test]
async fn sign_up_and_confirmation_are_recorded_and_a_developer_confirming_is_named() {
    let server = TestServer::start().await;
    let dev = developer(&server, "dev@example.com").await;
    let dev_id = claims(&dev)["sub"].as_str().unwrap().to_owned();
    let (status, created) = send(
        &server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&dev),
        Some(json!({"name": "Shop"})),
    )
    .await;
    assert_eq!(status, 201);
    let app_id = created["app_id"].as_str().unwrap().parse().unwrap();
    let app = server
        .service
        .get_app(auth_return_core::Actor::Operator, &app_id)
        .await
        .unwrap();
    let client = app.client.id.as_str();

    let ann = server
        .confirmed_user(client, "ann@example.com", PASSWORD)
        .await;
    let pending = server.sign_up(client, "bob@example.com", PASSWORD).await;
    let bob = pending.ok()["UserSub"].as_str().unwrap().to_owned();
    // Refusals record nothing: a taken email, a wrong code.
    assert_eq!(
        server
            .sign_up(client, "ann@example.com", PASSWORD)
            .await
            .status,
        400
    );
    let wrong = server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "bob@example.com", "ConfirmationCode": "000000"}),
        )
        .await;
    assert_eq!(wrong.status, 400);
    let confirmed = server
        .raw(
            "AdminConfirmSignUp",
            json!({"UserPoolId": app.pool_id, "Username": "bob@example.com"})
                .to_string()
                .into_bytes(),
            Some(&dev),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{:?}", confirmed.body);

    let found = events(&server, &app.pool_id).await;
    let seen: Vec<_> = found
        .iter()
        .map(|e| {
            (
                e.kind,
                e.user_id.map(|id| id.to_string()),
                e.email.as_deref(),
                e.actor.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                EventKind::SignUpConfirmed,
                Some(bob.clone()),
                Some("bob@example.com"),
                Some(dev_id.as_str())
            ),
            (EventKind::SignUp, Some(bob), Some("bob@example.com"), None),
            (
                EventKind::SignUpConfirmed,
                Some(ann.clone()),
                Some("ann@example.com"),
                None
            ),
            (EventKind::SignUp, Some(ann), Some("ann@example.com"), None),
        ]
    );
    assert!(
        found
            .iter()
            .all(|e| e.client_ip.as_deref() == Some("127.0.0.1"))
    );
}

#[tokio::test]
async fn password_changes_resets_sign_outs_and_revocations_are_recorded() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    let client = app.app.client.id.as_str();
    let sub = server
        .confirmed_user(client, "dee@example.com", PASSWORD)
        .await;
    let dee = UserId::parse(&sub).unwrap();
    let tokens = server.tokens(&app, "dee@example.com", PASSWORD).await;
    let ok = |reply: crate::common::Reply| assert_eq!(reply.status, 200, "{:?}", reply.body);

    ok(server
        .call(
            "ChangePassword",
            json!({"AccessToken": tokens.access, "PreviousPassword": PASSWORD,
                   "ProposedPassword": "Second-Horse-9"}),
        )
        .await);
    ok(server
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "dee@example.com"}),
        )
        .await);
    // An unknown name gets the same answer and no event.
    ok(server
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": "nobody@example.com"}),
        )
        .await);
    let code = server.last_code("dee@example.com");
    ok(server
        .call(
            "ConfirmForgotPassword",
            json!({"ClientId": client, "Username": "dee@example.com", "ConfirmationCode": code,
                   "Password": "Third-Horse-9"}),
        )
        .await);
    let fresh = server
        .tokens(&app, "dee@example.com", "Third-Horse-9")
        .await;
    ok(server
        .call(
            "RevokeToken",
            json!({"ClientId": client, "Token": fresh.refresh}),
        )
        .await);
    // The revoked session's tokens are dead: sign out from another one.
    let last = server
        .tokens(&app, "dee@example.com", "Third-Horse-9")
        .await;
    ok(server
        .call("GlobalSignOut", json!({"AccessToken": last.access}))
        .await);

    let found = events(&server, &app.app.pool_id).await;
    let kinds: Vec<_> = found.iter().rev().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::SignUp,
            EventKind::SignUpConfirmed,
            EventKind::SignIn,
            EventKind::PasswordChanged,
            EventKind::PasswordResetRequested,
            EventKind::PasswordReset,
            EventKind::SignIn,
            EventKind::SessionRevoked,
            EventKind::SignIn,
            EventKind::SignedOut,
        ]
    );
    assert!(found.iter().all(|e| e.user_id == Some(dee)), "{found:?}");
    assert!(
        found
            .iter()
            .all(|e| e.email.as_deref() == Some("dee@example.com")),
        "every event names the address, a revocation too: {found:?}"
    );
    for event in &found {
        let text = format!("{event:?}");
        for secret in ["Second-Horse-9", "Third-Horse-9", code.as_str()] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
