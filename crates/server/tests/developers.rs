//! Who becomes a developer (`--console-signup`): open, invite (only the first developer of a
//! deployment signs up, exactly one even in a burst) or closed; other apps are not affected.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use auth_return_core::{ConsoleSignup, Scope, Settings};
use common::{PASSWORD, TestServer, console};
use serde_json::json;

const NOT_PERMITTED: &str = "SignUp is not permitted for this user pool";

/// The console pool's users' emails, in id order.
async fn developers(server: &TestServer) -> Vec<String> {
    let console = console(server).await;
    let (users, _) = server
        .service
        .list_users(
            Scope::Operator,
            console.app.pool_id.as_str(),
            None,
            None,
            None,
        )
        .await
        .unwrap();
    users
        .into_iter()
        .filter_map(|u| {
            u.attributes
                .into_iter()
                .find(|(name, _)| name == "email")
                .map(|(_, email)| email)
        })
        .collect()
}

fn mode(mode: ConsoleSignup) -> impl Fn(&mut Settings) {
    move |s| s.console_signup = mode
}

/// Mails sent to `email`.
fn mails_to(server: &TestServer, email: &str) -> usize {
    server.mails().iter().filter(|m| m["to"] == email).count()
}

#[tokio::test]
async fn invite_lets_only_the_first_developer_sign_up() {
    // `Settings::new`'s default is `invite`.
    assert_eq!(
        Settings::new("local", "http://x").console_signup,
        ConsoleSignup::Invite
    );
    let server = TestServer::start_with_settings(|_| {}).await;
    let server_settings = server.service.settings().console_signup;
    assert_eq!(server_settings, ConsoleSignup::Open, "tests' default");
    let server = TestServer::start_with_settings(mode(ConsoleSignup::Invite)).await;
    let console = console(&server).await;
    let client = console.app.client.id.as_str();

    // The owner of a fresh deployment signs up, confirms and signs in.
    server
        .confirmed_user(client, "owner@example.com", PASSWORD)
        .await;
    server.tokens(&console, "owner@example.com", PASSWORD).await;

    // Anyone after that is refused before anything is stored or sent, whatever the name
    // (an existing developer's too: the refusal does not tell who is one) and even when the
    // request is otherwise invalid.
    for (email, password) in [
        ("second@example.com", PASSWORD),
        ("owner@example.com", PASSWORD),
        ("weak@example.com", "short"),
        ("not an email", PASSWORD),
    ] {
        server
            .sign_up(client, email, password)
            .await
            .assert_error("NotAuthorizedException", NOT_PERMITTED);
        assert_eq!(
            mails_to(&server, email),
            usize::from(email.starts_with("owner"))
        );
    }
    assert_eq!(developers(&server).await, vec!["owner@example.com"]);

    // Other apps keep open sign-up.
    let app = server.app("Shop").await;
    server
        .sign_up(app.app.client.id.as_str(), "buyer@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn invite_counts_an_unconfirmed_first_sign_up_and_frees_a_failed_one() {
    let server = TestServer::start_with_settings(mode(ConsoleSignup::Invite)).await;
    let client = console(&server).await.app.client.id.to_string();
    // An invalid first attempt stores nothing, so the owner can try again.
    server
        .sign_up(&client, "owner@example.com", "short")
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
        );
    assert!(developers(&server).await.is_empty());
    // An unconfirmed sign-up is a developer already: the pool is no longer empty.
    server
        .sign_up(&client, "owner@example.com", PASSWORD)
        .await
        .ok();
    server
        .sign_up(&client, "late@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", NOT_PERMITTED);
    assert_eq!(developers(&server).await, vec!["owner@example.com"]);
}

#[tokio::test]
async fn closed_refuses_even_the_first_developer() {
    let server = TestServer::start_with_settings(mode(ConsoleSignup::Closed)).await;
    let client = console(&server).await.app.client.id.to_string();
    server
        .sign_up(&client, "owner@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", NOT_PERMITTED);
    assert!(developers(&server).await.is_empty());
    assert!(server.mails().is_empty());
    let app = server.app("Shop").await;
    server
        .sign_up(app.app.client.id.as_str(), "buyer@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn open_lets_anyone_sign_up() {
    let server = TestServer::start_with_settings(mode(ConsoleSignup::Open)).await;
    let client = console(&server).await.app.client.id.to_string();
    for email in ["one@example.com", "two@example.com"] {
        server.sign_up(&client, email, PASSWORD).await.ok();
    }
    assert_eq!(developers(&server).await.len(), 2);
}

const BURST: usize = 24;

/// A burst of sign-ups on a fresh deployment, half through each of two instances: exactly one
/// developer gets in, everyone else is refused, and only the winner gets mail.
async fn burst(a: TestServer, b: TestServer) {
    let client = console(&a).await.app.client.id.to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..BURST {
        let server = if i % 2 == 0 { &a } else { &b };
        let request = server
            .http
            .post(&server.url)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
            .body(
                json!({"ClientId": client, "Username": format!("racer{i}@example.com"),
                       "Password": PASSWORD})
                .to_string(),
            );
        tasks.spawn(async move {
            let answer: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            (
                answer["UserSub"].is_string(),
                answer["__type"].as_str().unwrap_or_default().to_owned(),
                answer["message"].as_str().unwrap_or_default().to_owned(),
            )
        });
    }
    let answers = tasks.join_all().await;
    let winners = answers.iter().filter(|(ok, _, _)| *ok).count();
    let refused = answers
        .iter()
        .filter(|(_, kind, message)| kind == "NotAuthorizedException" && message == NOT_PERMITTED)
        .count();
    assert_eq!((winners, refused), (1, BURST - 1), "{answers:?}");
    let stored = developers(&a).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let mails: Vec<_> = a.mails().into_iter().map(|m| m["to"].clone()).collect();
    assert_eq!(mails, vec![json!(stored[0])]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_first_sign_ups_lets_exactly_one_in_on_both_databases() {
    let a = TestServer::start_with_settings(mode(ConsoleSignup::Invite)).await;
    let b = a.second_instance().await;
    burst(a, b).await;
    if let Some(db) = common::TempPostgres::new().await {
        let a = TestServer::start_on_with_settings(&db.url, mode(ConsoleSignup::Invite)).await;
        let b = a.second_instance().await;
        burst(a, b).await;
        db.drop_database().await;
    }
}
