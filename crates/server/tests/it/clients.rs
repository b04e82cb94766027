//! Several app clients per pool (issue 17): CreateUserPoolClient, UpdateUserPoolClient,
//! DeleteUserPoolClient, ListUserPoolClients and DescribeUserPoolClient; each client's own
//! secret, lifetimes, sign-in flows and redirect settings hold where users sign in, another
//! instance follows a change at its next poll of the change feed, and every refusal names what it refuses.

use crate::common::{
    PASSWORD, Reply, TempPostgres, TestServer, claims, create_app, developer, pool_events,
};
use crate::oauth::support::{Browser, CALLBACK, VERIFIER, authorize_path};
use auth_return_core::apps::{Actor, CreatedApp};
use auth_return_core::events::EventKind;
use auth_return_core::{AppId, ClientId};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A pool made by a developer, with their token.
struct Pool {
    server: TestServer,
    token: String,
    pool_id: String,
    own_client: String,
    app_id: String,
}

async fn pool(server: TestServer) -> Pool {
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    Pool {
        token,
        pool_id: app["user_pool_id"].as_str().unwrap().to_owned(),
        own_client: app["client_id"].as_str().unwrap().to_owned(),
        app_id: app["app_id"].as_str().unwrap().to_owned(),
        server,
    }
}

impl Pool {
    async fn admin(&self, op: &str, mut body: Value) -> Reply {
        body["UserPoolId"] = json!(self.pool_id);
        self.server.admin(&self.token, op, body).await
    }

    async fn client_ids(&self) -> Vec<String> {
        let listed = self
            .admin("ListUserPoolClients", json!({"MaxResults": 60}))
            .await;
        listed.ok()["UserPoolClients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ClientId"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Signs `email` in through `client` with USER_PASSWORD_AUTH.
    async fn password_sign_in(&self, client: &str, email: &str) -> Reply {
        self.server
            .call(
                "InitiateAuth",
                json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                       "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}}),
            )
            .await
    }
}

#[tokio::test]
async fn a_pool_has_a_server_client_beside_its_own_with_its_own_secret_lifetimes_and_flows() {
    let p = pool(TestServer::start().await).await;
    p.server
        .confirmed_user(&p.own_client, "ann@example.com", PASSWORD)
        .await;
    let created = p
        .admin(
            "CreateUserPoolClient",
            json!({"ClientName": "back office", "GenerateSecret": true,
                   "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                   "AccessTokenValidity": 15, "IdTokenValidity": 15, "RefreshTokenValidity": 7,
                   "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes"},
                   "PreventUserExistenceErrors": "ENABLED", "EnableTokenRevocation": true,
                   "SupportedIdentityProviders": ["COGNITO"]}),
        )
        .await;
    let client = created.ok()["UserPoolClient"].clone();
    let id = client["ClientId"].as_str().unwrap().to_owned();
    let secret = client["ClientSecret"].as_str().unwrap().to_owned();
    assert_ne!(id, p.own_client);
    assert_eq!(secret.len(), 51);
    assert_eq!(client["ClientName"], "back office");
    assert_eq!(client["UserPoolId"], p.pool_id.as_str());
    assert_eq!(client["AccessTokenValidity"], 15);
    assert_eq!(client["IdTokenValidity"], 15);
    assert_eq!(client["RefreshTokenValidity"], 7);
    assert_eq!(
        client["TokenValidityUnits"],
        json!({"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"})
    );
    assert_eq!(
        client["ExplicitAuthFlows"],
        json!(["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    assert_eq!(client["PreventUserExistenceErrors"], "ENABLED");
    assert_eq!(client["AllowedOAuthFlowsUserPoolClient"], false);
    assert_eq!(client["AllowedOAuthFlows"], json!([]));
    assert_eq!(client["RefreshTokenRotation"]["Feature"], "DISABLED");

    // Listed after the app's own; described the same, secret included.
    assert_eq!(p.client_ids().await, [p.own_client.clone(), id.clone()]);
    let described = p
        .admin("DescribeUserPoolClient", json!({"ClientId": id}))
        .await;
    assert_eq!(described.ok()["UserPoolClient"], client);

    // Its flows hold: a password from the browser is refused, from the backend taken.
    p.password_sign_in(&id, "ann@example.com")
        .await
        .assert_error(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        );
    let eph = auth_return_crypto::srp::client_ephemeral();
    p.server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": id,
                   "AuthParameters": {"USERNAME": "ann@example.com", "SRP_A": eph.srp_a_hex}}),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "USER_SRP_AUTH flow not enabled for this client",
        );
    let hash = auth_return_crypto::secret_hash::compute(&secret, "ann@example.com", &id);
    let admin_start = |params: Value| {
        p.admin(
            "AdminInitiateAuth",
            json!({"ClientId": id, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                   "AuthParameters": params}),
        )
    };
    admin_start(json!({"USERNAME": "ann@example.com", "PASSWORD": PASSWORD}))
        .await
        .assert_error(
            "NotAuthorizedException",
            &format!("Unable to verify secret hash for client {id}"),
        );
    let signed_in = admin_start(
        json!({"USERNAME": "ann@example.com", "PASSWORD": PASSWORD, "SECRET_HASH": hash}),
    )
    .await;
    let result = signed_in.ok()["AuthenticationResult"].clone();
    let access = claims(result["AccessToken"].as_str().unwrap());
    let id_token = claims(result["IdToken"].as_str().unwrap());
    assert_eq!(access["client_id"], id.as_str());
    assert_eq!(id_token["aud"], id.as_str());
    assert_eq!(result["ExpiresIn"], 900);
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        900
    );

