//! The hosted sign-in endpoint: only our own page may post to it, only SRP and passkeys sign in
//! there, and its answers are the user-pool API's.

use super::support::*;
use crate::common::{PASSWORD, TestServer};
use crate::passkeys::support::turn_on_passkeys;
use reqwest::StatusCode;
use serde_json::json;

fn srp_start(client_id: &str) -> serde_json::Value {
    let eph = auth_return_crypto::srp::client_ephemeral();
    json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
           "AuthParameters": {"USERNAME": "hal@example.com", "SRP_A": eph.srp_a_hex}})
}

#[tokio::test]
async fn sign_in_posts_from_other_sites_are_refused() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Csrf", false).await;
    let client_id = app.app.client.id.to_string();
    let mut browser = Browser::new(&server);
    // No page loaded: no CSRF cookie, no token.
    let bare = browser
        .login_call("InitiateAuth", srp_start(&client_id), &[])
        .await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN);
    assert_eq!(bare.error_type(), "AccessDeniedException");
    browser
        .get(&authorize_path(&app, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    let cases: [&[(&str, &str)]; 3] = [
        &[("origin", "https://evil.example")],
        &[("sec-fetch-site", "cross-site")],
        &[("x-csrf-token", "forged-token")],
    ];
    for headers in cases {
        let refused = browser
            .login_call("InitiateAuth", srp_start(&client_id), headers)
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(refused.headers.get("set-cookie").is_none());
    }
    let same = browser
        .login_call(
            "InitiateAuth",
            srp_start(&client_id),
            &[("origin", &server.url), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{:?}", same.body);
    assert_eq!(same.body["ChallengeName"], "PASSWORD_VERIFIER");
}

#[tokio::test]
async fn the_hosted_endpoint_signs_in_with_srp_only_and_answers_as_the_api_does() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Srp only", false).await;
    let client_id = app.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "hal@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    browser
        .get(&authorize_path(&app, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    let password = browser
        .login_call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
                   "AuthParameters": {"USERNAME": "hal@example.com", "PASSWORD": PASSWORD}}),
            &[],
        )
        .await;
    password.assert_error(
        "InvalidParameterException",
        "The hosted pages sign in with USER_SRP_AUTH, or USER_AUTH with a passkey \
         (PREFERRED_CHALLENGE WEB_AUTHN where the app has passkeys on), only.",
    );
    let other = browser
        .login_call(
            "ListUsers",
            json!({"UserPoolId": app.app.pool_id.to_string()}),
            &[],
        )
        .await;
    other.assert_error(
        "InvalidParameterException",
        "Operation ListUsers is not available on the hosted pages.",
    );
    let wrong = browser
        .sign_in(&app, "hal@example.com", "Wrong-Password-1")
        .await;
    wrong.assert_error("NotAuthorizedException", "Incorrect username or password.");
    assert!(!browser.cookies.keys().any(|k| k.starts_with("ar_session_")));
    let unknown = browser.sign_in(&app, "nobody@example.com", PASSWORD).await;
    unknown.assert_error("NotAuthorizedException", "Incorrect username or password.");
    let right = browser.sign_in(&app, "hal@example.com", PASSWORD).await;
    assert_eq!(right.body, json!({"SignedIn": true}));
    let set_cookie = right
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let max_age: i64 = set_cookie
        .split("Max-Age=")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(max_age, 3600, "the default hosted session is an hour");
}

#[tokio::test]
async fn hosted_pages_refuse_framing_and_are_never_cached() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Frames", false).await;
    let mut browser = Browser::new(&server);
    for page in ["/login", "/signup", "/forgotPassword"] {
        let path = authorize_path(&app, &[]).replacen("/oauth2/authorize", page, 1);
        let answer = browser.get(&path).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        assert_eq!(answer.headers["x-frame-options"], "DENY");
        let csp = answer.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(answer.headers["cache-control"], "no-store");
        let csrf = answer
            .headers
            .get_all("set-cookie")
            .iter()
            .find_map(|v| v.to_str().ok().filter(|v| v.starts_with("ar_csrf=")));
        let csrf = csrf.unwrap_or_default();
        assert!(
            csrf.contains("SameSite=Strict") && csrf.contains("HttpOnly"),
            "{csrf}"
        );
    }
}

