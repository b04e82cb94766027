//! Housekeeping: expired rows of every table go in one call.

use super::StoreResult;
use crate::model::Timestamp;
use async_trait::async_trait;

/// Housekeeping. Part of [`super::Store`].
#[async_trait]
pub trait PruneStore: Send + Sync {
    /// Deletes sessions (with their refresh tokens), codes, revocations, mail-quota windows and
    /// hosted sessions that expired (ended) before `now`, authorization codes that expired more
    /// than an hour before `now` (so that a replay of a code just past its expiry is still told
    /// apart from an unknown code), failure streaks whose last failure is more than an hour
    /// before `now`, and all but the newest [`super::CHANGES_KEPT`] changes (never the newest
    /// one); returns how many rows went.
    async fn prune_expired(&self, now: Timestamp) -> StoreResult<u64>;
}
