//! Per-client rate limits on the Cognito endpoint, over real HTTP, on a manual limiter clock.

use crate::common::{PASSWORD, Reply, TestServer};
use auth_return_server::ServerOptions;
use auth_return_server::client::{ForwardedHeader, TrustedProxies};
use auth_return_server::limits::{LimiterClock, RateLimitSettings};
use serde_json::{Value, json};
use std::time::Duration;

const THROTTLED: &str = "TooManyRequestsException";

/// A server with every bucket at `per_minute` and a manual limiter clock.
async fn limited(per_minute: u32, trusted: &str) -> (TestServer, LimiterClock) {
    limited_reading(per_minute, trusted, ForwardedHeader::default()).await
}

/// As [`limited`], believing the trusted proxies' `header`.
async fn limited_reading(
    per_minute: u32,
    trusted: &str,
    header: ForwardedHeader,
) -> (TestServer, LimiterClock) {
    let clock = LimiterClock::manual();
    let server = TestServer::start_with(ServerOptions {
        rate_limits: RateLimitSettings::uniform(per_minute),
        limiter_clock: clock.clone(),
        trusted_proxies: TrustedProxies::parse(trusted).unwrap(),
        forwarded_header: header,
        ..ServerOptions::default()
    })
    .await;
    (server, clock)
}

/// A Cognito call with extra headers.
async fn call_with(server: &TestServer, op: &str, body: Value, headers: &[(&str, &str)]) -> Reply {
    server
        .raw_with(op, body.to_string().into_bytes(), headers)
        .await
}

fn srp_start(client_id: &str, username: &str) -> Value {
    json!({
        "AuthFlow": "USER_SRP_AUTH",
        "ClientId": client_id,
        "AuthParameters": { "USERNAME": username, "SRP_A": "0a1b2c3d" },
    })
}

#[track_caller]
fn assert_throttled(reply: &Reply, retry_after: u64) {
    assert_eq!(reply.status, 400, "{:?}", reply.body);
    assert_eq!(reply.error_type(), THROTTLED, "{:?}", reply.body);
    assert_eq!(
        reply.message(),
        format!("Too many requests from this address; retry in {retry_after} s.")
    );
    assert_eq!(
        reply.headers["retry-after"],
        retry_after.to_string().as_str()
    );
    assert_eq!(
        reply.headers["x-amzn-errortype"],
        "TooManyRequestsException:"
    );
}

#[tokio::test]
async fn sign_ins_are_limited_per_address_for_known_and_unknown_names_alike() {
    let (server, clock) = limited(3, "").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    server
        .confirmed_user(client_id, "known@example.com", PASSWORD)
        .await;
    // The confirmation above counted as one sign-in-bucket request; two remain.
    let known = server
        .call("InitiateAuth", srp_start(client_id, "known@example.com"))
        .await;
    known.ok();
    let unknown = server
        .call("InitiateAuth", srp_start(client_id, "nobody@example.com"))
        .await;
    unknown.ok();
    // Throttled before any lookup: the known name and the unknown one get the same answer.
    let a = server
        .call("InitiateAuth", srp_start(client_id, "known@example.com"))
        .await;
    let b = server
        .call("InitiateAuth", srp_start(client_id, "nobody@example.com"))
        .await;
    assert_throttled(&a, 20);
    assert_throttled(&b, 20);
    assert_eq!(a.body, b.body);
    // 3 per minute refill one every 20 s.
    clock.advance(Duration::from_secs(19));
    assert_throttled(
        &server
            .call("InitiateAuth", srp_start(client_id, "known@example.com"))
            .await,
        1,
    );
    clock.advance(Duration::from_secs(1));
    server
        .call("InitiateAuth", srp_start(client_id, "known@example.com"))
        .await
        .ok();
    // A full sign-in still works once the bucket refilled: the challenge answer is not counted.
    clock.advance(Duration::from_secs(60));
    let reply = server
        .srp_sign_in(&app, "known@example.com", PASSWORD)
        .await;
    assert!(reply.ok()["AuthenticationResult"]["AccessToken"].is_string());
}

