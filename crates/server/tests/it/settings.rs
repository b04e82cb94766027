//! Per-app settings: `PATCH /api/apps/{id}` validation and what each setting changes
//! (token lifetimes, password policy, mail templates, allowed origins, the MFA mode).

use crate::common::{PASSWORD, TestServer, claims, developer, send};
use auth_return_core::events::{EventKind, EventQuery};
use auth_return_core::{Actor, CreatedApp};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// A developer and an app of theirs.
struct Fixture {
    server: TestServer,
    dev: String,
    app_id: String,
}

impl Fixture {
    async fn new(tag: &str, origins: Value) -> Self {
        let server = TestServer::start().await;
        let dev = developer(&server, &format!("dev-{tag}@example.com")).await;
        let (status, created) = send(
            &server,
            reqwest::Method::POST,
            "/api/apps",
            Some(&dev),
            Some(json!({"name": format!("Shop {tag}"), "origins": origins})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        Self {
            server,
            dev,
            app_id: created["app_id"].as_str().unwrap().to_owned(),
        }
    }

    fn path(&self) -> String {
        format!("/api/apps/{}", self.app_id)
    }

    async fn patch_as(&self, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        send(
            &self.server,
            reqwest::Method::PATCH,
            &self.path(),
            token,
            Some(body),
        )
        .await
    }

    async fn patch(&self, body: Value) -> Value {
        let (status, view) = self.patch_as(Some(&self.dev), body).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }

    async fn show(&self) -> Value {
        let (status, view) = send(
            &self.server,
            reqwest::Method::GET,
            &self.path(),
            Some(&self.dev),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }

    async fn app(&self) -> CreatedApp {
        CreatedApp {
            app: self
                .server
                .service
                .get_app(Actor::Operator, &self.app_id.parse().unwrap())
                .await
                .unwrap(),
            client_secret: None,
        }
    }

    async fn client_id(&self) -> String {
        self.app().await.app.client.id.to_string()
    }

    /// `POST /` from a browser origin: status, headers, body.
    async fn cognito_from(
        &self,
        origin: &str,
        op: &str,
        body: Value,
    ) -> (StatusCode, HeaderMap, Value) {
        let response = self
            .server
            .http
            .post(&self.server.url)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .header("origin", origin)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, headers, body)
    }
}

fn allow_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn refused_patches_answer_400_and_change_nothing() {
    let f = Fixture::new("validate", json!(["https://before.example"])).await;
    let before = f.show().await;
    assert_eq!(before["token_validity_secs"], 3600);
    assert_eq!(before["refresh_validity_secs"], 30 * 24 * 3600);

    for (body, needle) in [
        (json!({"token_validity_secs": 299}), "token_validity_secs"),
        (json!({"token_validity_secs": 86401}), "token_validity_secs"),
        (
            json!({"refresh_validity_secs": 3599}),
            "refresh_validity_secs",
        ),
        (
            json!({"refresh_validity_secs": 315_360_001}),
            "refresh_validity_secs",
        ),
        (json!({"password_policy": {"min_length": 5}}), "min_length"),
        (
            json!({"password_policy": {"min_length": 100}}),
            "min_length",
        ),
        (
            json!({"refresh_rotation": {"grace_secs": 61}}),
            "grace_secs",
        ),
        (
            json!({"refresh_rotation": {"grace_secs": -1}}),
            "grace_secs",
        ),
        (
            json!({"templates": {"verification_message": "Welcome aboard, no code"}}),
            "verification_message",
        ),
        (
            json!({"templates": {"invitation_message": "Your password is {####}"}}),
            "invitation_message",
        ),
        (
            json!({"templates": {"invitation_message": "Hello {username}, welcome"}}),
            "invitation_message",
        ),
        (
            json!({"templates": {"verification_subject": "x".repeat(141)}}),
            "subject",
        ),
        (json!({"origins": ["not a url"]}), "origin"),
        (json!({"name": ""}), "name"),
        // Valid members next to an invalid one: nothing is applied.
        (
            json!({"name": "Renamed", "origins": [], "token_validity_secs": 299}),
            "token_validity_secs",
        ),
        (
            json!({"name": "Renamed", "password_policy": {"min_length": 12},
                   "templates": {"verification_message": "no code"}}),
            "verification_message",
        ),
    ] {
        let (status, error) = f.patch_as(Some(&f.dev), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {error}");
        assert_eq!(error["error"], "invalid_request", "{body} -> {error}");
        let message = error["message"].as_str().unwrap_or("");
        assert!(message.contains(needle), "{body} -> {error}");
    }
    // Every bad member is named at once, by its path in the body, beside its own message.
    let (status, error) = f
        .patch_as(
            Some(&f.dev),
            json!({"name": "Fine", "token_validity_secs": 1, "refresh_validity_secs": 1,
                   "origins": ["ftp://x"], "password_policy": {"min_length": 5},
                   "refresh_rotation": {"grace_secs": 61},
                   "user_api_keys": {"scopes": ["bad scope"]},
                   "templates": {"verification_subject": "two\nlines",
                                 "verification_message": "no code",
                                 "invitation_subject": "ok",
                                 "invitation_message": "{####} only"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let fields: Vec<(&str, &str)> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    let named: Vec<&str> = fields.iter().map(|(field, _)| *field).collect();
    assert_eq!(
        named,
        [
            "origins",
            "token_validity_secs",
            "refresh_validity_secs",
            "password_policy.min_length",
            "refresh_rotation.grace_secs",
            "user_api_keys.scopes",
            "templates.verification_subject",
            "templates.verification_message",
            "templates.invitation_message",
        ],
        "{error}"
    );
    for (field, message) in &fields {
        let member = field.rsplit('.').next().unwrap();
        let member = if member == "origins" {
            "origin"
        } else {
            member
        };
        let member = if member == "scopes" { "scope" } else { member };
        assert!(message.contains(member), "{field}: {message}");
        assert!(error["message"].as_str().unwrap().contains(message));
    }
    // A single-member error has its one field too; a body of the wrong shape has none.
    let (_, error) = f.patch_as(Some(&f.dev), json!({"name": ""})).await;
    assert_eq!(error["fields"][0]["field"], "name", "{error}");
    assert_eq!(f.show().await, before, "a refused PATCH changes nothing");
    let (_, error) = f.patch_as(Some(&f.dev), json!({"name": 5})).await;
    assert!(error.get("fields").is_none(), "{error}");
    // Unknown members and wrong types (serde's shape errors).
    for body in [
        json!({"surprise": 1}),
        json!({"tokenValiditySecs": 300}),
        json!({"token_validity_secs": "300"}),
        json!({"password_policy": 12}),
    ] {
        let (status, error) = f.patch_as(Some(&f.dev), body.clone()).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {status} {error}"
        );
        assert_eq!(error["error"], "invalid_request", "{body} -> {error}");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{error}"
        );
    }
    assert_eq!(f.show().await, before, "a refused PATCH changes nothing");

    // Another developer's app does not exist for them; no token is 401.
    let stranger = developer(&f.server, "stranger@example.com").await;
    let (status, error) = f
        .patch_as(Some(&stranger), json!({"token_validity_secs": 300}))
        .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, error) = f.patch_as(None, json!({"token_validity_secs": 300})).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (status, _) = send(
        &f.server,
        reqwest::Method::PATCH,
        "/api/apps/app_doesnotexist",
        Some(&f.dev),
        Some(json!({"token_validity_secs": 300})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(
        &f.server,
        reqwest::Method::PATCH,
        "/api/apps/console",
        Some(&f.dev),
        Some(json!({"token_validity_secs": 300})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the console app is nobody's");
    assert_eq!(f.show().await, before);

    // The bounds themselves are accepted, and absent members stay as they are.
    let view = f
        .patch(
            json!({"token_validity_secs": 86400, "refresh_validity_secs": 3600,
                      "password_policy": {"min_length": 99},
                      "refresh_rotation": {"enabled": true, "grace_secs": 60}}),
        )
        .await;
    assert_eq!(view["token_validity_secs"], 86400);
    assert_eq!(view["refresh_validity_secs"], 3600);
    assert_eq!(view["password_policy"]["min_length"], 99);
    assert_eq!(view["refresh_rotation"]["grace_secs"], 60);
    assert_eq!(view["name"], before["name"]);
    assert_eq!(view["origins"], json!(["https://before.example"]));
    let view = f
        .patch(
            json!({"token_validity_secs": 300, "refresh_validity_secs": 315_360_000,
                      "password_policy": {"min_length": 6},
                      "refresh_rotation": {"grace_secs": 0}}),
        )
        .await;
    assert_eq!(view["token_validity_secs"], 300);
    assert_eq!(view["refresh_validity_secs"], 315_360_000);
    assert_eq!(view["password_policy"]["min_length"], 6);
    assert_eq!(view["refresh_rotation"]["grace_secs"], 0);
    assert_eq!(f.show().await, view, "GET shows what PATCH answered");
    let unchanged = f.patch(json!({})).await;
    assert_eq!(unchanged, view);
}

#[tokio::test]

async fn unknown_members_inside_settings_are_refused() {
    let f = Fixture::new("nested", json!([])).await;
    f.patch(json!({"password_policy": {"min_length": 12, "require_symbols": false}}))
        .await;
    let before = f.show().await;
    for body in [
        // A typo would otherwise silently reset the policy to the defaults.
        json!({"password_policy": {"min_lenght": 12}}),
        json!({"refresh_rotation": {"grace": 5}}),
        json!({"templates": {"verification_mesage": "Code {####}"}}),
    ] {
        let (status, error) = f.patch_as(Some(&f.dev), body.clone()).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {status} {error}"
        );
        assert_eq!(error["error"], "invalid_request", "{body} -> {error}");
    }
    assert_eq!(f.show().await, before);
}

#[tokio::test]
async fn the_public_config_says_whether_passkeys_are_on_and_nothing_more() {
    let f = Fixture::new("passkeys", json!([])).await;
    let config_path = format!("/api/apps/{}/config", f.app_id);
    let (_, config, _) = f.server.get(&config_path, None).await;
    assert_eq!(
        config["passkeys"],
        json!({"enabled": false}),
        "off by default"
    );
    let on = json!({"passkeys": {"enabled": true, "relying_party_id": "localhost",
                                 "origins": ["http://localhost:3000"]}});
    f.patch(on).await;
    let (_, config, _) = f.server.get(&config_path, None).await;
    // The relying party and the origins stay with the server's checks.
    assert_eq!(config["passkeys"], json!({"enabled": true}), "{config}");
    f.patch(json!({"passkeys": {"enabled": false}})).await;
    let (_, config, _) = f.server.get(&config_path, None).await;
    assert_eq!(config["passkeys"], json!({"enabled": false}));
}

#[tokio::test]
async fn the_mfa_mode_is_set_shown_and_judged_like_the_other_settings() {
    let f = Fixture::new("mfa", json!([])).await;
    let config_path = format!("/api/apps/{}/config", f.app_id);
    let before = f.show().await;
    assert_eq!(
        before["mfa"],
        json!({"mode": "OFF", "email_otp": false}),
        "off by default"
    );

    for mode in ["ON", "OPTIONAL", "OFF", "ON"] {
        let view = f.patch(json!({"mfa": {"mode": mode}})).await;
        assert_eq!(
            view["mfa"],
            json!({"mode": mode, "email_otp": false}),
            "{view}"
        );
        assert_eq!(f.show().await, view, "GET shows what PATCH answered");
        // The public config tells the front ends, in its own camelCase.
        let (_, config, _) = f.server.get(&config_path, None).await;
        assert_eq!(config["mfa"], json!({"mode": mode, "emailOtp": false}));
    }
    f.patch(json!({"mfa": {"email_otp": true}})).await;
    let (_, config, _) = f.server.get(&config_path, None).await;
    assert_eq!(config["mfa"], json!({"mode": "ON", "emailOtp": true}));
    f.patch(json!({"mfa": {"email_otp": false}})).await;
    // The listing shows it too, and what a change does not name stays.
    let (status, list) = send(
        &f.server,
        reqwest::Method::GET,
        "/api/apps",
        Some(&f.dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        list["apps"][0]["mfa"],
        json!({"mode": "ON", "email_otp": false}),
        "{list}"
    );
    for body in [json!({"mfa": {}}), json!({"name": "Renamed"})] {
        assert_eq!(
            f.patch(body).await["mfa"],
            json!({"mode": "ON", "email_otp": false})
        );
    }
    let set = f.show().await;

    // An unknown mode is a bad value, named by its path beside the other bad members.
    for mode in ["SOMETIMES", "on", "Optional", ""] {
        let (status, error) = f
            .patch_as(Some(&f.dev), json!({"mfa": {"mode": mode}}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{mode:?} -> {error}");
        assert_eq!(error["error"], "invalid_request", "{error}");
        assert_eq!(error["fields"][0]["field"], "mfa.mode", "{error}");
        let message = error["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains("OFF, OPTIONAL or ON"), "{error}");
    }
    let (status, error) = f
        .patch_as(
            Some(&f.dev),
            json!({"mfa": {"mode": "OFF"}, "token_validity_secs": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(
        error["fields"][0]["field"], "token_validity_secs",
        "{error}"
    );
    let (_, error) = f
        .patch_as(
            Some(&f.dev),
            json!({"mfa": {"mode": "NEVER"}, "origins": ["ftp://x"]}),
        )
        .await;
    let named: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["origins", "mfa.mode"], "{error}");
    // A body of the wrong shape: an unknown member, a value of the wrong type.
    for body in [
        json!({"mfa": {"mode": "ON", "factors": ["TOTP"]}}),
        json!({"mfa": {"Mode": "ON"}}),
        json!({"mfa": {"mode": true}}),
        json!({"mfa": "ON"}),
    ] {
        let (status, error) = f.patch_as(Some(&f.dev), body.clone()).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {status} {error}"
        );
        assert_eq!(error["error"], "invalid_request", "{body} -> {error}");
        assert!(error.get("fields").is_none(), "{body} -> {error}");
    }
    assert_eq!(f.show().await, set, "a refused PATCH changes nothing");

    // Another developer's app does not exist for them; no token is 401.
    let stranger = developer(&f.server, "mfa-stranger@example.com").await;
    let (status, error) = f
        .patch_as(Some(&stranger), json!({"mfa": {"mode": "OFF"}}))
        .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, _) = f.patch_as(None, json!({"mfa": {"mode": "OFF"}})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(f.show().await, set);

    // The audit event names the member, never its value; a change without a mode is no change.
    f.server.service.events().flush().await;
    let pool = f.app().await.app.pool_id;
    let query = EventQuery {
        limit: 1000,
        ..EventQuery::default()
    };
    let mut events = f
        .server
        .service
        .store()
        .list_events(&pool, &query)
        .await
        .unwrap();
    events.reverse();
    let changed: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == EventKind::SettingsChanged)
        .map(|e| e.detail["changed"].as_str().unwrap())
        .collect();
    assert_eq!(
        changed,
        [
            "mfa.mode",
            "mfa.mode",
            "mfa.mode",
            "mfa.mode",
            "mfa.email_otp",
            "mfa.email_otp",
            "name"
        ]
    );
}

#[tokio::test]
async fn token_validity_sets_expires_in_and_lifetimes() {
    let f = Fixture::new("tokens", json!([])).await;
    let client = f.client_id().await;
    let email = "lifetime@example.com";
    f.server.confirmed_user(&client, email, PASSWORD).await;
    let reply = f.server.srp_sign_in(&f.app().await, email, PASSWORD).await;
    assert_eq!(reply.ok()["AuthenticationResult"]["ExpiresIn"], 3600);

    let view = f.patch(json!({"token_validity_secs": 300})).await;
    assert_eq!(view["token_validity_secs"], 300);
    let app = f.app().await;
    let reply = f.server.srp_sign_in(&app, email, PASSWORD).await;
    let result = reply.ok()["AuthenticationResult"].clone();
    assert_eq!(result["ExpiresIn"], 300);
    for token in ["IdToken", "AccessToken"] {
        let c = claims(result[token].as_str().unwrap());
        assert_eq!(
            c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
            300,
            "{token}: {c}"
        );
    }
    let access = result["AccessToken"].as_str().unwrap().to_owned();

    // Refreshed tokens have the same lifetime.
    f.server.clock.advance(100);
    let reply = f
        .server
        .call(
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": result["RefreshToken"], "ClientId": client}),
        )
        .await;
    let refreshed = reply.ok()["AuthenticationResult"].clone();
    assert_eq!(refreshed["ExpiresIn"], 300);
    for token in ["IdToken", "AccessToken"] {
        let c = claims(refreshed[token].as_str().unwrap());
        assert_eq!(
            c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
            300,
            "{token}: {c}"
        );
    }

    f.server
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .ok();
    f.server.clock.advance(201);
    f.server
        .call("GetUser", json!({"AccessToken": access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has expired");
    f.server
        .call("GetUser", json!({"AccessToken": refreshed["AccessToken"]}))
        .await
        .ok();
}

#[tokio::test]
async fn refresh_validity_bounds_the_session() {
    let f = Fixture::new("refresh", json!([])).await;
    let client = f.client_id().await;
    let email = "session@example.com";
    f.server.confirmed_user(&client, email, PASSWORD).await;
    let view = f.patch(json!({"refresh_validity_secs": 3600})).await;
    assert_eq!(view["refresh_validity_secs"], 3600);

    let reply = f.server.srp_sign_in(&f.app().await, email, PASSWORD).await;
    let result = reply.ok()["AuthenticationResult"].clone();
    let auth_time = claims(result["IdToken"].as_str().unwrap())["auth_time"]
        .as_i64()
        .unwrap();
    let ends = result["RefreshTokenExpiresAt"].as_i64().unwrap();
    assert_eq!(ends, auth_time + 3600);

    f.server.clock.advance(3599);
    let reply = f
        .server
        .call(
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": result["RefreshToken"], "ClientId": client}),
        )
        .await;
    let refreshed = reply.ok()["AuthenticationResult"].clone();
    assert_eq!(
        refreshed["RefreshTokenExpiresAt"], ends,
        "refreshing does not extend the session"
    );
    let latest = refreshed["RefreshToken"]
        .as_str()
        .or(result["RefreshToken"].as_str())
        .unwrap()
        .to_owned();

    f.server.clock.advance(2);
    f.server
        .call(
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": latest, "ClientId": client}),
        )
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has expired");
    f.server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                   "AuthParameters": {"REFRESH_TOKEN": latest}}),
        )
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has expired");
    // Signing in again starts a new session of the same length.
    let reply = f.server.srp_sign_in(&f.app().await, email, PASSWORD).await;
    let result = reply.ok()["AuthenticationResult"].clone();
    let auth_time = claims(result["IdToken"].as_str().unwrap())["auth_time"]
        .as_i64()
        .unwrap();
    assert_eq!(result["RefreshTokenExpiresAt"], auth_time + 3600);
}

#[tokio::test]
async fn password_policy_applies_to_sign_up_and_shows_in_the_config() {
    let f = Fixture::new("policy", json!([])).await;
    let client = f.client_id().await;
    let config_path = format!("/api/apps/{}/config", f.app_id);
    let (status, config, _) = f.server.get(&config_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        config["passwordPolicy"],
        json!({"minLength": 8, "requireUppercase": true, "requireLowercase": true,
               "requireNumbers": true, "requireSymbols": true})
    );
    let twelve = "Abcdefghij1x";
    let eleven = "Abcdefghi1x";
    f.server
        .sign_up(&client, "early@example.com", twelve)
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have symbol characters",
        );

    let view = f
        .patch(json!({"password_policy": {"min_length": 12, "require_symbols": false}}))
        .await;
    assert_eq!(
        view["password_policy"],
        json!({"min_length": 12, "require_uppercase": true, "require_lowercase": true,
               "require_numbers": true, "require_symbols": false})
    );
    f.server
        .sign_up(&client, "short@example.com", eleven)
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
        );
    f.server
        .sign_up(&client, "short@example.com", "Abcdefghijk-")
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have numeric characters",
        );
    let reply = f.server.sign_up(&client, "early@example.com", twelve).await;
    assert!(reply.ok()["UserSub"].is_string());
    let reply = f.server.sign_up(&client, "short@example.com", twelve).await;
    assert!(
        reply.ok()["UserSub"].is_string(),
        "the refusals kept nothing"
    );
    let code = f.server.last_code("early@example.com");
    f.server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "early@example.com", "ConfirmationCode": code}),
        )
        .await
        .ok();
    f.server
        .srp_sign_in(&f.app().await, "early@example.com", twelve)
        .await
        .ok();

    let (status, config, _) = f.server.get(&config_path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        config["passwordPolicy"],
        json!({"minLength": 12, "requireUppercase": true, "requireLowercase": true,
               "requireNumbers": true, "requireSymbols": false})
    );
    // A patch changes only the members it names.
    f.patch(json!({"password_policy": {"min_length": 10}}))
        .await;
    let (_, config, _) = f.server.get(&config_path, None).await;
    assert_eq!(
        config["passwordPolicy"],
        json!({"minLength": 10, "requireUppercase": true, "requireLowercase": true,
               "requireNumbers": true, "requireSymbols": false})
    );
    f.patch(json!({"password_policy": {"require_symbols": true}}))
        .await;
    f.server
        .sign_up(&client, "later@example.com", twelve)
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have symbol characters",
        );
}

#[tokio::test]
async fn custom_templates_are_used_verbatim() {
    let f = Fixture::new("templates", json!([])).await;
    let client = f.client_id().await;
    let view = f
        .patch(json!({"templates": {
            "verification_subject": "Confirm your Shop account",
            "verification_message": "Hello!\nYour code: {####}. Bye.",
            "invitation_subject": "Welcome aboard",
            "invitation_message": "Hi {username}, your password is {####}"
        }}))
        .await;
    assert_eq!(
        view["templates"]["verification_subject"],
        "Confirm your Shop account"
    );

    let email = "templated@example.com";
    f.server.sign_up(&client, email, PASSWORD).await.ok();
    let mail = f.server.mails().last().unwrap().clone();
    assert_eq!(mail["to"], email);
    assert_eq!(mail["subject"], "Confirm your Shop account");
    let code = f.server.last_code(email);
    assert_eq!(mail["text"], format!("Hello!\nYour code: {code}. Bye."));
    f.server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": email, "ConfirmationCode": code}),
        )
        .await
        .ok();

    // Password reset codes use the verification template too.
    f.server
        .call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": email}),
        )
        .await
        .ok();
    let mail = f.server.mails().last().unwrap().clone();
    let reset = f.server.last_code(email);
    assert_eq!(mail["subject"], "Confirm your Shop account");
    assert_eq!(mail["text"], format!("Hello!\nYour code: {reset}. Bye."));

    // The invitation of an administrator-created user.
    let pool = f.app().await.app.pool_id.to_string();
    let invited = "invited@example.com";
    f.server
        .raw(
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": invited, "TemporaryPassword": "Temp-Pass-123"})
                .to_string()
                .into_bytes(),
            Some(&f.dev),
        )
        .await
        .ok();
    let mail = f.server.mails().last().unwrap().clone();
    assert_eq!(mail["to"], invited);
    assert_eq!(mail["subject"], "Welcome aboard");
    assert_eq!(
        mail["text"],
        "Hi invited@example.com, your password is Temp-Pass-123"
    );

    // Empty strings bring back the built-in wording.
    f.patch(json!({"templates": {"verification_subject": "", "verification_message": ""}}))
        .await;
    let other = "default@example.com";
    f.server.sign_up(&client, other, PASSWORD).await.ok();
    let mail = f.server.mails().last().unwrap().clone();
    assert_eq!(mail["subject"], "Your Shop templates verification code");
}

#[tokio::test]
async fn origins_decide_the_cors_grant_but_not_the_answer() {
    let f = Fixture::new("origins", json!([])).await;
    let client = f.client_id().await;
    let allowed = "https://allowed.example";
    let evil = "https://evil.example";

    // No origins: any origin is echoed.
    let (status, headers, _) = f
        .cognito_from(
            evil,
            "SignUp",
            json!({"ClientId": client, "Username": "open@example.com", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allow_origin(&headers), Some(evil));

    let view = f
        .patch(json!({"origins": ["https://Allowed.Example/"]}))
        .await;
    assert_eq!(view["origins"], json!([allowed]));

    let (status, headers, body) = f
        .cognito_from(
            allowed,
            "SignUp",
            json!({"ClientId": client, "Username": "friend@example.com", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(allow_origin(&headers), Some(allowed));
    assert!(
        headers["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("origin")
    );
    let exposed = headers["access-control-expose-headers"].to_str().unwrap();
    assert!(exposed.contains("x-amzn-errortype"), "{exposed}");
    assert!(exposed.contains("x-request-id"), "{exposed}");
    // Error answers are readable by the allowed origin too.
    let (status, headers, body) = f
        .cognito_from(
            allowed,
            "SignUp",
            json!({"ClientId": client, "Username": "friend@example.com", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "UsernameExistsException");
    assert_eq!(allow_origin(&headers), Some(allowed));

    // Another origin gets no grant, but the request is still processed.
    let (status, headers, body) = f
        .cognito_from(
            evil,
            "SignUp",
            json!({"ClientId": client, "Username": "foe@example.com", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["UserSub"].is_string());
    assert_eq!(allow_origin(&headers), None);
    let code = f.server.last_code("foe@example.com");
    f.server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": client, "Username": "foe@example.com", "ConfirmationCode": code}),
        )
        .await
        .ok();
    let eph = auth_return_crypto::srp::client_ephemeral();
    let (status, headers, body) = f
        .cognito_from(
            evil,
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "foe@example.com", "SRP_A": eph.srp_a_hex}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(allow_origin(&headers), None);
    let (status, headers, _) = f
        .cognito_from(
            evil,
            "SignUp",
            json!({"ClientId": client, "Username": "foe@example.com", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(allow_origin(&headers), None);

    // Token-only calls are attributed to the token's app.
    let tokens = f
        .server
        .tokens(&f.app().await, "foe@example.com", PASSWORD)
        .await;
    let (status, headers, _) = f
        .cognito_from(evil, "GetUser", json!({"AccessToken": tokens.access}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allow_origin(&headers), None);
    let (status, headers, _) = f
        .cognito_from(allowed, "GetUser", json!({"AccessToken": tokens.access}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allow_origin(&headers), Some(allowed));

    // Preflights cannot see the app: always permissive.
    for origin in [evil, allowed] {
        let response = f
            .server
            .http
            .request(reqwest::Method::OPTIONS, &f.server.url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-amz-target",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(allow_origin(response.headers()), Some("*"));
    }

    // Other apps are not affected.
    let other = f.server.app("Other").await;
    let (status, headers, _) = f
        .cognito_from(
            evil,
            "SignUp",
            json!({"ClientId": other.app.client.id.as_str(), "Username": "x@example.com", "Password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allow_origin(&headers), Some(evil));

    // Back to no origins: any origin again.
    let view = f.patch(json!({"origins": []})).await;
    assert_eq!(view["origins"], json!([]));
    let (status, headers, _) = f
        .cognito_from(evil, "GetUser", json!({"AccessToken": tokens.access}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(allow_origin(&headers), Some(evil));
}

#[tokio::test]
async fn answers_that_name_no_known_client_get_no_cors_grant() {
    let f = Fixture::new("failclosed", json!(["https://allowed.example"])).await;
    let client = f.client_id().await;
    let evil = "https://evil.example";
    let open = f.server.app("Open to all").await;
    let open_client = open.app.client.id.as_str();
    f.server
        .confirmed_user(&client, "victim@example.com", PASSWORD)
        .await;
    let eph = auth_return_crypto::srp::client_ephemeral();

    // A non-string AccessToken beside the restricted app's ClientId: the operation uses the
    // ClientId, and so does the grant (this reached the PASSWORD_VERIFIER challenge before).
    let (status, headers, body) = f
        .cognito_from(
            evil,
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AccessToken": 5,
                   "AuthParameters": {"USERNAME": "victim@example.com", "SRP_A": eph.srp_a_hex}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(allow_origin(&headers), None);
    // An AccessToken of an open app does not lend its origins to a ClientId operation.
    let open_tokens = {
        f.server
            .confirmed_user(open_client, "open@example.com", PASSWORD)
            .await;
        f.server.tokens(&open, "open@example.com", PASSWORD).await
    };
    let (_, headers, _) = f
        .cognito_from(
            evil,
            "ForgotPassword",
            json!({"ClientId": client, "Username": "victim@example.com",
                   "AccessToken": open_tokens.access}),
        )
        .await;
    assert_eq!(allow_origin(&headers), None);

    // Bodies that identify no known client through the operation's member: no grant, whatever
    // the operation answers.
    for (op, body) in [
        (
            "SignUp",
            json!({"ClientId": "nosuchclient0000000000000", "Username": "x@example.com", "Password": PASSWORD}),
        ),
        (
            "SignUp",
            json!({"ClientId": 42, "Username": "x@example.com", "Password": PASSWORD}),
        ),
        ("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH"})),
        ("GetUser", json!({"AccessToken": "not.a.token"})),
        ("GetUser", json!({"AccessToken": ["x"]})),
        ("GetUser", json!({"ClientId": open_client})),
        ("NoSuchOperation", json!({"ClientId": open_client})),
        (
            "ListUsers",
            json!({"UserPoolId": open.app.pool_id.as_str()}),
        ),
    ] {
        let (status, headers, answer) = f.cognito_from(evil, op, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{op} {body}: {answer}");
        assert_eq!(allow_origin(&headers), None, "{op} {body}");
    }
    let response = f
        .server
        .http
        .post(&f.server.url)
        .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
        .header("origin", evil)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(allow_origin(response.headers()), None);

    // The open app's own operations still get the grant, for any origin: by ClientId, by
    // access token, and an administrator's call by the console token's client.
    let (_, headers, _) = f
        .cognito_from(evil, "GetUser", json!({"AccessToken": open_tokens.access}))
        .await;
    assert_eq!(allow_origin(&headers), Some(evil));
    let response = f
        .server
        .http
        .post(&f.server.url)
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.ListUsers",
        )
        .header("origin", evil)
        .bearer_auth(&f.dev)
        .body(json!({"UserPoolId": open.app.pool_id.as_str()}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        allow_origin(response.headers()),
        Some(evil),
        "the console lists no origins"
    );
}
