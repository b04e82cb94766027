//! Sign-in through an identity provider (issue 19), driven as a browser would against a
//! provider run in the test: one that behaves — the first sign-in makes the user, the next
//! finds it, a rotated key is followed — and one that misbehaves or is attacked — a tampered,
//! expired, misaddressed or replayed answer, a wrong nonce, a lost cookie, a provider that
//! refuses or is down, an email a password user has — each refused on a clear page with no
//! user made.

use super::support::{Browser, CALLBACK, VERIFIER, authorize_path, configure, oauth_app};
use crate::common::{PASSWORD, TestServer, create_app, developer};
use auth_return_core::federation::NewIdentityProvider;
use auth_return_core::{Actor, CreatedApp};
use auth_return_crypto::jws::SigningKey;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How the provider misbehaves in its next ID token.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tamper {
    None,
    Nonce,
    Audience,
    Issuer,
    Expired,
    Signature,
}

/// What the provider knows: its keys, its user, its pending codes, how to misbehave.
struct Upstream {
    url: String,
    key: SigningKey,
    /// A key the provider does not publish (signs tampered tokens under the published kid).
    impostor: SigningKey,
    now: i64,
    sub: String,
    email: String,
    email_verified: bool,
    tamper: Tamper,
    /// code → (nonce, challenge, redirect_uri)
    pending: HashMap<String, (String, String, String)>,
    issued: usize,
    basic_seen: Vec<String>,
    /// Plain OAuth 2.0 (GitHub's way): no ID token; the user at /user, emails at /user/emails.
    plain: bool,
    /// The numeric id /user answers.
    plain_id: i64,
}

type Shared = Arc<Mutex<Upstream>>;