#[tokio::test]
async fn each_kind_of_request_has_its_own_bucket() {
    let (server, clock) = limited(1, "").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    server
        .sign_up(client_id, "a@example.com", PASSWORD)
        .await
        .ok();
    assert_throttled(
        &server.sign_up(client_id, "b@example.com", PASSWORD).await,
        60,
    );
    let forgot = json!({ "ClientId": client_id, "Username": "a@example.com" });
    server.call("ForgotPassword", forgot.clone()).await;
    let mails = server.mails().len();
    assert_throttled(&server.call("ForgotPassword", forgot).await, 60);
    assert_eq!(
        server.mails().len(),
        mails,
        "a throttled request sends no mail"
    );
    let refresh = json!({
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": client_id,
        "AuthParameters": { "REFRESH_TOKEN": "not-a-token" },
    });
    server
        .call("InitiateAuth", refresh.clone())
        .await
        .assert_error("NotAuthorizedException", "Invalid Refresh Token");
    assert_throttled(&server.call("InitiateAuth", refresh).await, 60);
    let get_tokens = json!({ "ClientId": client_id, "RefreshToken": "not-a-token" });
    assert_throttled(
        &server.call("GetTokensFromRefreshToken", get_tokens).await,
        60,
    );
    // Sign-in was not touched by any of the above.
    server
        .call("InitiateAuth", srp_start(client_id, "a@example.com"))
        .await
        .ok();
    // Nothing of the refused sign-up was stored: b signs up once the bucket refilled.
    clock.advance(Duration::from_secs(60));
    server
        .sign_up(client_id, "b@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn confirmation_code_guesses_count_as_sign_ins() {
    let (server, _clock) = limited(2, "").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    let confirm = |code: &str| json!({ "ClientId": client_id, "Username": "c@example.com", "ConfirmationCode": code });
    server.call("ConfirmSignUp", confirm("000000")).await;
    server
        .call(
            "ConfirmForgotPassword",
            json!({
                "ClientId": client_id, "Username": "c@example.com", "ConfirmationCode": "000000",
                "Password": PASSWORD,
            }),
        )
        .await;
    assert_throttled(&server.call("ConfirmSignUp", confirm("000001")).await, 30);
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let (server, _clock) = limited(1, "").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    let body = srp_start(client_id, "x@example.com");
    call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &[("x-forwarded-for", "203.0.113.1")],
    )
    .await
    .ok();
    // Another claimed address does not buy a fresh bucket: the socket's address counts.
    let reply = call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &[
            ("x-forwarded-for", "203.0.113.2"),
            ("forwarded", "for=203.0.113.3"),
        ],
    )
    .await;
    assert_throttled(&reply, 60);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() {
    let (server, _clock) = limited(1, "127.0.0.1").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    let body = srp_start(client_id, "x@example.com");
    // (The proxy terminates TLS: plain HTTP from a remote client would be refused.)
    let from = |ip: &'static str| [("x-forwarded-for", ip), ("x-forwarded-proto", "https")];
    call_with(&server, "InitiateAuth", body.clone(), &from("203.0.113.1"))
        .await
        .ok();
    assert_throttled(
        &call_with(&server, "InitiateAuth", body.clone(), &from("203.0.113.1")).await,
        60,
    );
    call_with(&server, "InitiateAuth", body.clone(), &from("203.0.113.2"))
        .await
        .ok();
    // A client cannot escape by prepending addresses: the rightmost untrusted one counts.
    assert_throttled(
        &call_with(
            &server,
            "InitiateAuth",
            body.clone(),
            &from("198.51.100.9, 203.0.113.2"),
        )
        .await,
        60,
    );
    // IPv6 clients count per /64.
    let v6 = |ip: &'static str| [("x-forwarded-for", ip), ("x-forwarded-proto", "https")];
    call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &v6("2001:db8:1:2::1"),
    )
    .await
    .ok();
    assert_throttled(
        &call_with(
            &server,
            "InitiateAuth",
            body,
            &v6("[2001:db8:1:2::ffff]:443"),
        )
        .await,
        60,
    );
}

#[tokio::test]
async fn a_client_cannot_leave_its_bucket_by_sending_forwarded() {
    // The default deployment: the proxy (here on loopback) appends to X-Forwarded-For and
    // passes the client's own `Forwarded` through, which must count for nothing.
    let (server, _clock) = limited(1, "127.0.0.1").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    let body = srp_start(client_id, "x@example.com");
    let from = |ip: &'static str, forwarded: &'static str| {
        [
            ("x-forwarded-for", ip),
            ("x-forwarded-proto", "https"),
            ("forwarded", forwarded),
        ]
    };
    call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &from("203.0.113.1", "for=198.51.100.1;proto=https"),
    )
    .await
    .ok();
    // Another claimed address, loopback included, buys no fresh bucket...
    for claim in [
        "for=198.51.100.2;proto=https",
        "for=127.0.0.1",
        "for=\"[::1]\"",
        "garbage that is never parsed",
    ] {
        assert_throttled(
            &call_with(
                &server,
                "InitiateAuth",
                body.clone(),
                &from("203.0.113.1", claim),
            )
            .await,
            60,
        );
    }
    // ... and spends nobody else's: 198.51.100.1 and .2, named above, still have theirs.
    for other in ["198.51.100.1", "198.51.100.2"] {
        call_with(
            &server,
            "InitiateAuth",
            body.clone(),
            &[("x-forwarded-for", other), ("x-forwarded-proto", "https")],
        )
        .await
        .ok();
    }
    // Nor does `Forwarded` alone: without X-Forwarded-For the request is the proxy's own.
    call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &[("forwarded", "for=203.0.113.9;proto=https")],
    )
    .await
    .ok();
    assert_throttled(
        &call_with(
            &server,
            "InitiateAuth",
            body,
            &[("forwarded", "for=203.0.113.10;proto=https")],
        )
        .await,
        60,
    );
}

