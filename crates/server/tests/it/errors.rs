//! Every error path a Cognito client can reach: the right `__type`, the right message, a 4xx,
//! and nothing stored.

use crate::common::{PASSWORD, TestServer, claims};
use serde_json::json;

#[tokio::test]
async fn malformed_requests_get_protocol_errors() {
    let server = TestServer::start().await;
    let app = server.app("App").await;
    let client_id = app.app.client.id.as_str();

    let r = server.raw("SignUp", b"{not json".to_vec(), None).await;
    assert_eq!(r.error_type(), "InvalidParameterException");
    assert!(
        r.message().starts_with("Malformed request body"),
        "{}",
        r.message()
    );

    let r = server
        .call(
            "SignUp",
            json!({"ClientId": 5, "Username": "a@b.co", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(r.error_type(), "InvalidParameterException");
    assert!(r.message().contains("invalid type"), "{}", r.message());

    // A client id is checked for its length before it is looked up.
    for bad in [String::new(), "c".repeat(129)] {
        server
            .call(
                "SignUp",
                json!({"ClientId": bad, "Username": "a@b.co", "Password": PASSWORD}),
            )
            .await
            .assert_error("InvalidParameterException", "1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member must have length less than or equal to 128 and greater than or equal to 1");
    }

    let r = server.call("SignUp", json!(["an", "array"])).await;
    assert_eq!(r.error_type(), "InvalidParameterException");

    server
        .call("SignUp", json!({"ClientId": client_id, "Password": PASSWORD}))
        .await
        .assert_error("InvalidParameterException", "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null");
    // An empty body is `{}`.
    server
        .raw("InitiateAuth", Vec::new(), None)
        .await
        .assert_error("InvalidParameterException", "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null");

    let big = json!({"ClientId": client_id, "Username": "x".repeat(70 * 1024)})
        .to_string()
        .into_bytes();
    server.raw("SignUp", big, None).await.assert_error(
        "InvalidParameterException",
        "Request body must not exceed 65536 bytes",
    );

    server
        .call("DescribeEverything", json!({}))
        .await
        .assert_error(
            "InvalidParameterException",
            "Operation DescribeEverything is not supported.",
        );

    let no_target = server
        .http
        .post(&server.url)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(no_target.status(), 400);
    let body: serde_json::Value = no_target.json().await.unwrap();
    assert_eq!(body["message"], "Missing X-Amz-Target header");

    server
        .call(
            "SignUp",
            json!({"ClientId": "nosuchclient", "Username": "a@b.co", "Password": PASSWORD}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            "User pool client nosuchclient does not exist.",
        );
    server
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "nosuchclient", "AuthParameters": {"USERNAME": "a@b.co", "SRP_A": "abc"}}))
        .await
        .assert_error("ResourceNotFoundException", "User pool client nosuchclient does not exist.");
    server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": client_id}),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "Initiate Auth method not supported.",
        );
    assert!(server.mails().is_empty());
}

#[tokio::test]
async fn sign_up_validates_and_stores_nothing_on_error() {
    let server = TestServer::start().await;
    let app = server.app("App").await;
    let client_id = app.app.client.id.as_str();

    let cases = [
        (
            "not-an-email",
            PASSWORD,
            "InvalidParameterException",
            "Username should be either an email or a phone number.",
        ),
        (
            "a@example.com",
            "Sh0rt!",
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
        ),
        (
            "a@example.com",
            "nouppercase-9",
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have uppercase characters",
        ),
        (
            "a@example.com",
            "NOLOWERCASE-9",
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have lowercase characters",
        ),
        (
            "a@example.com",
            "No-Numbers-Here",
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have numeric characters",
        ),
        (
            "a@example.com",
            "NoSymbols123",
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have symbol characters",
        ),
    ];
    for (username, password, kind, message) in cases {
        server
            .sign_up(client_id, username, password)
            .await
            .assert_error(kind, message);
    }
    let bad_attr = server
        .call(
            "SignUp",
            json!({"ClientId": client_id, "Username": "a@example.com", "Password": PASSWORD,
                               "UserAttributes": [{"Name": "sub", "Value": "forged"}]}),
        )
        .await;
    assert_eq!(bad_attr.error_type(), "InvalidParameterException");
    assert!(
        server.mails().is_empty(),
        "no code sent for refused sign-ups"
    );

    // Lenient nulls: null attribute values and null lists are accepted.
    server
        .call("SignUp", json!({"ClientId": client_id, "Username": "a@example.com", "Password": PASSWORD,
                               "UserAttributes": [{"Name": "name", "Value": null}], "ValidationData": null, "ClientMetadata": null}))
        .await
        .ok();
    server
        .sign_up(client_id, "A@EXAMPLE.COM", PASSWORD)
        .await
        .assert_error(
            "UsernameExistsException",
            "An account with the given email already exists.",
        );
    assert_eq!(server.mails().len(), 1);
}

