//! Users on PostgreSQL.

use super::rows::{self, revoke_sessions, select_user};
use crate::convert::{FilterSql, TextColumn, attributes_to_json, filter_sql, limit as sql_limit};
use crate::error::{backend, conflict};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{MatchOp, Timestamp, User, UserFilter};
use auth_return_core::store::{StoreError, StoreResult};
use sqlx::PgPool;

const TAKEN: &str = "a user with that email or id already exists in the pool";

type Insert<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// The new user statement with the user's fields bound as `$1` to `$13`.
fn insert_query(user: &User) -> StoreResult<Insert<'_>> {
    Ok(sqlx::query(
        "INSERT INTO users (pool_id, user_id, email, email_verified, status, enabled, salt_hex, \
         sealed_verifier, attributes, pending_email, password_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(user.pool_id.as_str())
    .bind(user.id.as_uuid())
    .bind(&user.email)
    .bind(user.email_verified)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(&user.salt_hex)
    .bind(&user.sealed_verifier)
    .bind(attributes_to_json(&user.attributes)?)
    .bind(user.pending_email.as_deref())
    .bind(user.password_expires_at)
    .bind(user.created_at)
    .bind(user.updated_at))
}

/// Inserts a user; the `(pool_id, email)` unique index decides races.
pub(super) async fn insert(pool: &PgPool, user: &User) -> StoreResult<()> {
    insert_query(user)?
        .execute(pool)
        .await
        .map_err(conflict(TAKEN))?;
    Ok(())
}

/// Inserts a user only into an empty pool. Under READ COMMITTED a `NOT EXISTS` alone would let
/// two transactions each see the pool empty, so the pool's app row is locked first: every
/// insert into the pool takes a key-share lock on that row (the foreign key), which `FOR UPDATE`
/// excludes, so the emptiness read after the lock stays true until this transaction ends.
pub(super) async fn insert_first(pool: &PgPool, user: &User) -> StoreResult<bool> {
    let mut tx = pool.begin().await.map_err(backend)?;
    let app = sqlx::query("SELECT 1 FROM apps WHERE pool_id = $1 FOR UPDATE")
        .bind(user.pool_id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
    if app.is_none() {
        return Err(StoreError::Backend(format!(
            "no pool {} to insert a user into",
            user.pool_id
        )));
    }
    let occupied = sqlx::query("SELECT 1 FROM users WHERE pool_id = $1 LIMIT 1")
        .bind(user.pool_id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
    if occupied.is_some() {
        tx.rollback().await.map_err(backend)?;
        return Ok(false);
    }
    insert_query(user)?
        .execute(&mut *tx)
        .await
        .map_err(conflict(TAKEN))?;
    tx.commit().await.map_err(backend)?;
    Ok(true)
}

/// Rewrites the mutable fields (a no-op for an unknown user).
pub(super) async fn update(pool: &PgPool, user: &User) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET email = $1, email_verified = $2, status = $3, enabled = $4, salt_hex = $5, \
         sealed_verifier = $6, attributes = $7, pending_email = $8, password_expires_at = $9, \
         updated_at = $10 WHERE pool_id = $11 AND user_id = $12",
    )
    .bind(&user.email)
    .bind(user.email_verified)
    .bind(user.status.as_str())
    .bind(user.enabled)
    .bind(&user.salt_hex)
    .bind(&user.sealed_verifier)
    .bind(attributes_to_json(&user.attributes)?)
    .bind(user.pending_email.as_deref())
    .bind(user.password_expires_at)
    .bind(user.updated_at)
    .bind(user.pool_id.as_str())
    .bind(user.id.as_uuid())
    .execute(pool)
    .await
    .map_err(conflict(TAKEN))?;
    Ok(())
}

/// A user by id.
pub(super) async fn get(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(concat!(
        select_user!(),
        " WHERE pool_id = $1 AND user_id = $2"
    ))
    .bind(pool_id.as_str())
    .bind(user_id.as_uuid())
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::user).transpose()
}

/// A user by email.
pub(super) async fn get_by_email(
    pool: &PgPool,
    pool_id: &PoolId,
    email: &str,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(concat!(
        select_user!(),
        " WHERE pool_id = $1 AND email = $2"
    ))
    .bind(pool_id.as_str())
    .bind(email)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::user).transpose()
}

