//! Brute-force protection per sign-in name (Cognito's schedule), on the server's clock.

use crate::common::{PASSWORD, TestServer};
use serde_json::json;

const WRONG: &str = "Wrong-Horse-9";
const INCORRECT: &str = "Incorrect username or password.";
const EXCEEDED: &str = "Password attempts exceeded";

#[tokio::test]
async fn five_failures_lock_the_name_with_a_doubling_lock() {
    let server = TestServer::start().await;
    let app = server.app("Vault").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "lock@example.com", PASSWORD)
        .await;
    let attempt = |password: &'static str| server.srp_sign_in(&app, "lock@example.com", password);

    for _ in 0..5 {
        attempt(WRONG)
            .await
            .assert_error("NotAuthorizedException", INCORRECT);
    }
    // Locked for 1 s: even the right password is refused.
    attempt(PASSWORD)
        .await
        .assert_error("NotAuthorizedException", EXCEEDED);
    server.clock.advance(1);
    attempt(WRONG)
        .await
        .assert_error("NotAuthorizedException", INCORRECT);
    // The 6th failure locks for 2 s.
    server.clock.advance(1);
    attempt(PASSWORD)
        .await
        .assert_error("NotAuthorizedException", EXCEEDED);
    server.clock.advance(1);
    attempt(PASSWORD).await.ok();
    // A success forgets the streak: five more failures before the next lock.
    for _ in 0..5 {
        attempt(WRONG)
            .await
            .assert_error("NotAuthorizedException", INCORRECT);
    }
    attempt(PASSWORD)
        .await
        .assert_error("NotAuthorizedException", EXCEEDED);

    // USER_PASSWORD_AUTH shares the lock.
    let password_auth = server
        .call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": app.app.client.id.as_str(),
                                      "AuthParameters": {"USERNAME": "lock@example.com", "PASSWORD": PASSWORD}}))
        .await;
    password_auth.assert_error("NotAuthorizedException", EXCEEDED);

    // Other names are not affected.
    server
        .confirmed_user(app.app.client.id.as_str(), "other@example.com", PASSWORD)
        .await;
    server
        .srp_sign_in(&app, "other@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn the_lock_is_capped_at_fifteen_minutes_and_a_quiet_hour_starts_over() {
    let server = TestServer::start().await;
    let app = server.app("Vault").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "cap@example.com", PASSWORD)
        .await;
    let password_auth = |password: &'static str| {
        server.call(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": app.app.client.id.as_str(),
                   "AuthParameters": {"USERNAME": "cap@example.com", "PASSWORD": password}}),
        )
    };
    // Each failure waits out the lock before it: 1 s, 2 s, 4 s … never more than 15 minutes.
    for failure in 1..=20 {
        password_auth(WRONG)
            .await
            .assert_error("NotAuthorizedException", INCORRECT);
        let lock = if failure < 5 {
            0
        } else {
            (1i64 << (failure - 5)).min(900)
        };
        if lock > 0 {
            server.clock.advance(lock - 1);
            password_auth(PASSWORD)
                .await
                .assert_error("NotAuthorizedException", EXCEEDED);
            server.clock.advance(1);
        }
    }
    // A quiet hour after the last failure: the streak starts over.
    server.clock.advance(3600);
    for _ in 0..4 {
        password_auth(WRONG)
            .await
            .assert_error("NotAuthorizedException", INCORRECT);
    }
    password_auth(PASSWORD).await.ok();
}

#[tokio::test]
async fn unknown_names_lock_exactly_like_real_ones() {
    let server = TestServer::start().await;
    let app = server.app("Vault").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "real@example.com", PASSWORD)
        .await;
    for name in ["real@example.com", "ghost@example.com"] {
        for _ in 0..5 {
            server
                .srp_sign_in(&app, name, WRONG)
                .await
                .assert_error("NotAuthorizedException", INCORRECT);
        }
        server
            .srp_sign_in(&app, name, PASSWORD)
            .await
            .assert_error("NotAuthorizedException", EXCEEDED);
        let password_auth = server
            .call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": app.app.client.id.as_str(),
                                          "AuthParameters": {"USERNAME": name, "PASSWORD": PASSWORD}}))
            .await;
        password_auth.assert_error("NotAuthorizedException", EXCEEDED);
    }
}

