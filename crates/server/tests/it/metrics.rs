//! Prometheus metrics on the metrics listener: scrape, act, scrape — the numbers move by what
//! happened, and the public listener never serves them.

use crate::common::{PASSWORD, TestServer, occupy};
use auth_return_core::compute::ComputePool;
use auth_return_server::ServerOptions;
use auth_return_server::limits::RateLimitSettings;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// One scrape: each sample (`name{labels}`) and its value.
struct Scrape(HashMap<String, f64>);

impl Scrape {
    async fn of(server: &TestServer) -> Self {
        let response = server.http.get(&server.metrics_url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        let text = response.text().await.unwrap();
        assert!(text.ends_with("# EOF\n"), "{text}");
        let samples = text
            .lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| {
                let (sample, value) = line.rsplit_once(' ').unwrap();
                (sample.to_owned(), value.parse().unwrap())
            })
            .collect();
        Self(samples)
    }

    /// A sample's value (0 when it is not there yet: a labelled counter appears at its first
    /// increment).
    fn get(&self, sample: &str) -> f64 {
        self.0.get(sample).copied().unwrap_or(0.0)
    }

    /// How much `sample` grew since `before`.
    fn since(&self, before: &Scrape, sample: &str) -> f64 {
        self.get(sample) - before.get(sample)
    }
}

