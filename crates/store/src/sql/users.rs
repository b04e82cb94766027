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

/// ListUsers SQL in id order around one filter condition: `$1` pool, `$2` the inclusive lower
/// bound on the id, `$3` limit, `$4` the compared value. Only fixed fragments are ever spliced
/// in; user input is bound. Ids are in UUID order in both dialects (SQLite's hyphenated
/// lowercase text sorts the same).
macro_rules! list_users_sql {
    ($cond:expr) => {
        concat!(
            $crate::sql::rows::select_user!(),
            " WHERE pool_id = $1 AND user_id >= $2",
            $cond,
            " ORDER BY user_id LIMIT $3"
        )
    };
}
pub(crate) use list_users_sql;

/// The two statements that list users by a value with an index of its own, the expression
/// given as literal parts (see [`ValueSql`]).
macro_rules! value_sql {
    ($($expression:literal),+) => {
        $crate::sql::users::ValueSql {
            equal: concat!(
                $crate::sql::rows::select_user!(),
                " WHERE pool_id = $1 AND ", $($expression),+, " = $2 AND user_id >= $3",
                " ORDER BY user_id LIMIT $4"
            ),
            above: concat!(
                $crate::sql::rows::select_user!(),
                " WHERE pool_id = $1 AND ", $($expression),+, " > $2",
                " ORDER BY ", $($expression),+, ", user_id LIMIT $3"
            ),
        }
    };
}
pub(crate) use value_sql;

/// How to list users by a value read through its own index (`pool_id`, value, `user_id`).
pub(crate) struct ValueSql {
    /// Users whose value is `$2` and id at least `$3`, in id order, at most `$4`.
    pub(crate) equal: &'static str,
    /// Users whose value is above `$2` (code-point order), in value then id order, at most `$3`.
    pub(crate) above: &'static str,
}

/// `expression` starts with `$4`, with no pattern characters (`%`, `_`) interpreted.
macro_rules! starts_with {
    ($expression:expr) => {
        concat!(" AND substr(", $expression, ", 1, length($4)) = $4")
    };
}
pub(crate) use starts_with;

