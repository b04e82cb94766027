//! The real binary: `auth-return events` reads an app's audit events from the data directory
//! (seeded through the store, and recorded by the CLI's own commands), as a table or as JSON, paged and
//! filtered; bad arguments are refused; and `serve`'s housekeeping prunes events past
//! `--events-retention-days`.

use crate::support::{Server, free_port, run};
use auth_return_core::events::{EventKind, NewEvent};
use auth_return_core::ids::{PoolId, UserId};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// 2024-01-02T15:04:05Z.
const AT: i64 = 1_704_207_845;

/// An app made by `apps create`: (app id, pool id).
fn app(dir: &Path, name: &str) -> (String, PoolId) {
    let (code, out, err) = run(dir, &["apps", "create", "--name", name, "--json"]);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    (
        app["app_id"].as_str().unwrap().to_owned(),
        PoolId::new(app["user_pool_id"].as_str().unwrap()),
    )
}

/// Records `events` in the data directory's database, as the server would.
async fn record(dir: &Path, events: &[NewEvent]) {
    let url = format!("sqlite://{}", dir.join("auth-return.db").display());
    let store = auth_return_store::connect(&url).await.unwrap();
    store.record_events(events).await.unwrap();
}

fn event(pool: &PoolId, at: i64, kind: EventKind, n: usize) -> NewEvent {
    let mut event = NewEvent::new(pool.clone(), at, kind);
    event.detail.insert("n".to_owned(), json!(n));
    event
}

