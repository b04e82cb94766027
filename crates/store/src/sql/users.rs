//! The users of a pool, for both dialects.

/// What a taken email or id in the pool is reported as.
pub(crate) const USER_TAKEN: &str = "a user with that email or id already exists in the pool";

/// `INSERT INTO users` of every column, from `$source`, whose values are `$1` to `$13` bound by
/// `bind_new_user` in column order.
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
pub(crate) use insert_user;

/// ListUsers SQL around one filter condition: `$1` pool, `$2` the inclusive lower bound on the
/// id, `$3` limit, `$4` the compared value, `$5` the attribute name. Only fixed fragments are
/// ever spliced in; user input is bound. Ids are in UUID order in both dialects (SQLite's
/// hyphenated lowercase text sorts the same).
macro_rules! list_users_sql {
    ($cond:expr) => {
        $crate::sql::users::list_users_sql!($cond, "user_id")
    };
    ($cond:expr, $order:expr) => {
        concat!(
            $crate::sql::rows::select_user!(),
            " WHERE pool_id = $1 AND user_id >= $2",
            $cond,
            " ORDER BY ",
            $order,
            " LIMIT $3"
        )
    };
}
pub(crate) use list_users_sql;

/// `expression` starts with `$4`, with no pattern characters (`%`, `_`) interpreted.
macro_rules! starts_with {
    ($expression:expr) => {
        concat!(" AND substr(", $expression, ", 1, length($4)) = $4")
    };
}
pub(crate) use starts_with;

