//! Hooks over real HTTP, to a receiver on loopback that checks each call's signature: the pre
//! sign-up hook allows, denies with its message, and confirms at once; the pre token generation
//! hook adds and removes claims at sign-in and refresh and may not touch the protected ones; a
//! hook that fails, answers nonsense or is too slow fails closed or open as configured.

use crate::common::{PASSWORD, TestServer, claims, create_app, developer, send};
use auth_return_core::CreatedApp;
use auth_return_core::events::Caller;
use auth_return_core::hooks::HooksPatch;
use auth_return_core::{Actor, AppUpdate};
use auth_return_crypto::webhook;
use axum::body::Bytes;
use axum::http::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Answer = Arc<dyn Fn(&Value) -> (u16, Value) + Send + Sync>;

/// A receiver: checks the signature with the app's hook secret, records the request, answers
/// as `answer` says.
#[derive(Clone)]
struct Receiver {
    secret: Arc<Mutex<String>>,
    seen: Arc<Mutex<Vec<Value>>>,
    answer: Arc<Mutex<Answer>>,
    delay: Arc<Mutex<Duration>>,
}

impl Receiver {
    async fn start() -> (Self, String) {
        let receiver = Self {
            secret: Arc::default(),
            seen: Arc::default(),
            answer: Arc::new(Mutex::new(Arc::new(|_: &Value| {
                (200, json!({ "allow": true }))
            }))),
            delay: Arc::default(),
        };
        let this = receiver.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let this = this.clone();
                async move {
                    let key = webhook::secret_key(&this.secret.lock().unwrap()).unwrap();
                    let id = headers["webhook-id"].to_str().unwrap();
                    let at: i64 = headers["webhook-timestamp"]
                        .to_str()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert_eq!(
                        headers["webhook-signature"].to_str().unwrap(),
                        webhook::sign(&key, id, at, &body),
                        "a call not signed with the app's hook secret"
                    );
                    let request: Value = serde_json::from_slice(&body).unwrap();
                    this.seen.lock().unwrap().push(request.clone());
                    let delay = *this.delay.lock().unwrap();
                    tokio::time::sleep(delay).await;
                    let answer = this.answer.lock().unwrap().clone();
                    let (status, body) = answer(&request);
                    (
                        axum::http::StatusCode::from_u16(status).unwrap(),
                        axum::Json(body),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    fn answer_with(&self, answer: impl Fn(&Value) -> (u16, Value) + Send + Sync + 'static) {
        *self.answer.lock().unwrap() = Arc::new(answer);
    }

    fn calls(&self) -> Vec<Value> {
        self.seen.lock().unwrap().clone()
    }
}

/// A server allowing loopback hooks, an app, and a receiver set as its `hook` with `extra`
/// settings; the receiver knows the app's secret.
async fn hooked(hook: &str, extra: Value) -> (TestServer, CreatedApp, Receiver) {
    let server = TestServer::start_with_config(|c| c.webhooks_allow_private = true).await;
    let app = server.app("Hooked").await;
    let (receiver, url) = Receiver::start().await;
    let mut config = json!({ "url": url });
    config
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let patch: HooksPatch = serde_json::from_value(json!({ hook: config })).unwrap();
    let update = AppUpdate {
        hooks: Some(patch),
        ..AppUpdate::default()
    };
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Caller::unknown())
        .await
        .unwrap();
    let secret = server
        .service
        .rotate_hook_secret(Actor::Operator, &app.app.id, &Caller::unknown())
        .await
        .unwrap();
    *receiver.secret.lock().unwrap() = secret;
    (server, app, receiver)
}

async fn user_exists(server: &TestServer, app: &CreatedApp, email: &str) -> bool {
    server
        .service
        .store()
        .get_user_by_email(&app.app.pool_id, email)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn the_pre_sign_up_hook_allows_denies_with_its_message_and_confirms_at_once() {
    let (server, app, receiver) = hooked("pre_sign_up", json!({})).await;
    receiver.answer_with(|request| {
        let email = request["user"]["email"].as_str().unwrap();
        match email.split('@').next().unwrap() {
            "deny" => (
                200,
                json!({ "allow": false, "message": "Only staff may sign up\u{7}." }),
            ),
            "auto" => (
                200,
                json!({ "allow": true, "auto_confirm": true, "auto_verify_email": true }),
            ),
            _ => (200, json!({ "allow": true })),
        }
    });
    let client_id = app.app.client.id.as_str();

    let denied = server
        .sign_up(client_id, "deny@example.com", PASSWORD)
        .await;
    denied.assert_error(
        "UserLambdaValidationException",
        "PreSignUp failed with error Only staff may sign up..",
    );
    assert!(!user_exists(&server, &app, "deny@example.com").await);
    assert!(server.mails().is_empty());

    let auto = server
        .sign_up(client_id, "auto@example.com", PASSWORD)
        .await;
    assert_eq!(auto.ok()["UserConfirmed"], true);
    assert!(
        auto.ok().get("CodeDeliveryDetails").is_none(),
        "{:?}",
        auto.body
    );
    assert!(server.mails().is_empty(), "no code for a confirmed account");
    let tokens = server.tokens(&app, "auto@example.com", PASSWORD).await;
    assert_eq!(claims(&tokens.id)["email_verified"], true);

    let plain = server
        .call(
            "SignUp",
            json!({
                "ClientId": client_id, "Username": "plain@example.com", "Password": PASSWORD,
                "ClientMetadata": { "invite": "X1" },
                "ValidationData": [{ "Name": "captcha", "Value": "passed" }],
            }),
        )
        .await;
    assert_eq!(plain.ok()["UserConfirmed"], false);
    assert_eq!(plain.ok()["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert!(!server.last_code("plain@example.com").is_empty());

    let calls = receiver.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0]["type"], "pre_sign_up");
    assert_eq!(calls[0]["app_id"], app.app.id.as_str());
    assert_eq!(calls[0]["client_id"], client_id);
    assert_eq!(calls[0]["user_pool_id"], app.app.pool_id.as_str());
    assert!(
        calls.iter().all(|c| c.to_string().find(PASSWORD).is_none()),
        "a password reached the hook"
    );
    assert_eq!(calls[2]["client_metadata"], json!({ "invite": "X1" }));
    assert_eq!(calls[2]["validation_data"], json!({ "captcha": "passed" }));
    assert_eq!(calls[0]["client_metadata"], json!({}));

    // A taken email is answered before the hook is asked.
    server
        .sign_up(client_id, "plain@example.com", PASSWORD)
        .await
        .assert_error(
            "UsernameExistsException",
            "An account with the given email already exists.",
        );
    assert_eq!(receiver.calls().len(), 3);
}

#[tokio::test]
async fn a_failing_hook_fails_closed_by_default_and_open_when_asked() {
    let (server, app, receiver) = hooked("pre_sign_up", json!({ "timeout_ms": 300 })).await;
    let client_id = app.app.client.id.as_str();
    for (answer, reason) in [
        ((500, json!({})), "HTTP 500"),
        ((200, json!(["allow"])), "the answer is not a JSON object"),
        (
            (200, json!({ "allowed": true })),
            "the answer has no allow (true or false)",
        ),
    ] {
        receiver.answer_with(move |_| answer.clone());
        let failed = server
            .sign_up(client_id, "late@example.com", PASSWORD)
            .await;
        failed.assert_error(
            "UnexpectedLambdaException",
            &format!("PreSignUp invocation failed due to error {reason}."),
        );
        assert!(!user_exists(&server, &app, "late@example.com").await);
    }
    receiver.answer_with(|_| (200, json!({ "allow": true })));
    *receiver.delay.lock().unwrap() = Duration::from_millis(1500);
    let slow = server
        .sign_up(client_id, "late@example.com", PASSWORD)
        .await;
    slow.assert_error(
        "UnexpectedLambdaException",
        "PreSignUp invocation failed due to error no answer within 0.3 s.",
    );
    assert!(!user_exists(&server, &app, "late@example.com").await);

    // Failing open: the sign-up goes on as if there were no hook.
    let (server, app, receiver) = hooked("pre_sign_up", json!({ "on_failure": "allow" })).await;
    receiver.answer_with(|_| (503, json!({})));
    let reply = server
        .sign_up(app.app.client.id.as_str(), "open@example.com", PASSWORD)
        .await;
    assert_eq!(reply.ok()["UserConfirmed"], false);
    assert!(user_exists(&server, &app, "open@example.com").await);
}

#[tokio::test]
async fn the_pre_token_hook_changes_claims_at_sign_in_and_refresh_but_never_the_protected_ones() {
    let (server, app, receiver) = hooked("pre_token_generation", json!({})).await;
    receiver.answer_with(|request| {
        let tier = if request["source"] == "refresh" { "platinum" } else { "gold" };
        (200, json!({
            "id_token": { "add": { "tier": tier, "custom:plan": { "seats": 5 } }, "suppress": ["email"] },
            "access_token": { "add": { "roles": ["admin", "billing"] } },
        }))
    });
    server
        .confirmed_user(app.app.client.id.as_str(), "tok@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "tok@example.com", PASSWORD).await;
    let (id, access) = (claims(&tokens.id), claims(&tokens.access));
    assert_eq!(
        (id["tier"].clone(), id["custom:plan"].clone()),
        (json!("gold"), json!({ "seats": 5 }))
    );
    assert!(id.get("email").is_none(), "suppressed");
    assert_eq!(access["roles"], json!(["admin", "billing"]));
    assert_eq!(id["token_use"], "id");
    let request = &receiver.calls()[0];
    assert_eq!(request["user"]["email"], "tok@example.com");
    assert_eq!(request["id_token"]["email"], "tok@example.com");
    assert_eq!(request["access_token"]["token_use"], "access");

    // At refresh it is asked again, and says so.
    let refreshed = server
        .call(
            "InitiateAuth",
            json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": app.app.client.id.as_str(), "AuthParameters": { "REFRESH_TOKEN": tokens.refresh } }),
        )
        .await;
    let id = claims(
        refreshed.ok()["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(id["tier"], "platinum");
    assert_eq!(receiver.calls().last().unwrap()["source"], "refresh");

    // Touching a protected claim is a failed call: closed, no tokens.
    for protected in ["sub", "exp", "iss", "aud", "token_use", "cognito:username"] {
        receiver.answer_with(move |_| {
            (
                200,
                json!({ "access_token": { "add": { protected: "x" } } }),
            )
        });
        let refused = server.srp_sign_in(&app, "tok@example.com", PASSWORD).await;
        refused.assert_error(
            "UnexpectedLambdaException",
            &format!("PreTokenGeneration invocation failed due to error access_token may not change the claim {protected}."),
        );
    }
}

#[tokio::test]
async fn hooks_are_settings_of_the_owner_with_a_secret_shown_at_rotation() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let app_id = app["app_id"].as_str().unwrap();
    let path = format!("/api/apps/{app_id}");
    let (status, refused) = send(
        &server,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "hooks": { "pre_sign_up": { "url": "https://10.0.0.1/hook" }, "pre_token_generation": { "url": "https://hooks.example.com/t", "timeout_ms": 50 } } })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let text = refused.to_string();
    assert!(
        text.contains("hooks.pre_sign_up.url must be a public address"),
        "{text}"
    );
    let (status, set) = send(
        &server,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "hooks": { "pre_sign_up": { "url": "https://hooks.example.com/s", "on_failure": "allow" } } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let (_, shown) = send(&server, Method::GET, &path, Some(&token), None).await;
    assert_eq!(
        shown["hooks"]["pre_sign_up"],
        json!({ "url": "https://hooks.example.com/s", "timeout_ms": 5000, "on_failure": "allow" })
    );

    let rotate = format!("/api/apps/{app_id}/hooks/secret");
    let (status, first) = send(&server, Method::POST, &rotate, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, second) = send(&server, Method::POST, &rotate, Some(&token), None).await;
    assert!(webhook::secret_key(first["secret"].as_str().unwrap()).is_some());
    assert_ne!(first["secret"], second["secret"]);
    let other = developer(&server, "other@example.com").await;
    let (status, _) = send(&server, Method::POST, &rotate, Some(&other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = send(
        &server,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "hooks": { "post_sign_up": null } })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
