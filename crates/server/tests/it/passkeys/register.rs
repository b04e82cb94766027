//! Registering passkeys (StartWebAuthnRegistration, CompleteWebAuthnRegistration), listing them
//! page by page and removing them; and every registration refused, by its exact error, with
//! nothing stored.

use super::authenticator::{AT, Authenticator, Ceremony, UP, UV};
use super::support::*;
use crate::common::{TestServer, claims};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

#[tokio::test]
async fn a_passkey_is_registered_listed_page_by_page_and_removed() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Passkeys").await;
    let (sub, tokens) = signed_in(&server, &app, "ann@example.com").await;
    let access = tokens.access.as_str();
    assert_eq!(claims(&tokens.id)["sub"], sub.as_str());
    assert!(listed_ids(&server, access).await.is_empty());

    // The creation options name the relying party and the user, ask for user verification and
    // no attestation, and exclude nothing yet.
    let options = creation_options(&server, access).await;
    assert_eq!(options["rp"]["id"], "localhost", "{options}");
    assert_eq!(options["rp"]["name"], "Passkeys", "{options}");
    let user_id = URL_SAFE_NO_PAD.encode(uuid::Uuid::parse_str(&sub).unwrap().as_bytes());
    assert_eq!(options["user"]["id"], user_id.as_str(), "{options}");
    assert_eq!(options["user"]["name"], "ann@example.com", "{options}");
    let challenge = URL_SAFE_NO_PAD
        .decode(options["challenge"].as_str().unwrap())
        .unwrap();
    assert!(challenge.len() >= 16, "{options}");
    assert_eq!(
        options["authenticatorSelection"]["userVerification"], "required",
        "{options}"
    );
    assert_eq!(options["attestation"], "none", "{options}");
    assert_eq!(options["timeout"], 180_000, "{options}");
    let algs: Vec<i64> = options["pubKeyCredParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["alg"].as_i64().unwrap())
        .collect();
    assert!(algs.contains(&-7), "ES256 is offered: {options}");
    assert_eq!(excluded(&options), Vec::<String>::new());

    let mut phone = Authenticator::new();
    let credential = phone.register(&options, &Ceremony::default());
    assert_eq!(
        complete(&server, access, &credential).await.ok(),
        &json!({})
    );
    let created_at = server.clock_now();

    let listed = list_page(&server, access, None, None).await;
    assert_eq!(
        listed.ok(),
        &json!({"Credentials": [{
            "CredentialId": phone.id(),
            "FriendlyCredentialName": "Passkey on this device",
            "RelyingPartyId": "localhost",
            "AuthenticatorAttachment": "platform",
            "AuthenticatorTransports": ["internal", "hybrid"],
            "CreatedAt": created_at,
        }]})
    );

    // A second registration excludes the first passkey; a security key, and a passkey whose
    // browser named no attachment, are named for what they are.
    server.clock.advance(1);
    let options = creation_options(&server, access).await;
    assert_eq!(excluded(&options), vec![phone.id()]);
    let mut key = Authenticator::new();
    key.attachment = "cross-platform";
    key.transports = vec!["usb", "nfc"];
    let credential = key.register(&options, &Ceremony::default());
    complete(&server, access, &credential).await.ok();
    server.clock.advance(1);
    let mut other = Authenticator::new();
    let mut credential = other.register(
        &creation_options(&server, access).await,
        &Ceremony::default(),
    );
    credential
        .as_object_mut()
        .unwrap()
        .remove("authenticatorAttachment");
    credential["response"]
        .as_object_mut()
        .unwrap()
        .remove("transports");
    complete(&server, access, &credential).await.ok();

    let listed = list_page(&server, access, None, None).await;
    let listed = listed.ok()["Credentials"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed[1],
        json!({
            "CredentialId": key.id(),
            "FriendlyCredentialName": "Security key",
            "RelyingPartyId": "localhost",
            "AuthenticatorAttachment": "cross-platform",
            "AuthenticatorTransports": ["usb", "nfc"],
            "CreatedAt": created_at + 1,
        })
    );
    assert_eq!(
        listed[2],
        json!({
            "CredentialId": other.id(),
            "FriendlyCredentialName": "Passkey",
            "RelyingPartyId": "localhost",
            "AuthenticatorTransports": [],
            "CreatedAt": created_at + 2,
        })
    );

    // Pages: oldest first, NextToken until the last.
    let first = list_page(&server, access, Some(2), None).await;
    let first = first.ok();
    assert_eq!(ids(first), vec![phone.id(), key.id()]);
    let next = first["NextToken"].as_str().expect("a next page");
    let second = list_page(&server, access, Some(2), Some(next)).await;
    assert_eq!(ids(second.ok()), vec![other.id()]);
    assert!(second.ok().get("NextToken").is_none(), "{:?}", second.body);
    let exact = list_page(&server, access, Some(3), None).await;
    assert!(exact.ok().get("NextToken").is_none(), "{:?}", exact.body);
    for max in [0, 21, -1] {
        list_page(&server, access, Some(max), None)
            .await
            .assert_error("InvalidParameterException", "MaxResults must be 1 to 20.");
    }
    for token in ["x", "-1", "21", ""] {
        list_page(&server, access, None, Some(token))
            .await
            .assert_error("InvalidParameterException", "Invalid NextToken.");
    }

    // Removing: once, and only one's own.
    let (_, bob) = signed_in(&server, &app, "bob@example.com").await;
    delete(&server, &bob.access, &key.id())
        .await
        .assert_error("ResourceNotFoundException", "Credential not found.");
    assert_eq!(delete(&server, access, &key.id()).await.ok(), &json!({}));
    assert_eq!(
        listed_ids(&server, access).await,
        vec![phone.id(), other.id()]
    );
    for unknown in [
        key.id(),
        Authenticator::new().id(),
        "not base64!".to_owned(),
    ] {
        delete(&server, access, &unknown)
            .await
            .assert_error("ResourceNotFoundException", "Credential not found.");
    }

    let kinds = passkey_events(&server, &app).await;
    assert_eq!(
        kinds,
        vec![
            (
                "passkey_added".to_owned(),
                json!({"credential": phone.id()})
            ),
            ("passkey_added".to_owned(), json!({"credential": key.id()})),
            (
                "passkey_added".to_owned(),
                json!({"credential": other.id()})
            ),
            (
                "passkey_removed".to_owned(),
                json!({"credential": key.id()})
            ),
        ]
    );
    let added = events(&server, &app)
        .await
        .into_iter()
        .find(|e| e.kind.as_str() == "passkey_added")
        .unwrap();
    assert_eq!(added.email.as_deref(), Some("ann@example.com"));
    assert_eq!(added.user_id.map(|u| u.to_string()), Some(sub));
}

