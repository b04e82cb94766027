//! A user's own account: ForgotPassword / ConfirmForgotPassword, ChangePassword,

//! UpdateUserAttributes with email verification, DeleteUser — and their error paths.

use crate::common::{PASSWORD, TestServer, claims};
use serde_json::json;

const NEW_PASSWORD: &str = "Fresh-Horse-42";

#[tokio::test]
async fn forgotten_passwords_are_reset_with_a_mailed_code() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "fay@example.com", PASSWORD)
        .await;
    let session = server.tokens(&app, "fay@example.com", PASSWORD).await;

    let reply = server
        .call(
            "ForgotPassword",
            json!({"ClientId": client_id, "Username": "Fay@Example.com"}),
        )
        .await;
    assert_eq!(
        reply.ok()["CodeDeliveryDetails"],
        json!({"Destination": "f***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let mail = server.mails().pop().unwrap();
    assert_eq!(mail["subject"], "Reset your Notes password");
    let code = server.last_code("fay@example.com");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm = |code: &str, password: &str| {
        server.call(
            "ConfirmForgotPassword",
            json!({"ClientId": client_id, "Username": "fay@example.com", "ConfirmationCode": code, "Password": password}),
        )
    };

    // A weak password is refused before the code is spent; a wrong code is counted.
    confirm(&code, "weak").await.assert_error(
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    );
    confirm(wrong, NEW_PASSWORD).await.assert_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    server
        .srp_sign_in(&app, "fay@example.com", PASSWORD)
        .await
        .ok();

    assert_eq!(confirm(&code, NEW_PASSWORD).await.ok(), &json!({}));
    server
        .srp_sign_in(&app, "fay@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    server
        .srp_sign_in(&app, "fay@example.com", NEW_PASSWORD)
        .await
        .ok();
    // Single use: a used code is a wrong code (whether a reset code was ever sent must not
    // tell whether the account exists).
    confirm(&code, "Another-Horse-7").await.assert_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    // As in Cognito, a reset does not end existing sessions.
    server
        .call("GetUser", json!({"AccessToken": session.access}))
        .await
        .ok();
}

#[tokio::test]
async fn reset_codes_expire_after_an_hour_and_die_after_five_wrong_guesses() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "gus@example.com", PASSWORD)
        .await;
    let forgot = || {
        server.call(
            "ForgotPassword",
            json!({"ClientId": client_id, "Username": "gus@example.com"}),
        )
    };
    let confirm = |code: String| {
        server.call(
            "ConfirmForgotPassword",
            json!({"ClientId": client_id, "Username": "gus@example.com", "ConfirmationCode": code, "Password": NEW_PASSWORD}),
        )
    };

    // An expired code is answered, and counted, as a wrong one.
    forgot().await.ok();
    let code = server.last_code("gus@example.com");
    server.clock.advance(3601);
    confirm(code).await.assert_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );

    forgot().await.ok();
    let code = server.last_code("gus@example.com");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        confirm(wrong.into()).await.assert_error(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        );
    }
    // The fifth wrong guess in the streak reaches the limit and locks for 1 s.
    confirm(wrong.into()).await.assert_error(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    confirm(wrong.into()).await.assert_error(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    confirm(code).await.assert_error(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    server
        .srp_sign_in(&app, "gus@example.com", PASSWORD)
        .await
        .ok();

    // A new code works again, once the 1 s lock the fifth wrong code set has passed.
    server.clock.advance(1);
    forgot().await.ok();
    confirm(server.last_code("gus@example.com")).await.ok();
    server
        .srp_sign_in(&app, "gus@example.com", NEW_PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn forgot_password_never_reveals_whether_an_account_exists() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .sign_up(client_id, "unconfirmed@example.com", PASSWORD)
        .await
        .ok();
    let before = server.mails().len();
    for username in ["ghost@example.com", "unconfirmed@example.com"] {
        let reply = server
            .call(
                "ForgotPassword",
                json!({"ClientId": client_id, "Username": username}),
            )
            .await;
        let destination = reply.ok()["CodeDeliveryDetails"]["Destination"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(destination, format!("{}***@e***", &username[..1]));
    }
    assert_eq!(
        server.mails().len(),
        before,
        "no code for unknown or unverified accounts"
    );
    server
        .call(
            "ConfirmForgotPassword",
            json!({"ClientId": client_id, "Username": "ghost@example.com", "ConfirmationCode": "123456", "Password": NEW_PASSWORD}),
        )
        .await
        .assert_error("CodeMismatchException", "Invalid verification code provided, please try again.");
    server
        .call(
            "ForgotPassword",
            json!({"ClientId": "nosuchclient", "Username": "ghost@example.com"}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            "User pool client nosuchclient does not exist.",
        );
    server
        .call("ForgotPassword", json!({"ClientId": client_id}))
        .await
        .assert_error("InvalidParameterException", "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null");
}

#[tokio::test]
async fn passwords_change_with_the_previous_one() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "hal@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "hal@example.com", PASSWORD).await;
    let change = |previous: &str, proposed: &str| {
        server.call(
            "ChangePassword",
            json!({"AccessToken": tokens.access, "PreviousPassword": previous, "ProposedPassword": proposed}),
        )
    };
    change("Wrong-Horse-9", NEW_PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    change(PASSWORD, "nouppercase-9").await.assert_error(
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have uppercase characters",
    );
    server
        .srp_sign_in(&app, "hal@example.com", PASSWORD)
        .await
        .ok();
    assert_eq!(change(PASSWORD, NEW_PASSWORD).await.ok(), &json!({}));
    server
        .srp_sign_in(&app, "hal@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    server
        .srp_sign_in(&app, "hal@example.com", NEW_PASSWORD)
        .await
        .ok();
    // USER_PASSWORD_AUTH checks against the same verifier.
    server
        .call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": app.app.client.id.as_str(),
                                      "AuthParameters": {"USERNAME": "hal@example.com", "PASSWORD": NEW_PASSWORD}}))
        .await
        .ok();
    server
        .call("ChangePassword", json!({"AccessToken": "garbage", "PreviousPassword": PASSWORD, "ProposedPassword": NEW_PASSWORD}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Access Token");
}

#[tokio::test]
async fn attributes_change_and_a_new_email_waits_for_verification() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "ida@example.com", PASSWORD)
        .await;
    server
        .confirmed_user(client_id, "taken@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "ida@example.com", PASSWORD).await;
    let update = |attrs: serde_json::Value| {
        server.call(
            "UpdateUserAttributes",
            json!({"AccessToken": tokens.access, "UserAttributes": attrs}),
        )
    };
    let attributes = || async {
        let reply = server
            .call("GetUser", json!({"AccessToken": tokens.access}))
            .await;
        reply.ok()["UserAttributes"].as_array().unwrap().clone()
    };

    assert_eq!(
        update(json!([{"Name": "name", "Value": "Ida"}, {"Name": "custom:team", "Value": "blue"}]))
            .await
            .ok(),
        &json!({})
    );
    let attrs = attributes().await;
    assert!(attrs.contains(&json!({"Name": "name", "Value": "Ida"})));
    assert!(attrs.contains(&json!({"Name": "custom:team", "Value": "blue"})));
    update(json!([{"Name": "custom:team", "Value": ""}]))
        .await
        .ok();
    assert!(
        !attributes()
            .await
            .iter()
            .any(|a| a["Name"] == "custom:team"),
        "an empty value deletes"
    );

    for (attrs, message) in [
        (
            json!([{"Name": "sub", "Value": "x"}]),
            "Cannot modify the non-mutable attribute sub",
        ),
        (
            json!([{"Name": "email_verified", "Value": "true"}]),
            "Cannot modify the non-mutable attribute email_verified",
        ),
        (
            json!([{"Name": "email", "Value": "not-an-email"}]),
            "Invalid email address format.",
        ),
    ] {
        update(attrs)
            .await
            .assert_error("InvalidParameterException", message);
    }
    assert_eq!(
        update(json!([{"Name": "nonsense", "Value": "x"}]))
            .await
            .error_type(),
        "InvalidParameterException"
    );
    update(json!([{"Name": "email", "Value": "taken@example.com"}]))
        .await
        .assert_error(
            "AliasExistsException",
            "An account with the given email already exists.",
        );

    // A new email: a code goes to it, and the old address stays the sign-in name until then.
    let reply = update(json!([{"Name": "email", "Value": "ida.new@example.com"}])).await;
    assert_eq!(
        reply.ok()["CodeDeliveryDetailsList"],
        json!([{"Destination": "i***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}])
    );
    assert!(
        attributes()
            .await
            .contains(&json!({"Name": "email", "Value": "ida@example.com"}))
    );
    server
        .srp_sign_in(&app, "ida@example.com", PASSWORD)
        .await
        .ok();
    server
        .srp_sign_in(&app, "ida.new@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");

    let verify = |code: &str| {
        server.call(
            "VerifyUserAttribute",
            json!({"AccessToken": tokens.access, "AttributeName": "email", "Code": code}),
        )
    };
    let code = server.last_code("ida.new@example.com");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    verify(wrong).await.assert_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    server
        .call(
            "VerifyUserAttribute",
            json!({"AccessToken": tokens.access, "AttributeName": "phone_number", "Code": code}),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "Invalid attribute name: phone_number",
        );
    // A fresh code replaces the old one.
    let resent = server
        .call(
            "GetUserAttributeVerificationCode",
            json!({"AccessToken": tokens.access, "AttributeName": "email"}),
        )
        .await;
    assert_eq!(
        resent.ok()["CodeDeliveryDetails"]["Destination"],
        "i***@e***"
    );
    let code = server.last_code("ida.new@example.com");
    assert_eq!(verify(&code).await.ok(), &json!({}));

    assert!(
        attributes()
            .await
            .contains(&json!({"Name": "email", "Value": "ida.new@example.com"}))
    );
    assert!(
        attributes()
            .await
            .contains(&json!({"Name": "email_verified", "Value": "true"}))
    );
    server
        .srp_sign_in(&app, "ida@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    let fresh = server.tokens(&app, "ida.new@example.com", PASSWORD).await;
    assert_eq!(claims(&fresh.id)["email"], "ida.new@example.com");
}

#[tokio::test]
async fn deleted_users_are_gone_with_their_sessions() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "jon@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "jon@example.com", PASSWORD).await;
    assert_eq!(
        server
            .call("DeleteUser", json!({"AccessToken": tokens.access}))
            .await
            .ok(),
        &json!({})
    );
    server
        .call("GetUser", json!({"AccessToken": tokens.access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has been revoked");
    server
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Refresh Token");
    server
        .srp_sign_in(&app, "jon@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    // The email is free again.
    server
        .sign_up(client_id, "jon@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn confirm_forgot_password_answers_alike_with_or_without_an_account_or_a_code() {
    let server = TestServer::start().await;
    let app = server.app("Notes").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "real@example.com", PASSWORD)
        .await;
    server
        .confirmed_user(client_id, "expired@example.com", PASSWORD)
        .await;
    server
        .call(
            "ForgotPassword",
            json!({"ClientId": client_id, "Username": "expired@example.com"}),
        )
        .await
        .ok();
    server.clock.advance(3601);
    // A real user who never asked for a code, one whose code expired, and a name that is no
    // user: the same answers, guess by guess, through the limit and the lock.
    let mut transcripts = Vec::new();
    for name in [
        "real@example.com",
        "expired@example.com",
        "ghost@example.com",
    ] {
        let mut answers = Vec::new();
        for _ in 0..7 {
            let reply = server
                .call(
                    "ConfirmForgotPassword",
                    json!({"ClientId": client_id, "Username": name, "ConfirmationCode": "123456",
                           "Password": NEW_PASSWORD}),
                )
                .await;
            answers.push((reply.error_type().to_owned(), reply.message().to_owned()));
        }
        transcripts.push(answers);
    }
    assert_eq!(transcripts[0], transcripts[1]);
    assert_eq!(transcripts[0], transcripts[2]);
    let kinds: Vec<&str> = transcripts[0].iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "CodeMismatchException",
            "CodeMismatchException",
            "CodeMismatchException",
            "CodeMismatchException",
            "LimitExceededException",
            "LimitExceededException",
            "LimitExceededException",
        ]
    );
    // Nothing changed for the real users.
    for name in ["real@example.com", "expired@example.com"] {
        server.clock.advance(1);
        server.srp_sign_in(&app, name, PASSWORD).await.ok();
    }
}

#[tokio::test]
async fn an_app_can_hide_that_an_account_exists_at_sign_up() {
    let server = TestServer::start().await;
    let app = server.app("Quiet").await;
    let client_id = app.app.client.id.as_str();
    let real_sub = server
        .confirmed_user(client_id, "taken@example.com", PASSWORD)
        .await;
    server
        .sign_up(client_id, "pending@example.com", PASSWORD)
        .await
        .ok();
    let sign_up = |email: &'static str| {
        server.call(
            "SignUp",
            json!({"ClientId": client_id, "Username": email, "Password": "Other-Horse-5"}),
        )
    };
    // Cognito's answer by default.
    sign_up("taken@example.com").await.assert_error(
        "UsernameExistsException",
        "An account with the given email already exists.",
    );

    let update = auth_return_core::AppUpdate {
        hide_existing_accounts: Some(true),
        ..Default::default()
    };
    server
        .service
        .update_app(
            auth_return_core::Actor::Operator,
            &app.app.id,
            update,
            &auth_return_core::events::Caller::unknown(),
        )
        .await
        .unwrap();
    let mails_before = server.mails().len();
    let fresh = sign_up("fresh@example.com").await;
    let taken = sign_up("taken@example.com").await;
    let again = sign_up("taken@example.com").await;
    let keys = |r: &crate::common::Reply| {
        let mut k: Vec<String> = r.ok().as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&taken), keys(&fresh), "{:?}", taken.body);
    assert_eq!(taken.body["UserConfirmed"], false);
    assert_eq!(
        taken.body["CodeDeliveryDetails"]["Destination"],
        "t***@e***"
    );
    assert_eq!(
        taken.body["UserSub"], again.body["UserSub"],
        "stable, like a real id"
    );
    assert_ne!(taken.body["UserSub"], real_sub.as_str());
    // Only the new sign-up got mail; the account and its password are as they were.
    assert_eq!(server.mails().len(), mails_before + 1);
    server
        .srp_sign_in(&app, "taken@example.com", PASSWORD)
        .await
        .ok();
    server
        .srp_sign_in(&app, "taken@example.com", "Other-Horse-5")
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");

    // An unconfirmed account gets a fresh confirmation code, and keeps its password.
    let pending = sign_up("pending@example.com").await;
    assert_eq!(pending.status, reqwest::StatusCode::OK);
    assert_eq!(server.mails().len(), mails_before + 2);
    let code = server.last_code("pending@example.com");
    server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": "pending@example.com", "ConfirmationCode": code}),
        )
        .await
        .ok();
    server
        .srp_sign_in(&app, "pending@example.com", PASSWORD)
        .await
        .ok();

    // A confirmed account: a resend looks delivered (nothing is sent), a confirmation like a
    // wrong code.
    let resend = server
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "taken@example.com"}),
        )
        .await;
    assert_eq!(
        resend.ok()["CodeDeliveryDetails"]["Destination"],
        "t***@e***"
    );
    assert_eq!(server.mails().len(), mails_before + 2);
    server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": "taken@example.com", "ConfirmationCode": "123456"}),
        )
        .await
        .assert_error("CodeMismatchException", "Invalid verification code provided, please try again.");
}
