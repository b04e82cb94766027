//! Sessions that behave: refresh-token rotation with a grace period and reuse detection,

//! an absolute session lifetime, and `RefreshTokenExpiresAt` in every result.

use crate::common::{PASSWORD, TestServer, claims};
use serde_json::{Value, json};

async fn rotate(server: &TestServer, client_id: &str, token: &str) -> crate::common::Reply {
    server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client_id, "RefreshToken": token}),
        )
        .await
}

fn refresh_token(reply: &crate::common::Reply) -> String {
    reply.ok()["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .expect("a new refresh token")
        .to_owned()
}

#[tokio::test]
async fn rotation_hands_out_new_tokens_and_catches_reuse() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "kim@example.com", PASSWORD)
        .await;
    let signed_in = server.srp_sign_in(&app, "kim@example.com", PASSWORD).await;
    let result = signed_in.ok()["AuthenticationResult"].clone();
    let first = result["RefreshToken"].as_str().unwrap().to_owned();
    let auth_time = claims(result["AccessToken"].as_str().unwrap())["auth_time"]
        .as_i64()
        .unwrap();
    assert_eq!(
        result["RefreshTokenExpiresAt"].as_i64().unwrap(),
        auth_time + 30 * 24 * 3600
    );

    // Rotation: a new token, the same session, the same end.
    let r1 = rotate(&server, client_id, &first).await;
    let second = refresh_token(&r1);
    assert_ne!(second, first);
    let access = r1.ok()["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        claims(&access)["origin_jti"],
        claims(result["AccessToken"].as_str().unwrap())["origin_jti"]
    );
    assert_eq!(
        r1.ok()["AuthenticationResult"]["RefreshTokenExpiresAt"],
        result["RefreshTokenExpiresAt"]
    );

    // Inside the grace period (10 s) the old token still works, even several times at once,
    // and hands out the same successor every time: the session never branches, so a thief
    // replaying it gets nothing that reuse detection cannot see.
    server.clock.advance(5);
    let parallel = futures_join(&server, client_id, &first, 8).await;
    let siblings: Vec<String> = parallel.iter().map(refresh_token).collect();
    assert!(siblings.iter().all(|t| *t == second), "{siblings:?}");
    assert_eq!(
        refresh_token(&rotate(&server, client_id, &first).await),
        second
    );
    let third = refresh_token(&rotate(&server, client_id, &second).await);
    assert_ne!(third, second);

    // After the grace period the old token is a stolen copy: the whole session ends.
    server.clock.advance(10);
    rotate(&server, client_id, &first).await.assert_error(
        "RefreshTokenReuseException",
        "Refresh token has already been used; the session has been revoked.",
    );
    let newest = server.tokens(&app, "kim@example.com", PASSWORD).await;
    rotate(&server, client_id, &siblings[0])
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has been revoked");
    server
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has been revoked");
    // Other sessions are untouched.
    refresh_token(&rotate(&server, client_id, &newest.refresh).await);
}

#[tokio::test]
async fn a_replay_within_the_grace_period_cannot_branch_the_session() {
    let server = TestServer::start().await;
    let app = server.app("Branches").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "ben@example.com", PASSWORD)
        .await;
    let stolen = server
        .tokens(&app, "ben@example.com", PASSWORD)
        .await
        .refresh;
    // The owner rotates; a thief replays the old token inside the grace period and gets the
    // owner's successor, not a token of their own.
    let owners = refresh_token(&rotate(&server, client_id, &stolen).await);
    server.clock.advance(3);
    let thiefs = refresh_token(&rotate(&server, client_id, &stolen).await);
    assert_eq!(thiefs, owners);
    // The owner moves on; the thief's copy is now a rotated-out token, and presenting it after
    // the grace period ends the whole session, the owner's newest token included.
    let newest = refresh_token(&rotate(&server, client_id, &owners).await);
    server.clock.advance(11);
    rotate(&server, client_id, &thiefs).await.assert_error(
        "RefreshTokenReuseException",
        "Refresh token has already been used; the session has been revoked.",
    );
    rotate(&server, client_id, &newest)
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has been revoked");
}

#[tokio::test]
async fn refresh_tokens_are_stored_only_as_hashes() {
    let server = TestServer::start().await;
    let app = server.app("At rest").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "rest@example.com", PASSWORD)
        .await;
    let first = server
        .tokens(&app, "rest@example.com", PASSWORD)
        .await
        .refresh;
    let second = refresh_token(&rotate(&server, client_id, &first).await);
    let third = refresh_token(&rotate(&server, client_id, &second).await);
    // Every byte the database holds, its write-ahead log included.
    let path = server
        .database_url
        .strip_prefix("sqlite://")
        .unwrap()
        .to_owned();
    let mut stored = Vec::new();
    for file in [path.clone(), format!("{path}-wal")] {
        stored.extend(std::fs::read(&file).unwrap_or_default());
    }
    assert!(stored.len() > 4096, "the database was read");
    for token in [&first, &second, &third] {
        let found = stored.windows(token.len()).any(|w| w == token.as_bytes());
        assert!(!found, "a refresh token is stored in clear");
    }
}

