//! A browser-like client of the hosted pages over real HTTP: no redirects followed, cookies
//! kept by hand, SRP done on the client side as the page does it.

use crate::common::{Reply, TestServer};
use auth_return_core::{Actor, AppUpdate, CreatedApp};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The callback URL the tests' apps register.
pub const CALLBACK: &str = "http://127.0.0.1:9/callback";
/// The sign-out URL the tests' apps register.
pub const SIGNED_OUT: &str = "http://127.0.0.1:9/signed-out";
/// A PKCE verifier and its S256 challenge (RFC 7636 Appendix B).
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// Sets an app's OAuth settings from JSON (the `oauth` member of a PATCH).
pub async fn configure(server: &TestServer, app: &CreatedApp, oauth: Value) {
    let update: AppUpdate = serde_json::from_value(json!({ "oauth": oauth })).unwrap();
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Default::default())
        .await
        .unwrap();
}

/// An app with the test callback and sign-out URLs (public client unless `secret`).
pub async fn oauth_app(server: &TestServer, name: &str, secret: bool) -> CreatedApp {
    let app = if secret {
        server.app_with_secret(name).await
    } else {
        server.app(name).await
    };
    configure(
        server,
        &app,
        json!({ "callback_urls": [CALLBACK], "logout_urls": [SIGNED_OUT] }),
    )
    .await;
    app
}

/// One answer, unfollowed.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The query (or fragment) parameters of the `Location`.
    pub fn location_params(&self, fragment: bool) -> BTreeMap<String, String> {
        let url = url::Url::parse(self.location()).unwrap();
        let text = if fragment {
            url.fragment().unwrap_or_default().to_owned()
        } else {
            url.query().unwrap_or_default().to_owned()
        };
        url::form_urlencoded::parse(text.as_bytes())
            .into_owned()
            .collect()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A browser: the server, and the cookies it was given.
pub struct Browser<'a> {
    pub server: &'a TestServer,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestServer) -> Self {
        Self {
            server,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    async fn finish(&mut self, response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        self.keep_cookies(&headers);
        let body = response.text().await.unwrap();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// `GET path` (path and query) with the cookies.
    pub async fn get(&mut self, path: &str) -> Answer {
        self.get_url(&format!("{}{path}", self.server.url)).await
    }

    /// `GET url` (anywhere: an identity provider's too) with the cookies.
    pub async fn get_url(&mut self, url: &str) -> Answer {
        let response = self
            .http
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// A Cognito-protocol call to `POST /login`, as the page makes it.
    pub async fn login_call(&mut self, op: &str, body: Value, extra: &[(&str, &str)]) -> Reply {
        let mut request = self
            .http
            .post(format!("{}/login", self.server.url))
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .header("cookie", self.cookie_header())
            .body(body.to_string());
        let own_token = extra.iter().any(|(name, _)| *name == "x-csrf-token");
        if let Some(csrf) = self.cookies.get("ar_csrf").filter(|_| !own_token) {
            request = request.header("x-csrf-token", csrf.clone());
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        self.keep_cookies(&headers);
        let text = response.text().await.unwrap();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
            headers,
        }
    }

    /// Signs in on the hosted page with SRP (the page must have been loaded for its CSRF
    /// cookie); returns the final reply.
    pub async fn sign_in(&mut self, app: &CreatedApp, email: &str, password: &str) -> Reply {
        let client_id = app.app.client.id.as_str();
        let eph = auth_return_crypto::srp::client_ephemeral();
        let challenge = self
            .login_call(
                "InitiateAuth",
                json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
                       "AuthParameters": {"USERNAME": email, "SRP_A": eph.srp_a_hex}}),
                &[],
            )
            .await;
        assert_eq!(challenge.status, StatusCode::OK, "{:?}", challenge.body);
        let responses =
            self.server
                .srp_answer(app.app.pool_id.as_str(), &challenge.body, &eph, password);
        self.login_call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id,
                   "ChallengeResponses": responses}),
            &[],
        )
        .await
    }

    /// `POST path` with a JSON body (not what the OAuth endpoints take).
    pub async fn http_post_json(&mut self, path: &str, body: &str) -> Answer {
        let response = self
            .http
            .post(format!("{}{path}", self.server.url))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    /// `POST path` with a form body and optional HTTP Basic credentials.
    pub async fn post_form(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Answer {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = self
            .http
            .post(format!("{}{path}", self.server.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        let response = request.send().await.unwrap();
        self.finish(response).await
    }
}

/// Signs `email` up and confirms it through the hosted pages' endpoint (which works for apps
/// with a secret too).
pub async fn page_user(server: &TestServer, app: &CreatedApp, email: &str) {
    let mut browser = Browser::new(server);
    browser
        .get(&authorize_path(app, &[]).replacen("/oauth2/authorize", "/signup", 1))
        .await;
    let client_id = app.app.client.id.to_string();
    let up = browser
        .login_call(
            "SignUp",
            json!({"ClientId": client_id, "Username": email, "Password": crate::common::PASSWORD}),
            &[],
        )
        .await;
    assert_eq!(up.status, StatusCode::OK, "{:?}", up.body);
    let code = server.last_code(email);
    let confirmed = browser
        .login_call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": email, "ConfirmationCode": code}),
            &[],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
}

/// The authorize path for `app` with `extra` parameters over the defaults (code flow, the test
/// callback, PKCE, `openid email`, a state and a nonce); a `None` value drops a default.
pub fn authorize_path(app: &CreatedApp, extra: &[(&str, Option<&str>)]) -> String {
    let mut params: BTreeMap<&str, String> = BTreeMap::from([
        ("response_type", "code".to_owned()),
        ("client_id", app.app.client.id.to_string()),
        ("redirect_uri", CALLBACK.to_owned()),
        ("state", "st-123".to_owned()),
        ("scope", "openid email".to_owned()),
        ("code_challenge", CHALLENGE.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
        ("nonce", "n-456".to_owned()),
    ]);
    for (name, value) in extra {
        match value {
            Some(v) => params.insert(name, (*v).to_owned()),
            None => params.remove(name),
        };
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter())
        .finish();
    format!("/oauth2/authorize?{query}")
}

/// Signs `email` in through the hosted page and returns the code of an authorization request
/// with `extra` parameters.
pub async fn code_for(
    browser: &mut Browser<'_>,
    app: &CreatedApp,
    email: &str,
    password: &str,
    extra: &[(&str, Option<&str>)],
) -> String {
    let path = authorize_path(app, extra);
    let first = browser.get(&path).await;
    assert_eq!(first.status, StatusCode::FOUND, "{}", first.body);
    if first.location().starts_with("/login?") {
        let page = browser.get(first.location()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let signed_in = browser.sign_in(app, email, password).await;
        assert_eq!(
            signed_in.body,
            json!({"SignedIn": true}),
            "{:?}",
            signed_in.body
        );
    }
    let answer = browser.get(&path).await;
    assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
    assert!(
        answer.location().starts_with(CALLBACK),
        "{}",
        answer.location()
    );
    answer.location_params(false)["code"].clone()
}

/// base64url(left half of SHA-256(token)): the expected `at_hash`.
pub fn expected_at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&auth_return_crypto::hash::sha256(access_token.as_bytes())[..16])
}
