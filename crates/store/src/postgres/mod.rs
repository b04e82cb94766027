//! The PostgreSQL backend: a sized pool; several server instances may share one database, so
//! every single-use operation is one atomic statement (`DELETE … RETURNING`-style row counts,
//! `INSERT … ON CONFLICT DO NOTHING`, unique indexes), never an in-process check.

mod dialect;

use crate::error::backend;
use auth_return_core::store::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// Connections per server instance.
const POOL_SIZE: u32 = 16;
/// How long a request waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// [`Store`](auth_return_core::store::Store) on PostgreSQL.
#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    claims: AtomicU64,
}

impl PgStore {
    /// Connects to the database at `url` and runs the PostgreSQL migrations (sqlx takes an
    /// advisory lock, so instances starting together migrate once).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))?
            // Each statement is prepared once per connection and run with the plan made for any
            // parameters. Left to choose, PostgreSQL planned every run afresh once one pool held
            // most of a million users (its estimate for the big pool's values made the generic
            // plan look dearer): 0.15–0.25 ms a statement, more than running it. Every statement
            // here starts from an index on the pool, so one plan suits every pool.
            .options([("plan_cache_mode", "force_generic_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(backend)?;
        let store = Self::from_pool(pool);
        store.migrate().await?;
        Ok(store)
    }
}

crate::sql::pool_access!(PgStore, PgPool, migrations: crate::migrations::postgres, name: "PostgreSQL");

crate::sql::stores!(
    PgStore,
    db: sqlx::Postgres,
    user_id_text: "user_id::text",
    email_bytes: "email COLLATE \"C\"",
    attribute_before: "((attributes::jsonb ->> '",
    attribute_after: "') COLLATE \"C\")",
    key_order: "k.seq",
);