#[tokio::test]
async fn change_password_guesses_count_too() {
    let server = TestServer::start().await;
    let app = server.app("Vault").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "cp@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "cp@example.com", PASSWORD).await;
    let change = |previous: &'static str| {
        server.call(
            "ChangePassword",
            json!({"AccessToken": tokens.access, "PreviousPassword": previous, "ProposedPassword": "Fresh-Horse-42"}),
        )
    };
    for _ in 0..5 {
        change(WRONG)
            .await
            .assert_error("NotAuthorizedException", INCORRECT);
    }
    change(PASSWORD).await.assert_error(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    );
    server
        .srp_sign_in(&app, "cp@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", EXCEEDED);
    server.clock.advance(1);
    change(PASSWORD).await.ok();
}

#[tokio::test]
async fn wrong_codes_lock_on_the_same_schedule_and_new_codes_do_not_reset_it() {
    let server = TestServer::start().await;
    let app = server.app("Vault").await;
    let client_id = app.app.client.id.as_str();
    server
        .sign_up(client_id, "codes@example.com", PASSWORD)
        .await
        .ok();
    let first = server.last_code("codes@example.com");
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };
    let confirm = |code: &str| {
        server.call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": "codes@example.com", "ConfirmationCode": code}),
        )
    };
    const LIMIT: &str = "Attempt limit exceeded, please try after some time.";
    for _ in 0..4 {
        confirm(wrong).await.assert_error(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        );
    }
    confirm(wrong)
        .await
        .assert_error("LimitExceededException", LIMIT);
    // A fresh code does not buy fresh guesses: the user's codes are locked for 1 s.
    server
        .call(
            "ResendConfirmationCode",
            json!({"ClientId": client_id, "Username": "codes@example.com"}),
        )
        .await
        .ok();
    let second = server.last_code("codes@example.com");
    confirm(&second)
        .await
        .assert_error("LimitExceededException", LIMIT);
    server.clock.advance(1);
    // The sixth failure locks for 2 s, the right code included.
    let wrong = if second == "000000" {
        "111111"
    } else {
        "000000"
    };
    confirm(wrong).await.assert_error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    confirm(&second)
        .await
        .assert_error("LimitExceededException", LIMIT);
    server.clock.advance(2);
    confirm(&second).await.ok();
    // Confirmed, and the streak is gone: signing in works at once.
    server
        .srp_sign_in(&app, "codes@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn a_one_second_lock_lasts_a_whole_second_whenever_it_starts() {
    let server = TestServer::start().await;
    let app = server.app("Vault").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "ms@example.com", PASSWORD)
        .await;
    // The fifth failure lands late in a second: the lock still lasts 1 s from it.
    server.clock.advance_millis(900);
    for _ in 0..5 {
        server
            .srp_sign_in(&app, "ms@example.com", WRONG)
            .await
            .assert_error("NotAuthorizedException", INCORRECT);
    }
    server.clock.advance_millis(999);
    server
        .srp_sign_in(&app, "ms@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", EXCEEDED);
    server.clock.advance_millis(1);
    server
        .srp_sign_in(&app, "ms@example.com", PASSWORD)
        .await
        .ok();
}

/// Two instances on one database: SQLite always, PostgreSQL when the tests have one.
async fn burst_on_both_databases<F, Fut>(scenario: F)
where
    F: Fn(TestServer, TestServer) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let a = TestServer::start().await;
    let b = a.second_instance().await;
    scenario(a, b).await;
    if let Some(db) = crate::common::TempPostgres::new().await {
        let a = TestServer::start_on(&db.url).await;
        let b = a.second_instance().await;
        scenario(a, b).await;
        db.drop_database().await;
    }
}

