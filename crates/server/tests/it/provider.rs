//! Provider mode (issue 16), against the Cognito emulator (tests/cognito/start.sh): an app
//! registered with `"provider": "cognito"` gets its pool and client made in Cognito with the
//! app's settings, its config names them, this server's own Cognito endpoint sends its users
//! there, and deleting the app deletes the pool; a refusal by AWS leaves nothing behind, and a
//! server without a provider says so.

use crate::common::{TestServer, developer, send};
use auth_return_core::PoolId;
use auth_return_provider_cognito::sdk::types::{ExplicitAuthFlowsType, OAuthFlowType};
use auth_return_provider_cognito::{CognitoProvider, CredentialSource, ProviderConfig};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

/// The emulator's endpoint; `None` (the test skips) without one, except in CI.
pub(crate) fn emulator() -> Option<String> {
    match std::env::var("AUTH_RETURN_TEST_COGNITO_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the provider tests: set AUTH_RETURN_TEST_COGNITO_URL (tests/cognito/start.sh)"
            );
            None
        }
    }
}

/// A provider calling the emulator with these keys (`test`/`test` are its root's).
pub(crate) async fn provider(url: &str, key: &str, secret: &str) -> CognitoProvider {
    CognitoProvider::new(ProviderConfig {
        region: Some("us-east-1".into()),
        endpoint_url: Some(url.into()),
        credentials: CredentialSource::fixed(key, secret),
        max_attempts: 1,
        ..ProviderConfig::default()
    })
    .await
    .unwrap()
}

