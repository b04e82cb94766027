//! `ON`: a user without an authenticator app sets one up in the middle of their sign-in
//! (`MFA_SETUP`: AssociateSoftwareToken and VerifySoftwareToken with the `Session`, then
//! RespondToAuthChallenge), and is asked for its code from then on.

use super::support::*;
use crate::common::TestServer;
use serde_json::json;

#[tokio::test]
async fn mfa_on_has_a_user_without_an_app_set_one_up_at_sign_in() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Required MFA", "ON", "dan@example.com").await;
    let client_id = app.app.client.id.as_str();
    let setup = password_step(&server, &app, "dan@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(setup["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        setup["ChallengeParameters"]["MFAS_CAN_SETUP"],
        r#"["SOFTWARE_TOKEN_MFA"]"#
    );
    let uid = setup["ChallengeParameters"]["USER_ID_FOR_SRP"].clone();
    let finish = |session: &serde_json::Value| {
        json!({ "ChallengeName": "MFA_SETUP", "ClientId": client_id, "Session": session,
                "ChallengeResponses": { "USERNAME": uid } })
    };
    // Not before the app is verified.
    server
        .call("RespondToAuthChallenge", finish(&setup["Session"]))
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );

    let associated = server
        .call(
            "AssociateSoftwareToken",
            json!({ "Session": setup["Session"] }),
        )
        .await;
    let secret = associated.ok()["SecretCode"].as_str().unwrap().to_owned();
    let session = associated.ok()["Session"].clone();
    assert!(session.as_str().is_some_and(|s| !s.is_empty()));
    let wrong = if code(&secret, &server, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    server
        .call(
            "VerifySoftwareToken",
            json!({ "Session": session, "UserCode": wrong }),
        )
        .await
        .assert_error(
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA",
        );
    let verified = server
        .call(
            "VerifySoftwareToken",
            json!({ "Session": session, "UserCode": code(&secret, &server, 0) }),
        )
        .await;
    assert_eq!(verified.ok()["Status"], "SUCCESS");
    let verified_session = verified.ok()["Session"].clone();
    // The associate step's Session cannot finish the sign-in; the verified one can, once.
    server
        .call("RespondToAuthChallenge", finish(&session))
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    let signed_in = server
        .call("RespondToAuthChallenge", finish(&verified_session))
        .await;
    let access = signed_in.ok()["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .call("RespondToAuthChallenge", finish(&verified_session))
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    let user = server
        .call("GetUser", json!({ "AccessToken": access }))
        .await;
    assert_eq!(
        user.ok()["UserMFASettingList"],
        json!(["SOFTWARE_TOKEN_MFA"])
    );

    // From now on the code is asked for.
    server.clock.advance(30);
    let challenge = password_step(&server, &app, "dan@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let signed_in = answer_code(&server, &app, &challenge, &code(&secret, &server, 0)).await;
    assert!(signed_in.ok()["AuthenticationResult"].is_object());
}

#[tokio::test]
async fn a_setup_session_expires_after_three_minutes_and_names_its_client_for_cors() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Slow setup", "ON", "eva@example.com").await;
    let setup = password_step(&server, &app, "eva@example.com")
        .await
        .ok()
        .clone();
    server.clock.advance(181);
    server
        .call(
            "AssociateSoftwareToken",
            json!({ "Session": setup["Session"] }),
        )
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );

    // A browser at an origin the app allows gets the CORS grant on a Session-only call.
    set_origins(&server, &app, &["https://shop.example"]).await;
    let setup = password_step(&server, &app, "eva@example.com")
        .await
        .ok()
        .clone();
    let reply = server
        .raw_with(
            "AssociateSoftwareToken",
            json!({ "Session": setup["Session"] })
                .to_string()
                .into_bytes(),
            &[("origin", "https://shop.example")],
        )
        .await;
    assert!(reply.ok()["SecretCode"].is_string());
    assert_eq!(
        reply.headers.get("access-control-allow-origin").unwrap(),
        "https://shop.example"
    );
    let elsewhere = server
        .raw_with(
            "AssociateSoftwareToken",
            json!({ "Session": setup["Session"] })
                .to_string()
                .into_bytes(),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert!(
        elsewhere
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );
}
