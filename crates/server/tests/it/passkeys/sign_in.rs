//! Choice-based sign-in (`USER_AUTH`): the `WEB_AUTHN` challenge and its answer, which asks for
//! no second factor; `SELECT_CHALLENGE` and each first factor it offers; the signature counter.

use super::authenticator::{AT, Authenticator, BE, BS, Ceremony, UP, UV};
use super::support::*;
use crate::common::{PASSWORD, Reply, TestServer, claims};
use auth_return_core::UserId;
use auth_return_crypto::srp;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// RespondToAuthChallenge `SELECT_CHALLENGE` choosing `factor`, with extra responses.
pub async fn choose(
    server: &TestServer,
    app: &auth_return_core::CreatedApp,
    challenge: &Value,
    username: &str,
    factor: &str,
    extra: Value,
) -> Reply {
    let mut responses = json!({ "USERNAME": username, "ANSWER": factor });
    for (name, value) in extra.as_object().unwrap() {
        responses[name] = value.clone();
    }
    server
        .call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "SELECT_CHALLENGE",
                "ClientId": app.app.client.id.as_str(),
                "Session": challenge["Session"],
                "ChallengeResponses": responses,
            }),
        )
        .await
}

/// The sorted member names of a JSON object.
pub fn members(value: &Value) -> Vec<String> {
    let mut names: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_passkey_signs_in_with_no_second_factor_even_when_mfa_is_on() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Sign in").await;
    let (sub, tokens) = signed_in(&server, &app, "jo@example.com").await;
    let mut phone = Authenticator::new();
    register(&server, &tokens.access, &mut phone).await;
    update(&server, &app, json!({"mfa": {"mode": "ON"}})).await;
    // The password asks for a second factor now (an authenticator app to set up)...
    let password = server.srp_sign_in(&app, "jo@example.com", PASSWORD).await;
    assert_eq!(password.ok()["ChallengeName"], "MFA_SETUP");

    // ... a passkey does not.
    let challenge = passkey_challenge(&server, &app, "jo@example.com").await;
    assert_eq!(
        members(&challenge["ChallengeParameters"]),
        ["CREDENTIAL_REQUEST_OPTIONS", "USERNAME"]
    );
    assert_eq!(challenge["ChallengeParameters"]["USERNAME"], sub.as_str());
    assert!(challenge["Session"].as_str().is_some_and(|s| !s.is_empty()));
    let options = request_options(&challenge);
    assert_eq!(options["rpId"], "localhost", "{options}");
    assert_eq!(options["userVerification"], "required", "{options}");
    assert_eq!(options["timeout"], 180_000, "{options}");
    assert_eq!(allowed(&options), vec![phone.id()]);
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(options["challenge"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    let credential = phone.assert(&options, &Ceremony::default());
    let reply = answer(&server, &app, &challenge, "jo@example.com", &credential).await;
    assert!(
        reply.ok().get("ChallengeName").is_none(),
        "{:?}",
        reply.body
    );
    let signed = tokens_of(&reply);
    assert_eq!(claims(&signed.id)["sub"], sub.as_str());
    assert_eq!(claims(&signed.access)["sub"], sub.as_str());
    let user = server
        .call("GetUser", json!({ "AccessToken": signed.access }))
        .await;
    assert_eq!(user.ok()["Username"], sub.as_str());

    // By the internal username too, and without a userHandle (it is optional).
    let reply = passkey_sign_in(
        &server,
        &app,
        &sub,
        &phone,
        &Ceremony {
            user_handle: false,
            ..Ceremony::default()
        },
    )
    .await;
    tokens_of(&reply);

    // The use is recorded on the passkey, and the sign-ins as sign-ins.
    let uid = UserId::parse(&sub).unwrap();
    let stored = server
        .service
        .store()
        .list_passkeys(&app.app.pool_id, uid)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].last_used_at, Some(server.clock_now()));
    let signs: Vec<String> = events(&server, &app)
        .await
        .iter()
        .filter(|e| e.kind.as_str().starts_with("sign_in"))
        .map(|e| e.kind.as_str().to_owned())
        .collect();
    assert_eq!(
        signs.iter().filter(|k| *k == "sign_in").count(),
        3,
        "{signs:?}"
    );
}