async fn discovery(State(up): State<Shared>) -> Json<Value> {
    let url = up.lock().unwrap().url.clone();
    Json(json!({
        "issuer": url,
        "authorization_endpoint": format!("{url}/authorize"),
        "token_endpoint": format!("{url}/token"),
        "jwks_uri": format!("{url}/jwks"),
        "userinfo_endpoint": format!("{url}/userinfo"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }))
}

async fn jwks(State(up): State<Shared>) -> Json<Value> {
    Json(json!({"keys": [up.lock().unwrap().key.public_jwk()]}))
}

async fn authorize(State(up): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Redirect {
    let mut up = up.lock().unwrap();
    up.issued += 1;
    let code = format!("code-{}", up.issued);
    let redirect = q["redirect_uri"].clone();
    up.pending.insert(
        code.clone(),
        (
            q["nonce"].clone(),
            q["code_challenge"].clone(),
            redirect.clone(),
        ),
    );
    let state: String = url::form_urlencoded::byte_serialize(q["state"].as_bytes()).collect();
    Redirect::to(&format!("{redirect}?code={code}&state={state}"))
}

async fn token(
    State(up): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut up = up.lock().unwrap();
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b).ok())
        .map(|b| String::from_utf8(b).unwrap())
        .unwrap_or_default();
    up.basic_seen.push(basic.clone());
    let refuse = |why: &str| {
        (
            AxumStatus::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": why})),
        )
            .into_response()
    };
    let posted = form.get("client_id").map(String::as_str) == Some("shop-web")
        && form.get("client_secret").map(String::as_str) == Some("s3cret!");
    if basic != "shop-web:s3cret%21" && !(up.plain && posted) {
        return refuse("client authentication");
    }
    let Some((nonce, challenge, redirect)) = up.pending.remove(&form["code"]) else {
        return refuse("unknown code");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let computed = URL_SAFE_NO_PAD.encode(auth_return_crypto::hash::sha256(verifier.as_bytes()));
    if computed != challenge || form.get("redirect_uri") != Some(&redirect) {
        return refuse("PKCE or redirect_uri");
    }
    if up.plain {
        return Json(json!({"access_token": format!("at-{}", up.sub), "token_type": "bearer", "scope": "read:user"}))
            .into_response();
    }
    let now = up.now;
    let mut claims = json!({
        "iss": up.url, "aud": "shop-web", "sub": up.sub, "nonce": nonce,
        "iat": now, "exp": now + 300, "email": up.email, "email_verified": up.email_verified,
    });
    match up.tamper {
        Tamper::None | Tamper::Signature => {}
        Tamper::Nonce => claims["nonce"] = json!("someone-elses"),
        Tamper::Audience => claims["aud"] = json!("another-app"),
        Tamper::Issuer => claims["iss"] = json!("https://evil.example.com"),
        Tamper::Expired => claims["exp"] = json!(now - 3600),
    }
    let signer = if up.tamper == Tamper::Signature {
        &up.impostor
    } else {
        &up.key
    };
    let mut id_token = signer.sign_json(&claims).unwrap();
    if up.tamper == Tamper::Signature {
        // The impostor's token under the published key's kid.
        let published = up.key.sign_json(&json!({})).unwrap();
        let header = published.split('.').next().unwrap().to_owned();
        let rest = id_token.split_once('.').unwrap().1.to_owned();
        id_token = format!("{header}.{rest}");
    }
    Json(json!({"access_token": format!("at-{}", up.sub), "token_type": "Bearer", "id_token": id_token}))
        .into_response()
}

async fn userinfo(State(up): State<Shared>, headers: HeaderMap) -> Response {
    let up = up.lock().unwrap();
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer at-{}", up.sub))
    {
        return AxumStatus::UNAUTHORIZED.into_response();
    }
    Json(json!({"sub": up.sub, "name": "Ada Lovelace", "email": up.email})).into_response()
}

/// GitHub's /user: a numeric id, a public email that is not vouched for.
async fn plain_user(State(up): State<Shared>, headers: HeaderMap) -> Response {
    let up = up.lock().unwrap();
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer at-{}", up.sub))
    {
        return AxumStatus::UNAUTHORIZED.into_response();
    }
    Json(json!({"id": up.plain_id, "login": "octo", "name": "Octo Cat", "email": "public@example.com"})).into_response()
}

/// GitHub's /user/emails: the primary verified one is the user's.
async fn plain_emails(State(up): State<Shared>) -> Json<Value> {
    let up = up.lock().unwrap();
    Json(json!([
        {"email": "old@example.com", "primary": false, "verified": true},
        {"email": up.email, "primary": true, "verified": up.email_verified},
        {"email": "unverified@example.com", "primary": false, "verified": false},
    ]))
}

/// Starts the provider on loopback.
async fn upstream(now: i64) -> Shared {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let shared = Arc::new(Mutex::new(Upstream {
        url,
        key: SigningKey::generate().unwrap(),
        impostor: SigningKey::generate().unwrap(),
        now,
        sub: "okta-user-1".into(),
        email: "ada@example.com".into(),
        email_verified: true,
        tamper: Tamper::None,
        pending: HashMap::new(),
        issued: 0,
        basic_seen: Vec::new(),
        plain: false,
        plain_id: 4242,
    }));
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .route("/user", get(plain_user))
        .route("/user/emails", get(plain_emails))
        .with_state(shared.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    shared
}

/// The app's provider "Okta" at `issuer`.
async fn add_provider(server: &TestServer, app: &CreatedApp, issuer: &str) {
    let details = [
        ("client_id", "shop-web"),
        ("client_secret", "s3cret!"),
        ("authorize_scopes", "openid email profile"),
        ("oidc_issuer", issuer),
    ];
    server
        .service
        .create_identity_provider(
            Actor::Operator,
            &app.app.pool_id,
            NewIdentityProvider {
                name: "Okta".into(),
                provider_type: "OIDC".into(),
                details: details
                    .iter()
                    .map(|(k, v)| ((*k).into(), (*v).into()))
                    .collect(),
                attribute_mapping: [
                    ("email".into(), "email".into()),
                    ("name".into(), "name".into()),
                ]
                .into(),
                idp_identifiers: vec![],
            },
        )
        .await
        .unwrap();
}

/// The provider's callback URL a browser is sent to, after starting at the app's
/// authorization request and passing the provider.
async fn to_callback(browser: &mut Browser<'_>, app: &CreatedApp) -> String {
    let start = browser
        .get(&authorize_path(app, &[("identity_provider", Some("Okta"))]))
        .await;
    assert_eq!(start.status, StatusCode::FOUND, "{}", start.body);
    let at_provider = browser.get_url(start.location()).await;
    assert_eq!(
        at_provider.status,
        StatusCode::SEE_OTHER,
        "{}",
        at_provider.body
    );
    at_provider.location().to_owned()
}

/// The whole sign-in: the code the app gets back, and its tokens' ID token claims.
async fn sign_in(browser: &mut Browser<'_>, app: &CreatedApp) -> Value {
    let callback = to_callback(browser, app).await;
    let back = browser.get_url(&callback).await;
    assert_eq!(back.status, StatusCode::FOUND, "{}", back.body);
    assert!(
        back.location().starts_with("/oauth2/authorize?"),
        "{}",
        back.location()
    );
    assert!(!back.location().contains("identity_provider"));
    let answer = browser.get(back.location()).await;
    assert!(
        answer.location().starts_with(CALLBACK),
        "{}",
        answer.location()
    );
    let params = answer.location_params(false);
    assert_eq!(params["state"], "st-123");
    let client_id = app.app.client.id.to_string();
    let tokens = browser
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &client_id),
                ("code", &params["code"]),
                ("redirect_uri", CALLBACK),
                ("code_verifier", VERIFIER),
            ],
            None,
        )
        .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    let id_token = tokens.json()["id_token"].as_str().unwrap().to_owned();
    let payload = id_token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The error page a refused callback shows.
