//! Passkey sign-in with no name given (docs/cognito-protocol.md §5.3, usernameless `WEB_AUTHN`): `USER_AUTH` preferring
//! `WEB_AUTHN` without `USERNAME`, answered without one; the assertion's `userHandle` names the
//! user, and every way of naming the wrong one is refused alike.

use super::authenticator::{Authenticator, Ceremony};
use super::sign_in::{allowed, members};
use super::support::*;
use crate::common::{PASSWORD, Reply, TestServer, claims};
use auth_return_core::{CreatedApp, UserId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// InitiateAuth `USER_AUTH` preferring `WEB_AUTHN` with `params` and no `USERNAME`.
async fn initiate(server: &TestServer, app: &CreatedApp, params: Value) -> Reply {
    let mut parameters = json!({"PREFERRED_CHALLENGE": "WEB_AUTHN"});
    for (name, value) in params.as_object().unwrap() {
        parameters[name] = value.clone();
    }
    server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_AUTH", "ClientId": app.app.client.id.as_str(),
                   "AuthParameters": parameters}),
        )
        .await
}

/// The usernameless `WEB_AUTHN` challenge's reply body.
async fn open_challenge(server: &TestServer, app: &CreatedApp) -> Value {
    let body = initiate(server, app, json!({})).await.ok().clone();
    assert_eq!(body["ChallengeName"], "WEB_AUTHN", "{body}");
    body
}

/// RespondToAuthChallenge `WEB_AUTHN` with `credential` and extra `responses`.
async fn respond(
    server: &TestServer,
    app: &CreatedApp,
    challenge: &Value,
    credential: &Value,
    responses: Value,
) -> Reply {
    let mut all = json!({"CREDENTIAL": credential.to_string()});
    for (name, value) in responses.as_object().unwrap() {
        all[name] = value.clone();
    }
    server
        .call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "WEB_AUTHN", "ClientId": app.app.client.id.as_str(),
                   "Session": challenge["Session"], "ChallengeResponses": all}),
        )
        .await
}

/// A whole usernameless sign-in with `authenticator`, answered as `how` says.
async fn sign_in(
    server: &TestServer,
    app: &CreatedApp,
    authenticator: &Authenticator,
    how: &Ceremony,
) -> Reply {
    let challenge = open_challenge(server, app).await;
    let credential = authenticator.assert(&request_options(&challenge), how);
    respond(server, app, &challenge, &credential, json!({})).await
}

/// A user of `app` with a registered passkey: their sub and the passkey.
async fn user_with_passkey(
    server: &TestServer,
    app: &CreatedApp,
    email: &str,
) -> (String, Authenticator) {
    let (sub, tokens) = signed_in(server, app, email).await;
    let mut phone = Authenticator::new();
    register(server, &tokens.access, &mut phone).await;
    (sub, phone)
}

#[tokio::test]
async fn registration_asks_for_a_discoverable_passkey() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Resident").await;
    let (sub, tokens) = signed_in(&server, &app, "rey@example.com").await;
    let options = creation_options(&server, &tokens.access).await;
    let selection = &options["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required", "{options}");
    assert_eq!(selection["requireResidentKey"], true, "{options}");
    assert_eq!(selection["userVerification"], "required", "{options}");
    // The user handle is the user's id: what names them at a usernameless sign-in.
    let handle = URL_SAFE_NO_PAD
        .decode(options["user"]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        handle,
        UserId::parse(&sub).unwrap().as_uuid().as_bytes().to_vec()
    );
}

