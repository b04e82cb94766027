//! Users on SQLite.

use super::rows::{self, record_revocations, select_user, uuid_text};
use crate::convert::{FilterSql, TextColumn, attributes_to_json, filter_sql, limit as sql_limit};
use crate::error::{backend, conflict};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{MatchOp, Timestamp, User, UserFilter};
use auth_return_core::store::StoreResult;
use sqlx::SqlitePool;

const TAKEN: &str = "a user with that email or id already exists in the pool";

/// The columns of a new user, bound as `?1` to `?13` by [`bind_new`].
macro_rules! insert_user {
    ($source:literal) => {
        concat!(
            "INSERT INTO users (pool_id, user_id, email, email_verified, status, enabled, \
             salt_hex, sealed_verifier, attributes, pending_email, password_expires_at, \
             created_at, updated_at) ",
            $source
        )
    };
}

type Insert<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>;

/// Binds a new user's fields in column order.
fn bind_new<'q>(query: Insert<'q>, user: &'q User) -> StoreResult<Insert<'q>> {
    Ok(query
        .bind(user.pool_id.as_str())
        .bind(uuid_text(user.id.as_uuid()))
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
pub(super) async fn insert(pool: &SqlitePool, user: &User) -> StoreResult<()> {
    let query = sqlx::query(insert_user!(
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ));
    bind_new(query, user)?
        .execute(pool)
        .await
        .map_err(conflict(TAKEN))?;
    Ok(())
}

/// Inserts a user only into an empty pool, in one statement: a writing statement holds
/// SQLite's write lock from its first step, so the emptiness it reads is still true when it
/// writes, whatever other connections do.
pub(super) async fn insert_first(pool: &SqlitePool, user: &User) -> StoreResult<bool> {
    let query = sqlx::query(insert_user!(
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 \
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE pool_id = ?1)"
    ));
    let done = bind_new(query, user)?
        .execute(pool)
        .await
        .map_err(conflict(TAKEN))?;
    Ok(done.rows_affected() == 1)
}

/// Rewrites the mutable fields (a no-op for an unknown user).
pub(super) async fn update(pool: &SqlitePool, user: &User) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET email = ?, email_verified = ?, status = ?, enabled = ?, salt_hex = ?, \
         sealed_verifier = ?, attributes = ?, pending_email = ?, password_expires_at = ?, \
         updated_at = ? WHERE pool_id = ? AND user_id = ?",
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
    .bind(uuid_text(user.id.as_uuid()))
    .execute(pool)
    .await
    .map_err(conflict(TAKEN))?;
    Ok(())
}

/// A user by id.
pub(super) async fn get(
    pool: &SqlitePool,
    pool_id: &PoolId,
    user_id: UserId,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(concat!(
        select_user!(),
        " WHERE pool_id = ? AND user_id = ?"
    ))
    .bind(pool_id.as_str())
    .bind(uuid_text(user_id.as_uuid()))
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    row.as_ref().map(rows::user).transpose()
}

/// A user by email.
pub(super) async fn get_by_email(
    pool: &SqlitePool,
    pool_id: &PoolId,
    email: &str,
) -> StoreResult<Option<User>> {
    let row = sqlx::query(concat!(select_user!(), " WHERE pool_id = ? AND email = ?"))
        .bind(pool_id.as_str())
        .bind(email)
        .fetch_optional(pool)
        .await
        .map_err(backend)?;
    row.as_ref().map(rows::user).transpose()
}

/// Records a revocation for each of the user's live sessions, then deletes the user (foreign
/// keys cascade to their codes and sessions; the revocations stay), in one transaction.
pub(super) async fn delete(
    pool: &SqlitePool,
    pool_id: &PoolId,
    user_id: UserId,
    at: Timestamp,
) -> StoreResult<bool> {
    let user = uuid_text(user_id.as_uuid());
    let mut tx = pool.begin().await.map_err(backend)?;
    sqlx::query(record_revocations!(" AND s.user_id = ?3"))
        .bind(at)
        .bind(pool_id.as_str())
        .bind(user.clone())
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    let done = sqlx::query("DELETE FROM users WHERE pool_id = ? AND user_id = ?")
        .bind(pool_id.as_str())
        .bind(user)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    if done.rows_affected() == 0 {
        tx.rollback().await.map_err(backend)?;
        return Ok(false);
    }
    tx.commit().await.map_err(backend)?;
    Ok(true)
}

/// ListUsers SQL around one filter condition: `?1` pool, `?2` the exclusive lower bound on the
/// id text (`''` for the first page: every id is greater), `?3` limit, `?4` the compared value,
/// `?5` the attribute name. Only fixed fragments are ever spliced in; user input is bound.
macro_rules! list_sql {
    ($cond:expr) => {
        concat!(
            select_user!(),
            " WHERE pool_id = ?1 AND user_id > ?2",
            $cond,
            " ORDER BY user_id LIMIT ?3"
        )
    };
}

/// `column` starts with `?4`, with no pattern characters (`%`, `_`) interpreted.
macro_rules! starts_with {
    ($column:literal) => {
        concat!(" AND substr(", $column, ", 1, length(?4)) = ?4")
    };
}

/// The attribute `?5` exists as a JSON string, and `$test` holds for its value `j.value`.
macro_rules! attribute {
    ($test:literal) => {
        concat!(
            " AND EXISTS (SELECT 1 FROM json_each(users.attributes) AS j \
             WHERE j.key = ?5 AND j.type = 'text' AND ",
            $test,
            ")"
        )
    };
}

/// Users of the pool in id text order after `after`, at most `limit`, matching `filter`.
pub(super) async fn list(
    pool: &SqlitePool,
    pool_id: &PoolId,
    filter: Option<&UserFilter>,
    after: Option<UserId>,
    limit: usize,
) -> StoreResult<Vec<User>> {
    let Some(filter) = filter_sql(filter) else {
        return Ok(Vec::new());
    };
    let sql = match &filter {
        FilterSql::All => list_sql!(""),
        FilterSql::Column { column, op, .. } => match (column, op) {
            (TextColumn::Id, MatchOp::Equals) => list_sql!(" AND user_id = ?4"),
            (TextColumn::Id, MatchOp::StartsWith) => list_sql!(starts_with!("user_id")),
            (TextColumn::Email, MatchOp::Equals) => list_sql!(" AND email = ?4"),
            (TextColumn::Email, MatchOp::StartsWith) => list_sql!(starts_with!("email")),
            (TextColumn::Status, MatchOp::Equals) => list_sql!(" AND status = ?4"),
            (TextColumn::Status, MatchOp::StartsWith) => list_sql!(starts_with!("status")),
        },
        FilterSql::Enabled(_) => list_sql!(" AND enabled = ?4"),
        FilterSql::Attribute { op, .. } => match op {
            MatchOp::Equals => list_sql!(attribute!("j.value = ?4")),
            MatchOp::StartsWith => list_sql!(attribute!("substr(j.value, 1, length(?4)) = ?4")),
        },
    };
    let query = sqlx::query(sql)
        .bind(pool_id.as_str())
        .bind(after.map(|id| uuid_text(id.as_uuid())).unwrap_or_default())
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