async fn refused(browser: &mut Browser<'_>, callback: &str, message: &str) {
    let page = browser.get_url(callback).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body.contains(message),
        "{message:?} not in {}",
        page.body
    );
    assert!(
        !page
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("ar_session_"))
    );
}

#[tokio::test]
async fn the_first_sign_in_makes_the_user_and_the_next_finds_it() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    add_provider(&server, &app, &issuer).await;

    let mut browser = Browser::new(&server);
    let claims = sign_in(&mut browser, &app).await;
    assert_eq!(claims["cognito:username"], "Okta_okta-user-1");
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["name"], "Ada Lovelace", "mapped from the userinfo");
    let identities = &claims["identities"];
    assert_eq!(identities[0]["userId"], "okta-user-1");
    assert_eq!(identities[0]["providerName"], "Okta");
    assert_eq!(identities[0]["providerType"], "OIDC");
    assert_eq!(identities[0]["primary"], "true");
    // Client authentication as RFC 6749 §2.3.1 has it: each part form-encoded.
    assert_eq!(up.lock().unwrap().basic_seen, ["shop-web:s3cret%21"]);
    let sub = claims["sub"].as_str().unwrap().to_owned();

    // The next sign-in, in another browser, finds the same user.
    let mut other = Browser::new(&server);
    let again = sign_in(&mut other, &app).await;
    assert_eq!(again["sub"], sub.as_str());
    // The provider rotates its key: the new one is fetched when a token names it.
    up.lock().unwrap().key = SigningKey::generate().unwrap();
    server.clock.advance(31);
    up.lock().unwrap().now = server.clock_now();
    let mut third = Browser::new(&server);
    assert_eq!(sign_in(&mut third, &app).await["sub"], sub.as_str());

    // The user has no password anyone knows: a password sign-in is refused like any wrong one.
    let user = server
        .service
        .store()
        .get_user_by_email(&app.app.pool_id, "ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(user.attributes.contains_key("identities"));
    let password = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": app.app.client.id.as_str(),
                   "AuthParameters": {"USERNAME": "ada@example.com", "PASSWORD": PASSWORD}}),
        )
        .await;
    password.assert_error("NotAuthorizedException", "Incorrect username or password.");
}

