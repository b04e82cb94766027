//! Users' second factors: one record per user, replaced whole, and the replay guard of its
//! TOTP codes.

use super::StoreResult;
use crate::ids::{PoolId, UserId};
use crate::model::UserMfa;
use async_trait::async_trait;

/// Second factors of sign-in. Part of [`super::Store`].
#[async_trait]
pub trait MfaStore: Send + Sync {
    /// The user's record, `None` when they have none (no second factor set up).
    async fn get_user_mfa(&self, pool_id: &PoolId, user_id: UserId)
    -> StoreResult<Option<UserMfa>>;
    /// Stores the user's record, replacing the whole of any earlier one, but not the replay
    /// guard of [`Self::spend_totp_step`]. An error, storing nothing, when the user does not
    /// exist in that pool.
    async fn put_user_mfa(&self, mfa: &UserMfa) -> StoreResult<()>;
    /// Removes the user's record (an administrator's MFA reset); `true` when there was one.
    async fn delete_user_mfa(&self, pool_id: &PoolId, user_id: UserId) -> StoreResult<bool>;
    /// The replay guard of TOTP codes (RFC 6238 §5.2: a code accepted once is not accepted
    /// again): `true` iff `step` is later than every time step accepted before for this user,
    /// which it then records. Atomic: of concurrent calls with the same step, on any instance,
    /// exactly one gets `true`. `false` when the user has no record.
    async fn spend_totp_step(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        step: i64,
    ) -> StoreResult<bool>;
    /// Starts the replay guard over at `step`, the first step accepted from a new secret
    /// (codes of the old secret are worthless once it is replaced, and counting the new one's
    /// from the old one's would refuse good codes for up to a minute). `false` when the user
    /// has no record.
    async fn restart_totp_steps(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        step: i64,
    ) -> StoreResult<bool>;
}