async fn app_count(server: &TestServer, token: &str) -> usize {
    let (status, list) = send(server, Method::GET, "/api/apps", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    list["apps"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_cognito_app_lives_in_cognito_and_goes_with_its_pool() {
    let Some(url) = emulator() else { return };
    let aws = provider(&url, "test", "test").await;
    let server = TestServer::start_with_provider(Arc::new(aws.clone())).await;
    let token = developer(&server, "dev@example.com").await;
    let (status, app) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Shop", "provider": "cognito", "client_secret": true})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{app}");
    assert_eq!(app["provider"], "cognito");
    let pool_id = app["user_pool_id"].as_str().unwrap().to_owned();
    let client_id = app["client_id"].as_str().unwrap().to_owned();
    assert!(pool_id.starts_with("us-east-1_"), "{pool_id}");
    assert_eq!(app["region"], "us-east-1");
    assert_eq!(
        app["issuer"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{pool_id}")
    );
    assert_eq!(app["endpoint"], format!("{url}/"));
    assert_eq!(
        app["jwks_uri"],
        format!("{url}/{pool_id}/.well-known/jwks.json")
    );
    assert!(app["client_secret"].as_str().is_some_and(|s| !s.is_empty()));

    // A built-in app beside it, on the same server: its users sign in here as ever.
    let (status, here) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Here"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(here["provider"], "builtin");
    let here_client = here["client_id"].as_str().unwrap();
    server
        .confirmed_user(here_client, "bob@example.com", crate::common::PASSWORD)
        .await;
    let signed_in = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": here_client,
                   "AuthParameters": {"USERNAME": "bob@example.com", "PASSWORD": crate::common::PASSWORD}}),
        )
        .await;
    assert!(signed_in.ok()["AuthenticationResult"]["AccessToken"].is_string());

    // In Cognito: the pool set up as ours, its one client the app's.
    let described = aws
        .describe_pool(&PoolId::new(pool_id.clone()))
        .await
        .unwrap();
    assert_eq!(described.username_attributes, ["email"]);
    assert_eq!(described.auto_verified_attributes, ["email"]);
    assert!(!described.deletion_protection);
    assert_eq!(described.clients.len(), 1);
    assert_eq!(described.clients[0].client_id.as_str(), client_id);
    assert!(described.clients[0].has_secret);
    assert!(
        described.clients[0]
            .explicit_auth_flows
            .contains(&"ALLOW_USER_SRP_AUTH".to_owned())
    );

    // The public config tells a front end where to sign in.
    let app_id = app["app_id"].as_str().unwrap().to_owned();
    let (status, config) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}/config"),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for (member, value) in [
        ("userPoolId", &app["user_pool_id"]),
        ("clientId", &app["client_id"]),
        ("region", &app["region"]),
        ("endpoint", &app["endpoint"]),
        ("issuer", &app["issuer"]),
    ] {
        assert_eq!(&config[member], value, "{member}");
    }
    assert_eq!(config["provider"], "cognito");
    assert_eq!(config["passkeys"]["enabled"], false);

    // This server's own endpoint sends its users and admin calls there.
    let there = format!("User pool {pool_id} lives in cognito: call {url}/");
    server
        .call(
            "SignUp",
            json!({"ClientId": client_id, "Username": "ann@example.com", "Password": "Correct-Horse-9!"}),
        )
        .await
        .assert_error("ResourceNotFoundException", &there);

    // Admin calls about the pool go on to Cognito, for its owner only, and come back as Cognito
    // answered them.
    let created = server
        .admin(
            &token,
            "AdminCreateUser",
            json!({"UserPoolId": pool_id, "Username": "ann@example.com", "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "email", "Value": "ann@example.com"}]}),
        )
        .await;
    assert_eq!(created.ok()["User"]["Enabled"], true);
    let listed = server
        .admin(&token, "ListUsers", json!({"UserPoolId": pool_id}))
        .await;
    let users = listed.ok()["Users"].as_array().unwrap().clone();
    assert_eq!(users.len(), 1);
    // A body naming the pool twice reaches Cognito naming only the pool authorized here.
    let stranger = aws
        .sdk()
        .create_user_pool()
        .pool_name("not ours")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    aws.sdk()
        .admin_create_user()
        .user_pool_id(&stranger)
        .username("victim@example.com")
        .send()
        .await
        .unwrap();
    let twice = format!(r#"{{"UserPoolId": "{stranger}", "UserPoolId": "{pool_id}"}}"#);
    let listed = server
        .raw("ListUsers", twice.into_bytes(), Some(&token))
        .await;
    let names: Vec<&str> = listed.ok()["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 1);
    assert_ne!(names[0], "victim@example.com");
    aws.sdk()
        .delete_user_pool()
        .user_pool_id(&stranger)
        .send()
        .await
        .unwrap();
    server
        .admin(
            &token,
            "CreateGroup",
            json!({"UserPoolId": pool_id, "GroupName": "admins"}),
        )
        .await
        .ok();
    let described = server
        .admin(&token, "DescribeUserPool", json!({"UserPoolId": pool_id}))
        .await;
    assert_eq!(described.ok()["UserPool"]["Id"], pool_id.as_str());
    server
        .admin(
            &token,
            "AdminGetUser",
            json!({"UserPoolId": pool_id, "Username": "nobody@example.com"}),
        )
        .await
        .assert_error("UserNotFoundException", "User does not exist.");
    let other = developer(&server, "other@example.com").await;
    server
        .admin(&other, "ListUsers", json!({"UserPoolId": pool_id}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {pool_id} does not exist."),
        );
    server
        .call("ListUsers", json!({"UserPoolId": pool_id}))
        .await
        .assert_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
    let (status, _) = send(
        &server,
        Method::GET,
        &format!("/{pool_id}/.well-known/jwks.json"),
        None,
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "its keys are Cognito's, not ours"
    );

    // Settings changes are written to Cognito by read, merge, write: what was set in AWS
    // directly stays; what has no place there is refused, nothing changed.
    aws.sdk()
        .update_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .client_name("set in AWS")
        .callback_urls("https://shop.example/callback")
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_flows_user_pool_client(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let (status, body) = send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        Some(
            json!({"token_validity_secs": 1800, "password_policy": {"min_length": 12},
                    "hide_existing_accounts": true}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let described = aws
        .describe_pool(&PoolId::new(pool_id.clone()))
        .await
        .unwrap();
    assert_eq!(described.password_policy.min_length, 12);
    let there = &described.clients[0];
    assert_eq!(there.access_token_validity_secs, 1800);
    assert_eq!(there.id_token_validity_secs, 1800);
    assert!(there.hide_existing_accounts);
    let raw = aws
        .sdk()
        .describe_user_pool_client()
        .user_pool_id(&pool_id)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(raw.callback_urls(), ["https://shop.example/callback"]);
    assert_eq!(raw.client_name(), Some("set in AWS"));
    let (status, body) = send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        Some(json!({"token_validity_secs": 600, "oauth": {"callback_urls": []}})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "external_pool");
    assert_eq!(
        body["message"],
        "The app's user pool lives in cognito: oauth has no place in its pool there; change it \
         in AWS Cognito"
    );
    let (status, body) = send(
        &server,
        Method::POST,
        &format!("/api/apps/{app_id}/signing-keys/rotate"),
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["message"],
        "The app's user pool lives in cognito: Cognito signs its tokens with its own keys and \
         does not rotate them on request"
    );
    let (_, kept) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        kept["token_validity_secs"], 1800,
        "the refused change changed nothing"
    );

    // Deleting the app deletes the pool.
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        None,
    )
    .await;
    assert!(status.is_success(), "{status}");
    let gone = aws.describe_pool(&PoolId::new(pool_id)).await.unwrap_err();
    assert!(gone.to_string().contains("not found"), "{gone}");
    assert_eq!(
        app_count(&server, &token).await,
        1,
        "the built-in app stays"
    );
}

#[tokio::test]
async fn an_aws_refusal_leaves_nothing_and_a_server_without_a_provider_says_so() {
    let Some(url) = emulator() else { return };
    let refused = provider(&url, "AKIAUNKNOWNUNKNOWN00", "wrong-secret").await;
    let server = TestServer::start_with_provider(Arc::new(refused)).await;
    let token = developer(&server, "dev@example.com").await;
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Shop", "provider": "cognito"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"], "provider_not_permitted");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("AWS Cognito: AWS did not permit the call"),
        "{message}"
    );
    assert!(!message.contains("wrong-secret"), "{message}");
    assert_eq!(app_count(&server, &token).await, 0);

    // Built-in apps are made as ever on the same server.
    let (status, app) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Here"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app["provider"], "builtin");

    // Cognito unreachable (stopped): the same, nothing left.
    let down = provider("http://127.0.0.1:1", "test", "test").await;
    let server = TestServer::start_with_provider(Arc::new(down)).await;
    let token = developer(&server, "dev@example.com").await;
    let (status, body) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Shop", "provider": "cognito"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"], "provider_unavailable");
    assert!(
        body["message"].as_str().unwrap().starts_with(
            "AWS Cognito: could not reach Cognito at http://127.0.0.1:1 for CreateUserPool"
        ),
        "{body}"
    );
    assert_eq!(app_count(&server, &token).await, 0);

    let plain = TestServer::start().await;
    let token = developer(&plain, "dev@example.com").await;
    let (status, body): (StatusCode, Value) = send(
        &plain,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Shop", "provider": "cognito"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "provider_not_configured");
    assert_eq!(app_count(&plain, &token).await, 0);
}
