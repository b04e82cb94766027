//! Users' passkeys, and the state of WebAuthn ceremonies under way (a registration between
//! StartWebAuthnRegistration and CompleteWebAuthnRegistration, a sign-in between its challenge
//! and its answer), kept server-side as WebAuthn asks (the challenge must not come back from
//! the client) and taken once.

use super::StoreResult;
use crate::ids::{PoolId, UserId};
use crate::model::{StoredPasskey, Timestamp};
use async_trait::async_trait;

/// Passkeys and ceremonies. Part of [`super::Store`].
#[async_trait]
pub trait PasskeyStore: Send + Sync {
    /// Stores a new passkey: `Conflict` when its credential id is already registered in the
    /// pool (to this user or another), an error storing nothing when the user does not exist.
    async fn insert_passkey(&self, passkey: &StoredPasskey) -> StoreResult<()>;
    /// The user's passkeys, oldest first.
    async fn list_passkeys(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
    ) -> StoreResult<Vec<StoredPasskey>>;
    /// Removes one of the user's passkeys; `false` when they have none with that id.
    async fn delete_passkey(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        credential_id: &[u8],
    ) -> StoreResult<bool>;
    /// Records a sign-in with a passkey: its updated credential (the signature counter) and
    /// when. `false` when it is gone (removed meanwhile).
    async fn record_passkey_use(
        &self,
        pool_id: &PoolId,
        credential_id: &[u8],
        sealed_credential: &[u8],
        used_at: Timestamp,
    ) -> StoreResult<bool>;
    /// Keeps a ceremony's sealed state under `key` until `expires_at`, replacing any earlier
    /// one under the same key.
    async fn put_ceremony(
        &self,
        key: &[u8],
        sealed_state: &[u8],
        expires_at: Timestamp,
    ) -> StoreResult<()>;
    /// Takes the ceremony under `key`: its state, if there is one that has not expired by
    /// `now`, and never again (of concurrent calls, on any instance, one gets it).
    async fn take_ceremony(&self, key: &[u8], now: Timestamp) -> StoreResult<Option<Vec<u8>>>;
}