#[tokio::test]
async fn tampered_replayed_and_misaddressed_answers_are_refused_and_make_no_user() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    add_provider(&server, &app, &issuer).await;
    let not_verified = "answer could not be verified, so you were not signed in.";

    for tamper in [
        Tamper::Nonce,
        Tamper::Audience,
        Tamper::Issuer,
        Tamper::Expired,
        Tamper::Signature,
    ] {
        up.lock().unwrap().tamper = tamper;
        let mut browser = Browser::new(&server);
        let callback = to_callback(&mut browser, &app).await;
        refused(&mut browser, &callback, not_verified).await;
    }
    up.lock().unwrap().tamper = Tamper::None;
    let no_user = server
        .service
        .store()
        .get_user_by_email(&app.app.pool_id, "ada@example.com")
        .await
        .unwrap();
    assert!(no_user.is_none(), "no tampered answer made a user");

    // A state altered, a cookie lost, a callback replayed.
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    let mut url = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let state = &pairs.iter().find(|(k, _)| k == "state").unwrap().1;
    let mut altered = state.clone().into_bytes();
    altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
    url.query_pairs_mut()
        .clear()
        .append_pair("code", "code-x")
        .append_pair("state", std::str::from_utf8(&altered).unwrap());
    refused(&mut browser, url.as_str(), "not valid or has expired").await;
    let mut stranger = Browser::new(&server);
    refused(&mut stranger, &callback, "started in another browser").await;
    let mut browser_again = Browser::new(&server);
    browser_again.cookies = browser.cookies.clone();
    let done = browser.get_url(&callback).await;
    assert_eq!(done.status, StatusCode::FOUND, "{}", done.body);
    refused(&mut browser_again, &callback, "used already").await;

    // An expired state (the browser took longer than ten minutes).
    let mut slow = Browser::new(&server);
    let callback = to_callback(&mut slow, &app).await;
    server.clock.advance(601);
    refused(&mut slow, &callback, "not valid or has expired").await;

    // The provider says no.
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    let state = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mut denied = url::Url::parse(&format!("{}/oauth2/idpresponse", server.url)).unwrap();
    denied
        .query_pairs_mut()
        .append_pair("error", "access_denied<script>")
        .append_pair("state", &state);
    refused(
        &mut browser,
        denied.as_str(),
        "Okta did not sign you in (access_deniedscript).",
    )
    .await;
}

