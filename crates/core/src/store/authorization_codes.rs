//! Spent OAuth 2.0 authorization codes: a code is sealed and carries its own grant, so only its
//! spending is stored, to refuse a second exchange and revoke what the first one opened
//! (RFC 6749 §4.1.2, §10.5).

use super::StoreResult;
use crate::ids::{PoolId, SessionId};
use crate::model::{CodeSpend, Timestamp};
use async_trait::async_trait;

/// Spent authorization codes. Part of [`super::Store`].
#[async_trait]
pub trait AuthorizationCodeStore: Send + Sync {
    /// Records the code with this hash as spent by an exchange that opened `session_id` (`None`
    /// when the exchange failed its checks), atomically: of any number of concurrent calls, on
    /// any instance, exactly one gets [`CodeSpend::First`]; every later one gets
    /// [`CodeSpend::Again`] naming the first one's session, and marks the code replayed.
    /// `expires_at` is the code's own expiry; the record is kept an hour past it.
    async fn spend_authorization_code(
        &self,
        pool_id: &PoolId,
        hash: &[u8],
        session_id: Option<SessionId>,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> StoreResult<CodeSpend>;
}
