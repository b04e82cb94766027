//! Groups of a pool's users and their members, for both dialects.

/// Implements `GroupStore` for `$store`.
macro_rules! group_store {
    ($store:ty) => {
        const _: () = {
            use $crate::error::{backend, conflict};
            use $crate::sql::rows::{group_order, select_group, select_member, select_user};
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::{Group, Member, Timestamp, User};
            use auth_return_core::store::{GroupStore, Membership, StoreResult};

            #[async_trait::async_trait]
            impl GroupStore for $store {
                async fn insert_group(&self, group: &Group) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO pool_groups (pool_id, group_name, description, precedence, \
                         role_arn, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&group.pool_id)
                    .bind(&group.name)
                    .bind(&group.description)
                    .bind(group.precedence)
                    .bind(&group.role_arn)
                    .bind(group.created_at)
                    .bind(group.updated_at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("group already exists"))?;
                    Ok(())
                }

                async fn get_group(
                    &self,
                    pool_id: &PoolId,
                    name: &str,
                ) -> StoreResult<Option<Group>> {
                    let row = sqlx::query(concat!(
                        select_group!(),
                        " WHERE g.pool_id = $1 AND g.group_name = $2"
                    ))
                    .bind(pool_id)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::group).transpose()
                }

                async fn update_group(&self, group: &Group) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE pool_groups SET description = $1, precedence = $2, \
                         role_arn = $3, updated_at = $4 WHERE pool_id = $5 AND group_name = $6",
                    )
                    .bind(&group.description)
                    .bind(group.precedence)
                    .bind(&group.role_arn)
                    .bind(group.updated_at)
                    .bind(&group.pool_id)
                    .bind(&group.name)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_group(&self, pool_id: &PoolId, name: &str) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM pool_groups WHERE pool_id = $1 AND group_name = $2",
                    )
                    .bind(pool_id)
                    .bind(name)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn list_groups(
                    &self,
                    pool_id: &PoolId,
                    after: Option<&str>,
                    limit: u32,
                ) -> StoreResult<Vec<Group>> {
                    let found = match after {
                        Some(after) => {
                            sqlx::query(concat!(
                                select_group!(),
                                " WHERE g.pool_id = $1 AND g.group_name > $2 \
                                 ORDER BY g.group_name LIMIT $3"
                            ))
                            .bind(pool_id)
                            .bind(after)
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await
                        }
                        None => {
                            sqlx::query(concat!(
                                select_group!(),
                                " WHERE g.pool_id = $1 ORDER BY g.group_name LIMIT $2"
                            ))
                            .bind(pool_id)
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await
                        }
                    };
                    found.map_err(backend)?.iter().map(rows::group).collect()
                }

                async fn count_groups(&self, pool_id: &PoolId) -> StoreResult<u64> {
                    let count: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM pool_groups WHERE pool_id = $1")
                            .bind(pool_id)
                            .fetch_one(&self.pool)
                            .await
                            .map_err(backend)?;
                    Ok(u64::try_from(count).unwrap_or(0))
                }

                /// Holds the user's row (PostgreSQL) and counts their groups in the insert's
                /// own statement (SQLite writes one statement at a time): a burst cannot take a
                /// user past `max_groups`.
                async fn add_group_member(
                    &self,
                    pool_id: &PoolId,
                    name: &str,
                    user_id: UserId,
                    at: Timestamp,
                    max_groups: u64,
                ) -> StoreResult<Membership> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    if !Self::lock_user(&mut tx, pool_id, user_id).await? {
                        tx.rollback().await.map_err(backend)?;
                        return Ok(Membership::Missing);
                    }
                    sqlx::query(
                        "INSERT INTO group_members (pool_id, group_name, user_id, added_at) \
                         SELECT g.pool_id, g.group_name, u.user_id, $4 \
                         FROM pool_groups g JOIN users u ON u.pool_id = g.pool_id \
                         WHERE g.pool_id = $1 AND g.group_name = $2 AND u.user_id = $3 \
                         AND (SELECT COUNT(*) FROM group_members \
                              WHERE pool_id = $1 AND user_id = $3) < $5 \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(pool_id)
                    .bind(name)
                    .bind(user_id)
                    .bind(at)
                    .bind(i64::try_from(max_groups).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let (member, group, user): (bool, bool, bool) = sqlx::query_as(
                        "SELECT EXISTS (SELECT 1 FROM group_members WHERE pool_id = $1 \
                         AND group_name = $2 AND user_id = $3), \
                         EXISTS (SELECT 1 FROM pool_groups WHERE pool_id = $1 \
                         AND group_name = $2), \
                         EXISTS (SELECT 1 FROM users WHERE pool_id = $1 AND user_id = $3)",
                    )
                    .bind(pool_id)
                    .bind(name)
                    .bind(user_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(match (member, group && user) {
                        (true, _) => Membership::Member,
                        (false, true) => Membership::Full,
                        (false, false) => Membership::Missing,
                    })
                }

                async fn remove_group_member(
                    &self,
                    pool_id: &PoolId,
                    name: &str,
                    user_id: UserId,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 \
                         AND user_id = $3",
                    )
                    .bind(pool_id)
                    .bind(name)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn list_user_groups(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<Vec<Group>> {
                    sqlx::query(concat!(
                        select_group!(),
                        " JOIN group_members m ON m.pool_id = g.pool_id \
                         AND m.group_name = g.group_name \
                         WHERE m.pool_id = $1 AND m.user_id = $2",
                        group_order!()
                    ))
                    .bind(pool_id)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?
                    .iter()
                    .map(rows::group)
                    .collect()
                }

                async fn get_member(
                    &self,
                    pool_id: &PoolId,
                    user_id: UserId,
                ) -> StoreResult<Option<Member>> {
                    let rows = sqlx::query(concat!(
                        select_member!(),
                        " WHERE u.pool_id = $1 AND u.user_id = $2",
                        group_order!()
                    ))
                    .bind(pool_id)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows::member(&rows)
                }

                async fn list_group_members(
                    &self,
                    pool_id: &PoolId,
                    name: &str,
                    after: Option<UserId>,
                    limit: u32,
                ) -> StoreResult<Vec<User>> {
                    let found = match after {
                        Some(after) => {
                            sqlx::query(concat!(
                                select_user!(),
                                " WHERE pool_id = $1 AND user_id IN (SELECT user_id \
                                 FROM group_members WHERE pool_id = $1 AND group_name = $2) \
                                 AND user_id > $3 ORDER BY user_id LIMIT $4"
                            ))
                            .bind(pool_id)
                            .bind(name)
                            .bind(after)
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await
                        }
                        None => {
                            sqlx::query(concat!(
                                select_user!(),
                                " WHERE pool_id = $1 AND user_id IN (SELECT user_id \
                                 FROM group_members WHERE pool_id = $1 AND group_name = $2) \
                                 ORDER BY user_id LIMIT $3"
                            ))
                            .bind(pool_id)
                            .bind(name)
                            .bind(i64::from(limit))
                            .fetch_all(&self.pool)
                            .await
                        }
                    };
                    found.map_err(backend)?.iter().map(rows::user).collect()
                }
            }
        };
    };
}
pub(crate) use group_store;
