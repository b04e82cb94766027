//! What the passkey tests share: an app with passkeys on, its users signed in, the Cognito calls
//! of registration and of a `USER_AUTH` sign-in, and the pool's events.

use super::authenticator::{Authenticator, Ceremony, ORIGIN};
pub use crate::common::pool_events as events;
use crate::common::{PASSWORD, Reply, TestServer, Tokens};
use auth_return_core::CreatedApp;
use auth_return_core::apps::{Actor, AppUpdate};
use serde_json::{Value, json};

/// "The Session expired": Cognito's words for every dead `Session`.
pub const EXPIRED: &str = "Invalid session for the user, session is expired.";
/// What every refused passkey answer says.
pub const REFUSED: &str = "The passkey could not be verified.";

/// Changes the app's settings by `update` (the JSON of `PATCH /api/apps/{id}`).
pub async fn update(server: &TestServer, app: &CreatedApp, update: Value) {
    let update: AppUpdate = serde_json::from_value(update).unwrap();
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Default::default())
        .await
        .unwrap();
}

/// An app with passkeys on for relying party `localhost` and browser origin [`ORIGIN`].
pub async fn passkey_app(server: &TestServer, name: &str) -> CreatedApp {
    let app = server.app(name).await;
    turn_on_passkeys(server, &app).await;
    app
}

/// Turns passkeys on for relying party `localhost` and browser origin [`ORIGIN`].
pub async fn turn_on_passkeys(server: &TestServer, app: &CreatedApp) {
    update(
        server,
        app,
        json!({"passkeys": {"enabled": true, "relying_party_id": "localhost", "origins": [ORIGIN]}}),
    )
    .await;
}

/// A confirmed user of `app`, signed in with their password: (sub, tokens).
pub async fn signed_in(server: &TestServer, app: &CreatedApp, email: &str) -> (String, Tokens) {
    let sub = server
        .confirmed_user(app.app.client.id.as_str(), email, PASSWORD)
        .await;
    (sub, server.tokens(app, email, PASSWORD).await)
}

/// StartWebAuthnRegistration.
pub async fn start(server: &TestServer, access: &str) -> Reply {
    server
        .call(
            "StartWebAuthnRegistration",
            json!({ "AccessToken": access }),
        )
        .await
}

/// StartWebAuthnRegistration's `CredentialCreationOptions`.
pub async fn creation_options(server: &TestServer, access: &str) -> Value {
    start(server, access).await.ok()["CredentialCreationOptions"].clone()
}

/// CompleteWebAuthnRegistration with `credential`.
pub async fn complete(server: &TestServer, access: &str, credential: &Value) -> Reply {
    server
        .call(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": access, "Credential": credential }),
        )
        .await
}

/// A whole registration of `authenticator`, answered as `how` says: Complete's reply.
pub async fn register_as(
    server: &TestServer,
    access: &str,
    authenticator: &mut Authenticator,
    how: &Ceremony,
) -> Reply {
    let options = creation_options(server, access).await;
    let credential = authenticator.register(&options, how);
    complete(server, access, &credential).await
}

/// A whole well-behaved registration of `authenticator`, which must succeed.
pub async fn register(server: &TestServer, access: &str, authenticator: &mut Authenticator) {
    let reply = register_as(server, access, authenticator, &Ceremony::default()).await;
    assert_eq!(reply.ok(), &json!({}));
}

/// ListWebAuthnCredentials, with `MaxResults` and `NextToken` when given.
pub async fn list_page(
    server: &TestServer,
    access: &str,
    max_results: Option<i64>,
    next_token: Option<&str>,
) -> Reply {
    let mut body = json!({ "AccessToken": access });
    if let Some(max) = max_results {
        body["MaxResults"] = json!(max);
    }
    if let Some(token) = next_token {
        body["NextToken"] = json!(token);
    }
    server.call("ListWebAuthnCredentials", body).await
}

/// The credential ids ListWebAuthnCredentials shows (one page of up to 20).
pub async fn listed_ids(server: &TestServer, access: &str) -> Vec<String> {
    list_page(server, access, None, None).await.ok()["Credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CredentialId"].as_str().unwrap().to_owned())
        .collect()
}

