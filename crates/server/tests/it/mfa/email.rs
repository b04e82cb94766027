//! Codes by email (`EMAIL_OTP`) where the app offers them, and `SELECT_MFA_TYPE` for a user
//! with both factors and no preference.

use super::support::*;
use crate::common::{PASSWORD, TestServer};
use serde_json::json;

#[tokio::test]
async fn a_user_turns_on_codes_by_email_and_signs_in_with_the_mailed_code() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Email codes", "OPTIONAL", "jo@example.com").await;
    let tokens = server.tokens(&app, "jo@example.com", PASSWORD).await;
    let email_on = json!({ "AccessToken": tokens.access,
                           "EmailMfaSettings": { "Enabled": true, "PreferredMfa": true } });
    // Not offered until the app offers it.
    server
        .call("SetUserMFAPreference", email_on.clone())
        .await
        .assert_error(
            "InvalidParameterException",
            "Email MFA is not available in this user pool.",
        );
    set_mfa(
        &server,
        &app,
        json!({ "mode": "OPTIONAL", "email_otp": true }),
    )
    .await;
    assert_eq!(
        server.call("SetUserMFAPreference", email_on).await.ok(),
        &json!({})
    );
    let user = server
        .call("GetUser", json!({ "AccessToken": tokens.access }))
        .await;
    assert_eq!(user.ok()["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert_eq!(user.ok()["PreferredMfaSetting"], "EMAIL_OTP");

    let mails_before = server.mails().len();
    let challenge = password_step(&server, &app, "jo@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(challenge["ChallengeName"], "EMAIL_OTP");
    let params = &challenge["ChallengeParameters"];
    assert_eq!(params["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(params["CODE_DELIVERY_DESTINATION"], "j***@e***");
    assert_eq!(server.mails().len(), mails_before + 1, "one code mailed");
    let code = server.last_code("jo@example.com");
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    answer_email_code(&server, &app, &challenge, &wrong)
        .await
        .assert_error(
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        );
    let signed_in = answer_email_code(&server, &app, &challenge, &code).await;
    assert!(signed_in.ok()["AuthenticationResult"]["AccessToken"].is_string());
    answer_email_code(&server, &app, &challenge, &code)
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    // A new sign-in mails a new code; the old one is worthless. Each code answers its own
    // sign-in only: a second sign-in started meanwhile cannot use the first one's Session.
    let other = password_step(&server, &app, "jo@example.com")
        .await
        .ok()
        .clone();
    let again = password_step(&server, &app, "jo@example.com")
        .await
        .ok()
        .clone();
    let fresh = server.last_code("jo@example.com");
    answer_email_code(&server, &app, &other, &fresh)
        .await
        .assert_error(
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        );
    if fresh != code {
        answer_email_code(&server, &app, &again, &code)
            .await
            .assert_error(
                "CodeMismatchException",
                "Invalid code or auth state for the user.",
            );
    }
    // The code lives as long as the Session: three minutes.
    server.clock.advance(181);
    answer_email_code(&server, &app, &again, &fresh)
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
}

#[tokio::test]
async fn a_user_with_both_factors_and_no_preference_chooses_one_at_each_sign_in() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Both factors", "OPTIONAL", "kim@example.com").await;
    set_mfa(&server, &app, json!({ "email_otp": true })).await;
    let tokens = server.tokens(&app, "kim@example.com", PASSWORD).await;
    let secret = enrol(&server, &tokens.access).await;
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": tokens.access,
                    "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": false },
                    "EmailMfaSettings": { "Enabled": true, "PreferredMfa": false } }),
        )
        .await
        .ok();
    let user = server
        .call("GetUser", json!({ "AccessToken": tokens.access }))
        .await;
    assert_eq!(
        user.ok()["UserMFASettingList"],
        json!(["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"])
    );
    assert!(user.ok().get("PreferredMfaSetting").is_none());

    let client_id = app.app.client.id.as_str();
    let select = |challenge: &serde_json::Value, answer: &str| {
        json!({ "ChallengeName": "SELECT_MFA_TYPE", "ClientId": client_id,
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
                    "ANSWER": answer } })
    };
    let choice = password_step(&server, &app, "kim@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(choice["ChallengeName"], "SELECT_MFA_TYPE");
    assert_eq!(
        choice["ChallengeParameters"]["MFAS_CAN_CHOOSE"],
        r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#
    );
    server
        .call("RespondToAuthChallenge", select(&choice, "SMS_MFA"))
        .await
        .assert_error(
            "InvalidParameterException",
            "ANSWER must be one of the MFAS_CAN_CHOOSE factors.",
        );
    // Email: the code is mailed then, and answers the next challenge.
    let by_email = server
        .call("RespondToAuthChallenge", select(&choice, "EMAIL_OTP"))
        .await;
    let by_email = by_email.ok().clone();
    assert_eq!(by_email["ChallengeName"], "EMAIL_OTP");
    assert_ne!(by_email["Session"], choice["Session"]);
    let signed_in = answer_email_code(
        &server,
        &app,
        &by_email,
        &server.last_code("kim@example.com"),
    )
    .await;
    assert!(signed_in.ok()["AuthenticationResult"].is_object());
    // A choice is made once.
    server
        .call(
            "RespondToAuthChallenge",
            select(&choice, "SOFTWARE_TOKEN_MFA"),
        )
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    // The authenticator app, at the next sign-in.
    server.clock.advance(30);
    let choice = password_step(&server, &app, "kim@example.com")
        .await
        .ok()
        .clone();
    let by_app = server
        .call(
            "RespondToAuthChallenge",
            select(&choice, "SOFTWARE_TOKEN_MFA"),
        )
        .await;
    let by_app = by_app.ok().clone();
    assert_eq!(by_app["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let signed_in = answer_code(&server, &app, &by_app, &code(&secret, &server, 0)).await;
    assert!(signed_in.ok()["AuthenticationResult"].is_object());
    // Preferring one skips the choice.
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": tokens.access,
                    "EmailMfaSettings": { "PreferredMfa": true } }),
        )
        .await
        .ok();
    let preferred = password_step(&server, &app, "kim@example.com").await;
    assert_eq!(preferred.ok()["ChallengeName"], "EMAIL_OTP");
    // Withdrawn by the app, codes by email are neither asked for nor listed.
    set_mfa(&server, &app, json!({ "email_otp": false })).await;
    let user = server
        .call("GetUser", json!({ "AccessToken": tokens.access }))
        .await;
    assert_eq!(
        user.ok()["UserMFASettingList"],
        json!(["SOFTWARE_TOKEN_MFA"])
    );
    assert!(
        user.ok().get("PreferredMfaSetting").is_none(),
        "{}",
        user.body
    );
    let asked = password_step(&server, &app, "kim@example.com").await;
    assert_eq!(asked.ok()["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    set_mfa(&server, &app, json!({ "email_otp": true })).await;
    // Both preferred at once is refused.
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": tokens.access,
                    "SoftwareTokenMfaSettings": { "PreferredMfa": true },
                    "EmailMfaSettings": { "PreferredMfa": true } }),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "Only one factor can be preferred.",
        );
}