#[tokio::test]
async fn a_disabled_user_or_a_new_password_ends_the_hosted_session() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Ends", false).await;
    let client_id = app.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "ivy@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    code_for(&mut browser, &app, "ivy@example.com", PASSWORD, &[]).await;
    server
        .service
        .admin_set_user_enabled(
            auth_return_core::Actor::Operator,
            &app.app.pool_id,
            "ivy@example.com",
            false,
            &Default::default(),
        )
        .await
        .unwrap();
    let after = browser
        .get(&authorize_path(&app, &[("prompt", Some("none"))]))
        .await;
    assert_eq!(after.location_params(false)["error"], "login_required");
}

#[tokio::test]
async fn the_page_signs_users_up_for_an_app_with_a_secret_it_never_sees() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Confidential", true).await;
    let client_id = app.app.client.id.to_string();
    let mut browser = Browser::new(&server);
    browser
        .get(&authorize_path(&app, &[]).replacen("/oauth2/authorize", "/signup", 1))
        .await;
    // On the user-pool API a client with a secret needs SECRET_HASH; the hosted endpoint adds it.
    let api = server.sign_up(&client_id, "jo@example.com", PASSWORD).await;
    assert_eq!(api.error_type(), "NotAuthorizedException");
    let up = browser
        .login_call(
            "SignUp",
            json!({"ClientId": client_id, "Username": "jo@example.com", "Password": PASSWORD}),
            &[],
        )
        .await;
    assert_eq!(up.status, StatusCode::OK, "{:?}", up.body);
    let code = server.last_code("jo@example.com");
    let confirmed = browser
        .login_call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": "jo@example.com", "ConfirmationCode": code}),
            &[],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    let signed_in = browser.sign_in(&app, "jo@example.com", PASSWORD).await;
    assert_eq!(signed_in.body, json!({"SignedIn": true}));
}

/// The authenticator app's current code for `secret`, on the server's clock.
fn totp_code(server: &TestServer, secret: &str) -> String {
    use auth_return_crypto::totp::{self, TotpSecret};
    let secret = TotpSecret::from_base32(secret).unwrap();
    totp::code_at(&secret, totp::step_at(server.clock_now()))
}

