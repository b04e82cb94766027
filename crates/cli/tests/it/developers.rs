//! The real binary: `--console-signup` decides who signs up in the console app, and
//! `developers invite` / `developers list` let the operator bring developers in.

use crate::support::{Server, free_port, run};
use serde_json::{Value, json};
use std::path::Path;

const PASSWORD: &str = "Correct-Horse-9";
const NOT_PERMITTED: &str = "SignUp is not permitted for this user pool";

/// A Cognito call: (HTTP status, body).
async fn cognito(url: &str, op: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{op}"),
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The console app's client id, from the CLI.
fn console_client(dir: &Path) -> String {
    let (code, out, err) = run(dir, &["apps", "show", "console", "--json"]);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    app["client_id"].as_str().unwrap().to_owned()
}

/// Mails in the outbox to `email`.
fn mails_to(dir: &Path, email: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join("outbox.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|m| m["to"] == email)
        .collect()
}

async fn sign_up(url: &str, client: &str, email: &str) -> (u16, Value) {
    cognito(
        url,
        "SignUp",
        json!({"ClientId": client, "Username": email, "Password": PASSWORD}),
    )
    .await
}

#[tokio::test]
async fn invite_by_default_first_developer_then_the_cli_invites() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _server = Server::start(dir.path(), &format!("127.0.0.1:{port}"), &[]);
    let url = format!("http://127.0.0.1:{port}");
    let client = console_client(dir.path());

    // The owner of the fresh deployment signs up; the next one is refused, nothing sent.
    assert_eq!(sign_up(&url, &client, "owner@example.com").await.0, 200);
    let (status, body) = sign_up(&url, &client, "guest@example.com").await;
    assert_eq!(status, 400);
    assert_eq!(
        (body["__type"].as_str(), body["message"].as_str()),
        (Some("NotAuthorizedException"), Some(NOT_PERMITTED))
    );
    assert!(mails_to(dir.path(), "guest@example.com").is_empty());

    // The operator invites them: a temporary password arrives, and the first sign-in asks
    // for a new password.
    let (code, out, err) = run(dir.path(), &["developers", "invite", "guest@example.com"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("invited guest@example.com"), "{out}");
    let mails = mails_to(dir.path(), "guest@example.com");
    assert_eq!(mails.len(), 1);
    let text = mails[0]["text"].as_str().unwrap();
    let temporary = text
        .split("temporary password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap();
    let (status, body) = cognito(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "guest@example.com", "PASSWORD": temporary}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    // Inviting again is an error; --resend mails a new temporary password.
    let (code, _, err) = run(dir.path(), &["developers", "invite", "guest@example.com"]);
    assert_eq!(code, 1);
    assert!(err.contains("User account already exists"), "{err}");
    let (code, _, err) = run(
        dir.path(),
        &["developers", "invite", "guest@example.com", "--resend"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(mails_to(dir.path(), "guest@example.com").len(), 2);
    // Errors of the operator's own making are said plainly, and nothing is created.
    let (code, _, err) = run(
        dir.path(),
        &["developers", "invite", "nobody@example.com", "--resend"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("User does not exist."), "{err}");
    let (code, _, err) = run(dir.path(), &["developers", "invite", "not-an-address"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: "), "{err}");

    let (code, out, err) = run(dir.path(), &["developers", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    let mut found: Vec<_> = list
        .iter()
        .map(|d| (d["email"].as_str().unwrap(), d["status"].as_str().unwrap()))
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            ("guest@example.com", "FORCE_CHANGE_PASSWORD"),
            ("owner@example.com", "UNCONFIRMED")
        ]
    );

    // Someone who should not be a developer (e.g. who signed up first) is disabled: their
    // console sign-in stops working at once.
    let (code, out, err) = run(dir.path(), &["developers", "disable", "guest@example.com"]);
    assert_eq!(
        (code, out.trim()),
        (0, "disabled guest@example.com"),
        "{err}"
    );
    let (status, body) = cognito(
        &url,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": "guest@example.com", "PASSWORD": temporary}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["__type"], "NotAuthorizedException", "{body}");
    let (code, out, _) = run(dir.path(), &["developers", "list", "--json"]);
    assert_eq!(code, 0);
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    let guest = list
        .iter()
        .find(|d| d["email"] == "guest@example.com")
        .unwrap();
    assert_eq!(guest["enabled"], false);
    let (code, _, err) = run(dir.path(), &["developers", "disable", "nobody@example.com"]);
    assert_eq!(code, 1);
    assert!(err.contains("User does not exist."), "{err}");
    let (code, out, err) = run(dir.path(), &["developers", "enable", "guest@example.com"]);
    assert_eq!(
        (code, out.trim()),
        (0, "enabled guest@example.com"),
        "{err}"
    );
}

#[tokio::test]
async fn closed_refuses_even_the_first_and_open_lets_anyone_in() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        dir.path(),
        &format!("127.0.0.1:{port}"),
        &["--console-signup", "closed"],
    );
    let url = format!("http://127.0.0.1:{port}");
    let client = console_client(dir.path());
    let (status, body) = sign_up(&url, &client, "owner@example.com").await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some(NOT_PERMITTED))
    );
    let (code, _, err) = run(dir.path(), &["developers", "invite", "owner@example.com"]);
    assert_eq!(code, 0, "{err}");
    drop(server);

    let _server = Server::start(
        dir.path(),
        &format!("127.0.0.1:{port}"),
        &["--console-signup", "open"],
    );
    for email in ["one@example.com", "two@example.com"] {
        assert_eq!(sign_up(&url, &client, email).await.0, 200);
    }

    let (code, _, err) = run(dir.path(), &["serve", "--console-signup", "sometimes"]);
    assert_eq!(code, 2);
    assert!(err.contains("sometimes"), "{err}");
}