/// Deletes a user (foreign keys cascade to their codes and sessions; the revocations stay)
/// after revoking and recording each of their live sessions, in one transaction. Locks go user
/// row, then sessions, then entries: a session being opened concurrently either commits before
/// (and is recorded) or fails its foreign key after, and a concurrent revocation takes the
/// session lock in the same order (no deadlock).
pub(super) async fn delete(
    pool: &PgPool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await.map_err(backend)?;
    let found = sqlx::query("SELECT 1 FROM users WHERE pool_id = $1 AND user_id = $2 FOR UPDATE")
        .bind(pool_id.as_str())
        .bind(user_id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(backend)?;
    if found.is_none() {
        tx.rollback().await.map_err(backend)?;
        return Ok(false);
    }
    sqlx::query_scalar::<_, i64>(revoke_sessions!(" AND user_id = $3"))
        .bind(at)
        .bind(pool_id.as_str())
        .bind(user_id.as_uuid())
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
    let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND user_id = $2")
        .bind(pool_id.as_str())
        .bind(user_id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(done.rows_affected() > 0)
}

/// ListUsers SQL around one filter condition: `$1` pool, `$2` the inclusive lower bound on the
/// id, `$3` limit, `$4` the compared value, `$5` the attribute name. Only fixed fragments are
/// ever spliced in; user input is bound. Ordering by the native UUID equals ordering by its
/// hyphenated lowercase text (PostgreSQL compares UUIDs bytewise, and hex digits sort in value
/// order), so pages match SQLite's.
macro_rules! list_sql {
    ($cond:expr) => {
        concat!(
            select_user!(),
            " WHERE pool_id = $1 AND user_id >= $2",
            $cond,
            " ORDER BY user_id LIMIT $3"
        )
    };
}

/// `column` starts with `$4`, with no pattern characters (`%`, `_`) interpreted.
macro_rules! starts_with {
    ($column:literal) => {
        concat!(" AND substr(", $column, ", 1, length($4)) = $4")
    };
}

/// Users of the pool in id order after `after`, at most `limit`, matching `filter`.
pub(super) async fn list(
    pool: &PgPool,
    pool_id: &PoolId,
    filter: Option<&UserFilter>,
    after: Option<UserId>,
    limit: usize,
) -> StoreResult<Vec<User>> {
    let Some(filter) = filter_sql(filter) else {
        return Ok(Vec::new());
    };
    // `id > after` as `id >= after + 1`, so the first page needs no second statement.
    let lower = match after {
        None => uuid::Uuid::nil(),
        Some(after) => match after.as_uuid().as_u128().checked_add(1) {
            Some(next) => uuid::Uuid::from_u128(next),
            None => return Ok(Vec::new()),
        },
    };
    let sql = match &filter {
        FilterSql::All => list_sql!(""),
        FilterSql::Column { column, op, .. } => match (column, op) {
            (TextColumn::Id, MatchOp::Equals) => list_sql!(" AND user_id::text = $4"),
            (TextColumn::Id, MatchOp::StartsWith) => list_sql!(starts_with!("user_id::text")),
            (TextColumn::Email, MatchOp::Equals) => list_sql!(" AND email = $4"),
            (TextColumn::Email, MatchOp::StartsWith) => list_sql!(starts_with!("email")),
            (TextColumn::Status, MatchOp::Equals) => list_sql!(" AND status = $4"),
            (TextColumn::Status, MatchOp::StartsWith) => list_sql!(starts_with!("status")),
        },
        FilterSql::Enabled(_) => list_sql!(" AND enabled = $4"),
        FilterSql::Attribute { op, .. } => match op {
            MatchOp::Equals => list_sql!(" AND (attributes::json ->> $5) = $4"),
            MatchOp::StartsWith => list_sql!(starts_with!("(attributes::json ->> $5)")),
        },
    };
    let query = sqlx::query(sql)
        .bind(pool_id.as_str())
        .bind(lower)
        .bind(sql_limit(limit));
    let query = match filter {
        FilterSql::All => query,
        FilterSql::Column { value, .. } => query.bind(value),
        FilterSql::Enabled(enabled) => query.bind(enabled),
        FilterSql::Attribute { name, value, .. } => query.bind(value).bind(name),
    };
    let rows = query.fetch_all(pool).await.map_err(backend)?;
    rows.iter().map(rows::user).collect()
}
