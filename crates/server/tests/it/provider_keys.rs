//! API keys of the users of an app whose pool lives in Cognito (issue 16), against the emulator:
//! a user signed in there with SRP manages their own keys here with their Cognito access token;
//! a key verifies while the user exists and is enabled there, and ends as a key of a user here
//! does when an admin signs them out everywhere, sets a password or deletes them through us.

use crate::common::{PASSWORD, TestServer, developer, send};
use auth_return_crypto::srp;
use auth_return_provider_cognito::CognitoProvider;
use auth_return_provider_cognito::sdk::types::{AttributeType, AuthFlowType, ChallengeNameType};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

/// Signs `email` in at Cognito with SRP, as amazon-cognito-identity-js does; returns the
/// access and ID tokens.
async fn cognito_tokens(
    aws: &CognitoProvider,
    pool_id: &str,
    client_id: &str,
    email: &str,
) -> (String, String) {
    let eph = srp::client_ephemeral();
    let challenge = aws
        .sdk()
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("SRP_A", &eph.srp_a_hex)
        .send()
        .await
        .unwrap();
    let p = challenge.challenge_parameters().unwrap();
    let uid = &p["USER_ID_FOR_SRP"];
    let timestamp = srp::srp_timestamp_now();
    let signature = srp::client_password_claim(
        pool_id.split_once('_').unwrap().1,
        uid,
        PASSWORD,
        &eph,
        &p["SRP_B"],
        &p["SALT"],
        &p["SECRET_BLOCK"],
        &timestamp,
    )
    .unwrap();
    let answer = aws
        .sdk()
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", uid)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .set_session(challenge.session().map(str::to_owned))
        .send()
        .await
        .unwrap();
    let result = answer.authentication_result().unwrap();
    (
        result.access_token().unwrap().to_owned(),
        result.id_token().unwrap().to_owned(),
    )
}

/// A confirmed user of the pool in Cognito; returns their `sub`.
async fn cognito_user(
    aws: &CognitoProvider,
    pool_id: &str,
    client_id: &str,
    email: &str,
) -> String {
    let signed_up = aws
        .sdk()
        .sign_up()
        .client_id(client_id)
        .username(email)
        .password(PASSWORD)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(email)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    aws.sdk()
        .admin_confirm_sign_up()
        .user_pool_id(pool_id)
        .username(email)
        .send()
        .await
        .unwrap();
    signed_up.user_sub().to_owned()
}

