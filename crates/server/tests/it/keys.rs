//! Signing-key rotation per pool and the revocation feed.

use crate::common::{PASSWORD, TestServer, claims};
use auth_return_core::{Actor, AppUpdate};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

async fn published(server: &TestServer, pool: &str) -> Vec<String> {
    let (status, jwks, _) = server
        .get(&format!("/{pool}/.well-known/jwks.json"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_rotated_key_is_published_first_and_the_old_one_stays_until_its_tokens_expire() {
    let server = TestServer::start().await;
    let app = server.app("Keys").await;
    let (app_id, pool) = (&app.app.id, app.app.pool_id.as_str());
    // Day-long tokens, so tokens signed before the switch outlive it.
    let day = AppUpdate {
        token_validity_secs: Some(86_400),
        ..Default::default()
    };
    server
        .service
        .update_app(
            Actor::Operator,
            app_id,
            day,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    server
        .confirmed_user(app.app.client.id.as_str(), "rot@example.com", PASSWORD)
        .await;
    let before = server.tokens(&app, "rot@example.com", PASSWORD).await;
    let old_kid = kid(&before.access);

    let keys = server
        .service
        .rotate_signing_key(
            Actor::Operator,
            app_id,
            false,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    let states: Vec<&str> = keys.iter().map(|k| k.state).collect();
    assert_eq!(states, ["next", "active"]);
    let new_kid = keys[0].kid.clone();
    assert_eq!(
        published(&server, pool).await,
        [new_kid.clone(), old_kid.clone()]
    );
    // Until the propagation delay is over, the old key still signs.
    let during = server.tokens(&app, "rot@example.com", PASSWORD).await;
    assert_eq!(kid(&during.access), old_kid);

    server.clock.advance(3600);
    let after = server.tokens(&app, "rot@example.com", PASSWORD).await;
    assert_eq!(kid(&after.access), new_kid);
    for token in [&before.access, &during.access, &after.access] {
        server
            .call("GetUser", json!({"AccessToken": token}))
            .await
            .ok();
    }
    // Maintenance keeps the old key while its tokens may live, then withdraws it.
    assert_eq!(
        server.service.maintain_signing_keys(None).await.unwrap(),
        (0, 0)
    );
    assert_eq!(published(&server, pool).await.len(), 2);
    server.clock.advance(86_400 + 300);
    assert_eq!(
        server.service.maintain_signing_keys(None).await.unwrap(),
        (1, 0)
    );
    assert_eq!(
        published(&server, pool).await,
        std::slice::from_ref(&new_kid)
    );
    let keys = server
        .service
        .signing_keys(Actor::Operator, app_id)
        .await
        .unwrap();
    assert_eq!((keys.len(), keys[0].state), (1, "active"));

    // Scheduled rotation: keys older than the age get a successor (this app's and the
    // console's, both over a day old now).
    assert_eq!(
        server
            .service
            .maintain_signing_keys(Some(86_400))
            .await
            .unwrap(),
        (0, 2)
    );
    assert_eq!(published(&server, pool).await.len(), 2);
}

#[tokio::test]
async fn an_emergency_rotation_voids_the_old_keys_at_once() {
    let server = TestServer::start().await;
    let app = server.app("Leak").await;
    let other = server.app("Bystander").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "leak@example.com", PASSWORD)
        .await;
    server
        .confirmed_user(other.app.client.id.as_str(), "leak@example.com", PASSWORD)
        .await;
    let before = server.tokens(&app, "leak@example.com", PASSWORD).await;
    let bystander = server.tokens(&other, "leak@example.com", PASSWORD).await;

    let keys = server
        .service
        .rotate_signing_key(
            Actor::Operator,
            &app.app.id,
            true,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        published(&server, app.app.pool_id.as_str()).await,
        [keys[0].kid.clone()]
    );
    server
        .call("GetUser", json!({"AccessToken": before.access}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Access Token");
    // The session itself lives on: a refresh mints tokens with the new key.
    let refreshed = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": app.app.client.id.as_str(),
                                      "AuthParameters": {"REFRESH_TOKEN": before.refresh}}),
        )
        .await;
    let access = refreshed.ok()["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(kid(&access), keys[0].kid);
    server
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    // Other pools are untouched.
    server
        .call("GetUser", json!({"AccessToken": bystander.access}))
        .await
        .ok();
    assert!(
        server
            .service
            .rotate_signing_key(
                Actor::Operator,
                &auth_return_core::AppId::new("app_nosuchapp"),
                true,
                &auth_return_core::events::Caller::unknown(),
            )
            .await
            .is_err()
    );
}

async fn feed(
    server: &TestServer,
    path: &str,
    since: Option<&str>,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    match since {
        Some(cursor) => server.get(&format!("{path}?since={cursor}"), None).await,
        None => server.get(path, None).await,
    }
}

#[tokio::test]
async fn the_revocation_feed_lists_signed_out_sessions_until_their_tokens_expire() {
    let server = TestServer::start().await;
    let app = server.app("Feed").await;
    let client_id = app.app.client.id.as_str();
    let feed_path = format!("/{}/revocations", app.app.pool_id);

    let (status, empty, headers) = feed(&server, &feed_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        empty,
        json!({"revocations": [], "cursor": "", "more": false})
    );
    assert_eq!(headers["cache-control"], "no-store");

    server
        .confirmed_user(client_id, "gone@example.com", PASSWORD)
        .await;
    let first = server.tokens(&app, "gone@example.com", PASSWORD).await;
    let second = server.tokens(&app, "gone@example.com", PASSWORD).await;
    server
        .call(
            "RevokeToken",
            json!({"Token": first.refresh, "ClientId": client_id}),
        )
        .await
        .ok();
    let (_, page, _) = feed(&server, &feed_path, None).await;
    let revoked_at = server.clock_now();
    assert_eq!(
        page["revocations"],
        json!([{"origin_jti": claims(&first.access)["origin_jti"], "expires_at": revoked_at + 3600}])
    );
    let cursor = page["cursor"].as_str().unwrap().to_owned();
    // A last page's cursor reaches a few seconds back, so entries written a moment late are
    // not skipped; clients keep a set, so the repeat is harmless.
    let (_, again, _) = feed(&server, &feed_path, Some(&cursor)).await;
    assert_eq!(again["revocations"], page["revocations"]);
    server.clock.advance(10);
    let (_, nothing_new, _) = feed(&server, &feed_path, Some(&cursor)).await;
    assert_eq!(nothing_new["revocations"], page["revocations"]);
    let cursor = nothing_new["cursor"].as_str().unwrap().to_owned();

    // GlobalSignOut revokes the rest; revoking again adds nothing.
    server
        .call("GlobalSignOut", json!({"AccessToken": second.access}))
        .await
        .ok();
    server
        .call(
            "RevokeToken",
            json!({"Token": first.refresh, "ClientId": client_id}),
        )
        .await
        .ok();
    let (_, page, _) = feed(&server, &feed_path, Some(&cursor)).await;
    assert_eq!(
        page["revocations"],
        json!([{"origin_jti": claims(&first.access)["origin_jti"], "expires_at": revoked_at + 3600},
               {"origin_jti": claims(&second.access)["origin_jti"], "expires_at": revoked_at + 10 + 3600}])
    );
    // Ten seconds on, a cursor from that page no longer reaches the first entry.
    let cursor = page["cursor"].as_str().unwrap().to_owned();
    server.clock.advance(1);
    let (_, later, _) = feed(&server, &feed_path, Some(&cursor)).await;
    assert_eq!(
        later["revocations"],
        json!([{"origin_jti": claims(&second.access)["origin_jti"], "expires_at": revoked_at + 10 + 3600}])
    );

    // Deleting a user revokes their live sessions too.
    let third = server.tokens(&app, "gone@example.com", PASSWORD).await;
    server
        .call("DeleteUser", json!({"AccessToken": third.access}))
        .await
        .ok();
    let (_, all, _) = feed(&server, &feed_path, None).await;
    let listed: Vec<&Value> = all["revocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["origin_jti"])
        .collect();
    assert_eq!(
        listed,
        [
            &claims(&first.access)["origin_jti"],
            &claims(&second.access)["origin_jti"],
            &claims(&third.access)["origin_jti"]
        ]
    );

    // Once every token of a session has expired, its entry no longer matters.
    server.clock.advance(3600 - 6);
    let (_, later, _) = feed(&server, &feed_path, None).await;
    assert_eq!(later["revocations"].as_array().unwrap().len(), 2);

    for bad in [
        format!("{feed_path}?since=garbage"),
        format!("{feed_path}?since=a&since=b&since=%ZZ"),
        "/local_nosuchpool/revocations".to_owned(),
    ] {
        let (status, body, _) = server.get(&bad, None).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{bad}: {status}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}: {body}"
        );
    }
}

#[tokio::test]
async fn key_changes_made_by_one_instance_reach_another_at_its_next_poll() {
    let a = TestServer::start().await;
    let b = a.second_instance().await;
    assert_eq!(
        b.service.follow_changes().await.unwrap(),
        0,
        "starts at the newest"
    );
    let app = a.app("Shared").await;
    let (app_id, pool) = (&app.app.id, app.app.pool_id.as_str());
    a.confirmed_user(app.app.client.id.as_str(), "two@example.com", PASSWORD)
        .await;
    // B signs, publishes and verifies with the pool's keys, cached.
    let before = b.tokens(&app, "two@example.com", PASSWORD).await;
    let old_kid = kid(&before.access);
    assert_eq!(published(&b, pool).await, std::slice::from_ref(&old_kid));

    // A planned rotation on A: B still serves its cached key set until it reads the feed.
    let next = a
        .service
        .rotate_signing_key(
            Actor::Operator,
            app_id,
            false,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap()[0]
        .kid
        .clone();
    assert_eq!(published(&b, pool).await, std::slice::from_ref(&old_kid));
    assert_eq!(b.service.follow_changes().await.unwrap(), 1);
    assert_eq!(published(&b, pool).await, [next.clone(), old_kid.clone()]);
    assert_eq!(b.service.follow_changes().await.unwrap(), 0);

    // An emergency rotation on A (one key added, two withdrawn): after one poll B publishes
    // only the new key, refuses the old tokens and signs with the new key.
    let emergency = a
        .service
        .rotate_signing_key(
            Actor::Operator,
            app_id,
            true,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    let new_kid = emergency[0].kid.clone();
    b.call("GetUser", json!({"AccessToken": before.access}))
        .await
        .ok();
    assert_eq!(b.service.follow_changes().await.unwrap(), 3);
    assert_eq!(published(&b, pool).await, std::slice::from_ref(&new_kid));
    b.call("GetUser", json!({"AccessToken": before.access}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Access Token");
    let (status, body, _) = b.get("/api/user", Some(&before.id)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let after = b.tokens(&app, "two@example.com", PASSWORD).await;
    assert_eq!(kid(&after.access), new_kid);
    assert_eq!(kid(&after.id), new_kid);

    // The app deleted on A (its keys and its app change): B stops publishing its keys and
    // knowing its client after one poll.
    a.service.delete_app(Actor::Operator, app_id).await.unwrap();
    assert_eq!(b.service.follow_changes().await.unwrap(), 2);
    b.call(
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": app.app.client.id.as_str(),
               "AuthParameters": {"USERNAME": "two@example.com", "SRP_A": "0a"}}),
    )
    .await
    .assert_error(
        "ResourceNotFoundException",
        &format!("User pool client {} does not exist.", app.app.client.id),
    );
    let (status, _, _) = b.get(&format!("/{pool}/.well-known/jwks.json"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn developers_list_and_rotate_their_apps_signing_keys_over_rest() {
    let server = TestServer::start().await;
    let dev = crate::common::developer(&server, "keys-dev@example.com").await;
    let other = crate::common::developer(&server, "keys-other@example.com").await;
    let (status, created) = crate::common::send(
        &server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&dev),
        Some(json!({"name": "Rotating"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let app_id = created["app_id"].as_str().unwrap();
    let pool = created["user_pool_id"].as_str().unwrap();
    let path = format!("/api/apps/{app_id}/signing-keys");
    let states = |body: &Value| {
        body["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["state"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    let (status, body) =
        crate::common::send(&server, reqwest::Method::GET, &path, Some(&dev), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(states(&body), ["active"]);
    let first = body["keys"][0]["kid"].as_str().unwrap().to_owned();

    // No body: a planned rotation, the new key published first.
    let rotate = format!("{path}/rotate");
    let (status, body) =
        crate::common::send(&server, reqwest::Method::POST, &rotate, Some(&dev), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(states(&body), ["next", "active"]);
    assert_eq!(published(&server, pool).await.len(), 2);

    // Bad bodies change nothing.
    for bad in [
        json!({"emergency": "yes"}),
        json!({"emergnecy": true}),
        json!([]),
    ] {
        let (status, body) = crate::common::send(
            &server,
            reqwest::Method::POST,
            &rotate,
            Some(&dev),
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"], "invalid_request", "{body}");
    }
    // Someone else's app, no token, an unknown app: nothing is rotated.
    let (status, _) =
        crate::common::send(&server, reqwest::Method::POST, &rotate, Some(&other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        crate::common::send(&server, reqwest::Method::POST, &rotate, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = crate::common::send(
        &server,
        reqwest::Method::POST,
        "/api/apps/app_nosuchapp/signing-keys/rotate",
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(published(&server, pool).await.len(), 2);

    // An emergency: one key left, the first one withdrawn.
    let (status, body) = crate::common::send(
        &server,
        reqwest::Method::POST,
        &rotate,
        Some(&dev),
        Some(json!({"emergency": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(states(&body), ["active"]);
    let published = published(&server, pool).await;
    assert_eq!(published.len(), 1);
    assert_ne!(published[0], first);
}
