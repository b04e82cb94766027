//! Webhooks over real HTTP: the REST API that manages endpoints (and every refusal it can
//! give), and deliveries to a real receiver on loopback — signed, retried on the schedule,
//! one user's in order, logged, and an endpoint failing for days turned off.

use crate::common::{PASSWORD, TestServer, console, create_app, developer, send};
use auth_return_core::webhooks::{DISABLE_AFTER_SECS, RETRY_AFTER_SECS};
use auth_return_crypto::webhook;
use auth_return_server::webhook_transport::HttpWebhookTransport;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// A receiver on loopback: records each request, answers with the next queued status (200 once
/// the queue is empty).
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    async fn start(&self) -> String {
        let receiver = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let receiver = receiver.clone();
                async move {
                    receiver.seen.lock().unwrap().push((headers, body));
                    let status = receiver.answers.lock().unwrap().pop_front().unwrap_or(200);
                    AxumStatus::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    fn fail_next(&self, statuses: &[u16]) {
        self.answers.lock().unwrap().extend(statuses);
    }

    /// The bodies received, as JSON, with their `webhook-id`.
    fn received(&self) -> Vec<(String, Value)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, body)| {
                (
                    headers["webhook-id"].to_str().unwrap().to_owned(),
                    serde_json::from_slice(body).unwrap(),
                )
            })
            .collect()
    }
}

async fn private_server() -> TestServer {
    TestServer::start_with_config(|config| config.webhooks_allow_private = true).await
}