/// `POST /api/keys/verify`: whether `key` verifies, and for whom.
async fn verified_for(server: &TestServer, key: &str) -> Option<String> {
    let (status, body) = send(
        server,
        Method::POST,
        "/api/keys/verify",
        None,
        Some(json!({"key": key})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (body["valid"] == true).then(|| body["user_id"].as_str().unwrap().to_owned())
}

/// `POST /api/keys` with a user's token; status and body.
async fn create_key(server: &TestServer, token: &str, name: &str) -> (StatusCode, Value) {
    send(
        server,
        Method::POST,
        "/api/keys",
        Some(token),
        Some(json!({"name": name, "scopes": ["read"]})),
    )
    .await
}

#[tokio::test]
async fn a_cognito_users_keys_are_theirs_and_end_with_them() {
    let Some(url) = crate::provider::emulator() else {
        return;
    };
    let aws = crate::provider::provider(&url, "test", "test").await;
    let server = TestServer::start_with_provider(Arc::new(aws.clone())).await;
    let dev = developer(&server, "dev@example.com").await;
    let (status, app) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&dev),
        Some(json!({"name": "Keys", "provider": "cognito"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{app}");
    let app_id = app["app_id"].as_str().unwrap().to_owned();
    let pool_id = app["user_pool_id"].as_str().unwrap().to_owned();
    let client_id = app["client_id"].as_str().unwrap().to_owned();
    let sub = cognito_user(&aws, &pool_id, &client_id, "kim@example.com").await;
    let (access, id_token) = cognito_tokens(&aws, &pool_id, &client_id, "kim@example.com").await;

    // Opt-in, as for an app here: refused until the developer lets users have keys.
    let (status, body) = create_key(&server, &access, "cli").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "user_api_keys_disabled");
    let (status, body) = send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&dev),
        Some(json!({"user_api_keys": {"enabled": true, "scopes": ["read"]}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Only the access token for the user's own API will do; nothing is stored otherwise.
    let mut tampered = access.clone();
    tampered.pop();
    tampered.push(if access.ends_with('A') { 'B' } else { 'A' });
    for token in [&id_token, &tampered] {
        let (status, body) = create_key(&server, token, "nope").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let (status, body) = create_key(&server, &access, "cli").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user_id"], sub.as_str());
    assert_eq!(body["app_id"], app_id.as_str());
    let key = body["key"].as_str().unwrap().to_owned();
    let key_id = body["key_id"].as_str().unwrap().to_owned();

    // Theirs: listed to them and to the developer, refused to the developer's own list of
    // nobody's keys, and a service verifies it as theirs.
    let (status, mine) = send(&server, Method::GET, "/api/keys", Some(&access), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["keys"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["keys"][0]["key_id"], key_id.as_str());
    let (_, all) = send(
        &server,
        Method::GET,
        &format!("/api/keys?app_id={app_id}"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(all["keys"][0]["user_id"], sub.as_str(), "{all}");

    // Disabled in Cognito itself: asked there at the first verification, refused.
    aws.sdk()
        .admin_disable_user()
        .user_pool_id(&pool_id)
        .username("kim@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(verified_for(&server, &key).await, None);
    // Enabled and disabled again through us: taken into account at once.
    let admin = |op: &'static str| {
        let server = &server;
        let dev = dev.clone();
        let pool_id = pool_id.clone();
        async move {
            server
                .admin(
                    &dev,
                    op,
                    json!({"UserPoolId": pool_id, "Username": "kim@example.com"}),
                )
                .await
                .ok();
        }
    };
    admin("AdminEnableUser").await;
    assert_eq!(verified_for(&server, &key).await, Some(sub.clone()));
    admin("AdminDisableUser").await;
    assert_eq!(verified_for(&server, &key).await, None);
    admin("AdminEnableUser").await;
    assert_eq!(verified_for(&server, &key).await, Some(sub.clone()));

    // An admin's sign-out everywhere ends the key, as for a user here.
    admin("AdminUserGlobalSignOut").await;
    assert_eq!(verified_for(&server, &key).await, None);
    let (_, mine) = send(
        &server,
        Method::GET,
        &format!("/api/keys?app_id={app_id}"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(mine["keys"][0]["revoked"], true, "{mine}");

    // So does deleting the user; another user's key lives on.
    let other = cognito_user(&aws, &pool_id, &client_id, "lou@example.com").await;
    let (lou, _) = cognito_tokens(&aws, &pool_id, &client_id, "lou@example.com").await;
    let (_, body) = create_key(&server, &lou, "lou's").await;
    let lous_key = body["key"].as_str().unwrap().to_owned();
    let (access, _) = cognito_tokens(&aws, &pool_id, &client_id, "kim@example.com").await;
    let (status, body) = create_key(&server, &access, "again").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let again = body["key"].as_str().unwrap().to_owned();
    assert_eq!(verified_for(&server, &again).await, Some(sub.clone()));
    admin("AdminDeleteUser").await;
    assert_eq!(verified_for(&server, &again).await, None);
    assert_eq!(verified_for(&server, &lous_key).await, Some(other));

    // Each change made through us is in the app's activity, with the user and the developer;
    // the reads are not.
    server.service.events().flush().await;
    let (status, events) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}/events?type=admin_action"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{events}");
    let actions: Vec<(&str, &str, &str)> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["detail"]["action"].as_str().unwrap_or(""),
                e["user_id"].as_str().unwrap_or(""),
                e["detail"]["username"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let kim = ("kim@example.com", sub.as_str());
    let expected: Vec<(&str, &str, &str)> = [
        "AdminDeleteUser",
        "AdminUserGlobalSignOut",
        "AdminEnableUser",
        "AdminDisableUser",
        "AdminEnableUser",
    ]
    .into_iter()
    .map(|action| (action, kim.1, kim.0))
    .collect();
    assert_eq!(actions, expected, "{events}");
    assert!(
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"].as_str().is_some_and(|a| a.len() == 36)),
        "{events}"
    );

    // What only a pool here has is refused by name, not answered empty.
    for path in ["signing-keys", "inbox", &format!("users/{sub}/passkeys")] {
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("/api/apps/{app_id}/{path}"),
            Some(&dev),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {body}");
        assert_eq!(body["error"], "external_pool", "{path}");
    }
    let (_, shown) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}"),
        Some(&dev),
        None,
    )
    .await;
    assert!(
        shown.get("user_count").is_none(),
        "counted in Cognito: {shown}"
    );

    // Deleting the app takes the keys with it.
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("/api/apps/{app_id}"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(verified_for(&server, &lous_key).await, None);
}