#[tokio::test]
async fn confirmation_codes_are_checked_limited_and_expire() {
    let server = TestServer::start().await;
    let app = server.app("App").await;
    let client_id = app.app.client.id.as_str();
    server
        .sign_up(client_id, "carol@example.com", PASSWORD)
        .await
        .ok();
    let confirm = |code: &str| {
        server.call("ConfirmSignUp", json!({"ClientId": client_id, "Username": "carol@example.com", "ConfirmationCode": code}))
    };
    let good = server.last_code("carol@example.com");
    let wrong = if good == "000000" { "111111" } else { "000000" };

    confirm(wrong).await.assert_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    // Unknown users look like a wrong code.
    server
        .call("ConfirmSignUp", json!({"ClientId": client_id, "Username": "nobody@example.com", "ConfirmationCode": good}))
        .await
        .assert_error("CodeMismatchException", "Invalid verification code provided, please try again.");

    // Expired after 24 h.
    server.clock.advance(24 * 3600 + 1);
    confirm(&good).await.assert_error(
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    );

    // Resend gives a new code; five wrong guesses kill it.
    let resend = server
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "carol@example.com"}),
        )
        .await;
    assert_eq!(
        resend.ok()["CodeDeliveryDetails"]["Destination"],
        "c***@e***"
    );
    let fresh = server.last_code("carol@example.com");
    let wrong = if fresh == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..4 {
        confirm(wrong).await.assert_error(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        );
    }
    confirm(wrong).await.assert_error(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    confirm(&fresh).await.assert_error(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );

    // A resend for an unknown user is simulated; for a confirmed user it is refused.
    let before = server.mails().len();
    let fake = server
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "ghost@example.com"}),
        )
        .await;
    assert_eq!(fake.ok()["CodeDeliveryDetails"]["Destination"], "g***@e***");
    assert_eq!(
        server.mails().len(),
        before,
        "nothing is sent for unknown users"
    );

    server
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "carol@example.com"}),
        )
        .await
        .ok();
    // The fifth wrong code also locked carol's codes for 1 s.
    server.clock.advance(1);
    confirm(&server.last_code("carol@example.com")).await.ok();
    server
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "carol@example.com"}),
        )
        .await
        .assert_error("InvalidParameterException", "User is already confirmed.");
}

