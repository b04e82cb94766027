//! The full life of a user over real HTTP: sign-up, confirm, SRP sign-in, GetUser, refresh,
//! RevokeToken, GlobalSignOut.

use crate::common::{PASSWORD, TestServer, claims};
use serde_json::json;

#[tokio::test]
async fn a_user_lives_a_full_life() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();

    // Sign up: unconfirmed, a masked delivery, a code in the outbox.
    let reply = server
        .sign_up(client_id, "Alice@Example.com", PASSWORD)
        .await;
    let body = reply.ok();
    assert_eq!(body["UserConfirmed"], false);
    assert_eq!(body["CodeDeliveryDetails"]["Destination"], "a***@e***");
    assert_eq!(body["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let sub = body["UserSub"].as_str().unwrap().to_owned();
    let mails = server.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["to"], "alice@example.com");
    assert!(mails[0]["subject"].as_str().unwrap().contains("Notes"));
    assert_eq!(reply.headers["content-type"], "application/x-amz-json-1.1");
    assert!(reply.headers.contains_key("x-amzn-requestid"));

    // Before confirming, even the right password gets "not confirmed", and only after proof.
    server
        .srp_sign_in(&app, "alice@example.com", PASSWORD)
        .await
        .assert_error("UserNotConfirmedException", "User is not confirmed.");

    let code = server.last_code("alice@example.com");
    let confirm = server
        .call("ConfirmSignUp", json!({"ClientId": client_id, "Username": "alice@example.com", "ConfirmationCode": code}))
        .await;
    assert_eq!(confirm.ok(), &json!({}));

    // The code is single use.
    server
        .call("ConfirmSignUp", json!({"ClientId": client_id, "Username": "alice@example.com", "ConfirmationCode": code}))
        .await
        .assert_error("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");

    // SRP sign-in with the email as typed, in any case.
    let reply = server
        .srp_sign_in(&app, "ALICE@example.com", PASSWORD)
        .await;
    let result = &reply.ok()["AuthenticationResult"];
    assert_eq!(result["TokenType"], "Bearer");
    assert_eq!(result["ExpiresIn"], 3600);
    let access = result["AccessToken"].as_str().unwrap();
    let id = result["IdToken"].as_str().unwrap();
    let refresh = result["RefreshToken"].as_str().unwrap();

    let id_claims = claims(id);
    assert_eq!(id_claims["sub"], sub.as_str());
    assert_eq!(id_claims["aud"], client_id);
    assert_eq!(id_claims["email"], "alice@example.com");
    assert_eq!(id_claims["email_verified"], true);
    assert_eq!(id_claims["token_use"], "id");
    assert_eq!(
        id_claims["iss"],
        format!("{}/{}", server.url, app.app.pool_id)
    );
    let access_claims = claims(access);
    assert_eq!(access_claims["client_id"], client_id);
    assert_eq!(access_claims["username"], sub.as_str());
    assert!(access_claims.get("aud").is_none());
    assert_eq!(access_claims["origin_jti"], id_claims["origin_jti"]);

    // GetUser.
    let user = server.call("GetUser", json!({"AccessToken": access})).await;
    let body = user.ok();
    assert_eq!(body["Username"], sub.as_str());
    let attrs = body["UserAttributes"].as_array().unwrap();
    assert!(attrs.contains(&json!({"Name": "email", "Value": "alice@example.com"})));
    assert!(attrs.contains(&json!({"Name": "email_verified", "Value": "true"})));
    assert!(attrs.contains(&json!({"Name": "sub", "Value": sub})));

    // Refresh keeps the session (auth_time, origin_jti) and issues no new refresh token.
    server.clock.advance(60);
    let refreshed = server
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id,
                                      "AuthParameters": {"REFRESH_TOKEN": refresh, "DEVICE_KEY": null}}))
        .await;
    let result = &refreshed.ok()["AuthenticationResult"];
    assert!(result.get("RefreshToken").is_none());
    let new_access = result["AccessToken"].as_str().unwrap();
    let new_claims = claims(new_access);
    assert_eq!(new_claims["origin_jti"], access_claims["origin_jti"]);
    assert_eq!(new_claims["auth_time"], access_claims["auth_time"]);
    assert_ne!(new_claims["jti"], access_claims["jti"]);
    assert_eq!(
        new_claims["iat"].as_i64().unwrap(),
        access_claims["iat"].as_i64().unwrap() + 60
    );
    server
        .call("GetUser", json!({"AccessToken": new_access}))
        .await
        .ok();

    // A second session, then RevokeToken ends only the first.
    let second = server.tokens(&app, "alice@example.com", PASSWORD).await;
    assert_eq!(
        server
            .call(
                "RevokeToken",
                json!({"Token": refresh, "ClientId": client_id})
            )
            .await
            .ok(),
        &json!({})
    );
    server
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN", "ClientId": client_id, "AuthParameters": {"REFRESH_TOKEN": refresh}}))
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has been revoked");
    server
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has been revoked");
    server
        .call("GetUser", json!({"AccessToken": new_access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has been revoked");
    server
        .call("GetUser", json!({"AccessToken": second.access}))
        .await
        .ok();

    // GlobalSignOut ends every session.
    let third = server.tokens(&app, "alice@example.com", PASSWORD).await;
    assert_eq!(
        server
            .call("GlobalSignOut", json!({"AccessToken": second.access}))
            .await
            .ok(),
        &json!({})
    );
    for tokens in [&second, &third] {
        server
            .call("GetUser", json!({"AccessToken": tokens.access}))
            .await
            .assert_error("NotAuthorizedException", "Access Token has been revoked");
        server
            .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}))
            .await
            .assert_error("NotAuthorizedException", "Refresh Token has been revoked");
    }

    // Signing in again still works.
    server.tokens(&app, "alice@example.com", PASSWORD).await;
}

