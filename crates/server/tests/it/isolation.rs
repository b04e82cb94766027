//! Pools never leak into each other.

use crate::common::{PASSWORD, TestServer, claims};
use serde_json::json;

#[tokio::test]
async fn the_same_email_in_two_apps_is_two_users() {
    let server = TestServer::start().await;
    let a = server.app("A").await;
    let b = server.app("B").await;
    let (ca, cb) = (a.app.client.id.as_str(), b.app.client.id.as_str());
    assert_ne!(a.app.pool_id, b.app.pool_id);

    let sub_a = server.confirmed_user(ca, "sam@example.com", PASSWORD).await;
    // Not yet in B: the user is unknown there.
    server
        .srp_sign_in(&b, "sam@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    let sub_b = server
        .confirmed_user(cb, "sam@example.com", "Other-Horse-7")
        .await;
    assert_ne!(sub_a, sub_b);

    // Each password works only in its own app.
    server
        .srp_sign_in(&a, "sam@example.com", "Other-Horse-7")
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    server
        .srp_sign_in(&b, "sam@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    let ta = server.tokens(&a, "sam@example.com", PASSWORD).await;
    let tb = server.tokens(&b, "sam@example.com", "Other-Horse-7").await;
    assert_eq!(claims(&ta.id)["sub"], sub_a.as_str());
    assert_eq!(claims(&tb.id)["sub"], sub_b.as_str());

    // A's tokens are refused by B's client, and keys differ per pool.
    server
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": cb, "AuthParameters": {"REFRESH_TOKEN": ta.refresh}}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Refresh Token");
    server
        .call("RevokeToken", json!({"Token": ta.refresh, "ClientId": cb}))
        .await
        .assert_error("UnauthorizedException", "Invalid client for the token");
    server
        .call("GetUser", json!({"AccessToken": ta.access}))
        .await
        .ok();
    let (_, jwks_a, _) = server
        .get(&format!("/{}/.well-known/jwks.json", a.app.pool_id), None)
        .await;
    let (_, jwks_b, _) = server
        .get(&format!("/{}/.well-known/jwks.json", b.app.pool_id), None)
        .await;
    assert_ne!(jwks_a["keys"][0]["kid"], jwks_b["keys"][0]["kid"]);

    // A token signed by A's key but claiming B's issuer does not verify.
    let parts: Vec<&str> = ta.access.split('.').collect();
    let mut claims_b = claims(&ta.access);
    claims_b["iss"] = json!(format!("{}/{}", server.url, b.app.pool_id));
    use base64::Engine;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims_b.to_string());
    let cross = format!("{}.{payload}.{}", parts[0], parts[2]);
    server
        .call("GetUser", json!({"AccessToken": cross}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Access Token");

    // Deleting app B removes its users and keys, and leaves A alone.
    server
        .service
        .delete_app(auth_return_core::Actor::Operator, &b.app.id)
        .await
        .unwrap();
    server
        .call("GetUser", json!({"AccessToken": tb.access}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Access Token");
    let (status, _, _) = server
        .get(&format!("/{}/.well-known/jwks.json", b.app.pool_id), None)
        .await;
    assert_eq!(status, 404);
    server
        .call("GetUser", json!({"AccessToken": ta.access}))
        .await
        .ok();
}