#[tokio::test]
async fn srp_refuses_bad_input_wrong_passwords_and_replays() {
    let server = TestServer::start().await;
    let app = server.app("App").await;
    let client_id = app.app.client.id.as_str();
    let pool_id = app.app.pool_id.as_str();
    server
        .confirmed_user(client_id, "dave@example.com", PASSWORD)
        .await;

    for (srp_a, why) in [
        ("zz", "bad hex"),
        ("0", "A = 0"),
        (&auth_return_crypto_n()[..], "A = N"),
    ] {
        let r = server
            .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
                                          "AuthParameters": {"USERNAME": "dave@example.com", "SRP_A": srp_a}}))
            .await;
        r.assert_error(
            "InvalidParameterException",
            "Invalid SRP_A: not a valid SRP public value",
        );
        let _ = why;
    }
    server
        .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": {"USERNAME": "dave@example.com"}}))
        .await
        .assert_error("InvalidParameterException", "Missing required parameter SRP_A");

    // Wrong password and unknown user: the same challenge shape, the same final answer.
    server
        .srp_sign_in(&app, "dave@example.com", "Wrong-Horse-9")
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    let (ghost, _) = server.srp_start(client_id, "ghost@example.com").await;
    let (real, _) = server.srp_start(client_id, "dave@example.com").await;
    let keys = |r: &crate::common::Reply| {
        let mut k: Vec<String> = r.body["ChallengeParameters"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&ghost), keys(&real));
    // The decoy is stable per username, like a real user's salt and id.
    let (ghost_again, _) = server.srp_start(client_id, "ghost@example.com").await;
    assert_eq!(
        ghost.body["ChallengeParameters"]["SALT"],
        ghost_again.body["ChallengeParameters"]["SALT"]
    );
    assert_eq!(
        ghost.body["ChallengeParameters"]["USER_ID_FOR_SRP"],
        ghost_again.body["ChallengeParameters"]["USER_ID_FOR_SRP"]
    );
    server
        .srp_sign_in(&app, "ghost@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", "Incorrect username or password.");
    // Asking again by the USER_ID_FOR_SRP answered (any case) gives the same id and salt, for
    // a real user and for a decoy alike.
    for first in [&real, &ghost] {
        let params = &first.body["ChallengeParameters"];
        let uid = params["USER_ID_FOR_SRP"].as_str().unwrap();
        for name in [uid.to_owned(), uid.to_uppercase()] {
            let (again, _) = server.srp_start(client_id, &name).await;
            assert_eq!(again.body["ChallengeParameters"]["USER_ID_FOR_SRP"], uid);
            assert_eq!(again.body["ChallengeParameters"]["SALT"], params["SALT"]);
        }
    }
    assert_ne!(
        ghost.body["ChallengeParameters"]["SALT"],
        real.body["ChallengeParameters"]["SALT"]
    );

    // A challenge answered once cannot be answered again.
    let (challenge, eph) = server.srp_start(client_id, "dave@example.com").await;
    let answer = server.srp_answer(pool_id, challenge.ok(), &eph, PASSWORD);
    let respond = |responses: serde_json::Value| {
        server.call("RespondToAuthChallenge", json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id, "ChallengeResponses": responses}))
    };
    respond(answer.clone()).await.ok();
    respond(answer.clone()).await.assert_error(
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );

    // A tampered secret block, a bad timestamp, a missing member, an expired challenge.
    let (challenge, eph) = server.srp_start(client_id, "dave@example.com").await;
    let good = server.srp_answer(pool_id, challenge.ok(), &eph, PASSWORD);
    let mut tampered = good.clone();
    let block = good["PASSWORD_CLAIM_SECRET_BLOCK"].as_str().unwrap();
    let flipped = if block.starts_with('A') { "B" } else { "A" };
    tampered["PASSWORD_CLAIM_SECRET_BLOCK"] = json!(format!("{flipped}{}", &block[1..]));
    respond(tampered).await.assert_error(
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
    let mut bad_time = good.clone();
    bad_time["TIMESTAMP"] = json!("Tue Jan  2 15:04:05 UTC 2024");
    respond(bad_time).await.assert_error(
        "InvalidParameterException",
        "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
    );
    let mut missing = good.clone();
    missing
        .as_object_mut()
        .unwrap()
        .remove("PASSWORD_CLAIM_SIGNATURE");
    respond(missing).await.assert_error(
        "InvalidParameterException",
        "Missing required parameter PASSWORD_CLAIM_SIGNATURE",
    );
    // Another client cannot answer it.
    let other = server.app("Other").await;
    server
        .call("RespondToAuthChallenge", json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": other.app.client.id.as_str(), "ChallengeResponses": good}))
        .await
        .assert_error("NotAuthorizedException", "Invalid session for the user, session is expired.");
    server.clock.advance(301);
    respond(good).await.assert_error(
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
}

fn auth_return_crypto_n() -> String {
    let kat: serde_json::Value =
        serde_json::from_str(include_str!("../../../crypto/tests/data/srp_kat.json")).unwrap();
    kat["N"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let server = TestServer::start().await;
    let app = server.app("App").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "erin@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "erin@example.com", PASSWORD).await;

    for garbage in [
        "",
        "abc",
        "a.b.c",
        &tokens.id,
        &format!("{}x", tokens.access),
    ] {
        let r = server
            .call("GetUser", json!({"AccessToken": garbage}))
            .await;
        if garbage.is_empty() {
            assert_eq!(r.error_type(), "NotAuthorizedException", "{:?}", r.body);
        } else {
            r.assert_error("NotAuthorizedException", "Invalid Access Token");
        }
    }
    // A payload edited to claim another user keeps the old signature: refused.
    let parts: Vec<&str> = tokens.access.split('.').collect();
    let mut forged = claims(&tokens.access);
    forged["sub"] = json!(uuid::Uuid::new_v4().to_string());
    use base64::Engine;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged.to_string());
    let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
    server
        .call("GetUser", json!({"AccessToken": forged}))
        .await
        .assert_error("NotAuthorizedException", "Invalid Access Token");

    for garbage in ["", "not-a-token", "a.b.c", &"x".repeat(500)] {
        let r = server
            .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": {"REFRESH_TOKEN": garbage}}))
            .await;
        if garbage.is_empty() {
            r.assert_error(
                "InvalidParameterException",
                "Missing required parameter REFRESH_TOKEN",
            );
        } else {
            r.assert_error("NotAuthorizedException", "Invalid Refresh Token");
        }
    }
    server
        .call(
            "RevokeToken",
            json!({"Token": tokens.access, "ClientId": client_id}),
        )
        .await
        .assert_error("UnsupportedTokenTypeException", "Unsupported token type");
    // Revoking an unknown token is not an error (RFC 7009 §2.2).
    server
        .call(
            "RevokeToken",
            json!({"Token": "unknown-token", "ClientId": client_id}),
        )
        .await
        .ok();

    // Expiry, measured by the server's clock.
    server.clock.advance(3601);
    server
        .call("GetUser", json!({"AccessToken": tokens.access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has expired");
    server.clock.advance(30 * 24 * 3600);
    server
        .call("InitiateAuth", json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id, "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}))
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has expired");
}
