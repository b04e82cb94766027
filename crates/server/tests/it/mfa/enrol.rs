//! `OPTIONAL`: a signed-in user sets up an authenticator app (AssociateSoftwareToken,
//! VerifySoftwareToken), is asked for its code at every sign-in after the password, and can
//! turn it off again (SetUserMFAPreference); GetUser shows it; events record it.

use super::support::*;
use crate::common::{PASSWORD, TestServer};
use auth_return_core::events::EventKind;
use serde_json::json;

#[tokio::test]
async fn a_user_sets_up_an_authenticator_app_and_is_asked_for_its_code_until_they_turn_it_off() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Optional MFA", "OPTIONAL", "ann@example.com").await;
    let tokens = server.tokens(&app, "ann@example.com", PASSWORD).await;
    let user = server
        .call("GetUser", json!({ "AccessToken": tokens.access }))
        .await;
    assert!(
        user.ok().get("UserMFASettingList").is_none(),
        "{}",
        user.body
    );

    // Associating hands out a 160-bit secret in base32; a wrong first code is refused and
    // changes nothing.
    let associated = server
        .call(
            "AssociateSoftwareToken",
            json!({ "AccessToken": tokens.access }),
        )
        .await;
    let secret = associated.ok()["SecretCode"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "{secret}");
    assert!(associated.body.get("Session").is_none());
    let wrong = if code(&secret, &server, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    server
        .call(
            "VerifySoftwareToken",
            json!({ "AccessToken": tokens.access, "UserCode": wrong }),
        )
        .await
        .assert_error(
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA",
        );
    assert_eq!(
        password_step(&server, &app, "ann@example.com").await.ok()["ChallengeName"],
        serde_json::Value::Null,
        "not asked for a code before the app is verified"
    );
    let verified = server
        .call(
            "VerifySoftwareToken",
            json!({ "AccessToken": tokens.access, "UserCode": code(&secret, &server, 0) }),
        )
        .await;
    assert_eq!(verified.ok()["Status"], "SUCCESS");
    let user = server
        .call("GetUser", json!({ "AccessToken": tokens.access }))
        .await;
    assert_eq!(
        user.ok()["UserMFASettingList"],
        json!(["SOFTWARE_TOKEN_MFA"])
    );
    assert_eq!(user.ok()["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    // The next sign-in asks for a code after the password.
    let challenge = password_step(&server, &app, "ann@example.com").await;
    let challenge = challenge.ok().clone();
    assert_eq!(challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert!(challenge.get("AuthenticationResult").is_none());
    assert!(challenge["Session"].as_str().is_some_and(|s| !s.is_empty()));
    // The code that verified the app was spent: it cannot sign in.
    answer_code(&server, &app, &challenge, &code(&secret, &server, 0))
        .await
        .assert_error(
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        );
    answer_code(&server, &app, &challenge, "12345")
        .await
        .assert_error(
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        );
    // A wrong code leaves the Session usable; the next step's code signs in.
    server.clock.advance(30);
    let next = code(&secret, &server, 0);
    let signed_in = answer_code(&server, &app, &challenge, &next).await;
    let result = &signed_in.ok()["AuthenticationResult"];
    assert!(result["AccessToken"].is_string() && result["RefreshToken"].is_string());
    // The code is spent, and so is the Session (even with a good code).
    let again = password_step(&server, &app, "ann@example.com")
        .await
        .ok()
        .clone();
    answer_code(&server, &app, &again, &next)
        .await
        .assert_error(
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
        );
    server.clock.advance(30);
    let fresh = code(&secret, &server, 0);
    answer_code(&server, &app, &challenge, &fresh)
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    // The spent Session did not spend the code it was sent with.
    let again = password_step(&server, &app, "ann@example.com")
        .await
        .ok()
        .clone();
    let signed_in = answer_code(&server, &app, &again, &fresh).await;
    let result = &signed_in.ok()["AuthenticationResult"];

    // Turned off, sign-in asks for the password only; turned on again, for the code again.
    let access = result["AccessToken"].as_str().unwrap().to_owned();
    let off = server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": access,
                    "SoftwareTokenMfaSettings": { "Enabled": false, "PreferredMfa": false },
                    "SMSMfaSettings": { "Enabled": false } }),
        )
        .await;
    assert_eq!(off.ok(), &json!({}));
    let user = server
        .call("GetUser", json!({ "AccessToken": access }))
        .await;
    assert!(
        user.ok().get("UserMFASettingList").is_none(),
        "{}",
        user.body
    );
    assert!(user.ok().get("PreferredMfaSetting").is_none());
    let plain = password_step(&server, &app, "ann@example.com").await;
    assert!(plain.ok()["AuthenticationResult"]["AccessToken"].is_string());
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": access,
                    "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
        )
        .await
        .ok();
    let asked = password_step(&server, &app, "ann@example.com").await;
    assert_eq!(asked.ok()["ChallengeName"], "SOFTWARE_TOKEN_MFA");

    // Events: the wrong setup code, on, failed codes (never the code itself), off, on.
    let events = events(&server, &app).await;
    let kinds: Vec<EventKind> = events
        .iter()
        .map(|e| e.kind)
        .filter(|k| {
            matches!(
                k,
                EventKind::MfaEnabled | EventKind::MfaDisabled | EventKind::MfaSetupFailed
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::MfaSetupFailed,
            EventKind::MfaEnabled,
            EventKind::MfaDisabled,
            EventKind::MfaEnabled
        ]
    );
    let failures: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::SignInFailed)
        .map(|e| e.detail["reason"].clone())
        .collect();
    assert_eq!(failures, vec![json!("wrong_mfa_code"); 3]);
    let text =
        serde_json::to_string(&events.iter().map(|e| &e.detail).collect::<Vec<_>>()).unwrap();
    assert!(!text.contains(&secret) && !text.contains(&next));
}

