//! Store conformance: one scripted story, chapters for app settings, user listing, refresh-token
//! rotation and pruning, signing keys and the revocation feed, sign-in lockouts, API keys, the
//! change feed, a few races, and an upgrade from a 0001-only database; run against
//! SQLite (a temp file) always and against PostgreSQL when `AUTH_RETURN_TEST_POSTGRES_URL` names
//! a server (each test gets a fresh database there, dropped afterwards). Start one with
//! `tests/pg/start.sh`.

// A failed unwrap here is a failed conformance check, in helpers as much as in tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(any(feature = "sqlite", feature = "postgres"))]

#[path = "conformance/admin.rs"]
mod admin;
#[path = "conformance/api_keys.rs"]
mod api_keys;
#[path = "conformance/changes.rs"]
mod changes;
#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/keys_and_revocations.rs"]
mod keys_and_revocations;
#[path = "conformance/lockouts.rs"]
mod lockouts;
#[path = "conformance/races.rs"]
mod races;
#[path = "conformance/rotation.rs"]
mod rotation;
#[path = "conformance/story.rs"]
mod story;
#[path = "conformance/upgrade.rs"]
mod upgrade;

use auth_return_store::{Store, StoreError, connect};
#[cfg(feature = "postgres")]
use sqlx::Connection;
#[cfg(feature = "sqlite")]
use std::path::PathBuf;
use std::sync::Arc;

#[cfg(feature = "postgres")]
const PG_ENV: &str = "AUTH_RETURN_TEST_POSTGRES_URL";

#[cfg(feature = "sqlite")]
/// A throwaway SQLite database file in a folder that does not exist yet.
struct TempSqlite {
    dir: PathBuf,
}

#[cfg(feature = "sqlite")]
impl TempSqlite {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("ar-store-{}", uuid::Uuid::new_v4().simple()));
        Self { dir }
    }

    fn url(&self) -> String {
        format!(
            "sqlite://{}",
            self.dir.join("nested/auth-return.db").display()
        )
    }
}

#[cfg(feature = "sqlite")]
impl Drop for TempSqlite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(feature = "postgres")]
/// A fresh database on the PostgreSQL server named by the environment, if any.
struct TempPostgres {
    admin_url: String,
    name: String,
    url: String,
}

#[cfg(feature = "postgres")]
impl TempPostgres {
    async fn new() -> Option<Self> {
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            eprintln!("{PG_ENV} is not set: skipping the PostgreSQL run");
            return None;
        };
        let name = format!("ar_conf_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .expect("create the test database");
        admin.close().await.expect("close");
        let url = with_database(&admin_url, &name);
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    async fn drop_database(self) {
        let mut admin = sqlx::PgConnection::connect(&self.admin_url)
            .await
            .expect("connect");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        )))
        .execute(&mut admin)
        .await
        .expect("drop the test database");
    }
}

#[cfg(feature = "postgres")]
/// `url` with its database name replaced by `name` (query parameters kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

