//! Server-side sign-in (issue 17): AdminInitiateAuth with `ADMIN_USER_PASSWORD_AUTH`,
//! `ADMIN_USER_SRP_AUTH` (then AdminRespondToAuthChallenge `PASSWORD_VERIFIER`) and
//! `REFRESH_TOKEN_AUTH`, with the developer's credentials; and every refusal.

use crate::common::{PASSWORD, Reply, TestServer, claims, create_app, developer};
use serde_json::{Value, json};

#[tokio::test]
async fn a_backend_signs_users_in_with_the_admin_flows() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Backend").await;
    let (pool, client) = (
        app["user_pool_id"].as_str().unwrap(),
        app["client_id"].as_str().unwrap(),
    );
    let sub = server
        .confirmed_user(client, "ann@example.com", PASSWORD)
        .await;
    let start = |flow: &str, params: Value| {
        server.admin(
            &token,
            "AdminInitiateAuth",
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": flow,
                   "AuthParameters": params}),
        )
    };

    // The password from a trusted server.
    let reply = start(
        "ADMIN_USER_PASSWORD_AUTH",
        json!({"USERNAME": "ann@example.com", "PASSWORD": PASSWORD}),
    )
    .await;
    let result = &reply.ok()["AuthenticationResult"];
    assert_eq!(
        claims(result["IdToken"].as_str().unwrap())["sub"],
        sub.as_str()
    );
    let refresh = result["RefreshToken"].as_str().unwrap().to_owned();
    start(
        "ADMIN_USER_PASSWORD_AUTH",
        json!({"USERNAME": "ann@example.com", "PASSWORD": "Wrong-Horse-9"}),
    )
    .await
    .assert_error("NotAuthorizedException", "Incorrect username or password.");

    // SRP, answered through AdminRespondToAuthChallenge.
    let eph = auth_return_crypto::srp::client_ephemeral();
    let challenge = start(
        "ADMIN_USER_SRP_AUTH",
        json!({"USERNAME": "ann@example.com", "SRP_A": eph.srp_a_hex}),
    )
    .await;
    let challenge = challenge.ok().clone();
    assert_eq!(challenge["ChallengeName"], "PASSWORD_VERIFIER");
    let responses = server.srp_answer(pool, &challenge, &eph, PASSWORD);
    let done = server
        .admin(
            &token,
            "AdminRespondToAuthChallenge",
            json!({"UserPoolId": pool, "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER",
               "ChallengeResponses": responses}),
        )
        .await;
    assert_eq!(
        claims(
            done.ok()["AuthenticationResult"]["AccessToken"]
                .as_str()
                .unwrap()
        )["sub"],
        sub.as_str()
    );

    // A refresh.
    let refreshed = start("REFRESH_TOKEN_AUTH", json!({"REFRESH_TOKEN": refresh})).await;
    assert!(refreshed.ok()["AuthenticationResult"]["IdToken"].is_string());

    // Refusals.
    let other = developer(&server, "other@example.com").await;
    let theirs = create_app(&server, &other, "Theirs").await;
    let cases = [
        (
            json!({"UserPoolId": pool, "ClientId": theirs["client_id"], "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "ann@example.com", "PASSWORD": PASSWORD}}),
            "ResourceNotFoundException",
            format!("User pool client {} does not exist.", theirs["client_id"].as_str().unwrap()),
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "USER_AUTH",
                   "AuthParameters": {"USERNAME": "ann@example.com"}}),
            "InvalidParameterException",
            "Initiate Auth method not supported.".to_owned(),
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "ann@example.com"}}),
            "InvalidParameterException",
            "Missing required parameter PASSWORD".to_owned(),
        ),
        (
            json!({"UserPoolId": pool, "ClientId": client}),
            "InvalidParameterException",
            "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null".to_owned(),
        ),
    ];
    for (body, kind, message) in cases {
        server
            .admin(&token, "AdminInitiateAuth", body.clone())
            .await
            .assert_error(kind, &message);
    }
    server
        .admin(
            &other,
            "AdminInitiateAuth",
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "ann@example.com", "PASSWORD": PASSWORD}}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {pool} does not exist."),
        );
    server
        .call(
            "AdminInitiateAuth",
            json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "ann@example.com", "PASSWORD": PASSWORD}}),
        )
        .await
        .assert_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
}