#[tokio::test]
async fn sign_ins_mail_requests_and_refusals_are_counted_as_they_happen() {
    let server = TestServer::start_with(ServerOptions {
        rate_limits: RateLimitSettings {
            key_verify: 2,
            ..RateLimitSettings::default()
        },
        ..ServerOptions::default()
    })
    .await;
    let app = server.app("Counted").await;
    let client_id = app.app.client.id.as_str();
    let before = Scrape::of(&server).await;

    server
        .confirmed_user(client_id, "ana@example.com", PASSWORD)
        .await;
    let signed_in = server.srp_sign_in(&app, "ana@example.com", PASSWORD).await;
    assert!(signed_in.ok()["AuthenticationResult"]["IdToken"].is_string());
    let wrong = server
        .srp_sign_in(&app, "ana@example.com", "Wrong-Horse-9")
        .await;
    wrong.assert_error("NotAuthorizedException", "Incorrect username or password.");
    let unknown = server
        .srp_sign_in(&app, "nobody@example.com", PASSWORD)
        .await;
    unknown.assert_error("NotAuthorizedException", "Incorrect username or password.");
    let config = format!("{}/api/apps/{}/config", server.url, app.app.id);
    assert_eq!(server.http.get(&config).send().await.unwrap().status(), 200);
    let nowhere = format!("{}/api/nowhere/{}", server.url, app.app.id);
    assert_eq!(
        server.http.get(&nowhere).send().await.unwrap().status(),
        404
    );
    let verify = format!("{}/api/keys/verify", server.url);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = server
            .http
            .post(&verify)
            .json(&json!({ "key": "ar_not-a-key" }))
            .send()
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses[2], 429, "{statuses:?}");

    let after = Scrape::of(&server).await;
    let grew = |sample: &str| after.since(&before, sample);
    assert_eq!(grew(r#"auth_return_sign_ins_total{result="success"}"#), 1.0);
    assert_eq!(
        grew(r#"auth_return_sign_ins_total{result="wrong_password"}"#),
        1.0
    );
    assert_eq!(
        grew(r#"auth_return_sign_ins_total{result="unknown_user"}"#),
        1.0
    );
    assert_eq!(grew(r#"auth_return_events_total{kind="sign_up"}"#), 1.0);
    assert_eq!(
        grew(r#"auth_return_events_total{kind="sign_up_confirmed"}"#),
        1.0
    );
    assert_eq!(grew(r#"auth_return_events_total{kind="sign_in"}"#), 1.0);
    assert_eq!(
        grew(r#"auth_return_events_total{kind="sign_in_failed"}"#),
        2.0
    );
    assert_eq!(grew(r#"auth_return_mail_total{outcome="sent"}"#), 1.0);
    assert_eq!(grew(r#"auth_return_mail_total{outcome="failed"}"#), 0.0);
    assert_eq!(
        grew(r#"auth_return_rate_limited_total{bucket="key_verify"}"#),
        1.0
    );

    // Each Cognito call under its operation, each REST call under its route (never its ids),
    // with its status; the latency histogram counts the same requests.
    assert_eq!(
        grew(r#"auth_return_http_requests_total{operation="SignUp",status="200"}"#),
        1.0
    );
    assert_eq!(
        grew(r#"auth_return_http_requests_total{operation="InitiateAuth",status="200"}"#),
        3.0
    );
    assert_eq!(
        grew(r#"auth_return_http_requests_total{operation="RespondToAuthChallenge",status="200"}"#),
        1.0
    );
    assert_eq!(
        grew(r#"auth_return_http_requests_total{operation="RespondToAuthChallenge",status="400"}"#),
        2.0
    );
    assert_eq!(
        grew(
            r#"auth_return_http_request_duration_seconds_count{operation="RespondToAuthChallenge"}"#
        ),
        3.0
    );
    assert_eq!(
        grew(
            r#"auth_return_http_requests_total{operation="GET /api/apps/{app_id}/config",status="200"}"#
        ),
        1.0
    );
    assert_eq!(
        grew(r#"auth_return_http_requests_total{operation="unmatched",status="404"}"#),
        1.0
    );
    assert_eq!(
        grew(r#"auth_return_http_requests_total{operation="POST /api/keys/verify",status="429"}"#),
        1.0
    );
    assert!(
        !after
            .0
            .keys()
            .any(|sample| sample.contains(app.app.id.as_str())),
        "an id in a label"
    );

    // The gauges read the live structures.
    assert!(after.get("auth_return_key_cache_pools") >= 1.0);
    assert!(after.get("auth_return_key_cache_loads_total") >= 1.0);
    assert!(after.get("auth_return_db_connections_max") >= 1.0);
    assert!(after.get(r#"auth_return_db_connections{state="idle"}"#) >= 1.0);
    assert!(after.get("auth_return_crypto_slots") >= 1.0);
    assert_eq!(after.get("auth_return_crypto_shed_total"), 0.0);
    // Three SRP sign-ins and a sign-up's verifier: several modular exponentiations and two
    // RSA signatures, each well over a millisecond of CPU.
    assert!(
        grew("auth_return_crypto_cpu_seconds_total") > 0.003,
        "{}",
        grew("auth_return_crypto_cpu_seconds_total")
    );
    assert_eq!(after.get("auth_return_events_lost_total"), 0.0);

    // The public listener has no metrics.
    let public = server
        .http
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404);
    assert!(!public.text().await.unwrap().contains("auth_return_"));
}

#[tokio::test]
async fn a_lockout_is_counted_with_the_refusals_it_causes() {
    let server = TestServer::start().await;
    let app = server.app("Locked").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "lo@example.com", PASSWORD)
        .await;
    let before = Scrape::of(&server).await;
    let mut wrong = 0;
    while Scrape::of(&server)
        .await
        .since(&before, r#"auth_return_events_total{kind="locked_out"}"#)
        == 0.0
    {
        assert!(wrong < 20, "no lockout after {wrong} wrong passwords");
        server
            .srp_sign_in(&app, "lo@example.com", "Wrong-Horse-9")
            .await;
        wrong += 1;
    }
    let locked = server.srp_sign_in(&app, "lo@example.com", PASSWORD).await;
    locked.assert_error("NotAuthorizedException", "Password attempts exceeded");
    let after = Scrape::of(&server).await;
    assert_eq!(
        after.since(
            &before,
            r#"auth_return_sign_ins_total{result="wrong_password"}"#
        ),
        f64::from(wrong)
    );
    assert_eq!(
        after.since(&before, r#"auth_return_sign_ins_total{result="locked"}"#),
        1.0
    );
    assert_eq!(
        after.since(&before, r#"auth_return_events_total{kind="locked_out"}"#),
        1.0
    );
}

#[tokio::test]
async fn mail_that_cannot_be_delivered_is_counted_as_failed() {
    // A real SMTP transport to a loopback port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let config = auth_return_mail::SmtpConfig::from_url(
        &format!("smtp://127.0.0.1:{port}?tls=none"),
        "noreply@example.com",
    )
    .unwrap();
    let mailer = auth_return_mail::SmtpMailer::new(&config).unwrap();
    let server = TestServer::start_with_mailer(Arc::new(mailer)).await;
    let app = server.app("Unmailed").await;
    let before = Scrape::of(&server).await;
    let reply = server
        .sign_up(app.app.client.id.as_str(), "un@example.com", PASSWORD)
        .await;
    assert_eq!(
        reply.error_type(),
        "CodeDeliveryFailureException",
        "{:?}",
        reply.body
    );
    let after = Scrape::of(&server).await;
    assert_eq!(
        after.since(&before, r#"auth_return_mail_total{outcome="failed"}"#),
        1.0
    );
    assert_eq!(
        after.since(&before, r#"auth_return_mail_total{outcome="sent"}"#),
        0.0
    );
}

#[tokio::test]
async fn the_crypto_pool_shows_its_work_and_what_it_shed() {
    // One slot, nobody may wait: while the test holds it, sign-ins are shed.
    let pool = ComputePool::bounded(1, 0, Duration::from_secs(5));
    let server = TestServer::start_with_compute(pool.clone()).await;
    let app = server.app("Busy").await;
    let (release, holder) = occupy(&pool).await;
    let shed = server
        .call(
            "InitiateAuth",
            json!({
                "AuthFlow": "USER_SRP_AUTH",
                "ClientId": app.app.client.id.as_str(),
                "AuthParameters": { "USERNAME": "busy@example.com", "SRP_A": "0a1b2c3d" },
            }),
        )
        .await;
    shed.assert_error("TooManyRequestsException", "Too many requests");
    let busy = Scrape::of(&server).await;
    assert_eq!(busy.get("auth_return_crypto_slots"), 1.0);
    assert_eq!(busy.get("auth_return_crypto_running"), 1.0);
    assert_eq!(busy.get("auth_return_crypto_shed_total"), 1.0);
    drop(release);
    holder.await.unwrap();
    let idle = Scrape::of(&server).await;
    assert_eq!(idle.get("auth_return_crypto_running"), 0.0);
    assert_eq!(idle.get("auth_return_crypto_queued"), 0.0);
}