async fn open(url: &str) -> Arc<dyn Store> {
    connect(url).await.expect("connect and migrate")
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_story() {
    let db = TempSqlite::new();
    story::run(open(&db.url()).await).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_races_between_two_instances() {
    let db = TempSqlite::new();
    races::run(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_story() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    story::run(open(&db.url).await).await;
    db.drop_database().await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_races_between_two_instances() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    races::run(open(&db.url).await, open(&db.url).await).await;
    db.drop_database().await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_change_feed_numbers_concurrent_writers_in_commit_order() {
    let db = TempSqlite::new();
    changes::concurrent(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_change_feed_numbers_concurrent_writers_in_commit_order() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    changes::concurrent(open(&db.url).await, open(&db.url).await).await;
    db.drop_database().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_migrations_are_idempotent_across_instances() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    let (a, b) = tokio::join!(connect(&db.url), connect(&db.url));
    a.expect("first instance");
    b.expect("second instance");
    drop(open(&db.url).await);
    db.drop_database().await;
}

/// One conformance chapter on a fresh database of each backend: `sqlite_<name>` always,
/// `postgres_<name>` when a server is configured.
macro_rules! on_both {
    ($($name:ident => $chapter:path;)*) => {
        #[cfg(feature = "sqlite")]
        mod sqlite_chapters {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = TempSqlite::new();
                    $chapter(open(&db.url()).await).await;
                }
            )*
        }
        #[cfg(feature = "postgres")]
        mod postgres_chapters {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(db) = TempPostgres::new().await else {
                        return;
                    };
                    $chapter(open(&db.url).await).await;
                    db.drop_database().await;
                }
            )*
        }
    };
}

on_both! {
    app_settings_and_update_app => admin::apps;
    user_pending_email_and_password_expiry => admin::user_fields;
    list_users_pages_and_filters => admin::list_users;
    refresh_tokens_rotate_and_cascade => rotation::refresh_tokens;
    prune_expired_removes_only_expired_rows => rotation::prune;
    signing_keys_insert_list_delete => keys_and_revocations::signing_keys;
    revocations_recorded_by_revoke_and_delete_user => keys_and_revocations::recorded;
    revocation_feed_pages_filters_and_prunes => keys_and_revocations::feed_order;
    lockouts_upsert_clear_isolate_cascade_and_prune => lockouts::lockouts;
    api_keys_store_find_list_count_revoke_touch_cascade => api_keys::api_keys;
    change_feed_records_key_changes_in_order => changes::recorded;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_upgrades_a_0001_database() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

    let db = TempSqlite::new();
    std::fs::create_dir_all(&db.dir).unwrap();
    let url = format!("sqlite://{}", db.dir.join("old.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
    let raw = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::migrate!("./migrations/sqlite")
        .run_to(1, &raw)
        .await
        .unwrap();
    let seed = upgrade::Seed::new();
    let (app, user) = (&seed.app, &seed.user);
    let text = |id: uuid::Uuid| id.hyphenated().to_string();
    sqlx::query(
        "INSERT INTO apps (app_id, name, owner_id, pool_id, origins, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(app.id.as_str())
    .bind(&app.name)
    .bind(app.owner.map(|o| text(o.as_uuid())))
    .bind(app.pool_id.as_str())
    .bind(serde_json::to_string(&app.origins).unwrap())
    .bind(app.created_at)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO clients (client_id, pool_id, app_id, sealed_secret, token_validity_secs, \
         refresh_validity_secs) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(app.client.id.as_str())
    .bind(app.pool_id.as_str())
    .bind(app.id.as_str())
    .bind(app.client.sealed_secret.as_deref())
    .bind(app.client.token_validity_secs)
    .bind(app.client.refresh_validity_secs)
    .execute(&raw)
    .await
    .unwrap();
    let key = &seed.key;
    sqlx::query(
        "INSERT INTO signing_keys (kid, pool_id, sealed_private_key, created_at) \
         VALUES (?, ?, ?, ?)",
    )
    .bind(&key.kid)
    .bind(key.pool_id.as_str())
    .bind(&key.sealed_private_key)
    .bind(key.created_at)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO users (pool_id, user_id, email, email_verified, status, enabled, salt_hex, \
         sealed_verifier, attributes, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.pool_id.as_str())
    .bind(text(user.id.as_uuid()))
    .bind(&user.email)
    .bind(user.email_verified)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(&user.salt_hex)
    .bind(&user.sealed_verifier)
    .bind(serde_json::to_string(&user.attributes).unwrap())
    .bind(user.created_at)
    .bind(user.updated_at)
    .execute(&raw)
    .await
    .unwrap();
    for session in &seed.sessions {
        sqlx::query(
            "INSERT INTO sessions (id, pool_id, client_id, user_id, refresh_hash, auth_time, \
             expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(text(session.id))
        .bind(session.pool_id.as_str())
        .bind(session.client_id.as_str())
        .bind(text(session.user_id.as_uuid()))
        .bind(&session.refresh_hash)
        .bind(session.auth_time)
        .bind(session.expires_at)
        .bind(session.revoked_at)
        .execute(&raw)
        .await
        .unwrap();
    }

    let store = open(&url).await;
    upgrade::check(store.as_ref(), &seed).await;
    drop(open(&url).await);

    upgrade::lenient_settings(store.as_ref(), app, |doc| {
        let raw = raw.clone();
        let app_id = app.id.as_str().to_owned();
        async move {
            sqlx::query("UPDATE apps SET settings = ? WHERE app_id = ?")
                .bind(doc)
                .bind(app_id)
                .execute(&raw)
                .await
                .unwrap();
        }
    })
    .await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_upgrades_a_0001_database() {
    let Some(db) = TempPostgres::new().await else {
        return;
    };
    let raw = sqlx::PgPool::connect(&db.url).await.unwrap();
    sqlx::migrate!("./migrations/postgres")
        .run_to(1, &raw)
        .await
        .unwrap();
    let seed = upgrade::Seed::new();
    let (app, user) = (&seed.app, &seed.user);
    sqlx::query(
        "INSERT INTO apps (app_id, name, owner_id, pool_id, origins, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(app.id.as_str())
    .bind(&app.name)
    .bind(app.owner.map(|o| o.as_uuid()))
    .bind(app.pool_id.as_str())
    .bind(serde_json::to_string(&app.origins).unwrap())
    .bind(app.created_at)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO clients (client_id, pool_id, app_id, sealed_secret, token_validity_secs, \
         refresh_validity_secs) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(app.client.id.as_str())
    .bind(app.pool_id.as_str())
    .bind(app.id.as_str())
    .bind(app.client.sealed_secret.as_deref())
    .bind(app.client.token_validity_secs)
    .bind(app.client.refresh_validity_secs)
    .execute(&raw)
    .await
    .unwrap();
    let key = &seed.key;
    sqlx::query(
        "INSERT INTO signing_keys (kid, pool_id, sealed_private_key, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&key.kid)
    .bind(key.pool_id.as_str())
    .bind(&key.sealed_private_key)
    .bind(key.created_at)
    .execute(&raw)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO users (pool_id, user_id, email, email_verified, status, enabled, salt_hex, \
         sealed_verifier, attributes, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(user.pool_id.as_str())
    .bind(user.id.as_uuid())
    .bind(&user.email)
    .bind(user.email_verified)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(&user.salt_hex)
    .bind(&user.sealed_verifier)
    .bind(serde_json::to_string(&user.attributes).unwrap())
    .bind(user.created_at)
    .bind(user.updated_at)
    .execute(&raw)
    .await
    .unwrap();
    for session in &seed.sessions {
        sqlx::query(
            "INSERT INTO sessions (id, pool_id, client_id, user_id, refresh_hash, auth_time, \
             expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(session.id)
        .bind(session.pool_id.as_str())
        .bind(session.client_id.as_str())
        .bind(session.user_id.as_uuid())
        .bind(&session.refresh_hash)
        .bind(session.auth_time)
        .bind(session.expires_at)
        .bind(session.revoked_at)
        .execute(&raw)
        .await
        .unwrap();
    }

    let store = open(&db.url).await;
    upgrade::check(store.as_ref(), &seed).await;
    drop(open(&db.url).await);

    upgrade::lenient_settings(store.as_ref(), app, |doc| {
        let raw = raw.clone();
        let app_id = app.id.as_str().to_owned();
        async move {
            sqlx::query("UPDATE apps SET settings = $1 WHERE app_id = $2")
                .bind(doc)
                .bind(app_id)
                .execute(&raw)
                .await
                .unwrap();
        }
    })
    .await;
    drop(store);
    raw.close().await;
    db.drop_database().await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_reopens_with_data_and_schema_kept() {
    let db = TempSqlite::new();
    let (app, key) = fixtures::app("kept", None, 10);
    open(&db.url()).await.insert_app(&app, &key).await.unwrap();
    let again = open(&db.url()).await;
    assert_eq!(again.get_app(&app.id).await.unwrap(), Some(app));
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_in_memory_works() {
    story::run(open("sqlite::memory:").await).await;
}

#[tokio::test]
async fn unknown_schemes_are_refused() {
    for url in ["mysql://root@localhost/x", "file:///tmp/x.db", "nonsense"] {
        assert!(
            matches!(connect(url).await, Err(StoreError::Backend(_))),
            "{url}"
        );
    }
}

#[cfg(feature = "postgres")]
#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://u@h:1/db", "x"),
        "postgres://u@h:1/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgresql://h:5432", "x"),
        "postgresql://h:5432/x"
    );
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_connections_are_tuned() {
    let db = TempSqlite::new();
    let store = auth_return_store::SqliteStore::open(&db.url())
        .await
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let text = |sql: &'static str| sqlx::query_scalar::<_, String>(sql);
    let int = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    assert_eq!(
        text("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        "wal"
    );
    assert_eq!(
        int("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        int("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        1,
        "NORMAL"
    );
    assert_eq!(
        int("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        5_000
    );
}
