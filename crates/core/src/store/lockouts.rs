//! Sign-in failure streaks, swapped whole so concurrent attempts lose no count.

use super::StoreResult;
use crate::ids::PoolId;
use crate::model::LockoutRecord;
use async_trait::async_trait;

/// Sign-in failure streaks. Part of [`super::Store`].
#[async_trait]
pub trait LockoutStore: Send + Sync {
    /// The failure streak of `subject` (an opaque sign-in name key) in a pool.
    async fn get_lockout(
        &self,
        pool_id: &PoolId,
        subject: &str,
    ) -> StoreResult<Option<LockoutRecord>>;
    /// Replaces the failure streak of `subject` with `next` only if it is still `expected`
    /// (`None`: there is no streak), in one statement; `true` if it did. Concurrent attempts
    /// each reserve their count this way, so none is lost and none judged past a lock.
    async fn swap_lockout(
        &self,
        pool_id: &PoolId,
        subject: &str,
        expected: Option<&LockoutRecord>,
        next: &LockoutRecord,
    ) -> StoreResult<bool>;
    /// Forgets the failure streak of `subject` (after a successful sign-in).
    async fn clear_lockout(&self, pool_id: &PoolId, subject: &str) -> StoreResult<()>;
}