#[tokio::test]
async fn a_passkey_signs_in_its_own_user_with_no_name_given() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Autofill").await;
    let (ana, ana_phone) = user_with_passkey(&server, &app, "ana@example.com").await;
    let (bo, bo_key) = user_with_passkey(&server, &app, "bo@example.com").await;
    update(&server, &app, json!({"mfa": {"mode": "ON"}})).await;

    let challenge = open_challenge(&server, &app).await;
    // No name in, none out: the options name no credential, so the browser offers all it has.
    assert_eq!(
        members(&challenge["ChallengeParameters"]),
        ["CREDENTIAL_REQUEST_OPTIONS"]
    );
    let options = request_options(&challenge);
    assert_eq!(options["rpId"], "localhost", "{options}");
    assert_eq!(options["userVerification"], "required", "{options}");
    assert_eq!(options["timeout"], 180_000, "{options}");
    assert!(allowed(&options).is_empty(), "{options}");
    let challenge_bytes = URL_SAFE_NO_PAD
        .decode(options["challenge"].as_str().unwrap())
        .unwrap();
    assert_eq!(challenge_bytes.len(), 32);

    // Whose passkey answers decides who signs in, with no second factor even with MFA on.
    let credential = bo_key.assert(&options, &Ceremony::default());
    let reply = respond(&server, &app, &challenge, &credential, json!({})).await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], bo.as_str());
    let reply = sign_in(&server, &app, &ana_phone, &Ceremony::counter(1)).await;
    assert_eq!(claims(&tokens_of(&reply).access)["sub"], ana.as_str());

    // A name sent too must be the passkey's user's: by email or internal username.
    for (counter, name) in (2..).zip(["ana@example.com", "ANA@example.com", ana.as_str(), ""]) {
        let challenge = open_challenge(&server, &app).await;
        let how = Ceremony::counter(counter);
        let credential = ana_phone.assert(&request_options(&challenge), &how);
        let reply = respond(
            &server,
            &app,
            &challenge,
            &credential,
            json!({"USERNAME": name}),
        )
        .await;
        assert_eq!(claims(&tokens_of(&reply).id)["sub"], ana.as_str(), "{name}");
    }

    // The uses are recorded on the passkeys, and each sign-in as a sign-in of its user.
    let stored = server
        .service
        .store()
        .list_passkeys(&app.app.pool_id, UserId::parse(&bo).unwrap())
        .await
        .unwrap();
    assert_eq!(stored[0].last_used_at, Some(server.clock_now()));
    let signs: Vec<(String, Option<UserId>)> = events(&server, &app)
        .await
        .iter()
        .filter(|e| e.kind.as_str().starts_with("sign_in"))
        .map(|e| (e.kind.as_str().to_owned(), e.user_id))
        .collect();
    let of = |sub: &str| {
        let id = UserId::parse(sub).unwrap();
        signs
            .iter()
            .filter(|(kind, user)| kind == "sign_in" && *user == Some(id))
            .count()
    };
    // Two password sign-ins to register, then the passkey ones.
    assert_eq!((of(&ana), of(&bo)), (1 + 5, 1 + 1), "{signs:?}");
}

#[tokio::test]
async fn every_wrong_passkey_is_refused_alike_and_changes_nothing() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Refusals").await;
    let other_app = passkey_app(&server, "Other").await;
    let (ana, ana_phone) = user_with_passkey(&server, &app, "ana@example.com").await;
    let (bo, _) = user_with_passkey(&server, &app, "bo@example.com").await;
    let (stranger, stranger_key) = user_with_passkey(&server, &other_app, "ana@example.com").await;
    let handle =
        |sub: &str| Some(URL_SAFE_NO_PAD.encode(UserId::parse(sub).unwrap().as_uuid().as_bytes()));
    let refusals: Vec<(&str, Authenticator, Ceremony, Value)> = vec![
        (
            "no userHandle",
            ana_phone.with_user_handle(None),
            Ceremony::default(),
            json!({}),
        ),
        (
            "a userHandle that is no user id",
            ana_phone.with_user_handle(Some(URL_SAFE_NO_PAD.encode(b"someone"))),
            Ceremony::default(),
            json!({}),
        ),
        (
            "another user's handle on this passkey",
            ana_phone.with_user_handle(handle(&bo)),
            Ceremony::default(),
            json!({}),
        ),
        (
            "a user of another app",
            stranger_key.clone(),
            Ceremony::default(),
            json!({}),
        ),
        (
            "that user's handle, as if in this app",
            stranger_key.with_user_handle(handle(&stranger)),
            Ceremony::default(),
            json!({"USERNAME": "ana@example.com"}),
        ),
        (
            "a name that is another user's",
            ana_phone.clone(),
            Ceremony::default(),
            json!({"USERNAME": "bo@example.com"}),
        ),
        (
            "a name that is no user",
            ana_phone.clone(),
            Ceremony::default(),
            json!({"USERNAME": "nobody@example.com"}),
        ),
        (
            "another origin",
            ana_phone.clone(),
            Ceremony::origin("https://evil.example"),
            json!({}),
        ),
        (
            "another relying party",
            ana_phone.clone(),
            Ceremony {
                rp_id: Some("evil.example".into()),
                ..Ceremony::default()
            },
            json!({}),
        ),
    ];
    for (case, key, how, responses) in &refusals {
        let challenge = open_challenge(&server, &app).await;
        let credential = key.assert(&request_options(&challenge), how);
        let reply = respond(&server, &app, &challenge, &credential, responses.clone()).await;
        reply.assert_error("NotAuthorizedException", REFUSED);
        assert!(!format!("{:?}", reply.body).contains(&ana), "{case}");
        // The challenge was taken: the right passkey cannot use it after.
        let good = ana_phone.assert(&request_options(&challenge), &Ceremony::default());
        respond(&server, &app, &challenge, &good, json!({}))
            .await
            .assert_error("NotAuthorizedException", EXPIRED);
    }
    // Nothing was recorded as a use.
    let stored = server
        .service
        .store()
        .list_passkeys(&app.app.pool_id, UserId::parse(&ana).unwrap())
        .await
        .unwrap();
    assert_eq!(stored[0].last_used_at, None);

    // A challenge answered at another app's client is expired there.
    let challenge = open_challenge(&server, &app).await;
    let credential = stranger_key.assert(&request_options(&challenge), &Ceremony::default());
    respond(&server, &other_app, &challenge, &credential, json!({}))
        .await
        .assert_error("NotAuthorizedException", EXPIRED);

    // A passkey whose user is gone signs in nobody.
    let (gone, gone_key) = user_with_passkey(&server, &app, "gone@example.com").await;
    let tokens = tokens_of(&server.srp_sign_in(&app, "gone@example.com", PASSWORD).await);
    server
        .call("DeleteUser", json!({"AccessToken": tokens.access}))
        .await
        .ok();
    sign_in(&server, &app, &gone_key, &Ceremony::default())
        .await
        .assert_error("NotAuthorizedException", REFUSED);
    assert!(!gone.is_empty());
}

