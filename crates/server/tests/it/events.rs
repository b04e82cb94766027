//! Audit events over REST (`GET /api/apps/{id}/events`): a developer reads their own apps'
//! events newest first, pages through them by `next_cursor` without repeats, filters by type
//! and user; nobody else reads them; bad queries are 400s that say why; the events go with their
//! app; and housekeeping prunes them by age. Events are seeded through the store (nothing
//! records them yet).

use crate::common::{TempPostgres, TestServer, developer, send};
use auth_return_core::events::{EventKind, EventQuery, NewEvent};
use auth_return_core::ids::{PoolId, UserId};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// An app created by the developer with console token `token`: (app id, pool id).
async fn app_of(server: &TestServer, token: &str, name: &str) -> (String, PoolId) {
    let app = crate::common::create_app(server, token, name).await;
    (
        app["app_id"].as_str().unwrap().to_owned(),
        PoolId::new(app["user_pool_id"].as_str().unwrap()),
    )
}

/// An event of `kind` in `pool` at `at`, whose detail says `n`.
fn event(pool: &PoolId, at: i64, kind: EventKind, n: usize) -> NewEvent {
    let mut event = NewEvent::new(pool.clone(), at, kind);
    event.detail.insert("n".to_owned(), json!(n));
    event
}

async fn record(server: &TestServer, events: &[NewEvent]) {
    server.service.store().record_events(events).await.unwrap();
}

/// `GET /api/apps/{app}/events{query}` with `token`.
async fn events(
    server: &TestServer,
    app: &str,
    query: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    send(
        server,
        Method::GET,
        &format!("/api/apps/{app}/events{query}"),
        token,
        None,
    )
    .await
}

