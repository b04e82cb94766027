//! `auth-return-verify` against the real server: discovery and JWKS, a key rotation with tokens

//! in flight, an emergency rotation, and the revocation feed refusing signed-out sessions.

use crate::common::{PASSWORD, TestServer};
use auth_return_core::Actor;
use auth_return_core::clock::Clock;
use auth_return_verify::{Verifier, VerifyError};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn verifier(server: &TestServer, app: &auth_return_core::CreatedApp) -> Verifier {
    let clock = server.clock.clone();
    Verifier::builder(
        format!("{}/{}", server.url, app.app.pool_id),
        app.app.client.id.as_str(),
    )
    // The verifier reads the server's (test-controlled) clock.
    .clock(Arc::new(move || clock.now()))
    .min_refetch_interval(Duration::ZERO)
    .build()
    .unwrap()
}

#[tokio::test]
async fn tokens_verify_through_a_key_rotation() {
    let server = TestServer::start().await;
    let app = server.app("Backend").await;
    let other = server.app("Other").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "v@example.com", PASSWORD)
        .await;
    server
        .confirmed_user(other.app.client.id.as_str(), "v@example.com", PASSWORD)
        .await;
    let verifier = verifier(&server, &app);
    let before = server.tokens(&app, "v@example.com", PASSWORD).await;
    assert_eq!(
        verifier
            .verify_access_token(&before.access)
            .await
            .unwrap()
            .sub,
        verifier.verify_id_token(&before.id).await.unwrap().sub
    );
    let foreign = server.tokens(&other, "v@example.com", PASSWORD).await;
    assert!(
        matches!(
            verifier.verify_access_token(&foreign.access).await,
            Err(VerifyError::WrongIssuer { .. }) | Err(VerifyError::UnknownKey(_))
        ),
        "another app's token"
    );
    assert!(
        verifier.verify_access_token(&before.id).await.is_err(),
        "an ID token is not an access token"
    );

    server
        .service
        .rotate_signing_key(
            Actor::Operator,
            &app.app.id,
            false,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    server.clock.advance(3600);
    let after = server.tokens(&app, "v@example.com", PASSWORD).await;
    // The new kid is unknown to the verifier's cache: it refetches the JWKS once.
    let fetches = verifier.key_fetch_count().await;
    verifier.verify_access_token(&after.access).await.unwrap();
    assert_eq!(verifier.key_fetch_count().await, fetches + 1);
    // The session goes on across the switch: a refresh gets tokens of the new key.
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
    verifier.verify_access_token(&access).await.unwrap();

    // An emergency rotation withdraws the old keys: their tokens stop verifying.
    server
        .service
        .rotate_signing_key(
            Actor::Operator,
            &app.app.id,
            true,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    let emergency = server.tokens(&app, "v@example.com", PASSWORD).await;
    verifier
        .verify_access_token(&emergency.access)
        .await
        .unwrap();
    assert!(
        verifier.verify_access_token(&after.access).await.is_err(),
        "tokens of a withdrawn key"
    );
}

#[tokio::test]
async fn the_revocation_feed_makes_sign_out_effective_at_once() {
    let server = TestServer::start().await;
    let app = server.app("Backend").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "r@example.com", PASSWORD)
        .await;
    let clock = server.clock.clone();
    let verifier = Verifier::builder(format!("{}/{}", server.url, app.app.pool_id), client_id)
        .clock(Arc::new(move || clock.now()))
        .revocation_polling(Duration::from_secs(3600))
        .build()
        .unwrap();
    let kept = server.tokens(&app, "r@example.com", PASSWORD).await;
    let ended = server.tokens(&app, "r@example.com", PASSWORD).await;
    verifier.verify_access_token(&ended.access).await.unwrap();

    server
        .call(
            "RevokeToken",
            json!({"Token": ended.refresh, "ClientId": client_id}),
        )
        .await
        .ok();
    // Until the verifier polls, the JWT alone still verifies: that is the trade-off.
    verifier.verify_access_token(&ended.access).await.unwrap();
    verifier.poll_revocations().await.unwrap();
    assert_eq!(verifier.revoked_sessions(), 1);
    assert!(matches!(
        verifier.verify_access_token(&ended.access).await,
        Err(VerifyError::Revoked)
    ));
    assert!(matches!(
        verifier.verify_id_token(&ended.id).await,
        Err(VerifyError::Revoked)
    ));
    verifier.verify_access_token(&kept.access).await.unwrap();

    server
        .call("GlobalSignOut", json!({"AccessToken": kept.access}))
        .await
        .ok();
    verifier.poll_revocations().await.unwrap();
    assert_eq!(verifier.revoked_sessions(), 2);
    assert!(matches!(
        verifier.verify_access_token(&kept.access).await,
        Err(VerifyError::Revoked)
    ));
}

#[tokio::test]
async fn require_group_admits_the_groups_members_only() {
    let server = TestServer::start().await;
    let app = server.app("Groups").await;
    let client = app.app.client.id.as_str();
    let member = server
        .confirmed_user(client, "in@example.com", PASSWORD)
        .await;
    server
        .confirmed_user(client, "out@example.com", PASSWORD)
        .await;
    let pool = &app.app.pool_id;
    let new = auth_return_core::groups::NewGroup {
        name: "admins".into(),
        ..Default::default()
    };
    server
        .service
        .create_group(Actor::Operator, pool, new)
        .await
        .unwrap();
    server
        .service
        .add_user_to_group(Actor::Operator, pool, &member, "admins")
        .await
        .unwrap();
    let clock = server.clock.clone();
    let admins_only = Verifier::builder(format!("{}/{pool}", server.url), client)
        .clock(Arc::new(move || clock.now()))
        .require_group("admins")
        .build()
        .unwrap();
    let inside = server.tokens(&app, "in@example.com", PASSWORD).await;
    let outside = server.tokens(&app, "out@example.com", PASSWORD).await;
    for token in [&inside.id, &inside.access] {
        let claims = admins_only.verify(token).await.unwrap();
        assert_eq!(claims.groups, ["admins"]);
    }
    for token in [&outside.id, &outside.access] {
        let refused = admins_only.verify(token).await.unwrap_err();
        assert!(
            matches!(&refused, VerifyError::MissingGroup(group) if group == "admins"),
            "{refused:?}"
        );
    }
}
