//! Throwaway databases: a SQLite file in a folder of its own, and a fresh database on the
//! PostgreSQL server named by `AUTH_RETURN_TEST_POSTGRES_URL`, always dropped afterwards
//! (whether the test passed or not). Without that variable the PostgreSQL tests are skipped,
//! except in CI (`CI` set), where they must run and so fail.

#[cfg(feature = "postgres")]
use sqlx::Connection;
#[cfg(feature = "sqlite")]
use std::path::PathBuf;

#[cfg(feature = "postgres")]
const PG_ENV: &str = "AUTH_RETURN_TEST_POSTGRES_URL";

/// A throwaway SQLite database file in a folder that does not exist yet.
#[cfg(feature = "sqlite")]
pub struct TempSqlite {
    pub dir: PathBuf,
}

#[cfg(feature = "sqlite")]
impl TempSqlite {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("ar-store-{}", uuid::Uuid::new_v4().simple()));
        Self { dir }
    }

    pub fn url(&self) -> String {
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

/// Runs `test` on the URL of a fresh PostgreSQL database, then drops the database, also when
/// `test` panicked (the panic goes on afterwards). Without a server configured: nothing, or a
/// failure in CI.
#[cfg(feature = "postgres")]
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(admin_url) = std::env::var(PG_ENV) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the PostgreSQL tests: set {PG_ENV} (tests/run.sh does)"
        );
        eprintln!("{PG_ENV} is not set: skipping the PostgreSQL run");
        return;
    };
    let name = format!("ar_conf_{}", uuid::Uuid::new_v4().simple());
    admin(&admin_url, format!("CREATE DATABASE \"{name}\"")).await;
    let outcome = tokio::spawn(test(with_database(&admin_url, &name))).await;
    admin(
        &admin_url,
        format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
    )
    .await;
    if let Err(failure) = outcome {
        match failure.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(failure) => panic!("the test did not finish: {failure}"),
        }
    }
}

/// Runs one statement on the server's administrative database.
#[cfg(feature = "postgres")]
async fn admin(admin_url: &str, sql: String) {
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut admin)
        .await
        .expect("create or drop the test database");
    admin.close().await.expect("close");
}

/// `url` with its database name replaced by `name` (query parameters kept).
#[cfg(feature = "postgres")]
pub fn with_database(url: &str, name: &str) -> String {
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