#[tokio::test]
async fn select_challenge_offers_the_first_factors_and_starts_the_chosen_one() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Choice").await;
    let (sub, tokens) = signed_in(&server, &app, "kai@example.com").await;
    let mut phone = Authenticator::new();
    register(&server, &tokens.access, &mut phone).await;
    let email = "kai@example.com";
    let (s, a) = (&server, &app);
    let select = move || async move { user_auth(s, a, email, json!({})).await.ok().clone() };

    let challenge = select().await;
    assert_eq!(
        challenge["ChallengeName"], "SELECT_CHALLENGE",
        "{challenge}"
    );
    assert_eq!(
        challenge["AvailableChallenges"],
        json!(["WEB_AUTHN", "PASSWORD_SRP", "PASSWORD"])
    );
    assert_eq!(challenge["ChallengeParameters"], json!({"USERNAME": sub}));
    // An empty preference is none.
    let empty = user_auth(&server, &app, email, json!({"PREFERRED_CHALLENGE": ""})).await;
    assert_eq!(empty.ok()["ChallengeName"], "SELECT_CHALLENGE");

    // WEB_AUTHN: the passkey challenge, answered.
    let chosen = choose(&server, &app, &challenge, email, "WEB_AUTHN", json!({})).await;
    let chosen = chosen.ok().clone();
    assert_eq!(chosen["ChallengeName"], "WEB_AUTHN", "{chosen}");
    let credential = phone.assert(&request_options(&chosen), &Ceremony::default());
    let signed = tokens_of(&answer(&server, &app, &chosen, email, &credential).await);
    assert_eq!(claims(&signed.id)["sub"], sub.as_str());
    // The SELECT_CHALLENGE Session chooses once.
    for (factor, extra) in [
        ("WEB_AUTHN", json!({})),
        ("PASSWORD", json!({"PASSWORD": PASSWORD})),
    ] {
        choose(&server, &app, &challenge, email, factor, extra)
            .await
            .assert_error("NotAuthorizedException", EXPIRED);
    }

    // PASSWORD: tokens at once (no MFA here); a wrong one is a wrong password.
    let challenge = select().await;
    choose(
        &server,
        &app,
        &challenge,
        email,
        "PASSWORD",
        json!({"PASSWORD": "Wrong-Horse-9"}),
    )
    .await
    .assert_error("NotAuthorizedException", "Incorrect username or password.");
    let challenge = select().await;
    let reply = choose(
        &server,
        &app,
        &challenge,
        email,
        "PASSWORD",
        json!({"PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], sub.as_str());

    // PASSWORD_SRP: the PASSWORD_VERIFIER challenge, answered as amazon-cognito-identity-js does.
    let challenge = select().await;
    let eph = srp::client_ephemeral();
    let verifier = choose(
        &server,
        &app,
        &challenge,
        email,
        "PASSWORD_SRP",
        json!({"SRP_A": eph.srp_a_hex}),
    )
    .await;
    let verifier = verifier.ok().clone();
    assert_eq!(verifier["ChallengeName"], "PASSWORD_VERIFIER", "{verifier}");
    let reply = srp_verify(&server, &app, &verifier, &eph).await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], sub.as_str());

    // A factor that is none, or needs a parameter not given.
    let challenge = select().await;
    for (factor, extra, message) in [
        (
            "EMAIL_OTP",
            json!({}),
            "EMAIL_OTP is not a first factor this user pool offers.",
        ),
        (
            "CUSTOM",
            json!({}),
            "Invalid challenge CUSTOM: expected WEB_AUTHN, PASSWORD_SRP or PASSWORD.",
        ),
    ] {
        choose(&server, &app, &challenge, email, factor, extra)
            .await
            .assert_error("InvalidParameterException", message);
    }
    let missing = choose(&server, &app, &challenge, email, "PASSWORD", json!({})).await;
    assert_eq!(missing.error_type(), "InvalidParameterException");
    // Another name with this Session.
    choose(
        &server,
        &app,
        &challenge,
        "someone@example.com",
        "PASSWORD",
        json!({"PASSWORD": PASSWORD}),
    )
    .await
    .assert_error("NotAuthorizedException", EXPIRED);

    // A preferred first factor skips the choice.
    let reply = user_auth(
        &server,
        &app,
        email,
        json!({"PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], sub.as_str());
    let eph = srp::client_ephemeral();
    let verifier = user_auth(
        &server,
        &app,
        email,
        json!({"PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": eph.srp_a_hex}),
    )
    .await;
    let verifier = verifier.ok().clone();
    assert_eq!(verifier["ChallengeName"], "PASSWORD_VERIFIER", "{verifier}");
    tokens_of(&srp_verify(&server, &app, &verifier, &eph).await);

    // Passkeys off: no WEB_AUTHN to choose, and preferring it is choosing among the others.
    update(&server, &app, json!({"passkeys": {"enabled": false}})).await;
    let challenge = select().await;
    assert_eq!(
        challenge["AvailableChallenges"],
        json!(["PASSWORD_SRP", "PASSWORD"])
    );
    let preferred = user_auth(
        &server,
        &app,
        email,
        json!({"PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await;
    let preferred = preferred.ok();
    assert_eq!(
        preferred["ChallengeName"], "SELECT_CHALLENGE",
        "{preferred}"
    );
    assert_eq!(
        preferred["AvailableChallenges"],
        json!(["PASSWORD_SRP", "PASSWORD"])
    );
    choose(&server, &app, &challenge, email, "WEB_AUTHN", json!({}))
        .await
        .assert_error(
            "InvalidParameterException",
            "The chosen challenge is not one this app offers.",
        );
    // That refusal did not spend the Session.
    let reply = choose(
        &server,
        &app,
        &challenge,
        email,
        "PASSWORD",
        json!({"PASSWORD": PASSWORD}),
    )
    .await;
    tokens_of(&reply);
}

#[tokio::test]
async fn the_signature_counter_is_stored_and_a_counter_going_back_is_refused() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Counter").await;
    let (_, tokens) = signed_in(&server, &app, "lou@example.com").await;
    let email = "lou@example.com";
    let mut phone = Authenticator::new();
    register(&server, &tokens.access, &mut phone).await;

    // An authenticator without a counter (always 0, as synced passkeys are) signs in again and
    // again.
    for _ in 0..2 {
        tokens_of(&passkey_sign_in(&server, &app, email, &phone, &Ceremony::counter(0)).await);
    }
    // Once it counts, webauthn-rs refuses a counter that does not go forward (a cloned
    // authenticator): lower, equal or back to 0.
    tokens_of(&passkey_sign_in(&server, &app, email, &phone, &Ceremony::counter(5)).await);
    for counter in [5, 3, 0] {
        passkey_sign_in(&server, &app, email, &phone, &Ceremony::counter(counter))
            .await
            .assert_error("NotAuthorizedException", REFUSED);
    }
    tokens_of(&passkey_sign_in(&server, &app, email, &phone, &Ceremony::counter(6)).await);
    passkey_sign_in(&server, &app, email, &phone, &Ceremony::counter(6))
        .await
        .assert_error("NotAuthorizedException", REFUSED);
    tokens_of(&passkey_sign_in(&server, &app, email, &phone, &Ceremony::counter(1000)).await);

    // A counter from registration on is the floor of the first sign-in.
    let (_, may) = signed_in(&server, &app, "may@example.com").await;
    let mut key = Authenticator::new();
    let reply = register_as(&server, &may.access, &mut key, &Ceremony::counter(10)).await;
    reply.ok();
    passkey_sign_in(
        &server,
        &app,
        "may@example.com",
        &key,
        &Ceremony::counter(10),
    )
    .await
    .assert_error("NotAuthorizedException", REFUSED);
    tokens_of(
        &passkey_sign_in(
            &server,
            &app,
            "may@example.com",
            &key,
            &Ceremony::counter(11),
        )
        .await,
    );
}

#[tokio::test]
async fn synced_passkeys_sign_in_and_backup_eligibility_only_goes_up() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Synced").await;
    let (_, tokens) = signed_in(&server, &app, "ona@example.com").await;
    let email = "ona@example.com";
    let flags = |f| Ceremony {
        flags: Some(f),
        ..Ceremony::default()
    };
    // A synced passkey (backup eligible, backed up) registers and signs in, backed up or not.
    let mut synced = Authenticator::new();
    let reply = register_as(
        &server,
        &tokens.access,
        &mut synced,
        &flags(UP | UV | AT | BE | BS),
    )
    .await;
    reply.ok();
    for f in [UP | UV | BE | BS, UP | UV | BE] {
        tokens_of(&passkey_sign_in(&server, &app, email, &synced, &flags(f)).await);
    }
    // Eligibility does not go away...
    passkey_sign_in(&server, &app, email, &synced, &flags(UP | UV))
        .await
        .assert_error("NotAuthorizedException", REFUSED);
    // ... and a device-bound passkey may become eligible (webauthn-rs allows the upgrade for
    // passkeys, and the stored credential records it), but never claims to be backed up while
    // the stored credential is not eligible.
    let (_, pia) = signed_in(&server, &app, "pia@example.com").await;
    let mut bound = Authenticator::new();
    register(&server, &pia.access, &mut bound).await;
    let pia_signs_in =
        async |f: u8| passkey_sign_in(&server, &app, "pia@example.com", &bound, &flags(f)).await;
    for f in [UP | UV | BS, UP | UV | BE | BS] {
        pia_signs_in(f)
            .await
            .assert_error("NotAuthorizedException", REFUSED);
    }
    tokens_of(&pia_signs_in(UP | UV | BE).await);
    tokens_of(&pia_signs_in(UP | UV | BE | BS).await);
    pia_signs_in(UP | UV)
        .await
        .assert_error("NotAuthorizedException", REFUSED);
    // A registration claiming a backup without eligibility is refused.
    let mut odd = Authenticator::new();
    register_as(&server, &pia.access, &mut odd, &flags(UP | UV | AT | BS))
        .await
        .assert_error(
            "WebAuthnCredentialNotSupportedException",
            "The passkey credential is not supported: it is malformed or does not verify",
        );
}

#[tokio::test]
async fn refused_passkey_answers_are_counted_and_meet_the_lockout() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Lockout").await;
    let (_, tokens) = signed_in(&server, &app, "ned@example.com").await;
    let email = "ned@example.com";
    let mut phone = Authenticator::new();
    register(&server, &tokens.access, &mut phone).await;
    let wrong = Ceremony::origin("https://evil.example");
    for _ in 0..5 {
        passkey_sign_in(&server, &app, email, &phone, &wrong)
            .await
            .assert_error("NotAuthorizedException", REFUSED);
    }
    // Locked: even the right answer is refused now...
    passkey_sign_in(&server, &app, email, &phone, &Ceremony::default())
        .await
        .assert_error("NotAuthorizedException", "Password attempts exceeded");
    // ... but the password is a streak of its own.
    tokens_of(&server.srp_sign_in(&app, email, PASSWORD).await);
    // The lock passes; a good answer clears the streak.
    server.clock.advance(2);
    tokens_of(&passkey_sign_in(&server, &app, email, &phone, &Ceremony::default()).await);
    for _ in 0..4 {
        passkey_sign_in(&server, &app, email, &phone, &wrong)
            .await
            .assert_error("NotAuthorizedException", REFUSED);
    }
    tokens_of(&passkey_sign_in(&server, &app, email, &phone, &Ceremony::default()).await);
}

/// Answers `PASSWORD_VERIFIER` (its reply body `verifier`) with the right password.
async fn srp_verify(
    server: &TestServer,
    app: &auth_return_core::CreatedApp,
    verifier: &Value,
    eph: &srp::ClientEphemeral,
) -> Reply {
    let responses = server.srp_answer(app.app.pool_id.as_str(), verifier, eph, PASSWORD);
    let mut body = json!({"ChallengeName": "PASSWORD_VERIFIER",
                          "ClientId": app.app.client.id.as_str(),
                          "ChallengeResponses": responses});
    if let Some(session) = verifier.get("Session") {
        body["Session"] = session.clone();
    }
    server.call("RespondToAuthChallenge", body).await
}

/// The ids of `allowCredentials`.
pub fn allowed(options: &Value) -> Vec<String> {
    options["allowCredentials"]
        .as_array()
        .unwrap_or_else(|| panic!("no allowCredentials: {options}"))
        .iter()
        .map(|c| {
            assert_eq!(c["type"], "public-key", "{options}");
            c["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_client_with_a_secret_sends_its_secret_hash_at_each_step() {
    let server = TestServer::start().await;
    let app = server.app_with_secret("Backend").await;
    update(
        &server,
        &app,
        json!({"passkeys": {"enabled": true, "relying_party_id": "localhost",
                             "origins": [super::authenticator::ORIGIN]}}),
    )
    .await;
    let client_id = app.app.client.id.as_str();
    let secret = app.client_secret.clone().unwrap();
    let hash = |name: &str| auth_return_crypto::secret_hash::compute(&secret, name, client_id);
    let email = "sol@example.com";
    let (_, phone) = secret_client_user_with_passkey(&server, &app, email).await;

    let unverified = format!("Unable to verify secret hash for client {client_id}");
    for name in [email, "nobody@example.com"] {
        for params in [
            json!({"PREFERRED_CHALLENGE": "WEB_AUTHN"}),
            json!({}),
            json!({"PREFERRED_CHALLENGE": "WEB_AUTHN", "SECRET_HASH": hash("someone else")}),
        ] {
            user_auth(&server, &app, name, params)
                .await
                .assert_error("NotAuthorizedException", &unverified);
        }
    }
    let challenge = user_auth(
        &server,
        &app,
        email,
        json!({"PREFERRED_CHALLENGE": "WEB_AUTHN", "SECRET_HASH": hash(email)}),
    )
    .await;
    let challenge = challenge.ok().clone();
    assert_eq!(challenge["ChallengeName"], "WEB_AUTHN", "{challenge}");
    let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
    let respond = |secret_hash: Option<String>| {
        let mut responses = json!({"USERNAME": email, "CREDENTIAL": credential.to_string()});
        if let Some(h) = secret_hash {
            responses["SECRET_HASH"] = json!(h);
        }
        server.call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "WEB_AUTHN", "ClientId": client_id,
                   "Session": challenge["Session"], "ChallengeResponses": responses}),
        )
    };
    // Refused before the challenge is taken: the right answer with its hash still signs in.
    respond(None)
        .await
        .assert_error("NotAuthorizedException", &unverified);
    respond(Some(hash("nobody@example.com")))
        .await
        .assert_error("NotAuthorizedException", &unverified);
    let sub = challenge["ChallengeParameters"]["USERNAME"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = respond(Some(hash(&sub))).await;
    assert_eq!(claims(&tokens_of(&reply).id)["sub"], sub.as_str());
}
