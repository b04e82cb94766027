//! Groups of a pool's users and their members.

use super::StoreResult;
use crate::ids::{PoolId, UserId};
use crate::model::{Group, Member, Timestamp, User};
use async_trait::async_trait;

/// What adding a member came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// The user is a member (now, or was already).
    Member,
    /// The group or the user does not exist.
    Missing,
    /// The user is in the most groups allowed already.
    Full,
}

/// Groups. Part of [`super::Store`].
#[async_trait]
pub trait GroupStore: Send + Sync {
    /// Stores a new group (`Conflict` when the pool has one by that name). Its pool's app must
    /// exist; the group goes with it.
    async fn insert_group(&self, group: &Group) -> StoreResult<()>;
    /// A group by pool and name (case-sensitive).
    async fn get_group(&self, pool_id: &PoolId, name: &str) -> StoreResult<Option<Group>>;
    /// Replaces a group's description, precedence, role and `updated_at`; `false` when there
    /// is no such group.
    async fn update_group(&self, group: &Group) -> StoreResult<bool>;
    /// Deletes a group and its memberships; `false` when there was none.
    async fn delete_group(&self, pool_id: &PoolId, name: &str) -> StoreResult<bool>;
    /// Up to `limit` of a pool's groups by name (byte order), after `after` when given.
    async fn list_groups(
        &self,
        pool_id: &PoolId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<Group>>;
    /// How many groups a pool has.
    async fn count_groups(&self, pool_id: &PoolId) -> StoreResult<u64>;
    /// Makes `user_id` a member of the group (again: no change) unless they are in
    /// `max_groups` groups already, judged and written atomically (a burst cannot overshoot).
    async fn add_group_member(
        &self,
        pool_id: &PoolId,
        name: &str,
        user_id: UserId,
        at: Timestamp,
        max_groups: u64,
    ) -> StoreResult<Membership>;
    /// Takes `user_id` out of the group; `false` when they were not in it.
    async fn remove_group_member(
        &self,
        pool_id: &PoolId,
        name: &str,
        user_id: UserId,
    ) -> StoreResult<bool>;
    /// Every group of a user, by precedence (none last), then name: the order of
    /// `cognito:groups`.
    async fn list_user_groups(&self, pool_id: &PoolId, user_id: UserId) -> StoreResult<Vec<Group>>;
    /// A user by id with every group they are in (as [`Self::list_user_groups`] orders them),
    /// in one read.
    async fn get_member(&self, pool_id: &PoolId, user_id: UserId) -> StoreResult<Option<Member>>;
    /// Up to `limit` members of a group by user id, after `after` when given.
    async fn list_group_members(
        &self,
        pool_id: &PoolId,
        name: &str,
        after: Option<UserId>,
        limit: u32,
    ) -> StoreResult<Vec<User>>;
}