async fn futures_join(
    server: &TestServer,
    client_id: &str,
    token: &str,
    n: usize,
) -> Vec<crate::common::Reply> {
    let mut handles = Vec::new();
    for _ in 0..n {
        let (http, url, client_id, token) = (
            server.http.clone(),
            server.url.clone(),
            client_id.to_owned(),
            token.to_owned(),
        );
        handles.push(tokio::spawn(async move {
            let response = http
                .post(&url)
                .header(
                    "x-amz-target",
                    "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken",
                )
                .body(json!({"ClientId": client_id, "RefreshToken": token}).to_string())
                .send()
                .await
                .unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let body: Value = response.json().await.unwrap();
            crate::common::Reply {
                status,
                body,
                headers,
            }
        }));
    }
    let mut replies = Vec::new();
    for handle in handles {
        replies.push(handle.await.unwrap());
    }
    replies
}

#[tokio::test]
async fn rotation_never_extends_the_session() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "lea@example.com", PASSWORD)
        .await;
    let mut token = server
        .tokens(&app, "lea@example.com", PASSWORD)
        .await
        .refresh;
    let end = server.clock_now() + 30 * 24 * 3600;
    for _ in 0..3 {
        server.clock.advance(10 * 24 * 3600 - 60);
        let reply = rotate(&server, client_id, &token).await;
        assert_eq!(
            reply.ok()["AuthenticationResult"]["RefreshTokenExpiresAt"].as_i64(),
            Some(end)
        );
        token = refresh_token(&reply);
    }
    server.clock.advance(181);
    rotate(&server, client_id, &token)
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has expired");
}

#[tokio::test]
async fn refresh_token_auth_keeps_cognitos_non_rotating_behaviour() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "max@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "max@example.com", PASSWORD).await;
    for _ in 0..3 {
        server.clock.advance(60);
        let reply = server
            .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}))
            .await;
        let result = &reply.ok()["AuthenticationResult"];
        assert!(result.get("RefreshToken").is_none());
        assert!(result["RefreshTokenExpiresAt"].as_i64().is_some());
    }

    // With rotation off, GetTokensFromRefreshToken behaves the same.
    let update = auth_return_core::AppUpdate {
        refresh_rotation: Some(auth_return_core::settings::RotationPatch {
            enabled: Some(false),
            grace_secs: None,
        }),
        ..Default::default()
    };
    server
        .service
        .update_app(
            auth_return_core::Actor::Operator,
            &app.app.id,
            update,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    for _ in 0..2 {
        let reply = rotate(&server, client_id, &tokens.refresh).await;
        assert!(
            reply.ok()["AuthenticationResult"]
                .get("RefreshToken")
                .is_none()
        );
    }
}

#[tokio::test]
async fn get_tokens_from_refresh_token_checks_client_and_token() {
    let server = TestServer::start().await;
    let app = server.app_with_secret("Backend").await;
    let other = server.app("Other").await;
    let client_id = app.app.client.id.as_str();
    let secret = app.client_secret.clone().unwrap();
    let hash = auth_return_crypto::secret_hash::compute(&secret, "ned@example.com", client_id);
    server
        .call("SignUp", json!({"ClientId": client_id, "Username": "ned@example.com", "Password": PASSWORD, "SecretHash": hash}))
        .await
        .ok();
    let code = server.last_code("ned@example.com");
    server
        .call("ConfirmSignUp", json!({"ClientId": client_id, "Username": "ned@example.com", "ConfirmationCode": code, "SecretHash": hash}))
        .await
        .ok();
    let reply = server
        .call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
                                      "AuthParameters": {"USERNAME": "ned@example.com", "PASSWORD": PASSWORD, "SECRET_HASH": hash}}))
        .await;
    let token = reply.ok()["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_owned();

    server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client_id, "RefreshToken": token}),
        )
        .await
        .assert_error(
            "NotAuthorizedException",
            &format!("Unable to verify client secret for client {client_id}"),
        );
    server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client_id, "RefreshToken": token, "ClientSecret": "wrong"}),
        )
        .await
        .assert_error(
            "NotAuthorizedException",
            &format!("Unable to verify client secret for client {client_id}"),
        );
    server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": other.app.client.id.as_str(), "RefreshToken": token}),
        )
        .await
        .assert_error("NotAuthorizedException", "Invalid Refresh Token");
    server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client_id, "RefreshToken": "garbage", "ClientSecret": secret}),
        )
        .await
        .assert_error("NotAuthorizedException", "Invalid Refresh Token");
    // Without the secret, nobody learns whether a token is valid.
    server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client_id, "RefreshToken": "garbage", "ClientSecret": "wrong"}),
        )
        .await
        .assert_error(
            "NotAuthorizedException",
            &format!("Unable to verify client secret for client {client_id}"),
        );
    server
        .call("GetTokensFromRefreshToken", json!({"ClientId": client_id}))
        .await
        .assert_error("InvalidParameterException", "1 validation error detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null");
    let reply = server
        .call(
            "GetTokensFromRefreshToken",
            json!({"ClientId": client_id, "RefreshToken": token, "ClientSecret": secret}),
        )
        .await;
    assert_ne!(refresh_token(&reply), token);
}