#[tokio::test]
async fn password_sign_in_and_secret_clients() {
    let server = TestServer::start().await;
    let app = server.app_with_secret("Backend").await;
    let client_id = app.app.client.id.as_str();
    let secret = app.client_secret.clone().unwrap();
    let hash = |name: &str| auth_return_crypto::secret_hash::compute(&secret, name, client_id);

    // Without a SECRET_HASH the client is refused, and nothing is stored.
    server
        .sign_up(client_id, "bob@example.com", crate::common::PASSWORD)
        .await
        .assert_error(
            "NotAuthorizedException",
            &format!("Unable to verify secret hash for client {client_id}"),
        );
    assert!(server.mails().is_empty());

    let reply = server
        .call("SignUp", json!({"ClientId": client_id, "Username": "bob@example.com", "Password": PASSWORD, "SecretHash": hash("bob@example.com")}))
        .await;
    reply.ok();
    let code = server.last_code("bob@example.com");
    server
        .call("ConfirmSignUp", json!({"ClientId": client_id, "Username": "bob@example.com", "ConfirmationCode": code, "SecretHash": hash("bob@example.com")}))
        .await
        .ok();

    let sign_in = |password: &str, secret_hash: Option<String>| {
        let mut params = json!({"USERNAME": "bob@example.com", "PASSWORD": password});
        if let Some(h) = secret_hash {
            params["SECRET_HASH"] = json!(h);
        }
        server.call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id, "AuthParameters": params}))
    };
    sign_in(PASSWORD, None).await.assert_error(
        "NotAuthorizedException",
        &format!("Unable to verify secret hash for client {client_id}"),
    );
    sign_in("Wrong-Horse-9", Some(hash("bob@example.com")))
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    let reply = sign_in(PASSWORD, Some(hash("bob@example.com"))).await;
    let result = reply.ok()["AuthenticationResult"].clone();
    let sub = claims(result["IdToken"].as_str().unwrap())["sub"]
        .as_str()
        .unwrap()
        .to_owned();

    // Refresh with a hash over the internal username (what AWS expects), as pycognito may.
    let refresh = |h: Option<String>| {
        let mut params = json!({"REFRESH_TOKEN": result["RefreshToken"]});
        if let Some(h) = h {
            params["SECRET_HASH"] = json!(h);
        }
        server.call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": params}))
    };
    refresh(Some(hash(&sub))).await.ok();
    refresh(Some(hash("bob@example.com"))).await.ok();
    refresh(None).await.assert_error(
        "NotAuthorizedException",
        &format!("Unable to verify secret hash for client {client_id}"),
    );

    // RevokeToken on a secret client needs the raw secret.
    let token = result["RefreshToken"].as_str().unwrap();
    server
        .call(
            "RevokeToken",
            json!({"Token": token, "ClientId": client_id, "ClientSecret": "wrong"}),
        )
        .await
        .assert_error("UnauthorizedException", "Invalid client for the token");
    server
        .call(
            "RevokeToken",
            json!({"Token": token, "ClientId": client_id, "ClientSecret": secret}),
        )
        .await
        .ok();
    refresh(Some(hash(&sub)))
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has been revoked");
}