/// Sends every `(instance, operation, body)` at once; the answers' `(__type, message)`.
async fn at_once(
    calls: Vec<(&TestServer, &'static str, serde_json::Value)>,
) -> Vec<(String, String)> {
    let mut tasks = tokio::task::JoinSet::new();
    for (server, op, body) in calls {
        let request = server
            .http
            .post(&server.url)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .body(body.to_string());
        tasks.spawn(async move {
            let answer: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            let text = |name: &str| answer[name].as_str().unwrap_or_default().to_owned();
            (text("__type"), text("message"))
        });
    }
    tasks.join_all().await
}

const BURST: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_passwords_on_two_instances_gets_five_judged() {
    burst_on_both_databases(|a, b| async move {
        let app = a.app("Burst").await;
        let client = app.app.client.id.as_str().to_owned();
        a.confirmed_user(&client, "burst@example.com", PASSWORD)
            .await;
        let attempt = |password: &str| {
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                   "AuthParameters": {"USERNAME": "burst@example.com", "PASSWORD": password}})
        };
        let replies = at_once(
            (0..BURST)
                .map(|i| {
                    (
                        if i % 2 == 0 { &a } else { &b },
                        "InitiateAuth",
                        attempt(WRONG),
                    )
                })
                .collect(),
        )
        .await;
        let judged = replies.iter().filter(|(_, m)| m == INCORRECT).count();
        let refused = replies.iter().filter(|(_, m)| m == EXCEEDED).count();
        assert_eq!((judged, refused), (5, BURST - 5), "{replies:?}");
        // The right password is refused while the name is locked, on either instance.
        for server in [&a, &b] {
            server
                .call("InitiateAuth", attempt(PASSWORD))
                .await
                .assert_error("NotAuthorizedException", EXCEEDED);
        }
        // The lock after the 5th failure is 1 s.
        a.clock.advance(1);
        a.call("InitiateAuth", attempt(PASSWORD)).await.ok();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_reset_codes_on_two_instances_gets_five_judged() {
    burst_on_both_databases(|a, b| async move {
        let app = a.app("Codes").await;
        let client = app.app.client.id.as_str().to_owned();
        let email = "codes@example.com";
        a.confirmed_user(&client, email, PASSWORD).await;
        a.call(
            "ForgotPassword",
            json!({"ClientId": client, "Username": email}),
        )
        .await
        .ok();
        let code = a.last_code(email);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let confirm = |code: &str| {
            json!({"ClientId": client, "Username": email, "ConfirmationCode": code,
                   "Password": "New-Horse-77"})
        };
        let replies = at_once(
            (0..BURST)
                .map(|i| {
                    (
                        if i % 2 == 0 { &a } else { &b },
                        "ConfirmForgotPassword",
                        confirm(wrong),
                    )
                })
                .collect(),
        )
        .await;
        let mismatches = replies
            .iter()
            .filter(|(kind, _)| kind == "CodeMismatchException")
            .count();
        let limited = replies
            .iter()
            .filter(|(kind, _)| kind == "LimitExceededException")
            .count();
        // Five are judged: the one that spends the code, and the one that reaches the streak's
        // limit, say so (they may be the same guess); the rest are refused unjudged.
        assert!(mismatches == 3 || mismatches == 4, "{replies:?}");
        assert_eq!(mismatches + limited, BURST);
        let user = a
            .service
            .store()
            .get_user_by_email(&app.app.pool_id, email)
            .await
            .unwrap()
            .unwrap();
        let pending = a
            .service
            .store()
            .get_code(
                &app.app.pool_id,
                user.id,
                auth_return_core::model::CodePurpose::ForgotPassword,
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            pending.failed_attempts, 5,
            "exactly five guesses were judged"
        );
        // The right code is refused now, on either instance, and the password stays.
        for server in [&a, &b] {
            server
                .call("ConfirmForgotPassword", confirm(&code))
                .await
                .assert_error(
                    "LimitExceededException",
                    "Attempt limit exceeded, please try after some time.",
                );
        }
        a.clock.advance(2);
        a.tokens(&app, email, PASSWORD).await;
    })
    .await;
}