async fn register(
    server: &TestServer,
    token: &str,
    app_id: &str,
    url: &str,
    types: &[&str],
) -> Value {
    let (status, made) = send(
        server,
        Method::POST,
        &format!("/api/apps/{app_id}/webhooks"),
        Some(token),
        Some(json!({ "url": url, "description": "orders", "event_types": types })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made
}

async fn deliver(server: &TestServer) -> usize {
    server.service.events().flush().await;
    let transport = HttpWebhookTransport::new(true).unwrap();
    server.service.deliver_webhooks(&transport).await.unwrap()
}

async fn deliveries(server: &TestServer, token: &str, app_id: &str, id: &str) -> Vec<Value> {
    let (status, page) = send(
        server,
        Method::GET,
        &format!("/api/apps/{app_id}/webhooks/{id}/deliveries"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["deliveries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_developer_manages_endpoints_and_every_mistake_is_refused_by_name() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let app_id = app["app_id"].as_str().unwrap();
    let base = format!("/api/apps/{app_id}/webhooks");

    let response = server
        .http
        .post(format!("{}{base}", server.url))
        .bearer_auth(&token)
        .json(&json!({ "url": "https://hooks.example.com/in", "event_types": ["sign_in", "sign_up", "sign_in"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let made: Value = response.json().await.unwrap();
    let id = made["webhook_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("wh_"), "{made}");
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(webhook::secret_key(&secret).is_some(), "{made}");
    assert_eq!(made["event_types"], json!(["sign_in", "sign_up"]));
    assert_eq!(
        (made["enabled"].clone(), made["url"].clone()),
        (json!(true), json!("https://hooks.example.com/in"))
    );

    // Listed and shown without the secret.
    let (status, listed) = send(&server, Method::GET, &base, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);
    assert!(listed["webhooks"][0].get("secret").is_none());
    let (_, shown) = send(
        &server,
        Method::GET,
        &format!("{base}/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(shown["webhook_id"], id.as_str());
    assert!(shown.get("secret").is_none());

    // Changed; turned off and on; its secret rotated.
    let (status, changed) = send(
        &server,
        Method::PATCH,
        &format!("{base}/{id}"),
        Some(&token),
        Some(json!({ "event_types": ["locked_out"], "enabled": false, "description": "alerts" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (
            changed["event_types"].clone(),
            changed["enabled"].clone(),
            changed["description"].clone()
        ),
        (json!(["locked_out"]), json!(false), json!("alerts"))
    );
    let (status, rotated) = send(
        &server,
        Method::POST,
        &format!("{base}/{id}/rotate-secret"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(rotated["secret"], secret.as_str());

    // Refusals, each in the REST shape, nothing stored.
    for (body, message) in [
        (
            json!({ "url": "http://hooks.example.com/", "event_types": ["sign_in"] }),
            "url must be https",
        ),
        (
            json!({ "url": "https://10.0.0.5/", "event_types": ["sign_in"] }),
            "url must be a public address",
        ),
        (
            json!({ "url": "https://169.254.169.254/", "event_types": ["sign_in"] }),
            "url must be a public address",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "event_types": [] }),
            "event_types must name at least one",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "event_types": ["signed_in"] }),
            "unknown event type \"signed_in\"",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "event_types": ["sign_in"], "description": "a\u{7}b" }),
            "description must be",
        ),
    ] {
        let (status, refused) = send(
            &server,
            Method::POST,
            &base,
            Some(&token),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {refused}");
        assert_eq!(refused["error"], "invalid_request");
        assert!(
            refused["message"].as_str().unwrap().contains(message),
            "{refused}"
        );
    }
    let (status, _) = send(
        &server,
        Method::POST,
        &base,
        Some(&token),
        Some(json!({ "url": "https://x.example/", "event_types": ["sign_in"], "secret": "mine" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, listed) = send(&server, Method::GET, &base, Some(&token), None).await;
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);

    // Another developer sees no such app; unknown and malformed ids are not found; no token.
    let other = developer(&server, "other@example.com").await;
    let (status, body) = send(&server, Method::GET, &base, Some(&other), None).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::NOT_FOUND, json!("not_found"))
    );
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("{base}/{id}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for missing in ["wh_00000000000000000000", "wh_x", "../../x"] {
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("{base}/{missing}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
    }
    let (status, _) = send(&server, Method::GET, &base, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // At most ten per app.
    for n in 1..10 {
        register(
            &server,
            &token,
            app_id,
            &format!("https://hooks.example.com/{n}"),
            &["sign_in"],
        )
        .await;
    }
    let (status, full) = send(
        &server,
        Method::POST,
        &base,
        Some(&token),
        Some(json!({ "url": "https://hooks.example.com/11", "event_types": ["sign_in"] })),
    )
    .await;
    assert_eq!(
        (status, full["error"].clone()),
        (StatusCode::CONFLICT, json!("limit_exceeded"))
    );

    // Each change is in the app's activity, with the developer and the endpoint.
    server.service.events().flush().await;
    let (_, events) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}/events?type=settings_changed"),
        Some(&token),
        None,
    )
    .await;
    let actions: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["detail"]["webhook_id"] == id.as_str())
        .map(|e| e["detail"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["secret_rotated", "changed", "created"],
        "{events}"
    );

    // Deleted once.
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("{base}/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("{base}/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn deliveries_are_signed_retried_in_order_logged_and_a_dead_endpoint_is_turned_off() {
    let server = private_server().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let app_id = app["app_id"].as_str().unwrap();
    let client_id = app["client_id"].as_str().unwrap();
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let made = register(
        &server,
        &token,
        app_id,
        &url,
        &["sign_up", "sign_up_confirmed"],
    )
    .await;
    let id = made["webhook_id"].as_str().unwrap();
    let key = webhook::secret_key(made["secret"].as_str().unwrap()).unwrap();

    // The receiver fails the first attempt: the sign-up waits, and the confirmation (same
    // user) waits behind it.
    receiver.fail_next(&[503]);
    server
        .confirmed_user(client_id, "ana@example.com", PASSWORD)
        .await;
    assert_eq!(deliver(&server).await, 1);
    assert_eq!(
        deliver(&server).await,
        0,
        "retried before its time, or out of order"
    );
    let log = deliveries(&server, &token, app_id, id).await;
    assert_eq!(log.len(), 2);
    let first = &log[1];
    assert_eq!(
        (
            first["status"].clone(),
            first["attempts"].clone(),
            first["last_status"].clone()
        ),
        (json!("pending"), json!(1), json!(503))
    );
    assert_eq!(first["last_error"], "HTTP 503");
    assert_eq!(
        first["next_attempt_at"].as_i64().unwrap(),
        first["last_attempt_at"].as_i64().unwrap() + RETRY_AFTER_SECS[0]
    );

    // Five seconds on: the sign-up goes, then the confirmation, in that order.
    server.clock.advance(RETRY_AFTER_SECS[0]);
    assert_eq!(deliver(&server).await, 1);
    assert_eq!(deliver(&server).await, 1);
    let received = receiver.received();
    let types: Vec<&str> = received
        .iter()
        .map(|(_, body)| body["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["sign_up", "sign_up", "sign_up_confirmed"]);
    assert_eq!(received[0].0, received[1].0, "a retry keeps its webhook-id");
    let body = &received[2].1;
    assert_eq!(body["data"]["email"], "ana@example.com");
    assert_eq!(body["data"]["app_id"], app_id);
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));

    // Each request is signed as Standard Webhooks says, over the exact body.
    for (headers, raw) in receiver.seen.lock().unwrap().iter() {
        let id = headers["webhook-id"].to_str().unwrap();
        let timestamp: i64 = headers["webhook-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(
            headers["webhook-signature"].to_str().unwrap(),
            webhook::sign(&key, id, timestamp, raw)
        );
    }
    let log = deliveries(&server, &token, app_id, id).await;
    assert!(log.iter().all(|d| d["status"] == "delivered"), "{log:?}");

    // Paged newest first.
    let (_, page) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}/webhooks/{id}/deliveries?limit=1"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(page["deliveries"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, next) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}/webhooks/{id}/deliveries?limit=1&cursor={cursor}"),
        Some(&token),
        None,
    )
    .await;
    assert!(
        next["deliveries"][0]["delivery_id"].as_i64()
            < page["deliveries"][0]["delivery_id"].as_i64()
    );
    assert!(next["next_cursor"].is_null());
    for bad in ["limit=0", "limit=101", "cursor=x", "other=1"] {
        let (status, _) = send(
            &server,
            Method::GET,
            &format!("/api/apps/{app_id}/webhooks/{id}/deliveries?{bad}"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }

    // Every attempt failing: the schedule runs out and the delivery fails; five days of it and
    // the endpoint is turned off.
    receiver.fail_next(&[500; 20]);
    server
        .confirmed_user(client_id, "bo@example.com", PASSWORD)
        .await;
    assert_eq!(deliver(&server).await, 1);
    for wait in RETRY_AFTER_SECS {
        server.clock.advance(wait);
        assert_eq!(deliver(&server).await, 1);
    }
    // (Days went by: the developer signs in again.)
    let token = server
        .tokens(&console(&server).await, "dev@example.com", PASSWORD)
        .await
        .access;
    let log = deliveries(&server, &token, app_id, id).await;
    assert_eq!(
        (log[1]["status"].clone(), log[1]["attempts"].clone()),
        (json!("failed"), json!(8))
    );
    server.clock.advance(DISABLE_AFTER_SECS);
    assert_eq!(server.service.disable_failing_webhooks().await.unwrap(), 1);
    // (Days went by: the developer signs in again.)
    let token = server
        .tokens(&console(&server).await, "dev@example.com", PASSWORD)
        .await
        .access;
    let (_, shown) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}/webhooks/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(shown["enabled"], false);
    assert_eq!(shown["disabled_reason"], "every attempt failed for 5 days");
    let log = deliveries(&server, &token, app_id, id).await;
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["last_error"], "the endpoint was disabled");

    // Turned on again: the streak is forgotten and new events are delivered.
    let (_, on) = send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}/webhooks/{id}"),
        Some(&token),
        Some(json!({ "enabled": true })),
    )
    .await;
    assert_eq!(
        (
            on["enabled"].clone(),
            on["failing_since"].clone(),
            on["disabled_reason"].clone()
        ),
        (json!(true), Value::Null, Value::Null)
    );
    receiver.answers.lock().unwrap().clear();
    server
        .confirmed_user(client_id, "cy@example.com", PASSWORD)
        .await;
    assert_eq!(deliver(&server).await, 1);
    assert_eq!(
        receiver.received().last().unwrap().1["data"]["email"],
        "cy@example.com"
    );
}

#[tokio::test]
async fn without_the_operators_leave_no_delivery_reaches_a_private_address() {
    let server = TestServer::start().await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    // Registration refuses it outright…
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let (status, refused) = send(
        &server,
        Method::POST,
        &format!("/api/apps/{}/webhooks", app["app_id"].as_str().unwrap()),
        Some(&token),
        Some(json!({ "url": url, "event_types": ["sign_up"] })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    // …and the transport refuses a name that resolves inward, at connection time.
    let transport = HttpWebhookTransport::new(false).unwrap();
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let answer = auth_return_core::webhooks::WebhookTransport::post(
        &transport,
        auth_return_core::webhooks::WebhookRequest {
            url: format!("http://localhost:{port}/hook"),
            headers: Vec::new(),
            body: b"{}".to_vec(),
            timeout: std::time::Duration::from_secs(5),
        },
    )
    .await;
    let auth_return_core::webhooks::WebhookResponse::Failed(why) = answer else {
        panic!("delivered to a private address: {answer:?}");
    };
    assert!(why.contains("resolves to no public address"), "{why}");
    assert!(receiver.received().is_empty());
}

/// Two instances sending from one queue at once: every event reaches the receiver exactly
/// once (while the claims hold), each user's in order.
async fn two_instances_send_each_delivery_once(a: TestServer) {
    let b = a.second_instance().await;
    let token = developer(&a, "dev@example.com").await;
    let app = create_app(&a, &token, "Shop").await;
    let app_id = app["app_id"].as_str().unwrap();
    let client_id = app["client_id"].as_str().unwrap();
    let receiver = Receiver::default();
    let url = receiver.start().await;
    register(&a, &token, app_id, &url, &["sign_up", "sign_up_confirmed"]).await;
    for n in 0..12 {
        a.confirmed_user(client_id, &format!("u{n}@example.com"), PASSWORD)
            .await;
    }
    a.service.events().flush().await;
    let transport = HttpWebhookTransport::new(true).unwrap();
    loop {
        let (sent_a, sent_b) = tokio::join!(
            a.service.deliver_webhooks(&transport),
            b.service.deliver_webhooks(&transport)
        );
        if sent_a.unwrap() + sent_b.unwrap() == 0 {
            break;
        }
    }
    let received = receiver.received();
    let mut ids: Vec<&str> = received.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 24);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 24, "a delivery was sent twice");
    for n in 0..12 {
        let email = format!("u{n}@example.com");
        let types: Vec<&str> = received
            .iter()
            .filter(|(_, body)| body["data"]["email"] == email.as_str())
            .map(|(_, body)| body["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["sign_up", "sign_up_confirmed"], "{email}");
    }
}

#[tokio::test]
async fn two_instances_on_sqlite_send_each_delivery_once() {
    two_instances_send_each_delivery_once(private_server().await).await;
}

#[tokio::test]
async fn two_instances_on_postgres_send_each_delivery_once() {
    if let Some(db) = crate::common::TempPostgres::new().await {
        let a = TestServer::start_on_with_config(&db.url, |config| {
            config.webhooks_allow_private = true;
        })
        .await;
        two_instances_send_each_delivery_once(a).await;
        db.drop_database().await;
    }
}