/// `events --app APP ARGS --json`, parsed.
fn page(dir: &Path, app: &str, args: &[&str]) -> Value {
    let mut all = vec!["events", "--app", app, "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

fn numbers(page: &Value) -> Vec<u64> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"]["n"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn events_are_listed_paged_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, pool) = app(dir.path(), "Shop");
    let (quiet, _) = app(dir.path(), "Quiet");
    let alice = UserId::generate();
    let mut failed = event(&pool, AT, EventKind::SignInFailed, 0);
    failed.email = Some("alice@example.com".into());
    failed.client_ip = Some("192.0.2.7".into());
    failed
        .detail
        .insert("reason".to_owned(), json!("wrong_password"));
    let mut signed_in = event(&pool, AT + 1, EventKind::SignIn, 1);
    signed_in.user_id = Some(alice);
    let mut admin = event(&pool, AT + 2, EventKind::AdminAction, 2);
    admin.user_id = Some(alice);
    admin.actor = Some("operator".into());
    record(dir.path(), &[failed, signed_in, admin]).await;

    // JSON: the REST answer's shape, newest first.
    let all = page(dir.path(), &shop, &[]);
    assert_eq!(numbers(&all), [2, 1, 0]);
    assert_eq!(all["next_cursor"], Value::Null);
    let oldest = &all["events"][2];
    assert_eq!(oldest["type"], "sign_in_failed");
    assert_eq!(oldest["at"], AT);
    assert_eq!(oldest["email"], "alice@example.com");
    assert_eq!(oldest["client_ip"], "192.0.2.7");
    assert_eq!(oldest["user_id"], Value::Null);
    assert_eq!(
        oldest["detail"],
        json!({"n": 0, "reason": "wrong_password"})
    );
    assert_eq!(all["events"][0]["actor"], "operator");

    // Pages by --cursor, filters by --type and --user.
    let first = page(dir.path(), &shop, &["--limit", "2"]);
    assert_eq!(numbers(&first), [2, 1]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = page(dir.path(), &shop, &["--limit", "2", "--cursor", cursor]);
    assert_eq!(numbers(&rest), [0]);
    assert_eq!(rest["next_cursor"], Value::Null);
    assert_eq!(
        numbers(&page(dir.path(), &shop, &["--type", "sign_in_failed"])),
        [0]
    );
    assert_eq!(
        numbers(&page(dir.path(), &shop, &["--user", &alice.to_string()])),
        [2, 1]
    );
    assert_eq!(
        page(dir.path(), &quiet, &[]),
        json!({"events": [], "next_cursor": null})
    );

    // The table: time, type, who, client, detail.
    let (code, out, err) = run(dir.path(), &["events", "--app", &shop]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with("TIME"), "{out}");
    for (line, words) in [
        (
            lines[1],
            [
                "2024-01-02T15:04:07Z",
                "admin_action",
                &alice.to_string(),
                "by=operator n=2",
            ],
        ),
        (
            lines[3],
            [
                "2024-01-02T15:04:05Z",
                "sign_in_failed",
                "alice@example.com",
                "192.0.2.7",
            ],
        ),
    ] {
        for word in words {
            assert!(line.contains(word), "{word}: {line}");
        }
    }
    assert!(lines[3].contains("reason=wrong_password"), "{out}");
    let (code, out, _) = run(dir.path(), &["events", "--app", &shop, "--limit", "1"]);
    assert_eq!(code, 0);
    assert!(
        out.lines().last().unwrap().starts_with("more: --cursor "),
        "{out}"
    );
}

#[test]
fn bad_arguments_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, _) = app(dir.path(), "Shop");
    // An app that is not there (or cannot be).
    for missing in ["app_nosuchappxyz", "nonsense"] {
        let (code, _, err) = run(dir.path(), &["events", "--app", missing]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("app not found"), "{err}");
    }
    let (code, _, err) = run(dir.path(), &["events", "--app", &shop, "--user", "alice"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--user must be a user id"), "{err}");
    // What clap checks: exit 2 with its message.
    for (args, says) in [
        (vec!["--type", "password_guessed"], "sign_in_failed"),
        (vec!["--limit", "0"], "--limit"),
        (vec!["--limit", "101"], "--limit"),
        (vec!["--cursor=-1"], "--cursor"),
        (vec!["--cursor", "x"], "--cursor"),
    ] {
        let mut all = vec!["events", "--app", &shop];
        all.extend(args.iter().copied());
        let (code, _, err) = run(dir.path(), &all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // The retention setting: a whole number of days, 0 allowed, from flag or environment.
    let (code, _, err) = run(dir.path(), &["apps", "list", "--events-retention-days=-1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--events-retention-days"), "{err}");
    let (code, _, err) = run(
        dir.path(),
        &["apps", "list", "--events-retention-days", "0"],
    );
    assert_eq!(code, 0, "{err}");
    let out = std::process::Command::new(crate::support::BIN)
        .args(["apps", "list", "--data-dir", dir.path().to_str().unwrap()])
        .env_remove("AUTH_RETURN_MASTER_KEY")
        .env("AUTH_RETURN_EVENTS_RETENTION_DAYS", "forever")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("events-retention-days"));
}

#[tokio::test]
async fn serve_prunes_events_past_their_retention() {
    const DAY: i64 = 86_400;
    let dir = tempfile::tempdir().unwrap();
    let (shop, pool) = app(dir.path(), "Shop");
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    record(
        dir.path(),
        &[
            event(&pool, now - 40 * DAY, EventKind::SignIn, 0),
            event(&pool, now - 31 * DAY, EventKind::SignIn, 1),
            event(&pool, now - 29 * DAY, EventKind::SignIn, 2),
            event(&pool, now, EventKind::SignIn, 3),
        ],
    )
    .await;
    let server = Server::start(
        dir.path(),
        &format!("127.0.0.1:{}", free_port()),
        &["--events-retention-days", "30"],
    );
    // Housekeeping runs at start, then hourly.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server
        .log()
        .contains("pruned audit events past their retention")
    {
        assert!(Instant::now() < deadline, "{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let line = server
        .log()
        .lines()
        .find(|l| l.contains("pruned audit events"))
        .unwrap()
        .to_owned();
    let logged: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(logged["events"], 2, "{line}");
    assert_eq!(logged["retention_days"], 30, "{line}");
    assert_eq!(numbers(&page(dir.path(), &shop, &[])), [3, 2]);
}

#[test]
fn what_the_cli_does_is_recorded_before_it_exits() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, _) = app(dir.path(), "Shop");
    for args in [
        vec!["apps", "update", &shop, "--token-validity", "900"],
        vec!["keys", "create", "--app", &shop, "--name", "ci"],
        vec!["keys", "rotate", "--app", &shop],
    ] {
        let (code, _, err) = run(dir.path(), &args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    // A command that fails records nothing.
    let (code, _, _) = run(
        dir.path(),
        &["apps", "update", &shop, "--token-validity", "1"],
    );
    assert_ne!(code, 0);

    let all = page(dir.path(), &shop, &[]);
    let seen: Vec<(&str, &str)> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("signing_key_rotated", "operator"),
            ("api_key_created", "operator"),
            ("settings_changed", "operator"),
        ],
        "newest first, each written before its command exited"
    );
}
