//! `GET /api/apps` searched and paged, and the user counts it shows, on SQLite and PostgreSQL.

use crate::common::{PASSWORD, TempPostgres, TestServer, create_app, developer, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const NAMES: [&str; 6] = [
    "Shop A",
    "shop b",
    "Blog",
    "50%_off",
    "<img src=x onerror=alert(1)>",
    "Ünïcode",
];

async fn list(server: &TestServer, token: &str, query: &str) -> (StatusCode, Value) {
    send(
        server,
        Method::GET,
        &format!("/api/apps{query}"),
        Some(token),
        None,
    )
    .await
}

fn names(page: &Value) -> Vec<String> {
    page["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn searched_and_paged(server: &TestServer) {
    let dev = developer(server, "lister@example.com").await;
    let other = developer(server, "other-lister@example.com").await;
    for name in NAMES {
        create_app(server, &dev, name).await;
    }
    create_app(server, &other, "Shop of someone else").await;

    // Without a limit: every app of the caller, newest first, and no cursor.
    let (status, all) = list(server, &dev, "").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert!(all.get("next_cursor").is_none());
    let every = all["apps"].as_array().unwrap().clone();
    assert_eq!(every.len(), NAMES.len());
    let keys: Vec<(i64, String)> = every
        .iter()
        .map(|a| {
            (
                a["created_at"].as_i64().unwrap(),
                a["app_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut newest_first = keys.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, newest_first);

    // Pages of 4 then 2 walk the same list, each app once.
    let (status, first) = list(server, &dev, "?limit=4").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["apps"].as_array().unwrap().len(), 4);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (status, second) = list(server, &dev, &format!("?limit=4&cursor={cursor}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(second.get("next_cursor").is_none(), "{second}");
    let walked: Vec<String> = names(&first).into_iter().chain(names(&second)).collect();
    let expected: Vec<String> = every
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(walked, expected);

    // Search: any case, inside the name; LIKE's wildcards are plain characters.
    let (_, shops) = list(server, &dev, "?search=SHOP").await;
    let mut found = names(&shops);
    found.sort();
    assert_eq!(found, ["Shop A", "shop b"]);
    let (_, percent) = list(server, &dev, "?search=%25").await;
    assert_eq!(names(&percent), ["50%_off"]);
    let (_, underscore) = list(server, &dev, "?search=_").await;
    assert_eq!(names(&underscore), ["50%_off"]);
    let (_, markup) = list(server, &dev, "?search=%3Cimg").await;
    assert_eq!(names(&markup), [NAMES[4]]);
    let (_, nothing) = list(server, &dev, "?search=zzz").await;
    assert_eq!(nothing["apps"], json!([]));

    // Or the start of the app id or pool id.
    let blog = every.iter().find(|a| a["name"] == "Blog").unwrap();
    let app_id = blog["app_id"].as_str().unwrap();
    let (_, by_id) = list(server, &dev, &format!("?search={app_id}")).await;
    assert_eq!(names(&by_id), ["Blog"]);
    let pool = blog["user_pool_id"].as_str().unwrap();
    let (_, by_pool) = list(
        server,
        &dev,
        &format!("?search={}", &pool[..pool.len() - 3]),
    )
    .await;
    assert_eq!(names(&by_pool), ["Blog"]);

    // Another developer's app is never found.
    let (_, theirs) = list(server, &dev, "?search=someone").await;
    assert_eq!(theirs["apps"], json!([]));
    let (_, own) = list(server, &other, "").await;
    assert_eq!(names(&own), ["Shop of someone else"]);

    // Bad parameters are 400s in the REST shape.
    for (query, words) in [
        ("?limit=0", "limit must be 1 to 1000"),
        ("?limit=1001", "limit must be 1 to 1000"),
        ("?limit=ten", "limit must be 1 to 1000"),
        ("?limit=-1", "limit must be 1 to 1000"),
        ("?cursor=nope", "cursor is not one this server issued"),
        (
            "?cursor=12.app_%3Cx%3E",
            "cursor is not one this server issued",
        ),
        ("?colour=blue", "unknown field"),
    ] {
        let (status, body) = list(server, &dev, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "invalid_request", "{query}");
        assert!(
            body["message"].as_str().unwrap().contains(words),
            "{query}: {body}"
        );
    }
    let long = "x".repeat(129);
    let (status, body) = list(server, &dev, &format!("?search={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("at most 128"));
    let (status, _) = send(server, Method::GET, "/api/apps?limit=2", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn counted(server: &TestServer) {
    let dev = developer(server, "counter@example.com").await;
    let app = create_app(server, &dev, "Counted").await;
    let empty = create_app(server, &dev, "Empty").await;
    let app_id = app["app_id"].as_str().unwrap();
    let client = app["client_id"].as_str().unwrap();
    let count = |list: &Value, id: &str| {
        list["apps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["app_id"] == id)
            .map(|a| a["user_count"].as_u64().unwrap())
    };

    // Unconfirmed users count: they are users of the pool.
    server
        .sign_up(client, "one@example.com", PASSWORD)
        .await
        .ok();
    server
        .confirmed_user(client, "two@example.com", PASSWORD)
        .await;
    server
        .sign_up(client, "three@example.com", PASSWORD)
        .await
        .ok();
    // A refused sign-up (the name is taken) counts nothing.
    let taken = server.sign_up(client, "two@example.com", PASSWORD).await;
    assert_eq!(taken.error_type(), "UsernameExistsException");
    let (_, all) = list(server, &dev, "").await;
    assert_eq!(count(&all, app_id), Some(3));
    assert_eq!(count(&all, empty["app_id"].as_str().unwrap()), Some(0));

    let deleted = server
        .raw(
            "AdminDeleteUser",
            json!({"UserPoolId": app["user_pool_id"], "Username": "one@example.com"})
                .to_string()
                .into_bytes(),
            Some(&dev),
        )
        .await;
    deleted.ok();
    let (status, one) = send(
        server,
        Method::GET,
        &format!("/api/apps/{app_id}"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["user_count"], 2);
    // The answer to a change counts too.
    let (status, patched) = send(
        server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&dev),
        Some(json!({"name": "Counted again"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["user_count"], 2);
    assert_eq!(empty["user_count"], 0, "a new app has no users");
}

#[tokio::test]
async fn apps_are_searched_and_paged_newest_first() {
    searched_and_paged(&TestServer::start().await).await;
}

#[tokio::test]
async fn user_counts_follow_sign_ups_and_deletions() {
    counted(&TestServer::start().await).await;
}

#[tokio::test]
async fn listing_and_counts_on_postgres() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    let server = TestServer::start_on(&db.url).await;
    searched_and_paged(&server).await;
    counted(&server).await;
    drop(server);
    db.drop_database().await;
}