#[tokio::test]
async fn an_email_a_password_user_has_is_not_joined_and_a_provider_down_is_a_clear_page() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    add_provider(&server, &app, &issuer).await;
    server
        .confirmed_user(app.app.client.id.as_str(), "ada@example.com", PASSWORD)
        .await;
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    refused(
        &mut browser,
        &callback,
        "An account with your email address exists already.",
    )
    .await;
    let user = server
        .service
        .store()
        .identity_user(&app.app.pool_id, "Okta", "okta-user-1")
        .await
        .unwrap();
    assert_eq!(user, None, "not linked");

    // A provider nobody answers for.
    let down = oauth_app(&server, "Down", false).await;
    add_provider(&server, &down, "http://127.0.0.1:9").await;
    let mut browser = Browser::new(&server);
    let page = browser
        .get(&authorize_path(
            &down,
            &[("identity_provider", Some("Okta"))],
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body.contains("could not be reached to sign you in"),
        "{}",
        page.body
    );

    // A provider the app does not have.
    let page = browser
        .get(&authorize_path(
            &app,
            &[("identity_provider", Some("Nope"))],
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body
            .contains("identity_provider Nope is not a sign-in option of this app."),
        "{}",
        page.body
    );
}

/// A developer's app with the test callback and the provider "Okta" at `issuer`: its
/// record, its pool id and the developer's token.
async fn owned_app(server: &TestServer, issuer: &str) -> (CreatedApp, String, String) {
    let token = developer(server, "dev@example.com").await;
    let made = create_app(server, &token, "Shop").await;
    let app_id = made["app_id"].as_str().unwrap().parse().unwrap();
    let app = CreatedApp {
        app: server
            .service
            .get_app(Actor::Operator, &app_id)
            .await
            .unwrap(),
        client_secret: None,
    };
    configure(server, &app, json!({ "callback_urls": [CALLBACK] })).await;
    add_provider(server, &app, issuer).await;
    let pool = app.app.pool_id.to_string();
    (app, pool, token)
}

#[tokio::test]
async fn an_identity_joins_a_user_only_when_both_vouch_for_the_email_or_the_developer_links_it() {
    let server = TestServer::start().await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    let (app, pool, token) = owned_app(&server, &issuer).await;
    let client_id = app.app.client.id.to_string();
    let ada = server
        .confirmed_user(&client_id, "ada@example.com", PASSWORD)
        .await;

    // Off (the default): refused, as above. On, but the provider does not vouch: refused.
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    refused(&mut browser, &callback, "exists already").await;
    let on: auth_return_core::AppUpdate =
        serde_json::from_value(json!({"link_identities_by_email": true})).unwrap();
    server
        .service
        .update_app(Actor::Operator, &app.app.id, on, &Default::default())
        .await
        .unwrap();
    up.lock().unwrap().email_verified = false;
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    refused(&mut browser, &callback, "exists already").await;

    // An account nobody confirmed is never joined (whoever typed the address may not own it).
    up.lock().unwrap().email_verified = true;
    up.lock().unwrap().email = "eve@example.com".into();
    let signed_up = server
        .call(
            "SignUp",
            json!({"ClientId": client_id, "Username": "eve@example.com", "Password": PASSWORD}),
        )
        .await;
    signed_up.ok();
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    refused(&mut browser, &callback, "exists already").await;

    // Both vouch: the identity joins Ada, who keeps her name and password.
    up.lock().unwrap().email = "ada@example.com".into();
    let mut browser = Browser::new(&server);
    let claims = sign_in(&mut browser, &app).await;
    assert_eq!(claims["sub"], ada.as_str());
    assert_eq!(claims["cognito:username"], ada.as_str());
    assert_eq!(claims["identities"][0]["primary"], "false");
    assert_eq!(claims["identities"][0]["userId"], "okta-user-1");
    server.tokens(&app, "ada@example.com", PASSWORD).await;

    // The developer links another identity to Ada, then disables it: her password stays.
    let call = |op: &'static str, body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        server.admin(&token, op, body)
    };
    let source = json!({"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject",
                        "ProviderAttributeValue": "okta-user-2"});
    let linked = call(
        "AdminLinkProviderForUser",
        json!({"DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "ada@example.com"},
               "SourceUser": source}),
    )
    .await;
    assert_eq!(linked.ok(), &json!({}));
    up.lock().unwrap().sub = "okta-user-2".into();
    up.lock().unwrap().email = "someone-else@example.com".into();
    let mut browser = Browser::new(&server);
    assert_eq!(sign_in(&mut browser, &app).await["sub"], ada.as_str());
    let disabled = call("AdminDisableProviderForUser", json!({"User": source})).await;
    assert_eq!(disabled.ok(), &json!({}));
    let got = call("AdminGetUser", json!({"Username": "ada@example.com"})).await;
    let attributes = got.ok()["UserAttributes"].to_string();
    assert!(
        attributes.contains("okta-user-1") && !attributes.contains("okta-user-2"),
        "{attributes}"
    );
    server.tokens(&app, "ada@example.com", PASSWORD).await;
    // okta-user-2 now signs in as a user of its own (its email is nobody's).
    let mut browser = Browser::new(&server);
    let own = sign_in(&mut browser, &app).await;
    assert_ne!(own["sub"], ada.as_str());
    assert_eq!(own["cognito:username"], "Okta_okta-user-2");

    // A user a provider made is found by its name, and disabling its identity disables it.
    let got = call("AdminGetUser", json!({"Username": "Okta_okta-user-2"})).await;
    assert_eq!(got.ok()["Username"], "Okta_okta-user-2");
    assert_eq!(got.ok()["UserStatus"], "EXTERNAL_PROVIDER");
    let listed = call(
        "ListUsers",
        json!({"Filter": "email = \"someone-else@example.com\""}),
    )
    .await;
    assert_eq!(listed.ok()["Users"][0]["Username"], "Okta_okta-user-2");
    call("AdminDisableProviderForUser", json!({"User": source}))
        .await
        .ok();
    let got = call("AdminGetUser", json!({"Username": own["sub"]})).await;
    assert_eq!(got.ok()["Enabled"], false);

    // Every refusal in Cognito's words.
    let cases = [
        (
            json!({"DestinationUser": {"ProviderName": "Okta", "ProviderAttributeValue": "ada@example.com"},
                   "SourceUser": source}),
            "InvalidParameterException",
            "DestinationUser ProviderName must be Cognito (a user of the pool's own).",
        ),
        (
            json!({"DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "ada@example.com"},
                   "SourceUser": {"ProviderName": "Okta", "ProviderAttributeName": "email",
                                  "ProviderAttributeValue": "x"}}),
            "InvalidParameterException",
            "ProviderAttributeName must be Cognito_Subject.",
        ),
        (
            json!({"DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "ada@example.com"},
                   "SourceUser": {"ProviderName": "Nope", "ProviderAttributeName": "Cognito_Subject",
                                  "ProviderAttributeValue": "x"}}),
            "ResourceNotFoundException",
            "Identity provider Nope does not exist.",
        ),
        (
            json!({"DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "nobody@example.com"},
                   "SourceUser": source}),
            "UserNotFoundException",
            "User does not exist.",
        ),
        (
            json!({"DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "ada@example.com"}}),
            "InvalidParameterException",
            "1 validation error detected: Value null at 'sourceUser' failed to satisfy constraint: Member must not be null",
        ),
    ];
    for (body, kind, message) in cases {
        call("AdminLinkProviderForUser", body)
            .await
            .assert_error(kind, message);
    }
    // okta-user-1 is Ada's: it cannot be merged into another user.
    let bob = server
        .confirmed_user(&client_id, "bob@example.com", PASSWORD)
        .await;
    call(
        "AdminLinkProviderForUser",
        json!({"DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": bob},
               "SourceUser": {"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject",
                              "ProviderAttributeValue": "okta-user-1"}}),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        "Merging is not currently supported, provide a SourceUser that has not been merged previously.",
    );
    call(
        "AdminDisableProviderForUser",
        json!({"User": {"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject",
                        "ProviderAttributeValue": "never-seen"}}),
    )
    .await
    .assert_error("UserNotFoundException", "User does not exist.");
}

#[tokio::test]
async fn the_sign_in_page_offers_each_provider_as_a_link_to_the_same_request() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    add_provider(&server, &app, "https://id.example.com").await;
    let mut browser = Browser::new(&server);
    let path = authorize_path(&app, &[("prompt", Some("login"))]);
    let page = browser
        .get(&path.replacen("/oauth2/authorize", "/login", 1))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let prefix = r#"<a class="provider" href=""#;
    let start = page.body.find(prefix).expect("a provider link") + prefix.len();
    let href = &page.body[start..start + page.body[start..].find('"').unwrap()];
    let href = href.replace("&amp;", "&");
    assert!(href.starts_with("/oauth2/authorize?"), "{href}");
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(href.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(params["identity_provider"], "Okta");
    assert_eq!(params["client_id"], app.app.client.id.as_str());
    assert_eq!(params["state"], "st-123");
    assert!(!params.contains_key("prompt"), "the provider is the prompt");
    assert!(page.body.contains(">Continue with Okta</a>"));
    // Not on the password reset screen; not for an app without providers.
    let forgot = browser
        .get(&path.replacen("/oauth2/authorize", "/forgotPassword", 1))
        .await;
    assert!(!forgot.body.contains(r#"class="provider""#));
    let plain = oauth_app(&server, "Plain", false).await;
    let page = browser
        .get(&authorize_path(&plain, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    assert!(!page.body.contains(r#"class="providers""#));
}

#[tokio::test]
async fn a_client_signs_in_only_through_the_providers_it_supports() {
    let server = TestServer::start().await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    let (app, pool, token) = owned_app(&server, &issuer).await;
    let call = |op: &'static str, body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        server.admin(&token, op, body)
    };
    // The app's own client, not told otherwise, may use every provider of the pool.
    let own = call(
        "DescribeUserPoolClient",
        json!({"ClientId": app.app.client.id.as_str()}),
    )
    .await;
    assert_eq!(
        own.ok()["UserPoolClient"]["SupportedIdentityProviders"],
        json!(["COGNITO", "Okta"])
    );

    // A client for the pool's own users only: no button, and the provider refused.
    let made = call(
        "CreateUserPoolClient",
        json!({"ClientName": "passwords only", "SupportedIdentityProviders": ["COGNITO", "COGNITO"],
               "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code"],
               "AllowedOAuthScopes": ["openid", "email"], "CallbackURLs": [CALLBACK]}),
    )
    .await;
    let client = made.ok()["UserPoolClient"].clone();
    assert_eq!(client["SupportedIdentityProviders"], json!(["COGNITO"]));
    let client_id = client["ClientId"].as_str().unwrap();
    let mut only = app.clone();
    only.app = server
        .service
        .describe_pool_client(
            Actor::Operator,
            &app.app.pool_id,
            &auth_return_core::ClientId::new(client_id),
        )
        .await
        .unwrap()
        .app;
    let mut browser = Browser::new(&server);
    let page = browser
        .get(&authorize_path(
            &only,
            &[("identity_provider", Some("Okta"))],
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body
            .contains("identity_provider Okta is not a sign-in option of this app.")
    );
    let login = browser
        .get(&authorize_path(&only, &[]).replacen("/oauth2/authorize", "/login", 1))
        .await;
    assert!(
        !login.body.contains(r#"class="provider""#),
        "{}",
        login.body
    );

    // Told to support Okta, it may.
    let updated = call(
        "UpdateUserPoolClient",
        json!({"ClientId": client_id, "ClientName": "with okta", "SupportedIdentityProviders": ["Okta"],
               "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code"],
               "AllowedOAuthScopes": ["openid", "email"], "CallbackURLs": [CALLBACK]}),
    )
    .await;
    assert_eq!(
        updated.ok()["UserPoolClient"]["SupportedIdentityProviders"],
        json!(["Okta"])
    );
    only.app = server
        .service
        .describe_pool_client(
            Actor::Operator,
            &app.app.pool_id,
            &auth_return_core::ClientId::new(client_id),
        )
        .await
        .unwrap()
        .app;
    let mut browser = Browser::new(&server);
    assert_eq!(
        sign_in(&mut browser, &only).await["cognito:username"],
        "Okta_okta-user-1"
    );
}

#[tokio::test]
async fn a_plain_oauth2_provider_signs_in_by_its_user_api_and_verified_emails() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    up.lock().unwrap().plain = true;
    let url = up.lock().unwrap().url.clone();
    let details = [
        ("client_id", "shop-web".to_owned()),
        ("client_secret", "s3cret!".to_owned()),
        ("authorize_url", format!("{url}/authorize")),
        ("token_url", format!("{url}/token")),
        ("attributes_url", format!("{url}/user")),
        ("emails_url", format!("{url}/user/emails")),
        ("subject_claim", "id".to_owned()),
    ];
    server
        .service
        .create_identity_provider(
            Actor::Operator,
            &app.app.pool_id,
            NewIdentityProvider {
                name: "Okta".into(),
                provider_type: "OAuth2".into(),
                details: details
                    .iter()
                    .map(|(k, v)| ((*k).into(), v.clone()))
                    .collect(),
                attribute_mapping: [("name".into(), "name".into())].into(),
                idp_identifiers: vec![],
            },
        )
        .await
        .unwrap();
    let mut browser = Browser::new(&server);
    let claims = sign_in(&mut browser, &app).await;
    assert_eq!(claims["cognito:username"], "Okta_4242");
    assert_eq!(
        claims["email"], "ada@example.com",
        "the primary verified email, not the public one"
    );
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["name"], "Octo Cat");
    assert_eq!(claims["identities"][0]["providerType"], "OAuth2");
    assert!(claims.get("nonce").is_none() || claims["nonce"] == "n-456");
    // The client authenticated in the form (client_secret_post), not by Basic.
    assert_eq!(up.lock().unwrap().basic_seen, [""]);

    // Without a verified email, nobody is made.
    up.lock().unwrap().plain_id = 4343;
    up.lock().unwrap().email = "new@example.com".into();
    up.lock().unwrap().email_verified = false;
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    refused(&mut browser, &callback, "did not share your email address").await;
}

#[tokio::test]
async fn idp_identifier_picks_the_provider_it_belongs_to() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    add_provider(&server, &app, &issuer).await;
    let change = auth_return_core::federation::IdentityProviderChange {
        idp_identifiers: Some(vec!["example.com".into()]),
        ..Default::default()
    };
    server
        .service
        .update_identity_provider(Actor::Operator, &app.app.pool_id, "Okta", change)
        .await
        .unwrap();
    let mut browser = Browser::new(&server);
    let start = browser
        .get(&authorize_path(
            &app,
            &[("idp_identifier", Some("example.com"))],
        ))
        .await;
    assert_eq!(start.status, StatusCode::FOUND, "{}", start.body);
    assert!(
        start
            .location()
            .starts_with(&format!("{issuer}/authorize?")),
        "{}",
        start.location()
    );
    let page = browser
        .get(&authorize_path(
            &app,
            &[("idp_identifier", Some("nowhere.example"))],
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body
            .contains("idp_identifier nowhere.example names no sign-in option of this app.")
    );
}

#[tokio::test]
async fn an_answer_posted_back_as_a_form_signs_in_too() {
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    add_provider(&server, &app, &issuer).await;
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    let (path, form) = callback.split_once('?').unwrap();
    let cookie = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let posted = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FOUND);
    let location = posted.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/oauth2/authorize?"), "{location}");
}

#[tokio::test]
async fn sign_in_with_apple_is_asked_to_post_its_answer_to_a_cross_site_cookie() {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let server = TestServer::start().await;
    let app = oauth_app(&server, "Shop", false).await;
    let der = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
        .unwrap();
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
        STANDARD.encode(der.as_ref())
    );
    let details = [
        ("client_id", "com.example.web".to_owned()),
        ("team_id", "TEAM123456".to_owned()),
        ("key_id", "KEY1234567".to_owned()),
        ("private_key", pem),
        ("authorize_scopes", "email name".to_owned()),
    ];
    server
        .service
        .create_identity_provider(
            Actor::Operator,
            &app.app.pool_id,
            NewIdentityProvider {
                name: "SignInWithApple".into(),
                provider_type: "SignInWithApple".into(),
                details: details
                    .iter()
                    .map(|(k, v)| ((*k).into(), v.clone()))
                    .collect(),
                attribute_mapping: Default::default(),
                idp_identifiers: vec![],
            },
        )
        .await
        .unwrap();
    let mut browser = Browser::new(&server);
    let start = browser
        .get(&authorize_path(
            &app,
            &[("identity_provider", Some("SignInWithApple"))],
        ))
        .await;
    assert_eq!(start.status, StatusCode::FOUND, "{}", start.body);
    let to = url::Url::parse(start.location()).unwrap();
    assert_eq!(
        to.origin().ascii_serialization(),
        "https://appleid.apple.com"
    );
    assert_eq!(to.path(), "/auth/authorize");
    let params: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(params["response_mode"], "form_post");
    assert_eq!(params["client_id"], "com.example.web");
    assert_eq!(params["scope"], "email name");
    let cookie = start.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("ar_idp_binding="), "{cookie}");
    assert!(
        cookie.contains("SameSite=None") && cookie.contains("Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_pre_sign_up_hook_judges_a_first_sign_in_through_a_provider() {
    let server = TestServer::start_with_config(|c| c.webhooks_allow_private = true).await;
    let app = oauth_app(&server, "Shop", false).await;
    let up = upstream(server.clock_now()).await;
    let issuer = up.lock().unwrap().url.clone();
    add_provider(&server, &app, &issuer).await;
    // A hook that refuses one domain and says so (its signature is checked in hooks.rs).
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = seen.clone();
    let hook = Router::new().route(
        "/hook",
        post(move |Json(call): Json<Value>| {
            let record = record.clone();
            async move {
                let refused = call["user"]["email"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with("@blocked.example");
                record.lock().unwrap().push(call);
                Json(if refused {
                    json!({"allow": false, "message": "this domain may not sign up"})
                } else {
                    json!({"allow": true})
                })
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, hook).await.unwrap() });
    let patch: auth_return_core::hooks::HooksPatch =
        serde_json::from_value(json!({"pre_sign_up": {"url": url}})).unwrap();
    let update = auth_return_core::AppUpdate {
        hooks: Some(patch),
        ..Default::default()
    };
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Default::default())
        .await
        .unwrap();

    up.lock().unwrap().email = "eve@blocked.example".into();
    let mut browser = Browser::new(&server);
    let callback = to_callback(&mut browser, &app).await;
    refused(
        &mut browser,
        &callback,
        "Your account could not be made: this domain may not sign up",
    )
    .await;
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["provider"], "Okta");
    assert_eq!(calls[0]["user"]["email"], "eve@blocked.example");

    up.lock().unwrap().email = "ada@example.com".into();
    let mut browser = Browser::new(&server);
    assert_eq!(
        sign_in(&mut browser, &app).await["email"],
        "ada@example.com"
    );
    // The next sign-in finds the user: the hook is not asked again.
    let mut browser = Browser::new(&server);
    sign_in(&mut browser, &app).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
}
