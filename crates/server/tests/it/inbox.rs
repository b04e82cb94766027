//! `GET /api/apps/{id}/inbox`: the development inbox shows an app's kept mail to its developer
//! only, newest first, and does not exist when SMTP delivers mail.

use crate::common::{PASSWORD, TestServer, create_app, developer, send};
use auth_return_core::mail::{MailError, MailMessage, Mailer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test]
async fn a_developer_reads_their_apps_mail_newest_first() {
    let server = TestServer::start().await;
    let dev = developer(&server, "inbox-dev@example.com").await;
    let other = developer(&server, "inbox-other@example.com").await;
    let mine = create_app(&server, &dev, "Mine").await;
    let theirs = create_app(&server, &other, "Theirs").await;
    let id = mine["app_id"].as_str().unwrap();
    let path = format!("/api/apps/{id}/inbox");

    let (status, empty) = send(&server, Method::GET, &path, Some(&dev), None).await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!(empty["messages"], json!([]));

    let client = mine["client_id"].as_str().unwrap();
    server
        .sign_up(client, "first@example.com", PASSWORD)
        .await
        .ok();
    server
        .sign_up(client, "second@example.com", PASSWORD)
        .await
        .ok();
    let their_client = theirs["client_id"].as_str().unwrap();
    server
        .sign_up(their_client, "elsewhere@example.com", PASSWORD)
        .await
        .ok();

    let response = server
        .http
        .get(format!("{}{path}", server.url))
        .bearer_auth(&dev)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "live codes are never cached"
    );
    let inbox: Value = response.json().await.unwrap();
    let messages = inbox["messages"].as_array().unwrap();
    let to: Vec<&str> = messages.iter().map(|m| m["to"].as_str().unwrap()).collect();
    assert_eq!(to, ["second@example.com", "first@example.com"]);
    let code = server.last_code("second@example.com");
    assert!(messages[0]["text"].as_str().unwrap().contains(&code));
    assert!(
        messages[0]["subject"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(messages[0]["sent_at"].as_i64().unwrap() > 1_700_000_000);

    let (_, one) = send(
        &server,
        Method::GET,
        &format!("{path}?limit=1"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(one["messages"].as_array().unwrap().len(), 1);

    // Another developer's app, the console's own mail and unknown apps do not exist for them.
    for (token, target) in [
        (&other, id.to_owned()),
        (&dev, theirs["app_id"].as_str().unwrap().to_owned()),
        (&dev, "console".to_owned()),
        (&dev, "app_doesnotexist".to_owned()),
    ] {
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("/api/apps/{target}/inbox"),
            Some(token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{target}: {body}");
        assert_eq!(body["error"], "not_found", "{target}");
    }
    let (status, _) = send(&server, Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for query in ["?limit=0", "?limit=101", "?limit=x", "?since=1"] {
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("{path}{query}"),
            Some(&dev),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "invalid_request", "{query}");
    }
}

/// A transport that delivers (to nowhere), as SMTP does: it keeps nothing, so `kept` is the
/// trait's own answer, the one `SmtpMailer` gives (checked in auth-return-mail).
struct Delivering;

#[async_trait::async_trait]
impl Mailer for Delivering {
    async fn send(&self, _message: &MailMessage) -> Result<(), MailError> {
        Ok(())
    }
}

#[tokio::test]
async fn there_is_no_inbox_when_mail_is_delivered() {
    let server = TestServer::start_with_mailer(Arc::new(Delivering)).await;
    // No code can be read back: the operator confirms the developer.
    let console = crate::common::console(&server).await;
    let email = "delivered-dev@example.com";
    server
        .sign_up(console.app.client.id.as_str(), email, PASSWORD)
        .await
        .ok();
    server
        .service
        .admin_confirm_sign_up(
            auth_return_core::Actor::Operator,
            &console.app.pool_id,
            email,
            &auth_return_core::events::Caller::default(),
        )
        .await
        .unwrap();
    let dev = server.tokens(&console, email, PASSWORD).await.access;
    let mine = create_app(&server, &dev, "Delivered").await;
    let (status, body) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{}/inbox", mine["app_id"].as_str().unwrap()),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"], "inbox_unavailable");
    assert!(body["message"].as_str().unwrap().contains("SMTP"));
}
