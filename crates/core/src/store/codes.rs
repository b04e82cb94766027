//! One-time codes: at most one pending per user and purpose, guessed and consumed atomically.

use super::StoreResult;
use crate::ids::{PoolId, UserId};
use crate::model::{CodePurpose, CodeRecord, Timestamp};
use async_trait::async_trait;

/// One-time codes. Part of [`super::Store`].
#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Stores (or replaces) the user's pending code for `purpose`.
    async fn put_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()>;
    /// The user's pending code for `purpose`.
    async fn get_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>>;
    /// Counts a guess against the pending code before it is judged, in one statement, but only
    /// while it has fewer than `max_attempts` guesses counted and `expires_at > now`: however
    /// many guesses arrive at once, at most `max_attempts` are ever judged. Returns the code as
    /// it is after the count; `None` when there is none, it expired or its guesses are spent.
    async fn reserve_code_guess(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        max_attempts: i64,
        now: Timestamp,
    ) -> StoreResult<Option<CodeRecord>>;
    /// Deletes the pending code if its hash is `code_hash`; `true` if this call consumed it
    /// (so two concurrent uses of one code cannot both succeed).
    async fn take_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        code_hash: &[u8],
    ) -> StoreResult<bool>;
    /// Deletes the pending code for `purpose`, whatever it is.
    async fn delete_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
    ) -> StoreResult<()>;
}
