//! Several instances on one database: a hosted sign-in and a code made on one instance hold on
//! the other at once (nothing of them is cached), an app's redirect settings changed on one
//! reach the other at its next poll of the change feed; on SQLite and on PostgreSQL.

use super::support::*;
use crate::common::{PASSWORD, TempPostgres, TestServer};
use reqwest::StatusCode;
use serde_json::json;

async fn story(a: TestServer) {
    let b = a.second_instance().await;
    let app = oauth_app(&a, "Two instances", false).await;
    // B follows the change feed from here, as `serve` does from its start.
    b.service.follow_changes().await.unwrap();
    let client_id = app.app.client.id.to_string();
    a.confirmed_user(&client_id, "kim@example.com", PASSWORD)
        .await;
    let mut on_a = Browser::new(&a);
    code_for(&mut on_a, &app, "kim@example.com", PASSWORD, &[]).await;

    // B honours the sign-in made on A.
    let mut on_b = Browser::new(&b);
    on_b.cookies = on_a.cookies.clone();
    let silent = on_b
        .get(&authorize_path(&app, &[("prompt", Some("none"))]))
        .await;
    let code = silent.location_params(false)["code"].clone();

    // The code, exchanged on B and replayed on A: A refuses it and B's tokens die.
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", client_id.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let first = on_b.post_form("/oauth2/token", &form, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let access = first.json()["access_token"].as_str().unwrap().to_owned();
    let replay = on_a.post_form("/oauth2/token", &form, None).await;
    assert_eq!(replay.json()["error"], "invalid_grant");
    let (status, _, _) = b.get("/oauth2/userInfo", Some(&access)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A callback URL withdrawn on A is refused by A at once, and by B after its next poll.
    configure(
        &a,
        &app,
        json!({"callback_urls": ["http://127.0.0.1:9/elsewhere"]}),
    )
    .await;
    let refused = on_a.get(&authorize_path(&app, &[])).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(b.service.follow_changes().await.unwrap(), 1);
    let refused = on_b.get(&authorize_path(&app, &[])).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.headers.get("location").is_none());

    // Signing out on B ends the hosted session for A too.
    configure(&a, &app, json!({"callback_urls": [CALLBACK]})).await;
    assert_eq!(b.service.follow_changes().await.unwrap(), 1);
    on_b.get(&format!(
        "/logout?client_id={client_id}&logout_uri={SIGNED_OUT}"
    ))
    .await;
    let cookie = format!("ar_session_{}", app.app.pool_id);
    assert!(!on_b.cookies.contains_key(&cookie));
    assert!(
        on_a.cookies.contains_key(&cookie),
        "A's browser still sends the old cookie"
    );
    let stale = on_a
        .get(&authorize_path(&app, &[("prompt", Some("none"))]))
        .await;
    assert_eq!(stale.location_params(false)["error"], "login_required");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_sign_ins_codes_and_settings_on_both_databases() {
    story(TestServer::start().await).await;
    if let Some(db) = TempPostgres::new().await {
        story(TestServer::start_on(&db.url).await).await;
        db.drop_database().await;
    }
}
