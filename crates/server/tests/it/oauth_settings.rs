//! The hosted sign-in / OAuth 2.0 settings (`oauth` in `PATCH /api/apps/{id}`): shown and
//! changed over REST, every invalid value refused by its path with nothing changed, client
//! credentials only for an app with a secret, settings documents from before them loaded with
//! their defaults, and the audit event naming the member.

use crate::common::{TempPostgres, TestServer, developer, send};
use auth_return_core::PoolId;
use auth_return_core::events::{EventKind, EventQuery};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A developer and an app of theirs.
struct Fixture {
    server: TestServer,
    dev: String,
    app_id: String,
    /// The client secret, when the app was made with one.
    secret: Option<String>,
}

impl Fixture {
    async fn new(tag: &str, client_secret: bool) -> Self {
        Self::on(TestServer::start().await, tag, client_secret).await
    }

    async fn on(server: TestServer, tag: &str, client_secret: bool) -> Self {
        let dev = developer(&server, &format!("oauth-{tag}@example.com")).await;
        let (status, created) = send(
            &server,
            Method::POST,
            "/api/apps",
            Some(&dev),
            Some(json!({"name": format!("Hosted {tag}"), "client_secret": client_secret})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        Self {
            server,
            dev,
            app_id: created["app_id"].as_str().unwrap().to_owned(),
            secret: created["client_secret"].as_str().map(str::to_owned),
        }
    }

    fn path(&self) -> String {
        format!("/api/apps/{}", self.app_id)
    }

    async fn try_patch(&self, body: Value) -> (StatusCode, Value) {
        send(
            &self.server,
            Method::PATCH,
            &self.path(),
            Some(&self.dev),
            Some(body),
        )
        .await
    }

    async fn patch(&self, body: Value) -> Value {
        let (status, view) = self.try_patch(body).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }

    async fn show(&self) -> Value {
        let (status, view) = send(
            &self.server,
            Method::GET,
            &self.path(),
            Some(&self.dev),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }

    async fn pool(&self) -> PoolId {
        PoolId::new(self.show().await["user_pool_id"].as_str().unwrap())
    }

    /// The `changed` detail of each settings_changed event of the app, oldest first.
    async fn changes(&self) -> Vec<String> {
        self.server.service.events().flush().await;
        let query = EventQuery {
            limit: 1000,
            ..EventQuery::default()
        };
        let mut found = self
            .server
            .service
            .store()
            .list_events(&self.pool().await, &query)
            .await
            .unwrap();
        found.reverse();
        found
            .iter()
            .filter(|e| e.kind == EventKind::SettingsChanged)
            .map(|e| e.detail["changed"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// The `fields` of a refused change: (field, message) pairs.
fn fields(error: &Value) -> Vec<(String, String)> {
    error["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields: {error}"))
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap().to_owned(),
                p["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn default_oauth() -> Value {
    json!({
        "callback_urls": [],
        "logout_urls": [],
        "flows": {"code": true, "implicit": false, "client_credentials": false},
        "scopes": ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"],
        "custom_scopes": [],
        "branding": {"display_name": null, "logo_url": null, "accent_color": null},
        "session_minutes": 60
    })
}

#[tokio::test]
async fn oauth_settings_are_shown_and_changed_member_by_member() {
    let f = Fixture::new("good", false).await;
    let before = f.show().await;
    assert_eq!(before["oauth"], default_oauth());

    let view = f
        .patch(json!({"oauth": {
            "callback_urls": ["https://shop.example/callback", "com.example.shop:/cb",
                              "http://localhost:3000/cb", "http://127.0.0.1:8080/cb",
                              "http://[::1]:8080/cb", "myapp://callback"],
            "logout_urls": ["https://shop.example/"],
            "flows": {"implicit": true},
            "scopes": ["openid", "email", "orders/read"],
            "custom_scopes": ["orders/read", "https://api.shop.example/write"],
            "branding": {"display_name": "  Shop  ", "logo_url": "https://cdn.shop.example/logo.svg",
                         "accent_color": "#1F5FD6"},
            "session_minutes": 1440
        }}))
        .await;
    let expected = json!({
        "callback_urls": ["https://shop.example/callback", "com.example.shop:/cb",
                          "http://localhost:3000/cb", "http://127.0.0.1:8080/cb",
                          "http://[::1]:8080/cb", "myapp://callback"],
        "logout_urls": ["https://shop.example/"],
        "flows": {"code": true, "implicit": true, "client_credentials": false},
        "scopes": ["openid", "email", "orders/read"],
        "custom_scopes": ["orders/read", "https://api.shop.example/write"],
        "branding": {"display_name": "Shop", "logo_url": "https://cdn.shop.example/logo.svg",
                     "accent_color": "#1f5fd6"},
        "session_minutes": 1440
    });
    assert_eq!(
        view["oauth"], expected,
        "the name trimmed, the colour in lower case"
    );
    assert_eq!(f.show().await, view, "GET shows what PATCH answered");
    // Nothing else moved.
    for member in [
        "name",
        "origins",
        "token_validity_secs",
        "password_policy",
        "templates",
    ] {
        assert_eq!(view[member], before[member], "{member}");
    }

    // Absent members stay; lists replace; "" clears a branding member; bounds are accepted.
    let view = f
        .patch(
            json!({"oauth": {"logout_urls": [], "flows": {"code": false},
                                "branding": {"logo_url": ""}, "session_minutes": 5}}),
        )
        .await;
    let oauth = &view["oauth"];
    assert_eq!(oauth["callback_urls"], expected["callback_urls"]);
    assert_eq!(oauth["logout_urls"], json!([]));
    assert_eq!(
        oauth["flows"],
        json!({"code": false, "implicit": true, "client_credentials": false})
    );
    assert_eq!(oauth["scopes"], expected["scopes"]);
    assert_eq!(
        oauth["branding"],
        json!({"display_name": "Shop", "logo_url": null, "accent_color": "#1f5fd6"})
    );
    assert_eq!(oauth["session_minutes"], 5);
    let view = f.patch(json!({"oauth": {}})).await;
    assert_eq!(
        view["oauth"],
        oauth.clone(),
        "an empty change changes nothing"
    );
    let view = f
        .patch(json!({"oauth": {"branding": {"display_name": "", "accent_color": ""}}}))
        .await;
    assert_eq!(
        view["oauth"]["branding"],
        json!({"display_name": null, "logo_url": null, "accent_color": null})
    );
}

#[tokio::test]
async fn every_invalid_value_is_named_and_changes_nothing() {
    let f = Fixture::new("bad", false).await;
    f.patch(
        json!({"oauth": {"callback_urls": ["https://shop.example/cb"],
                             "custom_scopes": ["orders/read"],
                             "scopes": ["openid", "orders/read"]}}),
    )
    .await;
    let before = f.show().await;
    let long_url = format!("https://shop.example/{}", "a".repeat(1024));
    let many_urls: Vec<String> = (0..101).map(|i| format!("https://a.example/{i}")).collect();
    let many_scopes: Vec<String> = std::iter::once("orders/read".to_owned())
        .chain((0..100).map(|i| format!("api/s{i}")))
        .collect();
    for (oauth, field, needle) in [
        (
            json!({"callback_urls": ["/relative"]}),
            "oauth.callback_urls[0]",
            "absolute",
        ),
        (
            json!({"callback_urls": ["https://ok.example/cb", "https://a.example/cb#top"]}),
            "oauth.callback_urls[1]",
            "fragment",
        ),
        (
            json!({"callback_urls": ["https://me:pw@a.example/cb"]}),
            "oauth.callback_urls[0]",
            "user name",
        ),
        (
            json!({"callback_urls": ["http://a.example/cb"]}),
            "oauth.callback_urls[0]",
            "http only on localhost",
        ),
        (
            json!({"callback_urls": ["http://localhost.evil.example/cb"]}),
            "oauth.callback_urls[0]",
            "http only on localhost",
        ),
        (
            json!({"callback_urls": ["javascript:alert(1)"]}),
            "oauth.callback_urls[0]",
            "the javascript scheme",
        ),
        (
            json!({"callback_urls": ["data:text/html,x"]}),
            "oauth.callback_urls[0]",
            "the data scheme",
        ),
        (
            json!({"callback_urls": ["file:///etc/passwd"]}),
            "oauth.callback_urls[0]",
            "the file scheme",
        ),
        (
            json!({"callback_urls": ["vbscript:x"]}),
            "oauth.callback_urls[0]",
            "the vbscript scheme",
        ),
        (
            json!({"callback_urls": ["blob:https://a.example/x"]}),
            "oauth.callback_urls[0]",
            "the blob scheme",
        ),
        (
            json!({"callback_urls": ["about:blank"]}),
            "oauth.callback_urls[0]",
            "the about scheme",
        ),
        (
            json!({"callback_urls": ["ftp://a.example/cb"]}),
            "oauth.callback_urls[0]",
            "the ftp scheme",
        ),
        (
            json!({"callback_urls": ["ws://a.example/cb"]}),
            "oauth.callback_urls[0]",
            "the ws scheme",
        ),
        (
            json!({"callback_urls": ["wss://a.example/cb"]}),
            "oauth.callback_urls[0]",
            "the wss scheme",
        ),
        (
            json!({"callback_urls": [" https://a.example/cb"]}),
            "oauth.callback_urls[0]",
            "spaces",
        ),
        (
            json!({"callback_urls": ["https:a.example/cb"]}),
            "oauth.callback_urls[0]",
            "https://",
        ),
        (
            json!({"callback_urls": [long_url]}),
            "oauth.callback_urls[0]",
            "1024",
        ),
        (
            json!({"callback_urls": ["https://a.example/cb", "https://a.example/cb"]}),
            "oauth.callback_urls[1]",
            "repeats callback_urls[0]",
        ),
        (
            json!({"callback_urls": many_urls}),
            "oauth.callback_urls",
            "at most 100",
        ),
        (
            json!({"logout_urls": ["http://a.example/"]}),
            "oauth.logout_urls[0]",
            "https",
        ),
        (
            json!({"logout_urls": ["https://a.example/#x"]}),
            "oauth.logout_urls[0]",
            "fragment",
        ),
        (
            json!({"scopes": ["openid", "orders/write"]}),
            "oauth.scopes[1]",
            "neither a standard scope",
        ),
        (
            json!({"scopes": ["email", "email"]}),
            "oauth.scopes[1]",
            "repeats scopes[0]",
        ),
        // Removing a custom scope the scopes still name.
        (
            json!({"custom_scopes": []}),
            "oauth.scopes[1]",
            "custom_scopes",
        ),
        // Each beside the custom scope the scopes name, so that only the bad one is refused.
        (
            json!({"custom_scopes": ["orders/read", "orders"]}),
            "oauth.custom_scopes[1]",
            "identifier/name",
        ),
        (
            json!({"custom_scopes": ["orders/read", "orders/"]}),
            "oauth.custom_scopes[1]",
            "identifier/name",
        ),
        (
            json!({"custom_scopes": ["orders/read", "/read"]}),
            "oauth.custom_scopes[1]",
            "identifier/name",
        ),
        (
            json!({"custom_scopes": ["orders/read", "orders/read all"]}),
            "oauth.custom_scopes[1]",
            "RFC 6749 §3.3",
        ),
        (
            json!({"custom_scopes": ["orders/read", "orders/\"x\""]}),
            "oauth.custom_scopes[1]",
            "RFC 6749 §3.3",
        ),
        (
            json!({"custom_scopes": ["orders/read", format!("r/{}", "n".repeat(255))]}),
            "oauth.custom_scopes[1]",
            "256",
        ),
        (
            json!({"custom_scopes": ["orders/read", "openid"]}),
            "oauth.custom_scopes[1]",
            "standard scope",
        ),
        (
            json!({"custom_scopes": ["orders/read", "orders/read"]}),
            "oauth.custom_scopes[1]",
            "repeats custom_scopes[0]",
        ),
        (
            json!({"custom_scopes": many_scopes}),
            "oauth.custom_scopes",
            "at most 100",
        ),
        (
            json!({"flows": {"client_credentials": true}}),
            "oauth.flows.client_credentials",
            "client secret",
        ),
        (
            json!({"branding": {"display_name": "   "}}),
            "oauth.branding.display_name",
            "1 to 64",
        ),
        (
            json!({"branding": {"display_name": "x".repeat(65)}}),
            "oauth.branding.display_name",
            "1 to 64",
        ),
        (
            json!({"branding": {"display_name": "two\nlines"}}),
            "oauth.branding.display_name",
            "control",
        ),
        (
            json!({"branding": {"logo_url": "http://cdn.example/logo.png"}}),
            "oauth.branding.logo_url",
            "https",
        ),
        (
            json!({"branding": {"logo_url": "javascript:alert(1)"}}),
            "oauth.branding.logo_url",
            "https",
        ),
        (
            json!({"branding": {"logo_url": format!("https://cdn.example/{}", "a".repeat(1024))}}),
            "oauth.branding.logo_url",
            "1024",
        ),
        (
            json!({"branding": {"accent_color": "#fff"}}),
            "oauth.branding.accent_color",
            "#rrggbb",
        ),
        (
            json!({"branding": {"accent_color": "red"}}),
            "oauth.branding.accent_color",
            "#rrggbb",
        ),
        (
            json!({"branding": {"accent_color": "#12345g"}}),
            "oauth.branding.accent_color",
            "#rrggbb",
        ),
        (
            json!({"session_minutes": 4}),
            "oauth.session_minutes",
            "5 to 1440",
        ),
        (
            json!({"session_minutes": 1441}),
            "oauth.session_minutes",
            "5 to 1440",
        ),
    ] {
        let (status, error) = f.try_patch(json!({"oauth": oauth})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{oauth} -> {error}");
        assert_eq!(error["error"], "invalid_request", "{oauth} -> {error}");
        let named = fields(&error);
        assert_eq!(named.len(), 1, "{oauth} -> {error}");
        assert_eq!(named[0].0, field, "{oauth} -> {error}");
        assert!(named[0].1.contains(needle), "{oauth} -> {error}");
        assert!(error["message"].as_str().unwrap().contains(&named[0].1));
    }
    assert_eq!(f.show().await, before, "a refused PATCH changes nothing");

    // Every problem at once, beside valid members of the same body, which are not applied.
    let (status, error) = f
        .try_patch(json!({"name": "Renamed", "token_validity_secs": 900, "oauth": {
            "callback_urls": ["https://ok.example/cb", "http://evil.example/cb", "javascript:x"],
            "logout_urls": ["https://ok.example/#x"],
            "flows": {"implicit": true, "client_credentials": true},
            "scopes": ["openid", "nope/nope"],
            "custom_scopes": ["bad scope"],
            "branding": {"display_name": "", "logo_url": "ftp://x.example/l.png", "accent_color": "blue"},
            "session_minutes": 0
        }}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let named: Vec<String> = fields(&error).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        named,
        [
            "oauth.callback_urls[1]",
            "oauth.callback_urls[2]",
            "oauth.logout_urls[0]",
            "oauth.flows.client_credentials",
            "oauth.scopes[1]",
            "oauth.custom_scopes[0]",
            "oauth.branding.logo_url",
            "oauth.branding.accent_color",
            "oauth.session_minutes",
        ],
        "{error}"
    );
    // With another member's problem too: all of them, the others' first as before.
    let (_, error) = f
        .try_patch(json!({"token_validity_secs": 1, "oauth": {"session_minutes": 0}}))
        .await;
    let named: Vec<String> = fields(&error).into_iter().map(|(f, _)| f).collect();
    assert_eq!(named, ["token_validity_secs", "oauth.session_minutes"]);
    assert_eq!(f.show().await, before, "a refused PATCH changes nothing");

    // Wrong shapes and unknown members inside `oauth`: refused before any member is judged.
    for body in [
        json!({"oauth": {"callback_url": ["https://a.example/cb"]}}),
        json!({"oauth": {"flows": {"pkce": true}}}),
        json!({"oauth": {"branding": {"colour": "#000000"}}}),
        json!({"oauth": {"session_minutes": "60"}}),
        json!({"oauth": {"scopes": "openid"}}),
        json!({"oauth": ["https://a.example/cb"]}),
    ] {
        let (status, error) = f.try_patch(body.clone()).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {status} {error}"
        );
        assert_eq!(error["error"], "invalid_request", "{body} -> {error}");
        assert!(error.get("fields").is_none(), "{error}");
    }
    assert_eq!(f.show().await, before, "a refused PATCH changes nothing");
    assert_eq!(
        f.changes().await,
        ["oauth"],
        "only the first, accepted change was recorded"
    );
}

#[tokio::test]
async fn client_credentials_need_a_client_secret_and_a_custom_scope() {
    let public = Fixture::new("public", false).await;
    let body = json!({"oauth": {"custom_scopes": ["orders/read"],
                                "flows": {"client_credentials": true}}});
    let (status, error) = public.try_patch(body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let named = fields(&error);
    assert_eq!(named.len(), 1, "{error}");
    assert_eq!(named[0].0, "oauth.flows.client_credentials");
    assert!(named[0].1.contains("client secret"), "{error}");
    assert!(!named[0].1.contains("custom scope"), "it has one: {error}");
    assert_eq!(public.show().await["oauth"], default_oauth());

    let confidential = Fixture::new("confidential", true).await;
    let secret = confidential.secret.clone().expect("a secret was asked for");
    // A secret alone is not enough: the token would carry no scope.
    let (status, error) = confidential
        .try_patch(json!({"oauth": {"flows": {"client_credentials": true}}}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(
        fields(&error),
        [(
            "oauth.flows.client_credentials".to_owned(),
            "flows.client_credentials needs at least one custom scope".to_owned()
        )]
    );
    let view = confidential.patch(body).await;
    assert_eq!(view["oauth"]["flows"]["client_credentials"], true);
    assert_eq!(view["oauth"]["custom_scopes"], json!(["orders/read"]));
    assert_eq!(view["has_client_secret"], true);
    // The secret is never shown again, in the settings or anywhere else.
    let shown = confidential.show().await;
    assert!(shown.get("client_secret").is_none(), "{shown}");
    assert!(!shown.to_string().contains(&secret));
    assert!(!view.to_string().contains(&secret));
    // Its last custom scope cannot go while the flow is on.
    let (_, error) = confidential
        .try_patch(json!({"oauth": {"custom_scopes": []}}))
        .await;
    assert_eq!(fields(&error)[0].0, "oauth.flows.client_credentials");
    let view = confidential
        .patch(json!({"oauth": {"custom_scopes": [], "flows": {"client_credentials": false}}}))
        .await;
    assert_eq!(view["oauth"]["flows"]["client_credentials"], false);
}

/// Writes `settings` as the stored settings document of `app_id`, as an older version did.
async fn store_settings(database_url: &str, app_id: &str, settings: &str) {
    use sqlx::Connection;
    let sql = "UPDATE apps SET settings = $1 WHERE app_id = $2";
    let rows = if database_url.starts_with("sqlite:") {
        let mut db = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        let done = sqlx::query(sql)
            .bind(settings)
            .bind(app_id)
            .execute(&mut db);
        done.await.unwrap().rows_affected()
    } else {
        let mut db = sqlx::PgConnection::connect(database_url).await.unwrap();
        let done = sqlx::query(sql)
            .bind(settings)
            .bind(app_id)
            .execute(&mut db);
        done.await.unwrap().rows_affected()
    };
    assert_eq!(rows, 1);
}

async fn old_documents_load(server: TestServer) {
    let f = Fixture::on(server, "old", false).await;
    // A document from before the OAuth settings, with other members changed.
    let old = r#"{"password_policy":{"min_length":12,"require_uppercase":true,"require_lowercase":true,"require_numbers":true,"require_symbols":false},
                  "refresh_rotation":{"enabled":false,"grace_secs":5},
                  "templates":{"verification_subject":"Old subject","verification_message":null,"invitation_subject":null,"invitation_message":null},
                  "user_api_keys":{"enabled":true,"scopes":["read"]},
                  "hide_existing_accounts":true}"#;
    store_settings(&f.server.database_url, &f.app_id, old).await;
    let view = f.show().await;
    assert_eq!(view["oauth"], default_oauth());
    assert_eq!(view["password_policy"]["min_length"], 12);
    assert_eq!(view["refresh_rotation"]["enabled"], false);
    assert_eq!(view["templates"]["verification_subject"], "Old subject");
    assert_eq!(view["hide_existing_accounts"], true);
    // Changing the OAuth settings keeps the rest of the old document.
    let view = f
        .patch(json!({"oauth": {"callback_urls": ["https://old.example/cb"]}}))
        .await;
    assert_eq!(
        view["oauth"]["callback_urls"],
        json!(["https://old.example/cb"])
    );
    assert_eq!(view["oauth"]["session_minutes"], 60);
    assert_eq!(view["password_policy"]["min_length"], 12);
    assert_eq!(view["user_api_keys"]["scopes"], json!(["read"]));
    // An `oauth` member with only some of its members: the others defaulted.
    store_settings(
        &f.server.database_url,
        &f.app_id,
        r#"{"oauth":{"logout_urls":["https://old.example/"],"flows":{"implicit":true}}}"#,
    )
    .await;
    let oauth = f.show().await["oauth"].clone();
    let mut expected = default_oauth();
    expected["logout_urls"] = json!(["https://old.example/"]);
    expected["flows"]["implicit"] = json!(true);
    assert_eq!(oauth, expected);
}

#[tokio::test]
async fn old_settings_documents_load_with_the_defaults() {
    old_documents_load(TestServer::start().await).await;
}

#[tokio::test]
async fn old_settings_documents_load_with_the_defaults_on_postgres() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    old_documents_load(TestServer::start_on(&db.url).await).await;
    db.drop_database().await;
}

#[tokio::test]
async fn the_settings_changed_event_names_oauth() {
    let f = Fixture::new("audit", false).await;
    f.patch(json!({"oauth": {"session_minutes": 30}})).await;
    f.patch(json!({"name": "Renamed", "oauth": {"branding": {"display_name": "Secret-ish name"}}}))
        .await;
    f.patch(json!({"token_validity_secs": 900})).await;
    let (status, _) = f.try_patch(json!({"oauth": {"session_minutes": 1}})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        f.changes().await,
        ["oauth", "name oauth", "token_validity_secs"],
        "the member is named, never its values; a refused change is not recorded"
    );
}
