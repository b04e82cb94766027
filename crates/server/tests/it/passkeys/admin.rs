//! The developer's view of a user's passkeys over REST: listed, removed (a lost device), and
//! nothing of another developer's app.

use super::authenticator::Authenticator;
use super::support::{listed_ids, passkey_events, register, signed_in, turn_on_passkeys};
use crate::common::{TestServer, create_app, developer, send};
use auth_return_core::CreatedApp;
use auth_return_core::apps::Actor;
use reqwest::{Method, StatusCode};

/// The app the developer of `token` made over REST, with passkeys on.
async fn developer_passkey_app(server: &TestServer, token: &str) -> CreatedApp {
    let view = create_app(server, token, "Dev passkeys").await;
    let app = server
        .service
        .get_app(
            Actor::Operator,
            &view["app_id"].as_str().unwrap().parse().unwrap(),
        )
        .await
        .unwrap();
    let app = CreatedApp {
        app,
        client_secret: None,
    };
    turn_on_passkeys(server, &app).await;
    app
}

#[tokio::test]
async fn a_developer_lists_a_users_passkeys_and_removes_one() {
    let server = TestServer::start().await;
    let dev = developer(&server, "owner@example.com").await;
    let app = developer_passkey_app(&server, &dev).await;
    let (sub, tokens) = signed_in(&server, &app, "lost@example.com").await;
    let (mut phone, mut laptop) = (Authenticator::new(), Authenticator::new());
    register(&server, &tokens.access, &mut phone).await;
    server.clock.advance(1);
    register(&server, &tokens.access, &mut laptop).await;
    let path = format!("/api/apps/{}/users/{sub}/passkeys", app.app.id);

    let (status, listed) = send(&server, Method::GET, &path, Some(&dev), None).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let ids: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["credential_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [phone.id(), laptop.id()], "oldest first");
    let first = &listed[0];
    assert_eq!(first["name"], "Passkey on this device");
    assert_eq!(first["relying_party_id"], "localhost");
    assert_eq!(first["attachment"], "platform");
    assert!(first["created_at"].is_i64());
    assert!(first["last_used_at"].is_null());

    // Removing the lost phone's: 204, gone for the user too, recorded with the developer.
    let (status, body) = send(
        &server,
        Method::DELETE,
        &format!("{path}/{}", phone.id()),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(listed_ids(&server, &tokens.access).await, [laptop.id()]);
    server.service.events().flush().await;
    let removed: Vec<_> = passkey_events(&server, &app)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "passkey_removed")
        .collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].1["credential"], phone.id());

    // Again, or an id that is none of the user's, or not base64url: 404, nothing removed.
    for id in [phone.id(), "AAAA".to_owned(), "not base64!".to_owned()] {
        let (status, body) = send(
            &server,
            Method::DELETE,
            &format!("{path}/{}", urlencode(&id)),
            Some(&dev),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}: {body}");
        assert_eq!(body["error"], "not_found");
    }
    assert_eq!(listed_ids(&server, &tokens.access).await, [laptop.id()]);

    // An unknown or malformed user: 404.
    for user in ["00000000-0000-4000-8000-000000000000", "nobody"] {
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("/api/apps/{}/users/{user}/passkeys", app.app.id),
            Some(&dev),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{user}: {body}");
    }
}

#[tokio::test]
async fn another_developer_and_no_token_see_and_remove_nothing() {
    let server = TestServer::start().await;
    let owner = developer(&server, "owner2@example.com").await;
    let app = developer_passkey_app(&server, &owner).await;
    let (sub, tokens) = signed_in(&server, &app, "kept@example.com").await;
    let mut key = Authenticator::new();
    register(&server, &tokens.access, &mut key).await;
    let path = format!("/api/apps/{}/users/{sub}/passkeys", app.app.id);
    let stranger = {
        let console = crate::common::console(&server).await;
        // Another user of the console app, who owns no app.
        server
            .confirmed_user(
                console.app.client.id.as_str(),
                "stranger@example.com",
                crate::common::PASSWORD,
            )
            .await;
        server
            .tokens(&console, "stranger@example.com", crate::common::PASSWORD)
            .await
            .access
    };
    for (token, status) in [
        (Some(stranger.as_str()), StatusCode::NOT_FOUND),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let (got, body) = send(&server, Method::GET, &path, token, None).await;
        assert_eq!(got, status, "{body}");
        let (got, body) = send(
            &server,
            Method::DELETE,
            &format!("{path}/{}", key.id()),
            token,
            None,
        )
        .await;
        assert_eq!(got, status, "{body}");
    }
    assert_eq!(listed_ids(&server, &tokens.access).await, [key.id()]);
}

/// `id` with the characters a path segment cannot hold escaped.
fn urlencode(id: &str) -> String {
    id.replace(' ', "%20").replace('!', "%21")
}