#[tokio::test]
async fn codes_by_email_need_a_verified_address_and_an_app_that_offers_them() {
    let server = TestServer::start().await;
    let dev = crate::common::developer(&server, "email-mfa-dev@example.com").await;
    let created = crate::common::create_app(&server, &dev, "Unverified").await;
    let pool = created["user_pool_id"].as_str().unwrap().to_owned();
    let app_id = auth_return_core::AppId::new(created["app_id"].as_str().unwrap());
    let app = auth_return_core::CreatedApp {
        app: server
            .service
            .get_app(auth_return_core::Actor::Operator, &app_id)
            .await
            .unwrap(),
        client_secret: None,
    };
    set_mfa(
        &server,
        &app,
        json!({ "mode": "OPTIONAL", "email_otp": true }),
    )
    .await;
    // An administrator-created user whose email nobody verified.
    let admin = |op: &str, body: serde_json::Value| {
        let (server, dev, op) = (&server, dev.clone(), op.to_owned());
        async move {
            server
                .raw(&op, body.to_string().into_bytes(), Some(&dev))
                .await
        }
    };
    admin(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "lee@example.com", "MessageAction": "SUPPRESS",
                "TemporaryPassword": "Temp-Horse-1" }),
    )
    .await
    .ok();
    admin(
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool, "Username": "lee@example.com", "Password": PASSWORD,
                "Permanent": true }),
    )
    .await
    .ok();
    let tokens = server.tokens(&app, "lee@example.com", PASSWORD).await;
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": tokens.access, "EmailMfaSettings": { "Enabled": true } }),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "The user's email address is not verified.",
        );
    // SetUserPoolMfaConfig offers them, and withdraws them when it names the mode without
    // them (Cognito's whole-configuration call); OFF with them is refused.
    let config = admin("GetUserPoolMfaConfig", json!({ "UserPoolId": pool })).await;
    assert_eq!(config.ok()["EmailMfaConfiguration"], json!({}));
    admin(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": pool, "MfaConfiguration": "OFF", "EmailMfaConfiguration": {} }),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
    );
    let off = admin(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": pool, "MfaConfiguration": "OPTIONAL" }),
    )
    .await;
    assert!(
        off.ok().get("EmailMfaConfiguration").is_none(),
        "{}",
        off.body
    );
    let on = admin(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": pool, "EmailMfaConfiguration": { "Subject": "Code" } }),
    )
    .await;
    assert_eq!(on.ok()["EmailMfaConfiguration"], json!({}));
    assert_eq!(on.ok()["MfaConfiguration"], "OPTIONAL");
}