#[tokio::test]
async fn associating_again_keeps_the_current_app_until_the_new_one_is_verified() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "New phone", "OPTIONAL", "ben@example.com").await;
    let tokens = server.tokens(&app, "ben@example.com", PASSWORD).await;
    let old = enrol(&server, &tokens.access).await;
    let fresh = server
        .call(
            "AssociateSoftwareToken",
            json!({ "AccessToken": tokens.access }),
        )
        .await;
    let fresh = fresh.ok()["SecretCode"].as_str().unwrap().to_owned();
    assert_ne!(fresh, old);
    // Still asked for a code, and the old app's code is the one that works.
    server.clock.advance(30);
    let challenge = password_step(&server, &app, "ben@example.com")
        .await
        .ok()
        .clone();
    assert_eq!(challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    if code(&fresh, &server, 0) != code(&old, &server, 0) {
        answer_code(&server, &app, &challenge, &code(&fresh, &server, 0))
            .await
            .assert_error(
                "CodeMismatchException",
                "Invalid code or auth state for the user.",
            );
    }
    let signed_in = answer_code(&server, &app, &challenge, &code(&old, &server, 0)).await;
    assert!(signed_in.ok()["AuthenticationResult"].is_object());
    // Verified, the new one replaces it.
    server.clock.advance(30);
    server
        .call(
            "VerifySoftwareToken",
            json!({ "AccessToken": tokens.access, "UserCode": code(&fresh, &server, 0) }),
        )
        .await
        .ok();
    server.clock.advance(30);
    let challenge = password_step(&server, &app, "ben@example.com")
        .await
        .ok()
        .clone();
    if code(&fresh, &server, 0) != code(&old, &server, 0) {
        answer_code(&server, &app, &challenge, &code(&old, &server, 0))
            .await
            .assert_error(
                "CodeMismatchException",
                "Invalid code or auth state for the user.",
            );
    }
    let signed_in = answer_code(&server, &app, &challenge, &code(&fresh, &server, 0)).await;
    assert!(signed_in.ok()["AuthenticationResult"].is_object());
}

#[tokio::test]
async fn a_developer_turns_off_a_users_authenticator_app_and_sees_it_in_admin_get_user() {
    let server = TestServer::start().await;
    let dev = crate::common::developer(&server, "mfa-dev@example.com").await;
    let other = crate::common::developer(&server, "mfa-other@example.com").await;
    let created = crate::common::create_app(&server, &dev, "Owned MFA").await;
    let app_id = auth_return_core::AppId::new(created["app_id"].as_str().unwrap());
    let app = server
        .service
        .get_app(auth_return_core::Actor::Operator, &app_id)
        .await
        .unwrap();
    let app = auth_return_core::CreatedApp {
        app,
        client_secret: None,
    };
    set_mode(&server, &app, "OPTIONAL").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "cat@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "cat@example.com", PASSWORD).await;
    enrol(&server, &tokens.access).await;
    let pool = app.app.pool_id.as_str();
    let admin_get = |bearer: String| {
        let server = &server;
        async move {
            server
                .raw(
                    "AdminGetUser",
                    json!({ "UserPoolId": pool, "Username": "cat@example.com" })
                        .to_string()
                        .into_bytes(),
                    Some(&bearer),
                )
                .await
        }
    };
    let seen = admin_get(dev.clone()).await;
    assert_eq!(
        seen.ok()["UserMFASettingList"],
        json!(["SOFTWARE_TOKEN_MFA"])
    );
    assert_eq!(seen.ok()["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    let reset = json!({ "UserPoolId": pool, "Username": "cat@example.com",
                        "SoftwareTokenMfaSettings": { "Enabled": false } })
    .to_string()
    .into_bytes();
    let refused = server
        .raw("AdminSetUserMFAPreference", reset.clone(), Some(&other))
        .await;
    assert_eq!(
        refused.status,
        reqwest::StatusCode::BAD_REQUEST,
        "{}",
        refused.body
    );
    assert_eq!(
        password_step(&server, &app, "cat@example.com").await.ok()["ChallengeName"],
        "SOFTWARE_TOKEN_MFA",
        "another developer changed nothing"
    );
    let done = server
        .raw("AdminSetUserMFAPreference", reset, Some(&dev))
        .await;
    assert_eq!(done.ok(), &json!({}));
    let seen = admin_get(dev.clone()).await;
    assert!(
        seen.ok().get("UserMFASettingList").is_none(),
        "{}",
        seen.body
    );
    assert!(
        password_step(&server, &app, "cat@example.com").await.ok()["AuthenticationResult"]
            .is_object()
    );
    // Set up again (a new phone) at once: the new secret's codes are judged on their own,
    // whatever step the old one's last code had.
    let tokens = server.tokens(&app, "cat@example.com", PASSWORD).await;
    let associated = server
        .call(
            "AssociateSoftwareToken",
            json!({ "AccessToken": tokens.access }),
        )
        .await;
    let fresh = associated.ok()["SecretCode"].as_str().unwrap().to_owned();
    let verified = server
        .call(
            "VerifySoftwareToken",
            json!({ "AccessToken": tokens.access, "UserCode": code(&fresh, &server, 0) }),
        )
        .await;
    assert_eq!(verified.ok()["Status"], "SUCCESS");
    let disabled = events(&server, &app)
        .await
        .into_iter()
        .find(|e| e.kind == EventKind::MfaDisabled)
        .unwrap();
    assert!(disabled.actor.is_some(), "the developer is named");
}