#[tokio::test]
async fn refusals_count_on_the_users_passkey_lockout() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Lockout").await;
    let (_, phone) = user_with_passkey(&server, &app, "lou@example.com").await;
    for _ in 0..5 {
        sign_in(
            &server,
            &app,
            &phone,
            &Ceremony::origin("https://evil.example"),
        )
        .await
        .assert_error("NotAuthorizedException", REFUSED);
    }
    sign_in(&server, &app, &phone, &Ceremony::default())
        .await
        .assert_error("NotAuthorizedException", "Password attempts exceeded");
    // The password is a lockout of its own.
    tokens_of(&server.srp_sign_in(&app, "lou@example.com", PASSWORD).await);
    server.clock.advance(3_601);
    tokens_of(&sign_in(&server, &app, &phone, &Ceremony::default()).await);
}

#[tokio::test]
async fn a_usernameless_challenge_needs_passkeys_on_and_a_named_answer_needs_its_name() {
    let server = TestServer::start().await;
    let app = server.app("Off").await;
    initiate(&server, &app, json!({})).await.assert_error(
        "WebAuthnNotEnabledException",
        "Passkeys are not enabled for this app.",
    );
    // Without a preference, USER_AUTH still needs a name.
    let reply = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_AUTH", "ClientId": app.app.client.id.as_str(),
                   "AuthParameters": {"PREFERRED_CHALLENGE": "PASSWORD_SRP"}}),
        )
        .await;
    reply.assert_error(
        "InvalidParameterException",
        "Missing required parameter USERNAME",
    );

    // A named challenge's answer still needs the name.
    let app = passkey_app(&server, "On").await;
    let (_, phone) = user_with_passkey(&server, &app, "ned@example.com").await;
    let named = passkey_challenge(&server, &app, "ned@example.com").await;
    let credential = phone.assert(&request_options(&named), &Ceremony::default());
    respond(&server, &app, &named, &credential, json!({}))
        .await
        .assert_error(
            "InvalidParameterException",
            "Missing required parameter USERNAME",
        );
    let reply = respond(
        &server,
        &app,
        &named,
        &credential,
        json!({"USERNAME": "ned@example.com"}),
    )
    .await;
    tokens_of(&reply);
}

#[tokio::test]
async fn a_client_with_a_secret_hashes_the_passkeys_user() {
    let server = TestServer::start().await;
    let app = server.app_with_secret("Backend").await;
    turn_on_passkeys(&server, &app).await;
    let client_id = app.app.client.id.as_str();
    let secret = app.client_secret.clone().unwrap();
    let hash = |name: &str| auth_return_crypto::secret_hash::compute(&secret, name, client_id);
    let email = "sol@example.com";
    let (sub, phone) = secret_client_user_with_passkey(&server, &app, email).await;

    // The challenge needs no hash (no name to hash); the answer does, over the passkey's user.
    let unverified = format!("Unable to verify secret hash for client {client_id}");
    let challenge = open_challenge(&server, &app).await;
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    for responses in [
        json!({}),
        json!({"SECRET_HASH": hash("nobody@example.com")}),
        json!({"SECRET_HASH": hash("")}),
    ] {
        respond(&server, &app, &challenge, &credential, responses)
            .await
            .assert_error("NotAuthorizedException", &unverified);
    }
    // Refused before the challenge was taken: with the hash over the user's id it signs in.
    let reply = respond(
        &server,
        &app,
        &challenge,
        &credential,
        json!({"SECRET_HASH": hash(&sub)}),
    )
    .await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], sub.as_str());
    // A passkey nobody here registered gets the same refusal as a wrong hash.
    let challenge = open_challenge(&server, &app).await;
    let credential =
        Authenticator::new().assert(&request_options(&challenge), &Ceremony::default());
    respond(
        &server,
        &app,
        &challenge,
        &credential,
        json!({"SECRET_HASH": hash(email)}),
    )
    .await
    .assert_error("NotAuthorizedException", &unverified);
}
