//! The passkey settings (`passkeys` in `PATCH /api/apps/{id}`): shown, changed, every bad value
//! refused by its path with nothing changed; and the relying party a ceremony gets: the setting,
//! else the public URL's host, with the origins on its domain.

use super::authenticator::{Authenticator, Ceremony};
use super::support::*;
use crate::common::{TestServer, create_app, developer, send};
use auth_return_core::events::EventKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// PATCH `/api/apps/{id}` as `dev`.
async fn patch(server: &TestServer, dev: &str, app_id: &str, body: Value) -> (StatusCode, Value) {
    send(
        server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(dev),
        Some(body),
    )
    .await
}

/// GET `/api/apps/{id}` as `dev`.
async fn show(server: &TestServer, dev: &str, app_id: &str) -> Value {
    let (status, view) = send(
        server,
        Method::GET,
        &format!("/api/apps/{app_id}"),
        Some(dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

/// The `field`s a refused change names.
fn fields(error: &Value) -> Vec<&str> {
    error["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields: {error}"))
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn passkey_settings_are_shown_changed_and_judged_member_by_member() {
    let server = TestServer::start().await;
    let dev = developer(&server, "dev-passkeys@example.com").await;
    let created = create_app(&server, &dev, "Keys").await;
    let app_id = created["app_id"].as_str().unwrap();
    let before = show(&server, &dev, app_id).await;
    assert_eq!(
        before["passkeys"],
        json!({"enabled": false, "origins": []}),
        "off by default, the relying party the public URL's host"
    );

    let (status, view) = patch(
        &server,
        &dev,
        app_id,
        json!({"passkeys": {"enabled": true, "relying_party_id": " LocalHost ",
                             "origins": ["http://LOCALHOST:5173/"]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let set = json!({"enabled": true, "relying_party_id": "localhost",
                     "origins": ["http://localhost:5173"]});
    assert_eq!(view["passkeys"], set, "trimmed and in lower case");
    assert_eq!(show(&server, &dev, app_id).await, view);
    // Absent members stay.
    let (_, view) = patch(&server, &dev, app_id, json!({"passkeys": {}})).await;
    assert_eq!(view["passkeys"], set);
    let (_, view) = patch(&server, &dev, app_id, json!({"name": "Renamed"})).await;
    assert_eq!(view["passkeys"], set);
    let good = show(&server, &dev, app_id).await;

    // Bad values: 400 naming each member, nothing changed.
    let mut origins: Vec<String> = (0..21).map(|i| format!("https://a{i}.localhost")).collect();
    let too_many = json!(origins.clone());
    origins.truncate(20);
    for (body, named) in [
        (
            json!({"relying_party_id": "127.0.0.1"}),
            vec!["passkeys.relying_party_id"],
        ),
        (
            json!({"relying_party_id": "https://x"}),
            vec!["passkeys.relying_party_id"],
        ),
        (
            json!({"relying_party_id": "localhost:5173"}),
            vec!["passkeys.relying_party_id"],
        ),
        (
            json!({"relying_party_id": "[::1]"}),
            vec!["passkeys.relying_party_id"],
        ),
        (
            json!({"relying_party_id": "a..b"}),
            vec!["passkeys.relying_party_id"],
        ),
        (
            json!({"enabled": false, "origins": ["ftp://x"]}),
            vec!["passkeys.origins"],
        ),
        (
            json!({"origins": ["localhost:5173"]}),
            vec!["passkeys.origins"],
        ),
        (json!({"origins": ["https://"]}), vec!["passkeys.origins"]),
        (json!({"origins": too_many}), vec!["passkeys.origins"]),
        (
            json!({"relying_party_id": "10.0.0.1", "origins": ["ftp://x"]}),
            vec!["passkeys.relying_party_id", "passkeys.origins"],
        ),
    ] {
        let (status, error) = patch(&server, &dev, app_id, json!({ "passkeys": body })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {error}");
        assert_eq!(error["error"], "invalid_request", "{error}");
        assert_eq!(fields(&error), named, "{body} -> {error}");
        assert_eq!(show(&server, &dev, app_id).await, good, "{body}");
    }
    // A bad member beside a good change of another setting: nothing changes either.
    let (status, error) = patch(
        &server,
        &dev,
        app_id,
        json!({"name": "Changed", "passkeys": {"enabled": false, "relying_party_id": "1.2.3.4"}}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(show(&server, &dev, app_id).await, good);
    // A misspelt member is refused, not ignored.
    let (status, error) = patch(
        &server,
        &dev,
        app_id,
        json!({"passkeys": {"enable": false}}),
    )
    .await;
    assert!(
        status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status} {error}"
    );
    assert_eq!(show(&server, &dev, app_id).await, good);

    // Twenty origins are fine; "" goes back to the default relying party.
    let (status, view) = patch(
        &server,
        &dev,
        app_id,
        json!({"passkeys": {"relying_party_id": "", "origins": origins}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["passkeys"]["origins"].as_array().unwrap().len(), 20);
    assert!(view["passkeys"].get("relying_party_id").is_none(), "{view}");
    assert_eq!(view["passkeys"]["enabled"], true);

    // Each change is an audit event naming the member.
    server.service.events().flush().await;
    let pool = auth_return_core::PoolId::new(created["user_pool_id"].as_str().unwrap());
    let query = auth_return_core::events::EventQuery {
        kind: Some(EventKind::SettingsChanged),
        limit: 100,
        ..Default::default()
    };
    let changes = server
        .service
        .store()
        .list_events(&pool, &query)
        .await
        .unwrap();
    let named: Vec<&str> = changes
        .iter()
        .filter_map(|e| e.detail["changed"].as_str())
        .filter(|changed| changed.contains("passkeys"))
        .collect();
    assert_eq!(named.len(), 3, "{changes:?}");
}

/// What `app` offers amy@example.com: `SELECT_CHALLENGE`'s factors, and whether the front end's
/// config says passkeys are on.
async fn offered(server: &TestServer, app: &auth_return_core::CreatedApp) -> (Value, bool) {
    let select = user_auth(server, app, "amy@example.com", json!({})).await;
    let config = server.service.app_config(&app.app.id).await.unwrap();
    (
        select.ok()["AvailableChallenges"].clone(),
        config.passkeys.enabled,
    )
}

#[tokio::test]
async fn the_relying_party_defaults_to_the_public_host_and_takes_origins_on_its_domain() {
    // The tests' public URL is an address: no relying party can default to it.
    let server = TestServer::start().await;
    let app = server.app("By address").await;
    let (_, tokens) = signed_in(&server, &app, "amy@example.com").await;
    update(&server, &app, json!({"passkeys": {"enabled": true}})).await;
    let missing = "No origin of this app is within its passkey relying party id.";
    start(&server, &tokens.access)
        .await
        .assert_error("WebAuthnConfigurationMissingException", missing);
    user_auth(
        &server,
        &app,
        "amy@example.com",
        json!({"PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await
    .assert_error("WebAuthnConfigurationMissingException", missing);
    // Nothing offers what cannot work: not the first-factor choice, not the front end's config.
    assert_eq!(
        offered(&server, &app).await,
        (json!(["PASSWORD_SRP", "PASSWORD"]), false)
    );
    // A relying party none of the origins is on is no better.
    update(
        &server,
        &app,
        json!({"passkeys": {"relying_party_id": "example.org", "origins": ["https://example.com"]}}),
    )
    .await;
    start(&server, &tokens.access)
        .await
        .assert_error("WebAuthnConfigurationMissingException", missing);

    // A relying party above its origins: each origin on its domain may register; others not.
    update(
        &server,
        &app,
        json!({"passkeys": {"relying_party_id": "example.com",
                             "origins": ["https://app.example.com", "https://badexample.com"]}}),
    )
    .await;
    assert_eq!(
        offered(&server, &app).await,
        (json!(["WEB_AUTHN", "PASSWORD_SRP", "PASSWORD"]), true)
    );
    let options = creation_options(&server, &tokens.access).await;
    assert_eq!(options["rp"]["id"], "example.com");
    let mut phone = Authenticator::new();
    let credential = phone.register(&options, &Ceremony::origin("https://badexample.com"));
    complete(&server, &tokens.access, &credential)
        .await
        .assert_error(
            "WebAuthnOriginNotAllowedException",
            "The passkey's origin is not allowed for this app.",
        );
    let options = creation_options(&server, &tokens.access).await;
    let credential = phone.register(&options, &Ceremony::origin("https://app.example.com"));
    complete(&server, &tokens.access, &credential).await.ok();
    let listed = list_page(&server, &tokens.access, None, None).await;
    assert_eq!(
        listed.ok()["Credentials"][0]["RelyingPartyId"],
        "example.com"
    );
    let reply = passkey_sign_in(
        &server,
        &app,
        "amy@example.com",
        &phone,
        &Ceremony::origin("https://app.example.com"),
    )
    .await;
    tokens_of(&reply);

    // A deployment on a name: its host is the relying party, its own origin and the app's
    // origins on that host allowed.
    let server =
        TestServer::start_with_config(|c| c.public_url = "http://localhost:8765".into()).await;
    let app = server.app("By name").await;
    let (_, tokens) = signed_in(&server, &app, "bea@example.com").await;
    update(&server, &app, json!({"passkeys": {"enabled": true}})).await;
    let options = creation_options(&server, &tokens.access).await;
    assert_eq!(options["rp"]["id"], "localhost", "{options}");
    let mut phone = Authenticator::new();
    let credential = phone.register(&options, &Ceremony::default());
    complete(&server, &tokens.access, &credential)
        .await
        .assert_error(
            "WebAuthnOriginNotAllowedException",
            "The passkey's origin is not allowed for this app.",
        );
    let options = creation_options(&server, &tokens.access).await;
    let credential = phone.register(&options, &Ceremony::origin("http://localhost:8765"));
    complete(&server, &tokens.access, &credential).await.ok();
    // The app's own origins count as well, those on the relying party's domain.
    update(
        &server,
        &app,
        json!({"origins": ["http://localhost:5173", "https://shop.example"]}),
    )
    .await;
    server.clock.advance(1);
    let mut key = Authenticator::new();
    register(&server, &tokens.access, &mut key).await;
    let options = creation_options(&server, &tokens.access).await;
    let mut other = Authenticator::new();
    let credential = other.register(&options, &Ceremony::origin("https://shop.example"));
    complete(&server, &tokens.access, &credential)
        .await
        .assert_error(
            "WebAuthnOriginNotAllowedException",
            "The passkey's origin is not allowed for this app.",
        );
    assert_eq!(
        listed_ids(&server, &tokens.access).await,
        vec![phone.id(), key.id()]
    );
}
