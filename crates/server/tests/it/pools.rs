//! Pools and clients in Cognito's management API (issue 17): ListUserPools pages the
//! developer's apps as pools, DescribeUserPool and the client reads show their settings,
//! DeleteUserPool deletes the app, and every refusal is Cognito's.

use crate::common::{TestServer, create_app, developer, send};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_developers_apps_are_listed_and_described_as_pools() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let mut pools = Vec::new();
    for name in ["One", "Two", "Three"] {
        pools.push(create_app(&server, &token, name).await);
        server.clock.advance(1);
    }
    let (_, secret_app) = send(
        &server,
        Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Backend", "client_secret": true})),
    )
    .await;
    let other = developer(&server, "other@example.com").await;
    let theirs = create_app(&server, &other, "Theirs").await;

    // Newest first, two a page, the token leading to the rest; never another's pool.
    let mut seen = Vec::new();
    let mut token_next: Option<String> = None;
    loop {
        let mut body = json!({"MaxResults": 2});
        if let Some(next) = &token_next {
            body["NextToken"] = json!(next);
        }
        let page = server.admin(&token, "ListUserPools", body).await;
        let page = page.ok();
        for pool in page["UserPools"].as_array().unwrap() {
            assert_eq!(pool["LambdaConfig"], json!({}));
            assert!(pool["CreationDate"].is_i64());
            seen.push(pool["Id"].as_str().unwrap().to_owned());
        }
        match page["NextToken"].as_str() {
            Some(next) => token_next = Some(next.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = [&secret_app, &pools[2], &pools[1], &pools[0]]
        .iter()
        .map(|app| app["user_pool_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, expected);

    // DescribeUserPool: the settings we have, in Cognito's shape.
    let pool_id = pools[0]["user_pool_id"].as_str().unwrap();
    server
        .confirmed_user(
            pools[0]["client_id"].as_str().unwrap(),
            "u@example.com",
            crate::common::PASSWORD,
        )
        .await;
    let described = server
        .admin(&token, "DescribeUserPool", json!({"UserPoolId": pool_id}))
        .await;
    let pool = &described.ok()["UserPool"];
    assert_eq!(pool["Id"], pool_id);
    assert_eq!(pool["Name"], "One");
    assert_eq!(pool["EstimatedNumberOfUsers"], 1);
    assert_eq!(pool["MfaConfiguration"], "OFF");
    assert_eq!(pool["UsernameAttributes"], json!(["email"]));
    assert_eq!(pool["DeletionProtection"], "INACTIVE");
    assert_eq!(
        pool["Policies"]["PasswordPolicy"],
        json!({"MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true,
               "RequireNumbers": true, "RequireSymbols": true,
               "TemporaryPasswordValidityDays": 7})
    );

    // The one client, listed and described; a secret client's secret with it.
    let listed = server
        .admin(
            &token,
            "ListUserPoolClients",
            json!({"UserPoolId": pool_id}),
        )
        .await;
    assert_eq!(
        listed.ok()["UserPoolClients"],
        json!([{"ClientId": pools[0]["client_id"], "UserPoolId": pool_id, "ClientName": "One"}])
    );
    let client = server
        .admin(
            &token,
            "DescribeUserPoolClient",
            json!({"UserPoolId": secret_app["user_pool_id"], "ClientId": secret_app["client_id"]}),
        )
        .await;
    let client = &client.ok()["UserPoolClient"];
    assert_eq!(client["ClientSecret"], secret_app["client_secret"]);
    assert_eq!(client["AccessTokenValidity"], 3600);
    assert_eq!(client["RefreshTokenValidity"], 30 * 86_400);
    assert_eq!(client["TokenValidityUnits"]["AccessToken"], "seconds");
    assert!(
        client["ExplicitAuthFlows"]
            .as_array()
            .unwrap()
            .contains(&json!("ALLOW_USER_SRP_AUTH"))
    );
    let public = server
        .admin(
            &token,
            "DescribeUserPoolClient",
            json!({"UserPoolId": pool_id, "ClientId": pools[0]["client_id"]}),
        )
        .await;
    assert!(public.ok()["UserPoolClient"].get("ClientSecret").is_none());

    // Refusals, as Cognito words them.
    let their_pool = theirs["user_pool_id"].as_str().unwrap();
    let cases = [
        ("ListUserPools", json!({}), "InvalidParameterException",
         "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null".to_owned()),
        ("ListUserPools", json!({"MaxResults": 0}), "InvalidParameterException",
         "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1".to_owned()),
        ("ListUserPools", json!({"MaxResults": 61}), "InvalidParameterException",
         "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60".to_owned()),
        ("ListUserPools", json!({"MaxResults": 5, "NextToken": "forged"}), "InvalidParameterException",
         "cursor is not one this server issued".to_owned()),
        ("DescribeUserPool", json!({"UserPoolId": their_pool}), "ResourceNotFoundException",
         format!("User pool {their_pool} does not exist.")),
        ("DescribeUserPool", json!({}), "InvalidParameterException",
         "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null".to_owned()),
        ("DescribeUserPoolClient", json!({"UserPoolId": pool_id, "ClientId": "nope"}), "ResourceNotFoundException",
         "User pool client nope does not exist.".to_owned()),
        ("DescribeUserPoolClient", json!({"UserPoolId": pool_id, "ClientId": theirs["client_id"]}), "ResourceNotFoundException",
         format!("User pool client {} does not exist.", theirs["client_id"].as_str().unwrap())),
        ("ListUserPoolClients", json!({"UserPoolId": their_pool}), "ResourceNotFoundException",
         format!("User pool {their_pool} does not exist.")),
    ];
    for (op, body, kind, message) in cases {
        server
            .admin(&token, op, body.clone())
            .await
            .assert_error(kind, &message);
    }
    // DeleteUserPool: the app is gone, with its users; another's pool is not found.
    server
        .admin(&token, "DeleteUserPool", json!({"UserPoolId": their_pool}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {their_pool} does not exist."),
        );
    let reply = server
        .admin(&token, "DeleteUserPool", json!({"UserPoolId": pool_id}))
        .await;
    assert_eq!(reply.ok(), &json!({}));
    server
        .admin(&token, "DescribeUserPool", json!({"UserPoolId": pool_id}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {pool_id} does not exist."),
        );
    let app_id = pools[0]["app_id"].as_str().unwrap();
    let (status, _) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
    let (status, _) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{}", theirs["app_id"].as_str().unwrap()),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK);

    server
        .call("ListUserPools", json!({"MaxResults": 5}))
        .await
        .assert_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
}

/// How many pools the developer of `token` has.
async fn pool_count(server: &TestServer, token: &str) -> usize {
    let page = server
        .admin(token, "ListUserPools", json!({"MaxResults": 60}))
        .await;
    page.ok()["UserPools"].as_array().unwrap().len()
}

#[tokio::test]
async fn pools_are_created_and_updated_as_cognito_does_and_the_rest_refused_by_name() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let created = server
        .admin(
            &token,
            "CreateUserPool",
            json!({
                "PoolName": "Made by boto3",
                "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": false,
                                                 "TemporaryPasswordValidityDays": 7}},
                "MfaConfiguration": "OPTIONAL",
                "UsernameAttributes": ["email"],
                "AutoVerifiedAttributes": ["email"],
                "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": false},
                "LambdaConfig": {},
                "SmsConfiguration": null,
            }),
        )
        .await;
    let pool = created.ok()["UserPool"].clone();
    let pool_id = pool["Id"].as_str().unwrap().to_owned();
    assert_eq!(pool["Name"], "Made by boto3");
    assert_eq!(pool["MfaConfiguration"], "OPTIONAL");
    assert_eq!(pool["Policies"]["PasswordPolicy"]["MinimumLength"], 12);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["RequireSymbols"], false);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["RequireUppercase"], true);
    // It is one of the developer's apps, with its client.
    let (status, apps) = send(&server, Method::GET, "/api/apps", Some(&token), None).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(
        apps["apps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["user_pool_id"] == pool_id.as_str())
    );
    let clients = server
        .admin(
            &token,
            "ListUserPoolClients",
            json!({"UserPoolId": pool_id}),
        )
        .await;
    assert_eq!(clients.ok()["UserPoolClients"].as_array().unwrap().len(), 1);

    // UpdateUserPool puts back the default of what it is not given, as Cognito's does.
    let updated = server
        .admin(&token, "UpdateUserPool", json!({"UserPoolId": pool_id}))
        .await;
    assert_eq!(updated.ok(), &json!({}));
    let pool = server
        .admin(&token, "DescribeUserPool", json!({"UserPoolId": pool_id}))
        .await;
    let pool = &pool.ok()["UserPool"];
    assert_eq!(pool["MfaConfiguration"], "OFF");
    assert_eq!(pool["Policies"]["PasswordPolicy"]["MinimumLength"], 8);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["RequireSymbols"], true);

    // Refused by name, and nothing left behind.
    let before = pool_count(&server, &token).await;
    let cases = [
        (
            json!({"PoolName": "x", "LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:1:function:f"}}),
            "LambdaConfig is not supported here: Lambda triggers are not supported.",
        ),
        (
            json!({"PoolName": "x", "SmsConfiguration": {"SnsCallerArn": "arn"}}),
            "SmsConfiguration is not supported here.",
        ),
        (
            json!({"PoolName": "x", "UsernameAttributes": ["phone_number"]}),
            "UsernameAttributes is not supported here: users sign in with their email here: [\"email\"] only.",
        ),
        (
            json!({"PoolName": "x", "DeletionProtection": "ACTIVE"}),
            "DeletionProtection is not supported here: deletion protection is not offered: INACTIVE only.",
        ),
        (
            json!({"PoolName": "x", "Policies": {"PasswordPolicy": {"PasswordHistorySize": 3}}}),
            "PasswordPolicy.PasswordHistorySize is not supported here.",
        ),
        (
            json!({"PoolName": "x", "Policies": {"PasswordPolicy": {"RequireNumbers": "yes"}}}),
            "PasswordPolicy.RequireNumbers must be a boolean.",
        ),
        (
            json!({}),
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null",
        ),
    ];
    for (body, message) in cases {
        server
            .admin(&token, "CreateUserPool", body.clone())
            .await
            .assert_error("InvalidParameterException", message);
    }
    // Settings the app refuses: the pool made for them is gone again.
    let refused = server
        .admin(
            &token,
            "CreateUserPool",
            json!({"PoolName": "Too short", "Policies": {"PasswordPolicy": {"MinimumLength": 3}}}),
        )
        .await;
    assert_eq!(
        refused.error_type(),
        "InvalidParameterException",
        "{:?}",
        refused.body
    );
    assert_eq!(pool_count(&server, &token).await, before);
    server
        .admin(
            &token,
            "UpdateUserPool",
            json!({"UserPoolId": "local_nothere1"}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            "User pool local_nothere1 does not exist.",
        );
}
