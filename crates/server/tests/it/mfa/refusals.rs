//! What multi-factor sign-in refuses: factors an app does not offer, steps out of order,
//! sessions of another app, tampered or expired; and a burst of guessed codes, which meets the
//! lockout after four.

use super::support::*;
use crate::common::{PASSWORD, TestServer};
use serde_json::json;

#[tokio::test]
async fn factors_the_app_does_not_offer_and_steps_out_of_order_are_refused() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "MFA off", "OFF", "fay@example.com").await;
    let tokens = server.tokens(&app, "fay@example.com", PASSWORD).await;
    let access = tokens.access.as_str();
    server
        .call("AssociateSoftwareToken", json!({ "AccessToken": access }))
        .await
        .assert_error(
            "InvalidParameterException",
            "MFA is not enabled for this user pool.",
        );
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true } }),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "MFA is not enabled for this user pool.",
        );
    // Turning off what one never had is no error, with MFA off or on.
    let off = json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": false },
                      "SMSMfaSettings": { "Enabled": false, "PreferredMfa": false },
                      "EmailMfaSettings": { "Enabled": false } });
    assert_eq!(
        server.call("SetUserMFAPreference", off.clone()).await.ok(),
        &json!({})
    );

    set_mode(&server, &app, "OPTIONAL").await;
    assert_eq!(
        server.call("SetUserMFAPreference", off).await.ok(),
        &json!({})
    );
    server
        .call(
            "VerifySoftwareToken",
            json!({ "AccessToken": access, "UserCode": "123456" }),
        )
        .await
        .assert_error(
            "SoftwareTokenMFANotFoundException",
            "Software token MFA has not been associated with this user.",
        );
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true } }),
        )
        .await
        .assert_error(
            "SoftwareTokenMFANotFoundException",
            "Software token MFA has not been associated with this user.",
        );
    server
        .call("AssociateSoftwareToken", json!({ "AccessToken": access }))
        .await
        .ok();
    server
        .call(
            "SetUserMFAPreference",
            json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "PreferredMfa": true } }),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "User has not verified software token mfa",
        );
    for (member, factor) in [("SMSMfaSettings", "SMS"), ("EmailMfaSettings", "Email")] {
        server
            .call(
                "SetUserMFAPreference",
                json!({ "AccessToken": access, member: { "Enabled": true } }),
            )
            .await
            .assert_error(
                "InvalidParameterException",
                &format!("{factor} MFA is not available in this user pool."),
            );
    }
    // Neither a missing caller nor a missing code gets further.
    server
        .call("AssociateSoftwareToken", json!({}))
        .await
        .assert_error(
            "InvalidParameterException",
            "Either AccessToken or Session must be given.",
        );
    let missing = server
        .call("VerifySoftwareToken", json!({ "AccessToken": access }))
        .await;
    assert_eq!(missing.error_type(), "InvalidParameterException");
    // None of it asked for a code at sign-in.
    assert!(
        password_step(&server, &app, "fay@example.com").await.ok()["AuthenticationResult"]
            .is_object()
    );
}

#[tokio::test]
async fn sessions_of_another_app_tampered_or_expired_are_refused() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Mine", "OPTIONAL", "gus@example.com").await;
    let other = mfa_app(&server, "Theirs", "OPTIONAL", "gus@example.com").await;
    let tokens = server.tokens(&app, "gus@example.com", PASSWORD).await;
    let secret = enrol(&server, &tokens.access).await;
    server.clock.advance(30);
    let challenge = password_step(&server, &app, "gus@example.com")
        .await
        .ok()
        .clone();
    let right = code(&secret, &server, 0);
    let expired = "Invalid session for the user, session is expired.";

    // Another app's client cannot use the Session (nor the user's code there).
    answer_code(&server, &other, &challenge, &right)
        .await
        .assert_error("NotAuthorizedException", expired);
    let mut tampered = challenge.clone();
    let session = challenge["Session"].as_str().unwrap();
    let flipped = if session.starts_with('A') { "B" } else { "A" };
    tampered["Session"] = json!(format!("{flipped}{}", &session[1..]));
    answer_code(&server, &app, &tampered, &right)
        .await
        .assert_error("NotAuthorizedException", expired);
    // Someone else's name with this Session.
    let mut renamed = challenge.clone();
    renamed["ChallengeParameters"]["USER_ID_FOR_SRP"] = json!("someone@example.com");
    answer_code(&server, &app, &renamed, &right)
        .await
        .assert_error("NotAuthorizedException", expired);
    // A Session of the password step is no MFA Session.
    let (srp, _) = server
        .srp_start(app.app.client.id.as_str(), "gus@example.com")
        .await;
    let mut srp_session = challenge.clone();
    srp_session["Session"] = srp.ok()["ChallengeParameters"]["SECRET_BLOCK"].clone();
    answer_code(&server, &app, &srp_session, &right)
        .await
        .assert_error("NotAuthorizedException", expired);
    // Three minutes on, the Session is dead even with the right code.
    server.clock.advance(181);
    answer_code(&server, &app, &challenge, &code(&secret, &server, 0))
        .await
        .assert_error("NotAuthorizedException", expired);
    // The right code still works in a fresh sign-in: nothing above spent it.
    let fresh = password_step(&server, &app, "gus@example.com")
        .await
        .ok()
        .clone();
    let signed_in = answer_code(&server, &app, &fresh, &code(&secret, &server, 0)).await;
    assert!(signed_in.ok()["AuthenticationResult"].is_object());
}

