//! A WebAuthn ceremony's state between its two calls: sealed, kept in the store under a key
//! naming the ceremony, taken once by the answer (WebAuthn §13.4.3: the challenge is the
//! server's to remember, not the client's to bring back).

use crate::error::{Error, Result};
use crate::ids::{PoolId, UserId};
use crate::service::Service;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The key of `user`'s registration under way: one at a time, a new start replaces it.
pub(super) fn registration_key(pool_id: &PoolId, user_id: UserId) -> Vec<u8> {
    format!("registration|{pool_id}|{user_id}").into_bytes()
}

/// The key of a sign-in challenge, by its `Session`'s nonce.
pub(super) fn sign_in_key(nonce: &str) -> Vec<u8> {
    format!("sign-in|{nonce}").into_bytes()
}

/// The AAD of a ceremony's sealed state: its key, so no state opens under another.
fn aad(key: &[u8]) -> Vec<u8> {
    let mut aad = b"ceremony|".to_vec();
    aad.extend_from_slice(key);
    aad
}

impl Service {
    /// Keeps `state` under `key` for [`super::CEREMONY_SECS`].
    pub(super) async fn put_ceremony_state<T: Serialize>(
        &self,
        key: &[u8],
        state: &T,
    ) -> Result<()> {
        let plain =
            serde_json::to_vec(state).map_err(|e| Error::Internal(format!("ceremony: {e}")))?;
        let sealed = self.keyring.passkeys.seal(&plain, &aad(key));
        let expires_at = self.clock.now() + super::CEREMONY_SECS;
        Ok(self.store.put_ceremony(key, &sealed, expires_at).await?)
    }

    /// Takes the state under `key`: `None` when there is none, it expired, it was taken
    /// already, or it is not a `T` sealed here.
    pub(super) async fn take_ceremony_state<T: DeserializeOwned>(
        &self,
        key: &[u8],
    ) -> Result<Option<T>> {
        let Some(sealed) = self.store.take_ceremony(key, self.clock.now()).await? else {
            return Ok(None);
        };
        let Ok(plain) = self.keyring.passkeys.open(&sealed, &aad(key)) else {
            return Ok(None);
        };
        Ok(serde_json::from_slice(plain.expose()).ok())
    }
}
