//! Mail quotas: counted per subject and window across every instance.

use super::StoreResult;
use crate::model::Timestamp;
use async_trait::async_trait;

/// Mail quotas. Part of [`super::Store`].
#[async_trait]
pub trait MailQuotaStore: Send + Sync {
    /// Counts one mail against `subject`'s quota for the window ending at `window_ends_at`,
    /// in one statement, but only while fewer than `limit` are counted: however many
    /// reservations arrive at once, on any number of instances, at most `limit` succeed per
    /// window. `true` if this one was counted.
    async fn reserve_mail_quota(
        &self,
        subject: &str,
        window_ends_at: Timestamp,
        limit: i64,
    ) -> StoreResult<bool>;
}