    // A refresh token answers only to the client it was issued through.
    let refresh = result["RefreshToken"].as_str().unwrap();
    let renewed = p
        .server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": id,
                   "AuthParameters": {"REFRESH_TOKEN": refresh, "SECRET_HASH": hash}}),
        )
        .await;
    assert_eq!(
        claims(
            renewed.ok()["AuthenticationResult"]["AccessToken"]
                .as_str()
                .unwrap()
        )["client_id"],
        id.as_str()
    );
    p.server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": p.own_client,
                   "AuthParameters": {"REFRESH_TOKEN": refresh}}),
        )
        .await
        .assert_error("NotAuthorizedException", "Invalid Refresh Token");

    // The app's own client still allows every flow, its lifetimes its own.
    let own = p.password_sign_in(&p.own_client, "ann@example.com").await;
    assert_eq!(own.ok()["AuthenticationResult"]["ExpiresIn"], 3600);
}

#[tokio::test]
async fn an_update_replaces_the_client_and_a_deletion_signs_its_users_out() {
    let p = pool(TestServer::start().await).await;
    p.server
        .confirmed_user(&p.own_client, "ann@example.com", PASSWORD)
        .await;
    let created = p
        .admin(
            "CreateUserPoolClient",
            json!({"ClientName": "web", "ExplicitAuthFlows":
                   ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    let client = created.ok()["UserPoolClient"].clone();
    let id = client["ClientId"].as_str().unwrap().to_owned();
    assert!(client.get("ClientSecret").is_none());
    // Cognito's default lifetimes, in its default units.
    assert_eq!(
        (
            &client["AccessTokenValidity"],
            &client["RefreshTokenValidity"]
        ),
        (&json!(1), &json!(30))
    );
    let tokens = p.password_sign_in(&id, "ann@example.com").await;
    let tokens = tokens.ok()["AuthenticationResult"].clone();

    // Updated with a name and redirect settings only: the flows go back to Cognito's default,
    // and redirect sign-in through it works with its callback (the app's own has none).
    let updated = p
        .admin(
            "UpdateUserPoolClient",
            json!({"ClientId": id, "ClientName": "web v2", "CallbackURLs": [CALLBACK],
                   "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"],
                   "AllowedOAuthFlowsUserPoolClient": true}),
        )
        .await;
    let updated = updated.ok()["UserPoolClient"].clone();
    assert_eq!(updated["ClientName"], "web v2");
    assert_eq!(
        updated["ExplicitAuthFlows"],
        json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_CUSTOM_AUTH"
        ])
    );
    assert_eq!(updated["CallbackURLs"], json!([CALLBACK]));
    assert_eq!(updated["AllowedOAuthFlowsUserPoolClient"], true);
    assert_eq!(updated["CreationDate"], client["CreationDate"]);
    p.password_sign_in(&id, "ann@example.com")
        .await
        .assert_error(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        );
    let app = p
        .server
        .service
        .get_app(Actor::Operator, &AppId::new(p.app_id.clone()))
        .await
        .unwrap();
    let mut through = CreatedApp {
        app,
        client_secret: None,
    };
    let own_path = authorize_path(&through, &[]);
    through.app.client.id = ClientId::new(id.clone());
    let mut browser = Browser::new(&p.server);
    assert_eq!(browser.get(&own_path).await.status, StatusCode::BAD_REQUEST);
    let path = authorize_path(&through, &[]);
    let first = browser.get(&path).await;
    assert_eq!(first.status, StatusCode::FOUND);
    assert_eq!(browser.get(first.location()).await.status, StatusCode::OK);
    let signed_in = browser.sign_in(&through, "ann@example.com", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    let answer = browser.get(&path).await;
    assert!(answer.location().starts_with(CALLBACK));
    let code = answer.location_params(false)["code"].clone();
    let exchanged = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &id),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", VERIFIER),
            ],
            None,
        )
        .await;
    assert_eq!(exchanged.status, StatusCode::OK, "{}", exchanged.body);

    // Deleted: gone from every read, its sessions revoked, its tokens refused.
    assert_eq!(
        p.admin("DeleteUserPoolClient", json!({"ClientId": id}))
            .await
            .ok(),
        &json!({})
    );
    assert_eq!(p.client_ids().await, vec![p.own_client.clone()]);
    p.admin("DescribeUserPoolClient", json!({"ClientId": id}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool client {id} does not exist."),
        );
    p.server
        .call("GetUser", json!({"AccessToken": tokens["AccessToken"]}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has been revoked");
    p.server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": id,
                   "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"]}}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool client {id} does not exist."),
        );
    // Each change is in the pool's audit log, naming the client and the developer.
    let created = CreatedApp {
        app: through.app.clone(),
        client_secret: None,
    };
    let changes: Vec<(String, String)> = pool_events(&p.server, &created)
        .await
        .into_iter()
        .filter(|e| e.kind == EventKind::SettingsChanged)
        .map(|e| {
            assert!(e.actor.is_some(), "the developer is named");
            let text = |member: &str| e.detail[member].as_str().unwrap().to_owned();
            (text("changed"), text("client_id"))
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("client_created".to_owned(), id.clone()),
            ("client_updated".to_owned(), id.clone()),
            ("client_deleted".to_owned(), id.clone()),
        ]
    );
    // The app's own client goes only with the pool.
    p.admin("DeleteUserPoolClient", json!({"ClientId": p.own_client}))
        .await
        .assert_error(
            "InvalidParameterException",
            "The app's own client is deleted only with its user pool (DeleteUserPool).",
        );
}