#[tokio::test]
async fn behind_a_proxy_setting_forwarded_x_forwarded_for_counts_for_nothing() {
    let (server, _clock) = limited_reading(1, "127.0.0.1", ForwardedHeader::Forwarded).await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    let body = srp_start(client_id, "x@example.com");
    let from = |forwarded: &'static str, xff: &'static str| {
        [("forwarded", forwarded), ("x-forwarded-for", xff)]
    };
    call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &from("for=203.0.113.1;proto=https", "198.51.100.1"),
    )
    .await
    .ok();
    assert_throttled(
        &call_with(
            &server,
            "InitiateAuth",
            body.clone(),
            &from("for=203.0.113.1;proto=https", "198.51.100.2"),
        )
        .await,
        60,
    );
    // IPv6 per /64, from RFC 7239's quoted form.
    call_with(
        &server,
        "InitiateAuth",
        body.clone(),
        &[("forwarded", "for=\"[2001:db8:1:2::1]\";proto=https")],
    )
    .await
    .ok();
    assert_throttled(
        &call_with(
            &server,
            "InitiateAuth",
            body,
            &[("forwarded", "for=\"[2001:db8:1:2::ffff]:443\";proto=https")],
        )
        .await,
        60,
    );
}

#[tokio::test]
async fn garbage_in_the_configured_header_is_a_400_and_nothing_runs() {
    let (server, _clock) = limited(1, "127.0.0.1").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    let sign_up = json!({
        "ClientId": client_id, "Username": "new@example.com", "Password": PASSWORD,
    });
    let message = "Invalid X-Forwarded-For header from the proxy: not an IP address.";
    for garbage in ["garbage", "203.0.113.1, proxy.internal", "203.0.113.1:0x50"] {
        let reply = call_with(
            &server,
            "SignUp",
            sign_up.clone(),
            &[("x-forwarded-for", garbage), ("x-forwarded-proto", "https")],
        )
        .await;
        reply.assert_error("InvalidParameterException", message);
        assert_eq!(
            reply.headers["x-amzn-errortype"],
            "InvalidParameterException:"
        );
    }
    let reply = call_with(
        &server,
        "SignUp",
        sign_up.clone(),
        &[
            ("x-forwarded-for", "203.0.113.1"),
            ("x-forwarded-proto", "wss"),
        ],
    )
    .await;
    reply.assert_error(
        "InvalidParameterException",
        "Invalid X-Forwarded-Proto header from the proxy: the scheme is neither http nor https.",
    );
    // Nothing was processed: no mail, no user, and no bucket spent — neither some client's
    // nor the proxy's own (the sign-up limit is 1 a minute).
    assert!(server.mails().is_empty());
    server
        .sign_up(client_id, "new@example.com", PASSWORD)
        .await
        .ok();
    assert_eq!(server.mails().len(), 1);
    // The REST API answers in its own shape.
    let response = server
        .http
        .post(format!("{}/api/keys/verify", server.url))
        .header("x-api-key", "ar_not-a-real-key")
        .header("x-forwarded-for", "")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({
            "error": "invalid_request",
            "message": "Invalid X-Forwarded-For header from the proxy: the header is empty.",
        })
    );
}

#[tokio::test]
async fn unlimited_operations_are_never_throttled() {
    let (server, _clock) = limited(1, "").await;
    let app = server.app("Shop").await;
    let client_id = app.app.client.id.as_str();
    for _ in 0..5 {
        let reply = server
            .call("RespondToAuthChallenge", json!({ "ClientId": client_id }))
            .await;
        assert_ne!(reply.error_type(), THROTTLED);
        let reply = server.call("GetUser", json!({ "AccessToken": "x" })).await;
        assert_ne!(reply.error_type(), THROTTLED);
    }
}

#[tokio::test]
async fn key_verification_allows_a_hundred_per_minute_per_address() {
    let clock = LimiterClock::manual();
    let server = TestServer::start_with(ServerOptions {
        // The figure is the default.
        rate_limits: RateLimitSettings::default(),
        limiter_clock: clock.clone(),
        ..ServerOptions::default()
    })
    .await;
    let verify = || {
        server
            .http
            .post(format!("{}/api/keys/verify", server.url))
            .header("x-api-key", "ar_not-a-real-key")
            .send()
    };
    for _ in 0..100 {
        let response = verify().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({ "valid": false })
        );
    }
    let response = verify().await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({
            "error": "too_many_requests",
            "message": "Too many requests from this address; retry in 1 s.",
        })
    );
    // 100 per minute: one more every 0.6 s.
    clock.advance(Duration::from_millis(600));
    assert_eq!(verify().await.unwrap().status(), 200);
    assert_eq!(verify().await.unwrap().status(), 429);
    // Sign-in from the same address is a different bucket.
    let app = server.app("Shop").await;
    server
        .call(
            "InitiateAuth",
            srp_start(app.app.client.id.as_str(), "x@example.com"),
        )
        .await
        .ok();
}
