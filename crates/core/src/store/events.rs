//! Per-app audit events: recorded in batches, listed newest first, pruned by age.

use super::StoreResult;
use crate::events::{Event, EventQuery, NewEvent};
use crate::ids::PoolId;
use crate::model::Timestamp;
use async_trait::async_trait;

/// Audit events. Part of [`super::Store`].
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Records `events` (of any pools), all or none: each gets the next id of one sequence
    /// shared by every pool and instance, increasing in insertion order and never reused. The
    /// email, client address and user agent are kept to their caps
    /// ([`crate::events::cap`]). An empty slice writes nothing. Events go with their app.
    async fn record_events(&self, events: &[NewEvent]) -> StoreResult<()>;
    /// `pool_id`'s events meeting every filter of `query`, newest (highest id) first: of
    /// `query.kind`, of `query.user_id`, with an id below `query.before`; at most
    /// `query.limit`. The last id of a page is the `before` of the next.
    async fn list_events(&self, pool_id: &PoolId, query: &EventQuery) -> StoreResult<Vec<Event>>;
    /// Deletes at most `batch` events, of any pool, that happened before `before` (oldest
    /// first); returns how many. One short statement per call, so that a large prune, called
    /// until it returns less than `batch`, never holds a long lock.
    async fn prune_events(&self, before: Timestamp, batch: u32) -> StoreResult<u64>;
}