#[tokio::test]
async fn refused_registrations_answer_their_exact_error_and_store_nothing() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Refusals").await;
    let (_, tokens) = signed_in(&server, &app, "cy@example.com").await;
    let access = tokens.access.as_str();
    let origin = "The passkey's origin is not allowed for this app.";
    let rp = "The passkey was made for another relying party.";
    let client = "The credential does not answer this passkey ceremony.";
    let unverified =
        "The passkey credential is not supported: the authenticator did not verify the user";
    let none = "No passkey registration is under way: start a new one.";
    let cases: Vec<(Ceremony, &str, &str)> = vec![
        (
            Ceremony::origin("https://evil.example"),
            "WebAuthnOriginNotAllowedException",
            origin,
        ),
        (
            Ceremony::origin("http://localhost:5174"),
            "WebAuthnOriginNotAllowedException",
            origin,
        ),
        (
            Ceremony::origin("https://localhost:5173"),
            "WebAuthnOriginNotAllowedException",
            origin,
        ),
        (
            Ceremony {
                rp_id: Some("evil.example".into()),
                ..Ceremony::default()
            },
            "WebAuthnRelyingPartyMismatchException",
            rp,
        ),
        (
            Ceremony {
                client_type: Some("webauthn.get".into()),
                ..Ceremony::default()
            },
            "WebAuthnClientMismatchException",
            client,
        ),
        (
            Ceremony {
                challenge: Some(URL_SAFE_NO_PAD.encode([7u8; 32])),
                ..Ceremony::default()
            },
            "WebAuthnClientMismatchException",
            client,
        ),
        (
            Ceremony {
                flags: Some(UP | AT),
                ..Ceremony::default()
            },
            "WebAuthnCredentialNotSupportedException",
            unverified,
        ),
        (
            Ceremony {
                flags: Some(UV | AT),
                ..Ceremony::default()
            },
            "WebAuthnCredentialNotSupportedException",
            unverified,
        ),
    ];
    for (how, kind, message) in &cases {
        let options = creation_options(&server, access).await;
        let mut authenticator = Authenticator::new();
        let refused = authenticator.register(&options, how);
        complete(&server, access, &refused)
            .await
            .assert_error(kind, message);
        // The refusal took the ceremony: even a good answer to it finds none now.
        let good = authenticator.register(&options, &Ceremony::default());
        complete(&server, access, &good)
            .await
            .assert_error("WebAuthnChallengeNotFoundException", none);
        assert!(listed_ids(&server, access).await.is_empty(), "{how:?}");
    }
    let failed: Vec<Value> = passkey_events(&server, &app)
        .await
        .into_iter()
        .map(|(kind, detail)| {
            assert_eq!(kind, "passkey_failed");
            detail
        })
        .collect();
    let reasons: Vec<Value> = cases
        .iter()
        .map(|(_, _, message)| json!({ "reason": message }))
        .collect();
    assert_eq!(failed, reasons);

    // Malformed answers are refused before the ceremony is looked at: it stays, and the good
    // answer still completes it.
    let options = creation_options(&server, access).await;
    let mut authenticator = Authenticator::new();
    let good = authenticator.register(&options, &Ceremony::default());
    let mut no_response = good.clone();
    no_response.as_object_mut().unwrap().remove("response");
    let mut bad_base64 = good.clone();
    bad_base64["response"]["clientDataJSON"] = json!("not base64 at all!");
    for malformed in [
        json!({"id": "x"}),
        json!("a string"),
        json!([good.clone()]),
        no_response,
        bad_base64,
    ] {
        complete(&server, access, &malformed).await.assert_error(
            "InvalidParameterException",
            "Credential is not the JSON of a PublicKeyCredential.",
        );
    }
    server
        .call(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": access }),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'credential' failed to satisfy constraint: Member must not be null",
        );
    assert_eq!(complete(&server, access, &good).await.ok(), &json!({}));
    // Answered twice: the second finds no registration under way, and stores nothing more.
    complete(&server, access, &good)
        .await
        .assert_error("WebAuthnChallengeNotFoundException", none);
    assert_eq!(listed_ids(&server, access).await, vec![authenticator.id()]);

    // No Start at all (another user), or a Start three minutes ago.
    let (_, dee) = signed_in(&server, &app, "dee@example.com").await;
    let mut fresh = Authenticator::new();
    let credential = fresh.register(&options, &Ceremony::default());
    complete(&server, &dee.access, &credential)
        .await
        .assert_error("WebAuthnChallengeNotFoundException", none);
    let options = creation_options(&server, &dee.access).await;
    server.clock.advance(181);
    let credential = fresh.register(&options, &Ceremony::default());
    complete(&server, &dee.access, &credential)
        .await
        .assert_error("WebAuthnChallengeNotFoundException", none);
    assert!(listed_ids(&server, &dee.access).await.is_empty());

    // A new Start replaces the one before: an answer to the first is an answer to another
    // challenge.
    let first = creation_options(&server, &dee.access).await;
    let second = creation_options(&server, &dee.access).await;
    assert_ne!(first["challenge"], second["challenge"]);
    let credential = fresh.register(&first, &Ceremony::default());
    complete(&server, &dee.access, &credential)
        .await
        .assert_error("WebAuthnClientMismatchException", client);
    assert!(listed_ids(&server, &dee.access).await.is_empty());
}