/// `detail.n` of each event of a page.
fn numbers(page: &Value) -> Vec<u64> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"]["n"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_developer_reads_their_apps_events_and_nobody_else_does() {
    let server = TestServer::start().await;
    let dev1 = developer(&server, "ev-dev1@example.com").await;
    let dev2 = developer(&server, "ev-dev2@example.com").await;
    let (shop, shop_pool) = app_of(&server, &dev1, "Shop").await;
    let (blog, blog_pool) = app_of(&server, &dev2, "Blog").await;
    let now = server.clock_now();
    let alice = UserId::generate();

    let mut sign_up = event(&shop_pool, now - 60, EventKind::SignUp, 0);
    sign_up.user_id = Some(alice);
    sign_up.email = Some("alice@example.com".into());
    let mut sign_in = event(&shop_pool, now - 30, EventKind::SignIn, 1);
    sign_in.user_id = Some(alice);
    sign_in.email = Some("alice@example.com".into());
    sign_in.client_ip = Some("192.0.2.7".into());
    sign_in.user_agent = Some("Mozilla/5.0 (test)".into());
    let mut admin = event(&shop_pool, now, EventKind::AdminAction, 2);
    admin.user_id = Some(alice);
    admin.actor = Some("operator".into());
    admin
        .detail
        .insert("action".to_owned(), json!("disable_user"));
    record(&server, &[sign_up, sign_in]).await;
    record(
        &server,
        &[
            admin,
            event(&blog_pool, now, EventKind::SignUp, 10),
            event(&blog_pool, now, EventKind::SignIn, 11),
        ],
    )
    .await;

    let (status, page) = events(&server, &shop, "", Some(&dev1)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(numbers(&page), [2, 1, 0], "newest first");
    assert_eq!(page["next_cursor"], Value::Null);
    let ids: Vec<i64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    // Every member, times in epoch seconds as everywhere in the API.
    assert_eq!(
        page["events"][1],
        json!({
            "id": ids[1],
            "at": now - 30,
            "type": "sign_in",
            "user_id": alice.to_string(),
            "email": "alice@example.com",
            "actor": null,
            "client_ip": "192.0.2.7",
            "user_agent": "Mozilla/5.0 (test)",
            "detail": {"n": 1},
        })
    );
    assert_eq!(page["events"][0]["type"], "admin_action");
    assert_eq!(page["events"][0]["actor"], "operator");
    assert_eq!(page["events"][0]["detail"]["action"], "disable_user");

    // The other developer's app does not exist for either of them, and nothing leaks.
    for (app, token) in [(&shop, &dev2), (&blog, &dev1)] {
        let (status, body) = events(&server, app, "", Some(token)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"], "not_found");
        assert!(body.get("events").is_none(), "{body}");
    }
    let (status, page) = events(&server, &blog, "", Some(&dev2)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(numbers(&page), [11, 10]);
    // An app that does not exist, or cannot: 404 as well.
    for app in ["app_nosuchappxyz", "app_000000000000", "../etc"] {
        let (status, _) = events(&server, app, "", Some(&dev1)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{app}");
    }

    // No token, or a token that is none: 401.
    for token in [None, Some("not-a-token")] {
        let (status, body) = events(&server, &shop, "", token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"], "unauthorized");
        assert!(body.get("events").is_none());
    }
}

/// 120 events of two kinds and two users, paged and filtered.
async fn paging_and_filters(server: &TestServer) {
    let dev = developer(server, "ev-pager@example.com").await;
    let (app, pool) = app_of(server, &dev, "Pager").await;
    let (bob, carol) = (UserId::generate(), UserId::generate());
    let now = server.clock_now();
    let seeded: Vec<NewEvent> = (0..120)
        .map(|n| {
            let kind = if n % 3 == 0 {
                EventKind::SignInFailed
            } else {
                EventKind::SignIn
            };
            let mut e = event(&pool, now - 120 + n as i64, kind, n);
            e.user_id = Some(if n % 2 == 0 { bob } else { carol });
            e
        })
        .collect();
    record(server, &seeded).await;

    // Default pages of 50, then any limit: every event once, newest first.
    for (limit, sizes) in [
        ("", vec![50, 50, 20]),
        ("&limit=100", vec![100, 20]),
        ("&limit=7", vec![7; 17].into_iter().chain([1]).collect()),
    ] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        let mut got = Vec::new();
        loop {
            let (status, page) = events(
                server,
                &app,
                &format!("?cursor={cursor}{limit}"),
                Some(&dev),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{page}");
            got.push(page["events"].as_array().unwrap().len());
            seen.extend(numbers(&page));
            match &page["next_cursor"] {
                Value::Null => break,
                Value::String(next) => cursor.clone_from(next),
                other => panic!("next_cursor {other}"),
            }
        }
        assert_eq!(got, sizes, "limit {limit:?}");
        let expected: Vec<u64> = (0..120).rev().collect();
        assert_eq!(seen, expected, "limit {limit:?}: all, once, newest first");
    }
    // A page that ends exactly at the last event says there is no next one.
    let (_, page) = events(server, &app, "?limit=100", Some(&dev)).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, last) = events(
        server,
        &app,
        &format!("?limit=20&cursor={cursor}"),
        Some(&dev),
    )
    .await;
    assert_eq!(numbers(&last).len(), 20);
    assert_eq!(last["next_cursor"], Value::Null);

    // By type, by user, by both; paged the same way.
    let (_, failed) = events(server, &app, "?type=sign_in_failed&limit=100", Some(&dev)).await;
    let expected: Vec<u64> = (0..120).rev().filter(|n| n % 3 == 0).collect();
    assert_eq!(numbers(&failed), expected);
    assert!(
        failed["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] == "sign_in_failed")
    );
    let (_, bobs) = events(
        server,
        &app,
        &format!("?user_id={bob}&limit=100"),
        Some(&dev),
    )
    .await;
    let expected: Vec<u64> = (0..120).rev().filter(|n| n % 2 == 0).collect();
    assert_eq!(numbers(&bobs), expected);
    assert_eq!(bobs["next_cursor"], Value::Null);
    let mut both = Vec::new();
    let mut query = format!("?type=sign_in&user_id={carol}&limit=15");
    loop {
        let (status, page) = events(server, &app, &query, Some(&dev)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        both.extend(numbers(&page));
        let Some(next) = page["next_cursor"].as_str() else {
            break;
        };
        query = format!("?type=sign_in&user_id={carol}&limit=15&cursor={next}");
    }
    let expected: Vec<u64> = (0..120)
        .rev()
        .filter(|n| n % 2 == 1 && n % 3 != 0)
        .collect();
    assert_eq!(both, expected);
    // A type or user with no events: an empty last page.
    for query in [
        "?type=password_reset".to_owned(),
        format!("?user_id={}", UserId::generate()),
        "?cursor=0".to_owned(),
    ] {
        let (status, page) = events(server, &app, &query, Some(&dev)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page, json!({"events": [], "next_cursor": null}), "{query}");
    }
}

#[tokio::test]
async fn paging_by_next_cursor_and_filters_on_sqlite() {
    paging_and_filters(&TestServer::start().await).await;
}

#[tokio::test]
async fn paging_by_next_cursor_and_filters_on_postgres() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    paging_and_filters(&TestServer::start_on(&db.url).await).await;
    db.drop_database().await;
}

#[tokio::test]
async fn bad_queries_are_refused_saying_why() {
    let server = TestServer::start().await;
    let dev = developer(&server, "ev-strict@example.com").await;
    let (app, pool) = app_of(&server, &dev, "Strict").await;
    record(
        &server,
        &[event(&pool, server.clock_now(), EventKind::SignUp, 0)],
    )
    .await;
    for (query, message) in [
        (
            "?type=password_guessed",
            "unknown event type \"password_guessed\": type must be one of sign_up, ",
        ),
        ("?type=SIGN_IN", "unknown event type \"SIGN_IN\""),
        ("?user_id=alice", "user_id must be a user's id (a UUID)"),
        (
            "?user_id=12345678-1234-1234-1234-12345678901",
            "user_id must be",
        ),
        (
            "?cursor=abc",
            "cursor must be the next_cursor of an earlier page",
        ),
        ("?cursor=-1", "cursor must be"),
        ("?cursor=1e3", "cursor must be"),
        ("?limit=0", "limit must be a whole number from 1 to 100"),
        ("?limit=101", "limit must be a whole number from 1 to 100"),
        ("?limit=-1", "limit must be"),
        ("?limit=many", "limit must be"),
        ("?page=2", "unknown field `page`"),
        ("?type=sign_up&type=sign_in", "duplicate field `type`"),
    ] {
        let (status, body) = events(&server, &app, query, Some(&dev)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "invalid_request", "{query}");
        let text = body["message"].as_str().unwrap();
        assert!(text.contains(message), "{query}: {text}");
    }
    // The unknown-type message lists every type.
    let (_, body) = events(&server, &app, "?type=nope", Some(&dev)).await;
    for kind in EventKind::ALL {
        assert!(
            body["message"].as_str().unwrap().contains(kind.as_str()),
            "{kind}"
        );
    }
    // The limits themselves are fine.
    for query in [
        "?limit=1",
        "?limit=100",
        "?type=sign_up&limit=",
        "?cursor=9223372036854775807",
    ] {
        let (status, body) = events(&server, &app, query, Some(&dev)).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
    }
}

#[tokio::test]
async fn an_apps_events_go_with_it() {
    let server = TestServer::start().await;
    let dev = developer(&server, "ev-leaver@example.com").await;
    let (gone, gone_pool) = app_of(&server, &dev, "Gone").await;
    let (kept, kept_pool) = app_of(&server, &dev, "Kept").await;
    let now = server.clock_now();
    record(
        &server,
        &(0..5)
            .map(|n| event(&gone_pool, now, EventKind::SignIn, n))
            .chain([event(&kept_pool, now, EventKind::SignIn, 9)])
            .collect::<Vec<_>>(),
    )
    .await;
    let (_, page) = events(&server, &gone, "", Some(&dev)).await;
    assert_eq!(numbers(&page).len(), 5);

    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("/api/apps/{gone}"),
        Some(&dev),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = events(&server, &gone, "", Some(&dev)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let all = EventQuery {
        limit: 1000,
        ..EventQuery::default()
    };
    let store = server.service.store();
    assert!(
        store
            .list_events(&gone_pool, &all)
            .await
            .unwrap()
            .is_empty()
    );
    let (_, page) = events(&server, &kept, "", Some(&dev)).await;
    assert_eq!(numbers(&page), [9]);
}

#[tokio::test]
async fn housekeeping_prunes_events_past_their_retention() {
    const DAY: i64 = 86_400;
    let server = TestServer::start().await;
    let one = server.app("Old").await.app.pool_id;
    let two = server.app("Older").await.app.pool_id;
    let now = server.clock_now();
    // More old events than one batch deletes: one pass still takes them all.
    let old: Vec<NewEvent> = (0..20_001)
        .map(|n| {
            let pool = if n % 2 == 0 { &one } else { &two };
            event(pool, now - 91 * DAY - n as i64, EventKind::SignIn, n)
        })
        .collect();
    record(&server, &old).await;
    let recent = [
        event(&one, now - 89 * DAY, EventKind::SignIn, 1),
        event(&two, now - DAY, EventKind::SignIn, 2),
        event(&one, now, EventKind::SignIn, 3),
    ];
    record(&server, &recent).await;
    let all = EventQuery {
        limit: 100_000,
        ..EventQuery::default()
    };
    let count = |pool: &PoolId| {
        let pool = pool.clone();
        let all = all.clone();
        let store = server.service.store();
        async move { store.list_events(&pool, &all).await.unwrap().len() }
    };

    // 0 days keeps everything.
    assert_eq!(server.service.prune_events(0).await.unwrap(), 0);
    assert_eq!(count(&one).await + count(&two).await, 20_004);

    assert_eq!(server.service.prune_events(90).await.unwrap(), 20_001);
    assert_eq!((count(&one).await, count(&two).await), (2, 1));
    assert_eq!(server.service.prune_events(90).await.unwrap(), 0);

    // Two days on, the 89-day-old event is past 90 days too.
    server.clock.advance(2 * DAY);
    assert_eq!(server.service.prune_events(90).await.unwrap(), 1);
    assert_eq!((count(&one).await, count(&two).await), (1, 1));
    // Now 3 and 2 days old: 2 days' retention takes the older one, and keeps the one exactly
    // 2 days old.
    assert_eq!(server.service.prune_events(2).await.unwrap(), 1);
    assert_eq!((count(&one).await, count(&two).await), (1, 0));
}