#[tokio::test]
async fn a_user_made_to_set_up_mfa_may_choose_codes_by_email() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Email setup", "ON", "sam@example.com").await;
    // Without email codes offered, only an authenticator app can be set up.
    let challenge = password_step(&server, &app, "sam@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(challenge["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        challenge["ChallengeParameters"]["MFAS_CAN_SETUP"],
        r#"["SOFTWARE_TOKEN_MFA"]"#
    );
    let setup = |challenge: &serde_json::Value, email: &str| {
        server.call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "MFA_SETUP",
                "ClientId": app.app.client.id.as_str(),
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
                    "EMAIL": email,
                },
            }),
        )
    };
    let mails_before = server.mails().len();
    setup(&challenge, "sam@example.com").await.assert_error(
        "InvalidParameterException",
        "Codes by email are not offered by this app.",
    );

    set_mfa(&server, &app, json!({ "mode": "ON", "email_otp": true })).await;
    let challenge = password_step(&server, &app, "sam@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(
        challenge["ChallengeParameters"]["MFAS_CAN_SETUP"],
        r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#
    );
    // Another address is refused, mailing nothing, and the Session stays usable.
    setup(&challenge, "other@example.com").await.assert_error(
        "InvalidParameterException",
        "EMAIL must be the account's verified email address.",
    );
    assert_eq!(server.mails().len(), mails_before, "nothing mailed");
    let code_challenge = setup(&challenge, "Sam@Example.com").await.ok().clone();
    assert_eq!(code_challenge["ChallengeName"], "EMAIL_OTP");
    assert_eq!(
        code_challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "s***@e***"
    );
    // The setup Session is spent.
    setup(&challenge, "sam@example.com").await.assert_error(
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
    let code = server.last_code("sam@example.com");
    let signed_in = answer_email_code(&server, &app, &code_challenge, &code).await;
    let access = signed_in.ok()["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = server
        .call("GetUser", json!({ "AccessToken": access }))
        .await;
    assert_eq!(user.ok()["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert_eq!(user.ok()["PreferredMfaSetting"], "EMAIL_OTP");
    let enabled: Vec<_> = events(&server, &app)
        .await
        .into_iter()
        .filter(|e| e.kind.as_str() == "mfa_enabled")
        .collect();
    assert_eq!(enabled.len(), 1);
    assert_eq!(enabled[0].detail["factor"], "EMAIL_OTP");

    // The next sign-in asks for a mailed code, not for a setup.
    let next = password_step(&server, &app, "sam@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(next["ChallengeName"], "EMAIL_OTP");
}