#[tokio::test]
async fn a_developer_changes_and_deletes_a_users_attributes() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Attributes").await;
    let (pool, client) = (
        app["user_pool_id"].as_str().unwrap(),
        app["client_id"].as_str().unwrap(),
    );
    server
        .confirmed_user(client, "ann@example.com", PASSWORD)
        .await;
    server
        .confirmed_user(client, "bob@example.com", PASSWORD)
        .await;
    let call = |op: &'static str, body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        server.admin(&token, op, body)
    };
    let attributes = |reply: &Reply| -> Value {
        let mut map = serde_json::Map::new();
        for a in reply.ok()["UserAttributes"].as_array().unwrap() {
            map.insert(a["Name"].as_str().unwrap().to_owned(), a["Value"].clone());
        }
        Value::Object(map)
    };

    let reply = call(
        "AdminUpdateUserAttributes",
        json!({"Username": "ann@example.com", "UserAttributes": [
            {"Name": "name", "Value": "Ann"}, {"Name": "custom:team", "Value": "blue"},
            {"Name": "email", "Value": "ann.new@example.com"}]}),
    )
    .await;
    assert_eq!(reply.ok(), &json!({}));
    let got = call("AdminGetUser", json!({"Username": "ann.new@example.com"})).await;
    let now = attributes(&got);
    assert_eq!(now["name"], "Ann");
    assert_eq!(now["custom:team"], "blue");
    assert_eq!(now["email"], "ann.new@example.com");
    assert_eq!(now["email_verified"], "false");
    call(
        "AdminUpdateUserAttributes",
        json!({"Username": "ann.new@example.com", "UserAttributes": [{"Name": "email_verified", "Value": "true"}]}),
    )
    .await
    .ok();
    let got = call("AdminGetUser", json!({"Username": "ann.new@example.com"})).await;
    assert_eq!(attributes(&got)["email_verified"], "true");
    // The new address signs in.
    let sign_in = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "ann.new@example.com", "PASSWORD": PASSWORD}}),
        )
        .await;
    assert!(sign_in.ok()["AuthenticationResult"]["IdToken"].is_string());

    let reply = call(
        "AdminDeleteUserAttributes",
        json!({"Username": "ann.new@example.com", "UserAttributeNames": ["custom:team"]}),
    )
    .await;
    assert_eq!(reply.ok(), &json!({}));
    let got = call("AdminGetUser", json!({"Username": "ann.new@example.com"})).await;
    assert!(attributes(&got).get("custom:team").is_none());

    let cases = [
        (
            "AdminUpdateUserAttributes",
            json!({"Username": "ann.new@example.com", "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
            "AliasExistsException",
            "An account with the given email already exists.",
        ),
        (
            "AdminUpdateUserAttributes",
            json!({"Username": "ann.new@example.com", "UserAttributes": [{"Name": "sub", "Value": "x"}]}),
            "InvalidParameterException",
            "Cannot modify the non-mutable attribute sub",
        ),
        (
            "AdminUpdateUserAttributes",
            json!({"Username": "ann.new@example.com", "UserAttributes": [{"Name": "email_verified", "Value": "yes"}]}),
            "InvalidParameterException",
            "email_verified must be true or false.",
        ),
        (
            "AdminUpdateUserAttributes",
            json!({"Username": "ann.new@example.com", "UserAttributes": [{"Name": "shoe_size", "Value": "9"}]}),
            "InvalidParameterException",
            "Attribute does not exist in the schema.\nshoe_size",
        ),
        (
            "AdminUpdateUserAttributes",
            json!({"Username": "nobody@example.com", "UserAttributes": []}),
            "UserNotFoundException",
            "User does not exist.",
        ),
        (
            "AdminDeleteUserAttributes",
            json!({"Username": "ann.new@example.com", "UserAttributeNames": ["email"]}),
            "InvalidParameterException",
            "Cannot delete the required attribute email",
        ),
        (
            "AdminDeleteUserAttributes",
            json!({"Username": "ann.new@example.com"}),
            "InvalidParameterException",
            "1 validation error detected: Value null at 'userAttributeNames' failed to satisfy constraint: Member must not be null",
        ),
    ];
    for (op, body, kind, message) in cases {
        call(op, body.clone()).await.assert_error(kind, message);
    }
    // Nothing changed by the refusals.
    let got = call("AdminGetUser", json!({"Username": "ann.new@example.com"})).await;
    assert_eq!(attributes(&got)["email"], "ann.new@example.com");
}

#[tokio::test]
async fn a_users_auth_events_come_from_the_audit_log() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Events").await;
    let (pool, client) = (
        app["user_pool_id"].as_str().unwrap(),
        app["client_id"].as_str().unwrap(),
    );
    server
        .confirmed_user(client, "ann@example.com", PASSWORD)
        .await;
    for password in [PASSWORD, "Wrong-Horse-9"] {
        server
            .call(
                "InitiateAuth",
                json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                       "AuthParameters": {"USERNAME": "ann@example.com", "PASSWORD": password}}),
            )
            .await;
    }
    server.service.events().flush().await;
    let list = |body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        body["Username"] = json!("ann@example.com");
        server.admin(&token, "AdminListUserAuthEvents", body)
    };
    let all = list(json!({})).await;
    let events = all.ok()["AuthEvents"].as_array().unwrap().clone();
    let kinds: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["EventType"].as_str().unwrap().to_owned(),
                e["EventResponse"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("SignIn".to_owned(), "Fail".to_owned()),
            ("SignIn".to_owned(), "Pass".to_owned()),
            ("SignUp".to_owned(), "Pass".to_owned()),
        ]
    );
    assert_eq!(
        events[0]["ChallengeResponses"][0]["ChallengeResponse"],
        "Failure"
    );
    assert_eq!(events[0]["EventRisk"]["RiskDecision"], "NoRisk");
    assert!(events[0]["CreationDate"].is_i64());

    // A page at a time.
    let first = list(json!({"MaxResults": 2})).await;
    let first = first.ok().clone();
    assert_eq!(first["AuthEvents"].as_array().unwrap().len(), 2);
    let rest = list(json!({"MaxResults": 2, "NextToken": first["NextToken"]})).await;
    assert_eq!(rest.ok()["AuthEvents"][0]["EventType"], "SignUp");
    assert!(rest.ok().get("NextToken").is_none());

    list(json!({"MaxResults": 61})).await.assert_error(
        "InvalidParameterException",
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
    list(json!({"NextToken": "x"}))
        .await
        .assert_error("InvalidParameterException", "Invalid pagination token.");
}