#[tokio::test]
async fn a_burst_of_guessed_codes_meets_the_lockout_and_the_password_does_not_reset_it() {
    let server = TestServer::start().await;
    let app = mfa_app(&server, "Guessing", "OPTIONAL", "hal@example.com").await;
    let tokens = server.tokens(&app, "hal@example.com", PASSWORD).await;
    let secret = enrol(&server, &tokens.access).await;
    server.clock.advance(30);
    let right = code(&secret, &server, 0);
    let wrong: Vec<String> = (0..12)
        .map(|i| format!("{:06}", (right.parse::<u32>().unwrap() + 1 + i) % 1_000_000))
        .collect();
    let challenge = password_step(&server, &app, "hal@example.com")
        .await
        .ok()
        .clone();
    let guesses = wrong.iter().map(|guess| {
        let server = &server;
        let app = &app;
        let challenge = &challenge;
        async move { answer_code(server, app, challenge, guess).await }
    });
    let replies = futures_util::future::join_all(guesses).await;
    let mismatched = replies
        .iter()
        .filter(|r| r.error_type() == "CodeMismatchException")
        .count();
    let locked = replies
        .iter()
        .filter(|r| r.message() == "Password attempts exceeded")
        .count();
    assert_eq!(
        mismatched + locked,
        12,
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    assert!(mismatched <= 5, "{mismatched} guesses were judged");
    // Locked: the right code is refused now, and a new password step does not unlock it.
    let again = password_step(&server, &app, "hal@example.com")
        .await
        .ok()
        .clone();
    answer_code(&server, &app, &again, &right)
        .await
        .assert_error("NotAuthorizedException", "Password attempts exceeded");
}

#[tokio::test]
async fn code_answers_count_against_the_per_address_sign_in_limit() {
    use auth_return_server::ServerOptions;
    use auth_return_server::limits::{LimiterClock, RateLimitSettings};
    let server = TestServer::start_with(ServerOptions {
        rate_limits: RateLimitSettings::uniform(8),
        limiter_clock: LimiterClock::manual(),
        ..ServerOptions::default()
    })
    .await;
    // Sign-in bucket: ConfirmSignUp, the first sign-in's InitiateAuth, VerifySoftwareToken,
    // and the InitiateAuth below: four of eight.
    let app = mfa_app(&server, "Limited", "OPTIONAL", "ida@example.com").await;
    let tokens = server.tokens(&app, "ida@example.com", PASSWORD).await;
    let secret = enrol(&server, &tokens.access).await;
    let challenge = password_step(&server, &app, "ida@example.com")
        .await
        .ok()
        .clone();
    let right = code(&secret, &server, 1);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let mut answered = Vec::new();
    for _ in 0..6 {
        answered.push(answer_code(&server, &app, &challenge, &wrong).await);
    }
    let kinds: Vec<&str> = answered.iter().map(|r| r.error_type()).collect();
    assert_eq!(
        kinds,
        [
            "CodeMismatchException",
            "CodeMismatchException",
            "CodeMismatchException",
            "CodeMismatchException",
            "TooManyRequestsException",
            "TooManyRequestsException",
        ]
    );
    // Throttled, even the right code is not judged.
    assert_eq!(
        answer_code(&server, &app, &challenge, &right)
            .await
            .error_type(),
        "TooManyRequestsException"
    );
}