/// Implements `UserStore` for `$store`, with `$user_id_text` and `$email_bytes` the dialect's
/// expressions for ListUsers filters and `$attribute_before` / `$attribute_after` around an
/// attribute's name the expression of its value, as indexed (see `stores!`), and
/// `bind_new_user` for the dialect's `insert_first_user`.
macro_rules! user_store {
    (
        $store:ty,
        $db:ty,
        $user_id_text:literal,
        $email_bytes:literal,
        $attribute_before:literal,
        $attribute_after:literal
    ) => {
        const _: () = {
            use $crate::convert::{
                FilterSql, Indexed, TextColumn, attributes_to_json, filter_sql, limit,
            };
            use $crate::error::{backend, conflict};
            use $crate::sql::Whose;
            use $crate::sql::rows::select_user;
            use $crate::sql::users::{
                USER_TAKEN, ValueSql, insert_user, list_users_sql, starts_with, value_sql,
            };
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{
                MatchOp, Timestamp, User, UserCursor, UserFilter,
            };
            use auth_return_core::store::{StoreResult, UserStore};

            /// The statements of `indexed`, in `FILTERABLE_ATTRIBUTES` order for attributes.
            fn value_statements(indexed: Indexed) -> Option<ValueSql> {
                Some(match indexed {
                    Indexed::Email => value_sql!($email_bytes),
                    Indexed::Attribute(0) => value_sql!($attribute_before, "name", $attribute_after),
                    Indexed::Attribute(1) => {
                        value_sql!($attribute_before, "given_name", $attribute_after)
                    }
                    Indexed::Attribute(2) => {
                        value_sql!($attribute_before, "family_name", $attribute_after)
                    }
                    Indexed::Attribute(3) => {
                        value_sql!($attribute_before, "preferred_username", $attribute_after)
                    }
                    Indexed::Attribute(4) => {
                        value_sql!($attribute_before, "phone_number", $attribute_after)
                    }
                    Indexed::Attribute(_) => return None,
                })
            }

            /// The least id above `after` (ids are listed from an inclusive lower bound, so
            /// the first page needs no statement of its own); `None` above the greatest id.
            fn lower_bound(after: Option<UserId>) -> Option<UserId> {
                match after {
                    None => Some(UserId::from_uuid(uuid::Uuid::nil())),
                    Some(after) => after
                        .as_uuid()
                        .as_u128()
                        .checked_add(1)
                        .map(|next| UserId::from_uuid(uuid::Uuid::from_u128(next))),
                }
            }

            impl $store {
                /// Users whose `sql` value is `value`, ids from `lower`, in id order.
                async fn users_with_value(
                    &self,
                    pool_id: &PoolId,
                    sql: &ValueSql,
                    value: &str,
                    lower: UserId,
                    limit_to: usize,
                ) -> StoreResult<Vec<User>> {
                    let rows = sqlx::query(sql.equal)
                        .bind(pool_id)
                        .bind(value)
                        .bind(lower)
                        .bind(limit(limit_to))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                    rows.iter().map(rows::user).collect()
                }

                /// A page of a prefix filter in value order: the users who share the cursor's
                /// value after its id, then those whose value is above it, as far as they still
                /// start with `prefix`. Two index ranges, however many users match.
                async fn users_by_prefix(
                    &self,
                    pool_id: &PoolId,
                    filter: &UserFilter,
                    sql: &ValueSql,
                    after: Option<&UserCursor>,
                    limit_to: usize,
                ) -> StoreResult<Vec<User>> {
                    let prefix = filter.value.as_str();
                    let (from, lower) = match after {
                        Some(UserCursor { value: Some(value), id }) => {
                            (value.as_str(), lower_bound(Some(*id)))
                        }
                        // The first page starts with the users whose value is the prefix.
                        _ => (prefix, lower_bound(None)),
                    };
                    let matches =
                        |user: &User| filter.value_of(user).is_some_and(|v| v.starts_with(prefix));
                    let mut users = match lower {
                        Some(lower) => {
                            self.users_with_value(pool_id, sql, from, lower, limit_to).await?
                        }
                        None => Vec::new(),
                    };
                    users.retain(matches);
                    if users.len() < limit_to {
                        let rows = sqlx::query(sql.above)
                            .bind(pool_id)
                            .bind(from)
                            .bind(limit(limit_to - users.len()))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(backend)?;
                        // Values with the prefix are one run in code-point order: the first
                        // without it ends the matches.
                        for row in &rows {
                            let user = rows::user(row)?;
                            if !matches(&user) {
                                break;
                            }
                            users.push(user);
                        }
                    }
                    Ok(users)
                }

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

                /// Users of the pool matching `filter`, after `after`, at most `limit_to`: in id
                /// order, or in value order for a prefix of an indexed value.
                async fn list_users(
                    &self,
                    pool_id: &PoolId,
                    filter: Option<&UserFilter>,
                    after: Option<&UserCursor>,
                    limit_to: usize,
                ) -> StoreResult<Vec<User>> {
                    let Some(filter_kind) = filter_sql(filter) else {
                        return Ok(Vec::new());
                    };
                    if let (Some(filter), FilterSql::Value { indexed, op, value }) =
                        (filter, &filter_kind)
                    {
                        let Some(sql) = value_statements(*indexed) else {
                            return Ok(Vec::new());
                        };
                        let Some(lower) = lower_bound(after.map(|a| a.id)) else {
                            return Ok(Vec::new());
                        };
                        return match op {
                            MatchOp::Equals => {
                                self.users_with_value(pool_id, &sql, value, lower, limit_to)
                                    .await
                            }
                            MatchOp::StartsWith => {
                                self.users_by_prefix(pool_id, filter, &sql, after, limit_to)
                                    .await
                            }
                        };
                    }
                    let Some(lower) = lower_bound(after.map(|a| a.id)) else {
                        return Ok(Vec::new());
                    };
                    let sql = match &filter_kind {
                        FilterSql::All => list_users_sql!(""),
                        FilterSql::Id(_) => list_users_sql!(" AND user_id = $4"),
                        FilterSql::Column { column, op, .. } => match (column, op) {
                            (TextColumn::Id, _) => list_users_sql!(starts_with!($user_id_text)),
                            (TextColumn::Status, MatchOp::Equals) => {
                                list_users_sql!(" AND status = $4")
                            }
                            (TextColumn::Status, MatchOp::StartsWith) => {
                                list_users_sql!(starts_with!("status"))
                            }
                        },
                        FilterSql::Enabled(_) => list_users_sql!(" AND enabled = $4"),
                        // Answered above.
                        FilterSql::Value { .. } => return Ok(Vec::new()),
                    };
                    let query = sqlx::query(sql)
                        .bind(pool_id)
                        .bind(lower)
                        .bind(limit(limit_to));
                    let query = match filter_kind {
                        FilterSql::All | FilterSql::Value { .. } => query,
                        FilterSql::Id(id) => query.bind(id),
                        FilterSql::Column { value, .. } => query.bind(value),
                        FilterSql::Enabled(enabled) => query.bind(enabled),
                    };
                    let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
                    rows.iter().map(rows::user).collect()
                }
            }
        };
    };
}
pub(crate) use user_store;