#[tokio::test]
async fn registration_needs_passkeys_on_and_a_valid_access_token() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Toggled").await;
    let (_, tokens) = signed_in(&server, &app, "eli@example.com").await;
    let access = tokens.access.as_str();
    let mut phone = Authenticator::new();
    register(&server, access, &mut phone).await;
    let options = creation_options(&server, access).await;

    update(&server, &app, json!({"passkeys": {"enabled": false}})).await;
    let off = "Passkeys are not enabled for this app.";
    start(&server, access)
        .await
        .assert_error("WebAuthnNotEnabledException", off);
    let mut key = Authenticator::new();
    let credential = key.register(&options, &Ceremony::default());
    complete(&server, access, &credential)
        .await
        .assert_error("WebAuthnNotEnabledException", off);
    // What is registered stays listed, and can be removed.
    assert_eq!(listed_ids(&server, access).await, vec![phone.id()]);

    // Back on: the Start made before is still the one under way (nothing took it).
    update(&server, &app, json!({"passkeys": {"enabled": true}})).await;
    server.clock.advance(1);
    assert_eq!(
        complete(&server, access, &credential).await.ok(),
        &json!({})
    );
    assert_eq!(
        listed_ids(&server, access).await,
        vec![phone.id(), key.id()]
    );
    assert_eq!(delete(&server, access, &phone.id()).await.ok(), &json!({}));

    // No access token is a bad request; a bad or revoked one is not authorized.
    for op in [
        "StartWebAuthnRegistration",
        "CompleteWebAuthnRegistration",
        "ListWebAuthnCredentials",
        "DeleteWebAuthnCredential",
    ] {
        let reply = server
            .call(op, json!({"Credential": {}, "CredentialId": key.id()}))
            .await;
        reply.assert_error(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null",
        );
        let reply = server
            .call(
                op,
                json!({"AccessToken": "not.a.token", "Credential": credential,
                       "CredentialId": key.id()}),
            )
            .await;
        assert_eq!(
            reply.error_type(),
            "NotAuthorizedException",
            "{op}: {:?}",
            reply.body
        );
    }
    server
        .call("GlobalSignOut", json!({ "AccessToken": access }))
        .await
        .ok();
    for op in ["StartWebAuthnRegistration", "ListWebAuthnCredentials"] {
        server
            .call(op, json!({ "AccessToken": access }))
            .await
            .assert_error("NotAuthorizedException", "Access Token has been revoked");
    }
    let again = server
        .tokens(&app, "eli@example.com", crate::common::PASSWORD)
        .await;
    assert_eq!(listed_ids(&server, &again.access).await, vec![key.id()]);
}

