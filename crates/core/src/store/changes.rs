//! The change feed: what instances must drop from their caches, in commit order.

use super::StoreResult;
use crate::model::Change;
use async_trait::async_trait;

/// The change feed. Part of [`super::Store`].
#[async_trait]
pub trait ChangeStore: Send + Sync {
    /// Recorded changes with `seq > after`, oldest first, at most `limit`. Entries are numbered
    /// in commit order: once a reader has seen `seq`, no entry below it can appear later.
    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<Change>>;
    /// The newest change's `seq`, 0 when none was ever recorded.
    async fn latest_change(&self) -> StoreResult<i64>;
}
