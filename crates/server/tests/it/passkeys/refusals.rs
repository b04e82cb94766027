//! Passkey answers refused: someone else's passkey, forged or altered assertions, other origins
//! and relying parties, replays, Sessions expired, tampered, of another stage or app; malformed
//! answers (which leave the challenge standing); and a passkey removed after its challenge.
//! After each refusal the right passkey still signs in.

use super::authenticator::{Authenticator, Ceremony, UP};
use super::sign_in::choose;
use super::support::*;
use crate::common::{TestServer, claims};
use auth_return_core::CreatedApp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// `credential` with `response.<member>` changed by `change` (on its decoded bytes).
fn altered(credential: &Value, member: &str, change: impl FnOnce(&mut Vec<u8>)) -> Value {
    let mut credential = credential.clone();
    let mut bytes = URL_SAFE_NO_PAD
        .decode(credential["response"][member].as_str().unwrap())
        .unwrap();
    change(&mut bytes);
    credential["response"][member] = json!(URL_SAFE_NO_PAD.encode(bytes));
    credential
}

/// Makes an answer to request options.
type Make<'a> = Box<dyn Fn(&Value) -> Value + 'a>;

/// A good passkey sign-in of ann, which must sign her in.
async fn good(server: &TestServer, app: &CreatedApp, phone: &Authenticator, sub: &str) {
    let reply = passkey_sign_in(server, app, "ann@example.com", phone, &Ceremony::default()).await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], sub);
}

#[tokio::test]
async fn forged_foreign_and_replayed_answers_are_refused() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Refused").await;
    let (ann_sub, ann) = signed_in(&server, &app, "ann@example.com").await;
    let (_, bob) = signed_in(&server, &app, "bob@example.com").await;
    let email = "ann@example.com";
    let mut phone = Authenticator::new();
    register(&server, &ann.access, &mut phone).await;
    let mut bobs = Authenticator::new();
    register(&server, &bob.access, &mut bobs).await;

    // Each of these is "The passkey could not be verified.", and takes the challenge with it.
    let cases: Vec<(&str, Make<'_>)> = vec![
        (
            "bob's passkey, signing ann's challenge",
            Box::new(|options| bobs.assert(options, &Ceremony::default())),
        ),
        (
            "ann's key under bob's credential id",
            Box::new(|options| {
                phone
                    .with_id(&URL_SAFE_NO_PAD.decode(bobs.id()).unwrap())
                    .assert(options, &Ceremony::default())
            }),
        ),
        (
            "a credential ann never registered, with ann's id",
            Box::new(|options| {
                Authenticator::new()
                    .with_id(&URL_SAFE_NO_PAD.decode(phone.id()).unwrap())
                    .assert(options, &Ceremony::default())
            }),
        ),
        (
            "a signature with a bit flipped",
            Box::new(|options| {
                altered(
                    &phone.assert(options, &Ceremony::default()),
                    "signature",
                    |sig| {
                        let last = sig.len() - 1;
                        sig[last] ^= 1;
                    },
                )
            }),
        ),
        (
            "authenticator data changed after signing",
            Box::new(|options| {
                altered(
                    &phone.assert(options, &Ceremony::default()),
                    "authenticatorData",
                    |data| data[36] ^= 1,
                )
            }),
        ),
        (
            "client data changed after signing",
            Box::new(|options| {
                let credential = phone.assert(options, &Ceremony::default());
                altered(&credential, "clientDataJSON", |data| {
                    let text = String::from_utf8(data.clone())
                        .unwrap()
                        .replace("\"crossOrigin\":false", "\"crossOrigin\":false ");
                    *data = text.into_bytes();
                })
            }),
        ),
        (
            "another origin",
            Box::new(|options| phone.assert(options, &Ceremony::origin("https://evil.example"))),
        ),
        (
            "another relying party",
            Box::new(|options| {
                phone.assert(
                    options,
                    &Ceremony {
                        rp_id: Some("evil.example".into()),
                        ..Ceremony::default()
                    },
                )
            }),
        ),
        (
            "a registration's client data",
            Box::new(|options| {
                phone.assert(
                    options,
                    &Ceremony {
                        client_type: Some("webauthn.create".into()),
                        ..Ceremony::default()
                    },
                )
            }),
        ),
        (
            "another challenge",
            Box::new(|options| {
                phone.assert(
                    options,
                    &Ceremony {
                        challenge: Some(URL_SAFE_NO_PAD.encode([1u8; 32])),
                        ..Ceremony::default()
                    },
                )
            }),
        ),
        (
            "the user not verified",
            Box::new(|options| {
                phone.assert(
                    options,
                    &Ceremony {
                        flags: Some(UP),
                        ..Ceremony::default()
                    },
                )
            }),
        ),
    ];
    for (case, make) in &cases {
        let challenge = passkey_challenge(&server, &app, email).await;
        let credential = make(&request_options(&challenge));
        let reply = answer(&server, &app, &challenge, email, &credential).await;
        assert_eq!(reply.error_type(), "NotAuthorizedException", "{case}");
        assert_eq!(reply.message(), REFUSED, "{case}");
        // The refused answer took the challenge: the right one finds it gone.
        let right = phone.assert(&request_options(&challenge), &Ceremony::default());
        answer(&server, &app, &challenge, email, &right)
            .await
            .assert_error("NotAuthorizedException", EXPIRED);
        // And the passkey still signs in (which also clears the failure streak).
        good(&server, &app, &phone, &ann_sub).await;
    }

    // Replayed: the answer that signed in does not sign in twice.
    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    tokens_of(&answer(&server, &app, &challenge, email, &credential).await);
    answer(&server, &app, &challenge, email, &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    // Nor on a new challenge (its challenge is another).
    let fresh = passkey_challenge(&server, &app, email).await;
    answer(&server, &app, &fresh, email, &credential)
        .await
        .assert_error("NotAuthorizedException", REFUSED);
    good(&server, &app, &phone, &ann_sub).await;
}