#[tokio::test]
async fn a_user_has_at_most_twenty_passkeys() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Many").await;
    let (_, tokens) = signed_in(&server, &app, "fox@example.com").await;
    let access = tokens.access.as_str();
    let mut first = None;
    for _ in 0..20 {
        let mut authenticator = Authenticator::new();
        register(&server, access, &mut authenticator).await;
        first.get_or_insert(authenticator.id());
    }
    let limit = "A user may have at most 20 passkeys: remove one first.";
    start(&server, access)
        .await
        .assert_error("LimitExceededException", limit);
    assert_eq!(listed_ids(&server, access).await.len(), 20);
    let all = list_page(&server, access, Some(20), None).await;
    assert!(all.ok().get("NextToken").is_none());
    // One removed, one more fits.
    delete(&server, access, &first.unwrap()).await.ok();
    let options = creation_options(&server, access).await;
    assert_eq!(excluded(&options).len(), 19);
    let mut last = Authenticator::new();
    let credential = last.register(&options, &Ceremony::default());
    complete(&server, access, &credential).await.ok();
    start(&server, access)
        .await
        .assert_error("LimitExceededException", limit);
}

#[tokio::test]
async fn a_credential_is_registered_once_per_pool() {
    let server = TestServer::start().await;
    let app = passkey_app(&server, "Once").await;
    let (_, gil) = signed_in(&server, &app, "gil@example.com").await;
    let (_, hal) = signed_in(&server, &app, "hal@example.com").await;
    let exists = "This passkey is already registered.";
    let mut phone = Authenticator::new();
    register(&server, &gil.access, &mut phone).await;

    // The same authenticator again for the same user: excluded by the options.
    let reply = register_as(&server, &gil.access, &mut phone, &Ceremony::default()).await;
    reply.assert_error("WebAuthnCredentialNotSupportedException", exists);
    // The same credential id under a new key pair, for the same user.
    let mut twin = Authenticator::new().with_id(&URL_SAFE_NO_PAD.decode(phone.id()).unwrap());
    let reply = register_as(&server, &gil.access, &mut twin, &Ceremony::default()).await;
    reply.assert_error("WebAuthnCredentialNotSupportedException", exists);
    assert_eq!(listed_ids(&server, &gil.access).await, vec![phone.id()]);

    // Another user of the pool: the credential id is taken (a copied key, or a forged id).
    let mut copy = phone.clone();
    let reply = register_as(&server, &hal.access, &mut copy, &Ceremony::default()).await;
    reply.assert_error("WebAuthnCredentialNotSupportedException", exists);
    let reply = register_as(&server, &hal.access, &mut twin, &Ceremony::default()).await;
    reply.assert_error("WebAuthnCredentialNotSupportedException", exists);
    assert!(listed_ids(&server, &hal.access).await.is_empty());

    // Another pool is another relying party's world: the same credential registers there.
    let other = passkey_app(&server, "Elsewhere").await;
    let (_, ivy) = signed_in(&server, &other, "ivy@example.com").await;
    let mut elsewhere = phone.clone();
    register(&server, &ivy.access, &mut elsewhere).await;
    assert_eq!(listed_ids(&server, &ivy.access).await, vec![phone.id()]);
    // And hal, with a new passkey, is fine.
    let mut own = Authenticator::new();
    register(&server, &hal.access, &mut own).await;
    assert_eq!(listed_ids(&server, &hal.access).await, vec![own.id()]);
}

/// The ids of `excludeCredentials` (absent: none).
fn excluded(options: &Value) -> Vec<String> {
    options["excludeCredentials"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    assert_eq!(c["type"], "public-key");
                    c["id"].as_str().unwrap().to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The credential ids of a ListWebAuthnCredentials page.
fn ids(page: &Value) -> Vec<String> {
    page["Credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CredentialId"].as_str().unwrap().to_owned())
        .collect()
}

/// DeleteWebAuthnCredential.
async fn delete(server: &TestServer, access: &str, credential_id: &str) -> crate::common::Reply {
    server
        .call(
            "DeleteWebAuthnCredential",
            json!({ "AccessToken": access, "CredentialId": credential_id }),
        )
        .await
}
