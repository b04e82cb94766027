//! Store conformance: one scripted story and a few races, run against SQLite (a temp file)
//! always and against PostgreSQL when `AUTH_RETURN_TEST_POSTGRES_URL` names a server (each
//! test gets a fresh database there, dropped afterwards). Start one with `tests/pg/start.sh`.

// A failed unwrap here is a failed conformance check, in helpers as much as in tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(any(feature = "sqlite", feature = "postgres"))]

#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/races.rs"]
mod races;
#[path = "conformance/story.rs"]
mod story;

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