#[tokio::test]
async fn sessions_expired_tampered_or_of_another_stage_or_app_are_refused() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Sessions").await;
    let other = passkey_app(&server, "Other").await;
    let (_, cy) = signed_in(&server, &app, "cy@example.com").await;
    let (_, dee) = signed_in(&server, &app, "dee@example.com").await;
    let email = "cy@example.com";
    let mut phone = Authenticator::new();
    register(&server, &cy.access, &mut phone).await;
    let mut dees = Authenticator::new();
    register(&server, &dee.access, &mut dees).await;

    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    // Another app's client; a tampered Session; someone else's name; a SELECT_CHALLENGE
    // Session; none at all.
    answer(&server, &other, &challenge, email, &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    let mut tampered = challenge.clone();
    let session = challenge["Session"].as_str().unwrap();
    let flipped = if session.starts_with('A') { "B" } else { "A" };
    tampered["Session"] = json!(format!("{flipped}{}", &session[1..]));
    answer(&server, &app, &tampered, email, &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    let mut truncated = challenge.clone();
    truncated["Session"] = json!(&session[..session.len() / 2]);
    answer(&server, &app, &truncated, email, &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    answer(&server, &app, &challenge, "dee@example.com", &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    let dee_answer = dees.assert(&request_options(&challenge), &Ceremony::default());
    answer(&server, &app, &challenge, "dee@example.com", &dee_answer)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    let select = user_auth(&server, &app, email, json!({}))
        .await
        .ok()
        .clone();
    assert_eq!(select["ChallengeName"], "SELECT_CHALLENGE");
    answer(&server, &app, &select, email, &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    let mut none = challenge.clone();
    none["Session"] = json!("");
    let reply = answer(&server, &app, &none, email, &credential).await;
    assert_eq!(
        reply.error_type(),
        "InvalidParameterException",
        "{:?}",
        reply.body
    );
    // A WEB_AUTHN Session is no SELECT_CHALLENGE Session either.
    choose(&server, &app, &challenge, email, "WEB_AUTHN", json!({}))
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    // None of it spent the challenge.
    tokens_of(&answer(&server, &app, &challenge, email, &credential).await);

    // Three minutes on, the Session is dead.
    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    server.clock.advance(181);
    answer(&server, &app, &challenge, email, &credential)
        .await
        .assert_error("NotAuthorizedException", EXPIRED);
    // Just under three minutes, it is not.
    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    server.clock.advance(179);
    tokens_of(&answer(&server, &app, &challenge, email, &credential).await);
}

#[tokio::test]
async fn malformed_answers_leave_the_challenge_standing() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Malformed").await;
    let (_, eve) = signed_in(&server, &app, "eve@example.com").await;
    let email = "eve@example.com";
    let mut phone = Authenticator::new();
    register(&server, &eve.access, &mut phone).await;
    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    let not_json = "CREDENTIAL is not the JSON of a PublicKeyCredential.";
    let mut no_signature = credential.clone();
    no_signature["response"]
        .as_object_mut()
        .unwrap()
        .remove("signature");
    for malformed in [
        json!({"id": phone.id()}),
        json!(["a list"]),
        json!(42),
        no_signature,
    ] {
        answer(&server, &app, &challenge, email, &malformed)
            .await
            .assert_error("InvalidParameterException", not_json);
    }
    let mut body = json!({
        "ChallengeName": "WEB_AUTHN",
        "ClientId": app.app.client.id.as_str(),
        "Session": challenge["Session"],
        "ChallengeResponses": {"USERNAME": email, "CREDENTIAL": "{not json"},
    });
    server
        .call("RespondToAuthChallenge", body.clone())
        .await
        .assert_error("InvalidParameterException", not_json);
    body["ChallengeResponses"]["CREDENTIAL"] = json!("x".repeat(16 * 1024 + 1));
    server
        .call("RespondToAuthChallenge", body.clone())
        .await
        .assert_error("InvalidParameterException", "CREDENTIAL is too long.");
    body["ChallengeResponses"]
        .as_object_mut()
        .unwrap()
        .remove("CREDENTIAL");
    let missing = server.call("RespondToAuthChallenge", body).await;
    assert_eq!(
        missing.error_type(),
        "InvalidParameterException",
        "{:?}",
        missing.body
    );
    // The challenge still stands.
    tokens_of(&answer(&server, &app, &challenge, email, &credential).await);
}

#[tokio::test]
async fn a_passkey_removed_after_its_challenge_or_passkeys_turned_off_sign_no_one_in() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Removed").await;
    let (_, fay) = signed_in(&server, &app, "fay@example.com").await;
    let email = "fay@example.com";
    let mut phone = Authenticator::new();
    register(&server, &fay.access, &mut phone).await;
    let mut key = Authenticator::new();
    server.clock.advance(1);
    register(&server, &fay.access, &mut key).await;

    let challenge = passkey_challenge(&server, &app, email).await;
    let options = request_options(&challenge);
    assert_eq!(allowed_ids(&options), vec![phone.id(), key.id()]);
    server
        .call(
            "DeleteWebAuthnCredential",
            json!({ "AccessToken": fay.access, "CredentialId": phone.id() }),
        )
        .await
        .ok();
    answer(
        &server,
        &app,
        &challenge,
        email,
        &phone.assert(&options, &Ceremony::default()),
    )
    .await
    .assert_error("NotAuthorizedException", REFUSED);
    // The other one still signs in, and the removed one is no longer offered.
    let challenge = passkey_challenge(&server, &app, email).await;
    let options = request_options(&challenge);
    assert_eq!(allowed_ids(&options), vec![key.id()]);
    tokens_of(
        &answer(
            &server,
            &app,
            &challenge,
            email,
            &key.assert(&options, &Ceremony::default()),
        )
        .await,
    );

    // Turned off between the challenge and its answer.
    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = key.assert(&request_options(&challenge), &Ceremony::default());
    update(&server, &app, json!({"passkeys": {"enabled": false}})).await;
    answer(&server, &app, &challenge, email, &credential)
        .await
        .assert_error(
            "WebAuthnNotEnabledException",
            "Passkeys are not enabled for this app.",
        );
    // A user who is disabled cannot sign in with a passkey either.
    update(&server, &app, json!({"passkeys": {"enabled": true}})).await;
    let challenge = passkey_challenge(&server, &app, email).await;
    let credential = key.assert(&request_options(&challenge), &Ceremony::default());
    server
        .service
        .admin_set_user_enabled(
            auth_return_core::Actor::Operator,
            &app.app.pool_id,
            email,
            false,
            &Default::default(),
        )
        .await
        .unwrap();
    answer(&server, &app, &challenge, email, &credential)
        .await
        .assert_error("NotAuthorizedException", "User is disabled.");
}

fn allowed_ids(options: &Value) -> Vec<String> {
    super::sign_in::allowed(options)
}