/// Implements `UserStore` for `$store`, with `$user_id_text`, `$attribute`, `$email_bytes` and
/// `$range_order` the dialect's expressions for ListUsers filters (see `stores!`), and
/// `bind_new_user` for the dialect's `insert_first_user`.
macro_rules! user_store {
    (
        $store:ty,
        $db:ty,
        $user_id_text:literal,
        $attribute:literal,
        $email_bytes:literal,
        $range_order:literal
    ) => {
        const _: () = {
            use $crate::convert::{
                FilterSql, TextColumn, attributes_to_json, filter_sql, limit, prefix_upper_bound,
            };
            use $crate::error::{backend, conflict};
            use $crate::sql::Whose;
            use $crate::sql::rows::select_user;
            use $crate::sql::users::{USER_TAKEN, insert_user, list_users_sql, starts_with};
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{MatchOp, Timestamp, User, UserFilter};
            use auth_return_core::store::{StoreResult, UserStore};

            impl $store {
                /// `sql`, an `INSERT` from `insert_user!`, with the new user's fields bound.
                fn bind_new_user<'q>(
                    sql: &'static str,
                    user: &User,
                ) -> StoreResult<sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>>
                {
                    Ok(sqlx::query(sql)
                        .bind(&user.pool_id)
                        .bind(user.id)
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
            }

            #[async_trait::async_trait]
            impl UserStore for $store {
                /// Inserts a user; the `(pool_id, email)` unique index decides races.
                async fn insert_user(&self, user: &User) -> StoreResult<()> {
                    Self::bind_new_user(
                        insert_user!(
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                        ),
                        user,
                    )?
                    .execute(&self.pool)
                    .await
                    .map_err(conflict(USER_TAKEN))?;
                    Ok(())
                }

                async fn insert_first_user(&self, user: &User) -> StoreResult<bool> {
                    self.insert_into_empty_pool(user).await
                }

                /// Rewrites the mutable fields (a no-op for an unknown user).
                async fn update_user(&self, user: &User) -> StoreResult<()> {
                    sqlx::query(
                        "UPDATE users SET email = $1, email_verified = $2, status = $3, \
                         enabled = $4, salt_hex = $5, sealed_verifier = $6, attributes = $7, \
                         pending_email = $8, password_expires_at = $9, updated_at = $10 \
                         WHERE pool_id = $11 AND user_id = $12",
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
                    .bind(&user.pool_id)
                    .bind(user.id)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict(USER_TAKEN))?;
                    Ok(())
                }

                async fn get_user(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<Option<User>> {
                    let row = sqlx::query(concat!(
                        select_user!(),
                        " WHERE pool_id = $1 AND user_id = $2"
                    ))
                    .bind(pool_id)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::user).transpose()
                }

                async fn get_user_by_email(
                    &self,
                    pool_id: &PoolId,
                    email: &str,
                ) -> StoreResult<Option<User>> {
                    let row = sqlx::query(concat!(
                        select_user!(),
                        " WHERE pool_id = $1 AND email = $2"
                    ))
                    .bind(pool_id)
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::user).transpose()
                }

                /// Deletes a user (foreign keys cascade to their codes and sessions; the
                /// revocations stay) after revoking and recording each of their live sessions,
                /// in one transaction. Locks go user row, then sessions, then entries: a
                /// session being opened concurrently either commits before (and is recorded)
                /// or fails its foreign key after, and a concurrent revocation takes the
                /// session lock in the same order (no deadlock).
                async fn delete_user(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                    at: Timestamp,
                ) -> StoreResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    if !Self::lock_user(&mut tx, pool_id, user_id).await? {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(false);
                    }
                    Self::revoke_sessions(&mut tx, pool_id, at, Whose::User(user_id)).await?;
                    let done = sqlx::query("DELETE FROM users WHERE pool_id = $1 AND user_id = $2")
                        .bind(pool_id)
                        .bind(user_id)
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

                /// Users of the pool in id order after `after`, at most `limit`, matching
                /// `filter`.
                async fn list_users(
                    &self,
                    pool_id: &PoolId,
                    filter: Option<&UserFilter>,
                    after: Option<UserId>,
                    limit_to: usize,
                ) -> StoreResult<Vec<User>> {
                    let Some(filter) = filter_sql(filter) else {
                        return Ok(Vec::new());
                    };
                    // `id > after` as `id >= after + 1`, so the first page needs no second
                    // statement.
                    let lower = match after {
                        None => uuid::Uuid::nil(),
                        Some(after) => match after.as_uuid().as_u128().checked_add(1) {
                            Some(next) => uuid::Uuid::from_u128(next),
                            None => return Ok(Vec::new()),
                        },
                    };
                    let upper = match &filter {
                        FilterSql::Column {
                            column: TextColumn::Email,
                            op: MatchOp::StartsWith,
                            value,
                        } => prefix_upper_bound(value),
                        _ => None,
                    };
                    let sql = match &filter {
                        FilterSql::All => list_users_sql!(""),
                        FilterSql::Column { column, op, .. } => match (column, op) {
                            (TextColumn::Id, MatchOp::Equals) => {
                                list_users_sql!(concat!(" AND ", $user_id_text, " = $4"))
                            }
                            (TextColumn::Id, MatchOp::StartsWith) => {
                                list_users_sql!(starts_with!($user_id_text))
                            }
                            (TextColumn::Email, MatchOp::Equals) => list_users_sql!(" AND email = $4"),
                            // A prefix is also a range of the email index, so a rare prefix
                            // reads its few rows instead of the whole pool.
                            (TextColumn::Email, MatchOp::StartsWith) if upper.is_some() => {
                                list_users_sql!(
                                    concat!(
                                        " AND ", $email_bytes, " >= $4 AND ", $email_bytes,
                                        " < $5", starts_with!("email")
                                    ),
                                    $range_order
                                )
                            }
                            (TextColumn::Email, MatchOp::StartsWith) => {
                                list_users_sql!(starts_with!("email"))
                            }
                            (TextColumn::Status, MatchOp::Equals) => {
                                list_users_sql!(" AND status = $4")
                            }
                            (TextColumn::Status, MatchOp::StartsWith) => {
                                list_users_sql!(starts_with!("status"))
                            }
                        },
                        FilterSql::Enabled(_) => list_users_sql!(" AND enabled = $4"),
                        FilterSql::Attribute { op, .. } => match op {
                            MatchOp::Equals => list_users_sql!(concat!(" AND ", $attribute, " = $4")),
                            MatchOp::StartsWith => list_users_sql!(starts_with!($attribute)),
                        },
                    };
                    let query = sqlx::query(sql)
                        .bind(pool_id)
                        .bind(UserId::from_uuid(lower))
                        .bind(limit(limit_to));
                    let query = match filter {
                        FilterSql::All => query,
                        FilterSql::Column { value, .. } => match upper {
                            Some(upper) => query.bind(value).bind(upper),
                            None => query.bind(value),
                        },
                        FilterSql::Enabled(enabled) => query.bind(enabled),
                        FilterSql::Attribute { name, value, .. } => query.bind(value).bind(name),
                    };
                    let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(rows::user).collect()
                }
            }
        };
    };
}
pub(crate) use user_store;
