//! No account enumeration through passkeys: a name that is no user, a user without passkeys
//! and a user with one are asked the same way, and refused the same way.

use super::authenticator::{Authenticator, Ceremony};
use super::sign_in::{allowed, members};
use super::support::*;
use crate::common::TestServer;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// What a `WEB_AUTHN` challenge shows of itself, values aside: the challenge's members, its
/// parameters' names, the options' members, and each allowed credential's members with the
/// length of its id.
fn shape(challenge: &Value) -> Value {
    let options = request_options(challenge);
    let allowed: Vec<Value> = options["allowCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!({
                "members": members(c),
                "id_len": URL_SAFE_NO_PAD.decode(c["id"].as_str().unwrap()).unwrap().len(),
            })
        })
        .collect();
    json!({
        "reply": members(challenge),
        "parameters": members(&challenge["ChallengeParameters"]),
        "options": members(&options),
        "rpId": options["rpId"],
        "timeout": options["timeout"],
        "userVerification": options["userVerification"],
        "challenge_len": URL_SAFE_NO_PAD.decode(options["challenge"].as_str().unwrap()).unwrap().len(),
        "username_is_an_id": uuid::Uuid::parse_str(
            challenge["ChallengeParameters"]["USERNAME"].as_str().unwrap()
        ).is_ok(),
        "allowed": allowed,
    })
}

#[tokio::test]
async fn unknown_names_users_without_passkeys_and_with_one_are_asked_and_refused_alike() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Enumeration").await;
    let (_, _kim) = signed_in(&server, &app, "kim@example.com").await;
    let (_, lee) = signed_in(&server, &app, "lee@example.com").await;
    let mut phone = Authenticator::new();
    register(&server, &lee.access, &mut phone).await;
    let names = ["nobody@example.com", "kim@example.com", "lee@example.com"];

    let mut shapes = Vec::new();
    for name in names {
        let first = passkey_challenge(&server, &app, name).await;
        let again = passkey_challenge(&server, &app, name).await;
        shapes.push(shape(&first));
        assert_eq!(shape(&first), shape(&again), "{name}");
        // Each challenge is new; the credential offered, and the name's id, are not.
        let (a, b) = (request_options(&first), request_options(&again));
        assert_ne!(a["challenge"], b["challenge"], "{name}");
        assert_eq!(allowed(&a), allowed(&b), "{name}");
        assert_eq!(allowed(&a).len(), 1, "{name}");
        assert_eq!(
            first["ChallengeParameters"]["USERNAME"], again["ChallengeParameters"]["USERNAME"],
            "{name}"
        );
    }
    assert_eq!(
        shapes[0], shapes[1],
        "an unknown name and a user without passkeys"
    );
    // A real credential id is the authenticator's to choose (32 bytes here, as the decoys');
    // the members around it must not tell.
    assert_eq!(shapes[1], shapes[2], "users without and with a passkey");

    // Decoys differ by name, and by pool.
    let a = request_options(&passkey_challenge(&server, &app, "nobody@example.com").await);
    let b = request_options(&passkey_challenge(&server, &app, "nobody2@example.com").await);
    assert_ne!(allowed(&a), allowed(&b));
    let other = passkey_app(&server, "Elsewhere").await;
    let c = request_options(&passkey_challenge(&server, &other, "nobody@example.com").await);
    assert_ne!(allowed(&a), allowed(&c));

    // Answered (by a key under the credential id offered, or the wrong key for lee): the same
    // refusal for each.
    for name in names {
        let challenge = passkey_challenge(&server, &app, name).await;
        let options = request_options(&challenge);
        let id = URL_SAFE_NO_PAD.decode(&allowed(&options)[0]).unwrap();
        let forged = Authenticator::new()
            .with_id(&id)
            .assert(&options, &Ceremony::default());
        answer(&server, &app, &challenge, name, &forged)
            .await
            .assert_error("NotAuthorizedException", REFUSED);
        // And again on the spent Session: the same for each too.
        answer(&server, &app, &challenge, name, &forged)
            .await
            .assert_error("NotAuthorizedException", EXPIRED);
    }

    // SELECT_CHALLENGE is the same for every name.
    let mut selects = Vec::new();
    for name in names {
        let reply = user_auth(&server, &app, name, json!({})).await;
        let body = reply.ok().clone();
        assert_eq!(body["ChallengeName"], "SELECT_CHALLENGE");
        selects.push((
            members(&body),
            members(&body["ChallengeParameters"]),
            body["AvailableChallenges"].clone(),
        ));
    }
    assert_eq!(selects[0], selects[1]);
    assert_eq!(selects[1], selects[2]);

    // Locked out alike: five refusals lock a name that is no user as they lock a user (an hour
    // on, the streaks above are forgotten).
    server.clock.advance(3_601);
    for name in ["nobody@example.com", "lee@example.com"] {
        for _ in 0..5 {
            let wrong = Authenticator::new();
            let challenge = passkey_challenge(&server, &app, name).await;
            let options = request_options(&challenge);
            let forged = wrong
                .with_id(&URL_SAFE_NO_PAD.decode(&allowed(&options)[0]).unwrap())
                .assert(&options, &Ceremony::default());
            answer(&server, &app, &challenge, name, &forged)
                .await
                .assert_error("NotAuthorizedException", REFUSED);
        }
        let challenge = passkey_challenge(&server, &app, name).await;
        let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
        answer(&server, &app, &challenge, name, &credential)
            .await
            .assert_error("NotAuthorizedException", "Password attempts exceeded");
    }
}