/// InitiateAuth `USER_AUTH` for `username` with extra `AuthParameters`.
pub async fn user_auth(
    server: &TestServer,
    app: &CreatedApp,
    username: &str,
    parameters: Value,
) -> Reply {
    let mut params = json!({ "USERNAME": username });
    for (name, value) in parameters.as_object().unwrap() {
        params[name] = value.clone();
    }
    server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_AUTH", "ClientId": app.app.client.id.as_str(),
                   "AuthParameters": params}),
        )
        .await
}

/// `USER_AUTH` preferring `WEB_AUTHN`: the `WEB_AUTHN` challenge's reply body.
pub async fn passkey_challenge(server: &TestServer, app: &CreatedApp, username: &str) -> Value {
    let reply = user_auth(
        server,
        app,
        username,
        json!({"PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await;
    let body = reply.ok().clone();
    assert_eq!(body["ChallengeName"], "WEB_AUTHN", "{body}");
    body
}

/// A `WEB_AUTHN` challenge's `CREDENTIAL_REQUEST_OPTIONS`, parsed.
pub fn request_options(challenge: &Value) -> Value {
    let text = challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
        .as_str()
        .unwrap_or_else(|| panic!("no request options: {challenge}"));
    serde_json::from_str(text).unwrap()
}

/// RespondToAuthChallenge `WEB_AUTHN` as `username` with `credential` (its JSON, in a string,
/// as Amplify sends it).
pub async fn answer(
    server: &TestServer,
    app: &CreatedApp,
    challenge: &Value,
    username: &str,
    credential: &Value,
) -> Reply {
    server
        .call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "WEB_AUTHN",
                "ClientId": app.app.client.id.as_str(),
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": username,
                    "CREDENTIAL": credential.to_string(),
                },
            }),
        )
        .await
}

/// A whole passkey sign-in of `username` with `authenticator`, answered as `how` says.
pub async fn passkey_sign_in(
    server: &TestServer,
    app: &CreatedApp,
    username: &str,
    authenticator: &Authenticator,
    how: &Ceremony,
) -> Reply {
    let challenge = passkey_challenge(server, app, username).await;
    let credential = authenticator.assert(&request_options(&challenge), how);
    answer(server, app, &challenge, username, &credential).await
}

/// The tokens of a reply that signed in.
#[track_caller]
pub fn tokens_of(reply: &Reply) -> Tokens {
    let result = &reply.ok()["AuthenticationResult"];
    assert!(result.is_object(), "{:?}", reply.body);
    Tokens {
        id: result["IdToken"].as_str().unwrap().to_owned(),
        access: result["AccessToken"].as_str().unwrap().to_owned(),
        refresh: result["RefreshToken"].as_str().unwrap().to_owned(),
    }
}

/// The codes of the pool's events whose code starts with `passkey_`, oldest first, each with
/// its detail.
pub async fn passkey_events(server: &TestServer, app: &CreatedApp) -> Vec<(String, Value)> {
    events(server, app)
        .await
        .into_iter()
        .filter(|e| e.kind.as_str().starts_with("passkey_"))
        .map(|e| (e.kind.as_str().to_owned(), Value::Object(e.detail)))
        .collect()
}

/// A confirmed user `email` of `app`, whose client has a secret (so every call sends
/// `SECRET_HASH`), signed in with their password and holding a registered passkey: their sub
/// and the passkey.
pub async fn secret_client_user_with_passkey(
    server: &TestServer,
    app: &CreatedApp,
    email: &str,
) -> (String, Authenticator) {
    let client_id = app.app.client.id.as_str();
    let secret = app.client_secret.clone().unwrap();
    let hash = auth_return_crypto::secret_hash::compute(&secret, email, client_id);
    let signed_up = server
        .call(
            "SignUp",
            json!({"ClientId": client_id, "Username": email, "Password": PASSWORD,
                   "SecretHash": hash}),
        )
        .await;
    let sub = signed_up.ok()["UserSub"].as_str().unwrap().to_owned();
    let code = server.last_code(email);
    server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": email, "ConfirmationCode": code,
                   "SecretHash": hash}),
        )
        .await
        .ok();
    let reply = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
                   "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD,
                                      "SECRET_HASH": hash}}),
        )
        .await;
    let mut phone = Authenticator::new();
    register(server, &tokens_of(&reply).access, &mut phone).await;
    (sub, phone)
}