#[tokio::test]
async fn the_app_s_own_client_is_updated_through_the_app_s_settings() {
    let p = pool(TestServer::start().await).await;
    let updated = p
        .admin(
            "UpdateUserPoolClient",
            json!({"ClientId": p.own_client, "ClientName": "storefront",
                   "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                   "AccessTokenValidity": 2, "IdTokenValidity": 2,
                   "CallbackURLs": [CALLBACK], "AllowedOAuthFlows": ["code"],
                   "AllowedOAuthScopes": ["openid"], "AllowedOAuthFlowsUserPoolClient": true,
                   "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 30}}),
        )
        .await;
    let updated = updated.ok()["UserPoolClient"].clone();
    assert_eq!(updated["ClientName"], "storefront");
    assert_eq!(updated["AccessTokenValidity"], 2);
    assert_eq!(updated["TokenValidityUnits"]["AccessToken"], "hours");
    assert_eq!(
        updated["RefreshTokenRotation"],
        json!({"Feature": "ENABLED", "RetryGracePeriodSeconds": 30})
    );
    // The app's settings are the client's: the REST API shows them.
    let (status, app) = crate::common::send(
        &p.server,
        reqwest::Method::GET,
        &format!("/api/apps/{}", p.app_id),
        Some(&p.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app["token_validity_secs"], 7200);
    assert_eq!(app["oauth"]["callback_urls"], json!([CALLBACK]));
    assert_eq!(app["refresh_rotation"]["grace_secs"], 30);
    assert_eq!(app["name"], "Shop", "the pool keeps its name");
    p.password_sign_in(&p.own_client, "nobody@example.com")
        .await
        .assert_error(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        );
}

#[tokio::test]
async fn client_writes_refuse_what_they_cannot_honour_and_store_nothing() {
    let p = pool(TestServer::start().await).await;
    let other = developer(&p.server, "other@example.com").await;
    let theirs = create_app(&p.server, &other, "Theirs").await;
    let their_client = theirs["client_id"].as_str().unwrap();
    let cases = [
        (
            json!({}),
            "1 validation error detected: Value null at 'clientName' failed to satisfy constraint: Member must not be null",
        ),
        (
            json!({"ClientName": "x", "ReadAttributes": ["email"]}),
            "ReadAttributes is not supported here: every client reads every attribute.",
        ),
        (
            json!({"ClientName": "x", "DefaultRedirectURI": CALLBACK}),
            "DefaultRedirectURI is not supported here.",
        ),
        (
            json!({"ClientName": "x", "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]}),
            "REFRESH_TOKEN_AUTH should always be allowed.",
        ),
        (
            json!({"ClientName": "x", "ExplicitAuthFlows": ["USER_PASSWORD_AUTH"]}),
            "ExplicitAuthFlows: USER_PASSWORD_AUTH is not supported here (the ALLOW_ values only: ALLOW_USER_SRP_AUTH, ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_CUSTOM_AUTH).",
        ),
        (
            json!({"ClientName": "x", "AccessTokenValidity": 1, "IdTokenValidity": 2}),
            "AccessTokenValidity and IdTokenValidity must be the same length of time here: both tokens have one lifetime.",
        ),
        (
            json!({"ClientName": "x", "AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}}),
            "AccessTokenValidity and IdTokenValidity must be 5 minutes to 1 day.",
        ),
        (
            json!({"ClientName": "x", "RefreshTokenValidity": 11, "TokenValidityUnits": {"RefreshToken": "weeks"}}),
            "TokenValidityUnits.RefreshToken must be seconds, minutes, hours or days.",
        ),
        (
            json!({"ClientName": "x", "AccessTokenValidity": "1"}),
            "AccessTokenValidity must be a whole number.",
        ),
        (
            json!({"ClientName": "bad/name"}),
            "ClientName must be 1 to 128 letters, digits, spaces or _+=,.@- characters.",
        ),
        (
            json!({"ClientName": "x", "AllowedOAuthFlows": ["password"]}),
            "AllowedOAuthFlows: password is not one of code, implicit, client_credentials.",
        ),
        (
            json!({"ClientName": "x", "PreventUserExistenceErrors": "ON"}),
            "PreventUserExistenceErrors must be ENABLED or LEGACY.",
        ),
        (
            json!({"ClientName": "x", "AuthSessionValidity": 10}),
            "AuthSessionValidity is not supported here: a sign-in's challenge session lasts 3 minutes: 3 only.",
        ),
    ];
    p.admin(
        "CreateUserPoolClient",
        json!({"ClientName": "x", "SupportedIdentityProviders": ["COGNITO", "Google"]}),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        &format!(
            "The provider Google does not exist for User Pool {}",
            p.pool_id
        ),
    );
    for (body, message) in cases {
        p.admin("CreateUserPoolClient", body.clone())
            .await
            .assert_error("InvalidParameterException", message);
        let mut update = body;
        update["ClientId"] = json!(p.own_client);
        p.admin("UpdateUserPoolClient", update)
            .await
            .assert_error("InvalidParameterException", message);
    }
    // Client credentials need a secret, judged against the client.
    let refused = p
        .admin(
            "CreateUserPoolClient",
            json!({"ClientName": "m2m", "AllowedOAuthFlows": ["client_credentials"],
                   "AllowedOAuthScopes": ["openid"], "AllowedOAuthFlowsUserPoolClient": true}),
        )
        .await;
    assert_eq!(refused.error_type(), "InvalidParameterException");
    assert!(
        refused.message().contains("secret"),
        "{}",
        refused.message()
    );
    assert_eq!(p.client_ids().await, vec![p.own_client.clone()]);

    // Another developer's client, or pool, does not exist for them.
    for op in [
        "UpdateUserPoolClient",
        "DeleteUserPoolClient",
        "DescribeUserPoolClient",
    ] {
        p.admin(op, json!({"ClientId": their_client, "ClientName": "mine"}))
            .await
            .assert_error(
                "ResourceNotFoundException",
                &format!("User pool client {their_client} does not exist."),
            );
    }
    let their_pool = theirs["user_pool_id"].as_str().unwrap();
    p.server
        .admin(
            &p.token,
            "CreateUserPoolClient",
            json!({"UserPoolId": their_pool, "ClientName": "mine"}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {their_pool} does not exist."),
        );
    p.server
        .call(
            "CreateUserPoolClient",
            json!({"UserPoolId": their_pool, "ClientName": "x"}),
        )
        .await
        .assert_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );

    // Paging: two a page, the token leading on, a forged one refused.
    for name in ["b", "c"] {
        p.admin("CreateUserPoolClient", json!({"ClientName": name}))
            .await
            .ok();
    }
    let all = p.client_ids().await;
    assert_eq!(all.len(), 3);
    let first = p
        .admin("ListUserPoolClients", json!({"MaxResults": 2}))
        .await;
    let first = first.ok().clone();
    assert_eq!(first["UserPoolClients"].as_array().unwrap().len(), 2);
    let next = first["NextToken"].as_str().unwrap();
    let second = p
        .admin(
            "ListUserPoolClients",
            json!({"MaxResults": 2, "NextToken": next}),
        )
        .await;
    let second = second.ok();
    assert_eq!(second["UserPoolClients"][0]["ClientId"], all[2].as_str());
    assert!(second.get("NextToken").is_none());
    p.admin(
        "ListUserPoolClients",
        json!({"MaxResults": 2, "NextToken": "forged"}),
    )
    .await
    .assert_error("InvalidParameterException", "Invalid pagination token.");
    p.admin("ListUserPoolClients", json!({"MaxResults": 61}))
        .await
        .assert_error(
            "InvalidParameterException",
            "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60",
        );
}

/// A client made on one instance is used on the other at once (it was never cached there);
/// changed or deleted, it is refused there from the other's next poll of the change feed.
async fn another_instance_follows(a: TestServer) {
    let b = a.second_instance().await;
    // B follows the change feed from here, as `serve` does from its start.
    b.service.follow_changes().await.unwrap();
    let p = pool(a).await;
    p.server
        .confirmed_user(&p.own_client, "ann@example.com", PASSWORD)
        .await;
    let created = p
        .admin(
            "CreateUserPoolClient",
            json!({"ClientName": "web", "ExplicitAuthFlows":
                   ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
        )
        .await;
    let id = created.ok()["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": id,
                      "AuthParameters": {"USERNAME": "ann@example.com", "PASSWORD": PASSWORD}});
    let sign_in = || b.call("InitiateAuth", body.clone());
    sign_in().await.ok();
    p.admin(
        "UpdateUserPoolClient",
        json!({"ClientId": id, "ClientName": "web"}),
    )
    .await
    .ok();
    assert!(b.service.follow_changes().await.unwrap() >= 1);
    sign_in().await.assert_error(
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    );
    p.admin("DeleteUserPoolClient", json!({"ClientId": id}))
        .await
        .ok();
    assert!(b.service.follow_changes().await.unwrap() >= 1);
    sign_in().await.assert_error(
        "ResourceNotFoundException",
        &format!("User pool client {id} does not exist."),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_instance_follows_client_changes_at_its_next_poll() {
    another_instance_follows(TestServer::start().await).await;
    if let Some(db) = TempPostgres::new().await {
        another_instance_follows(TestServer::start_on(&db.url).await).await;
        db.drop_database().await;
    }
}