#[tokio::test]
async fn the_hosted_pages_set_up_an_authenticator_app_with_the_session_and_ask_for_its_codes() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Hosted MFA", true).await;
    let update: auth_return_core::AppUpdate =
        serde_json::from_value(json!({ "mfa": { "mode": "ON" } })).unwrap();
    server
        .service
        .update_app(
            auth_return_core::Actor::Operator,
            &app.app.id,
            update,
            &Default::default(),
        )
        .await
        .unwrap();
    let client_id = app.app.client.id.to_string();
    let mut browser = Browser::new(&server);
    browser
        .get(&authorize_path(&app, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    // Signed up on the pages, which add the client's SECRET_HASH themselves.
    let signed_up = browser
        .login_call(
            "SignUp",
            json!({ "ClientId": client_id, "Username": "mia@example.com", "Password": PASSWORD,
                    "UserAttributes": [{ "Name": "email", "Value": "mia@example.com" }] }),
            &[],
        )
        .await;
    assert_eq!(signed_up.status, StatusCode::OK, "{:?}", signed_up.body);
    let confirmed = browser
        .login_call(
            "ConfirmSignUp",
            json!({ "ClientId": client_id, "Username": "mia@example.com",
                    "ConfirmationCode": server.last_code("mia@example.com") }),
            &[],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    let setup = browser.sign_in(&app, "mia@example.com", PASSWORD).await;
    assert_eq!(setup.status, StatusCode::OK, "{:?}", setup.body);
    assert_eq!(setup.body["ChallengeName"], "MFA_SETUP");
    let uid = setup.body["ChallengeParameters"]["USER_ID_FOR_SRP"].clone();

    // The pages hold no tokens: an access token is refused there before it is looked at.
    browser
        .login_call(
            "AssociateSoftwareToken",
            json!({ "AccessToken": "eyJ.not.used" }),
            &[],
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "AssociateSoftwareToken takes the sign-in's Session on the hosted pages, not an AccessToken.",
        );
    let associated = browser
        .login_call(
            "AssociateSoftwareToken",
            json!({ "Session": setup.body["Session"] }),
            &[],
        )
        .await;
    assert_eq!(associated.status, StatusCode::OK, "{:?}", associated.body);
    let secret = associated.body["SecretCode"].as_str().unwrap().to_owned();
    let verified = browser
        .login_call(
            "VerifySoftwareToken",
            json!({ "Session": associated.body["Session"],
                    "UserCode": totp_code(&server, &secret) }),
            &[],
        )
        .await;
    assert_eq!(verified.body["Status"], "SUCCESS", "{:?}", verified.body);
    // No SECRET_HASH from the page, though the client has a secret: the sign-in steps need none.
    let signed_in = browser
        .login_call(
            "RespondToAuthChallenge",
            json!({ "ChallengeName": "MFA_SETUP", "ClientId": client_id,
                    "Session": verified.body["Session"],
                    "ChallengeResponses": { "USERNAME": uid } }),
            &[],
        )
        .await;
    assert_eq!(signed_in.body, json!({ "SignedIn": true }));
    assert!(browser.cookies.keys().any(|k| k.starts_with("ar_session_")));

    // The next sign-in asks for the app's code (the one just used is spent: the next step's).
    server.clock.advance(30);
    let mut again = Browser::new(&server);
    again
        .get(&authorize_path(&app, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    let challenge = again.sign_in(&app, "mia@example.com", PASSWORD).await;
    assert_eq!(challenge.body["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let answer = again
        .login_call(
            "RespondToAuthChallenge",
            json!({ "ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": client_id,
                    "Session": challenge.body["Session"],
                    "ChallengeResponses": { "USERNAME": "mia@example.com",
                                            "SOFTWARE_TOKEN_MFA_CODE": totp_code(&server, &secret) } }),
            &[],
        )
        .await;
    assert_eq!(answer.body, json!({ "SignedIn": true }));
    assert!(again.cookies.keys().any(|k| k.starts_with("ar_session_")));
}

fn user_auth(client_id: &str, params: serde_json::Value) -> serde_json::Value {
    json!({"AuthFlow": "USER_AUTH", "ClientId": client_id, "AuthParameters": params})
}

#[tokio::test]
async fn the_hosted_endpoint_signs_in_with_a_passkey_but_never_takes_a_password() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Passkeys", false).await;
    let client_id = app.app.client.id.to_string();
    server
        .confirmed_user(&client_id, "hal@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    browser
        .get(&authorize_path(&app, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    let refusal = "The hosted pages sign in with USER_SRP_AUTH, or USER_AUTH with a passkey \
                   (PREFERRED_CHALLENGE WEB_AUTHN where the app has passkeys on), only.";
    let web_authn = json!({"USERNAME": "hal@example.com", "PREFERRED_CHALLENGE": "WEB_AUTHN"});
    // Passkeys off: USER_AUTH would fall back to SELECT_CHALLENGE, and a password after it.
    let off = browser
        .login_call(
            "InitiateAuth",
            user_auth(&client_id, web_authn.clone()),
            &[],
        )
        .await;
    off.assert_error("InvalidParameterException", refusal);

    turn_on_passkeys(&server, &app).await;
    let eph = auth_return_crypto::srp::client_ephemeral();
    for params in [
        json!({"USERNAME": "hal@example.com", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD}),
        json!({"USERNAME": "hal@example.com", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": eph.srp_a_hex}),
        json!({"USERNAME": "hal@example.com"}),
    ] {
        let refused = browser
            .login_call("InitiateAuth", user_auth(&client_id, params.clone()), &[])
            .await;
        refused.assert_error("InvalidParameterException", refusal);
    }

    // The passkey's challenge, as the API answers it.
    let started = browser
        .login_call("InitiateAuth", user_auth(&client_id, web_authn), &[])
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    assert_eq!(started.body["ChallengeName"], "WEB_AUTHN");
    let options: serde_json::Value = serde_json::from_str(
        started.body["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(options["rpId"], "localhost", "{options}");
    let session = started.body["Session"].as_str().unwrap().to_owned();
    let username = started.body["ChallengeParameters"]["USERNAME"]
        .as_str()
        .unwrap()
        .to_owned();

    // Its answer is taken there (a credential that is no assertion is refused as the API
    // refuses it), and opens no session.
    let answered = browser
        .login_call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "WEB_AUTHN", "ClientId": client_id, "Session": session,
                   "ChallengeResponses": {"USERNAME": username, "CREDENTIAL": "{}"}}),
            &[],
        )
        .await;
    answered.assert_error(
        "InvalidParameterException",
        "CREDENTIAL is not the JSON of a PublicKeyCredential.",
    );
    assert!(!browser.cookies.keys().any(|k| k.starts_with("ar_session_")));

    // SELECT_CHALLENGE, started on the API, is not answered on the hosted pages: its answer
    // may be a password.
    let select = server
        .call(
            "InitiateAuth",
            user_auth(&client_id, json!({"USERNAME": "hal@example.com"})),
        )
        .await;
    assert_eq!(select.ok()["ChallengeName"], "SELECT_CHALLENGE");
    let chosen = browser
        .login_call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "SELECT_CHALLENGE", "ClientId": client_id,
                   "Session": select.body["Session"],
                   "ChallengeResponses": {"USERNAME": "hal@example.com", "ANSWER": "PASSWORD",
                                          "PASSWORD": PASSWORD}}),
            &[],
        )
        .await;
    chosen.assert_error(
        "InvalidParameterException",
        "The hosted pages do not answer SELECT_CHALLENGE.",
    );
    assert!(!browser.cookies.keys().any(|k| k.starts_with("ar_session_")));
}

#[tokio::test]
async fn a_passkey_signs_in_on_the_hosted_page_and_opens_the_hosted_session() {
    use crate::passkeys::authenticator::{Authenticator, Ceremony};
    use crate::passkeys::support::{register, request_options, signed_in};
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Hosted passkey", false).await;
    turn_on_passkeys(&server, &app).await;
    let client_id = app.app.client.id.to_string();
    let (_, tokens) = signed_in(&server, &app, "ivy@example.com").await;
    let mut authenticator = Authenticator::new();
    register(&server, &tokens.access, &mut authenticator).await;

    let mut browser = Browser::new(&server);
    let path = authorize_path(&app, &[]);
    browser
        .get(&path.replacen("/oauth2/authorize", "/login", 1))
        .await;
    let web_authn = json!({"USERNAME": "ivy@example.com", "PREFERRED_CHALLENGE": "WEB_AUTHN"});
    let started = browser
        .login_call("InitiateAuth", user_auth(&client_id, web_authn), &[])
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let credential = authenticator.assert(&request_options(&started.body), &Ceremony::default());
    let done = browser
        .login_call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "WEB_AUTHN", "ClientId": client_id,
                   "Session": started.body["Session"],
                   "ChallengeResponses": {"USERNAME": "ivy@example.com",
                                          "CREDENTIAL": credential.to_string()}}),
            &[],
        )
        .await;
    // As the SRP path: no tokens on the page, the hosted session's cookie instead.
    assert_eq!(done.body, json!({"SignedIn": true}));
    let cookie = format!("ar_session_{}", app.app.pool_id);
    assert!(
        browser.cookies.contains_key(&cookie),
        "{:?}",
        browser.cookies
    );

    // The authorization request then needs no password: the code comes back.
    let answer = browser.get(&path).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(
        answer.location_params(false).contains_key("code"),
        "{}",
        answer.location()
    );
}

#[tokio::test]
async fn a_passkey_signs_in_on_the_hosted_page_with_no_name_typed() {
    use crate::passkeys::authenticator::{Authenticator, Ceremony};
    use crate::passkeys::support::{register, request_options, signed_in};
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Hosted autofill", false).await;
    turn_on_passkeys(&server, &app).await;
    let client_id = app.app.client.id.to_string();
    let (_, tokens) = signed_in(&server, &app, "uma@example.com").await;
    let mut authenticator = Authenticator::new();
    register(&server, &tokens.access, &mut authenticator).await;

    let mut browser = Browser::new(&server);
    let path = authorize_path(&app, &[]);
    browser
        .get(&path.replacen("/oauth2/authorize", "/login", 1))
        .await;
    let started = browser
        .login_call(
            "InitiateAuth",
            user_auth(&client_id, json!({"PREFERRED_CHALLENGE": "WEB_AUTHN"})),
            &[],
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    assert!(started.body["ChallengeParameters"]["USERNAME"].is_null());
    let credential = authenticator.assert(&request_options(&started.body), &Ceremony::default());
    let done = browser
        .login_call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "WEB_AUTHN", "ClientId": client_id,
                   "Session": started.body["Session"],
                   "ChallengeResponses": {"CREDENTIAL": credential.to_string()}}),
            &[],
        )
        .await;
    assert_eq!(done.body, json!({"SignedIn": true}));
    let answer = browser.get(&path).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(
        answer.location_params(false).contains_key("code"),
        "{}",
        answer.location()
    );
}
