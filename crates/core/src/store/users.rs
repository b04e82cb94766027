//! The users of a pool.

use super::StoreResult;
use crate::ids::{PoolId, UserId};
use crate::model::{Timestamp, User, UserCursor, UserFilter};
use async_trait::async_trait;

/// The users of a pool. Part of [`super::Store`].
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Stores a new user. `Conflict` when the email is taken in that pool.
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    /// Stores a new user only if the user's pool has no user at all, deciding atomically (a
    /// burst of calls on an empty pool, spread over any number of instances, stores exactly
    /// one). `true` if stored, `false` if the pool had a user; `Conflict` as `insert_user`.
    async fn insert_first_user(&self, user: &User) -> StoreResult<bool>;
    /// Replaces a user's mutable fields (email, flags, status, verifier, attributes, updated_at).
    async fn update_user(&self, user: &User) -> StoreResult<()>;
    /// A user by id.
    async fn get_user(&self, pool_id: &PoolId, user_id: UserId) -> StoreResult<Option<User>>;
    /// A user by (lowercased) email.
    async fn get_user_by_email(&self, pool_id: &PoolId, email: &str) -> StoreResult<Option<User>>;
    /// Deletes a user with their sessions and codes, recording a revocation (at `at`) for each
    /// session that was not revoked yet, atomically. `false` if unknown.
    async fn delete_user(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<bool>;
    /// Users of a pool matching `filter` when given, at most `limit`, those after `after`: in
    /// id order, or in the order of the compared value then id when the filter orders by value
    /// ([`UserFilter::orders_by_value`]; code-point order, and `after.value` then names the
    /// last value listed). A page is read from an index range however many users match.
    async fn list_users(
        &self,
        pool_id: &PoolId,
        filter: Option<&UserFilter>,
        after: Option<&UserCursor>,
        limit: usize,
    ) -> StoreResult<Vec<User>>;
}
