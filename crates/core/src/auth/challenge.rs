//! The SRP challenge state, sealed into `SECRET_BLOCK` (docs/cognito-protocol.md §3.8): nothing is
//! stored between InitiateAuth and RespondToAuthChallenge, any instance can answer, and a replay
//! cache in the store makes each block single-use.

use crate::error::{Error, Result};
use crate::ids::{ClientId, PoolId};
use crate::service::Service;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Longest SECRET_BLOCK we will try to open.
const MAX_BLOCK_LEN: usize = 8 * 1024;

/// Everything RespondToAuthChallenge needs, sealed under the challenge key.
#[derive(Serialize, Deserialize)]
pub(crate) struct ChallengeState {
    /// Format version.
    pub v: u8,
    pub pool: PoolId,
    pub client: ClientId,
    /// USER_ID_FOR_SRP (for unknown users, the decoy uid).
    pub uid: String,
    /// Whether `uid` is a real user (false: a simulated challenge that can never succeed).
    pub real: bool,
    /// A, b and B, base64.
    pub a: String,
    pub b: String,
    pub b_pub: String,
    /// Expiry, epoch seconds.
    pub exp: i64,
    /// Single-use nonce, base64.
    pub nonce: String,
}

fn aad(client_id: &ClientId) -> Vec<u8> {
    format!("srp-challenge|{client_id}").into_bytes()
}

impl ChallengeState {
    pub(crate) fn bytes(field: &str) -> Result<Vec<u8>> {
        STANDARD.decode(field).map_err(|_| Error::ChallengeExpired)
    }
}

impl Service {
    /// Seals the state; the result is the `SECRET_BLOCK` (standard base64).
    pub(crate) fn seal_challenge(&self, state: &ChallengeState) -> Result<String> {
        let plain =
            serde_json::to_vec(state).map_err(|e| Error::Internal(format!("challenge: {e}")))?;
        Ok(STANDARD.encode(self.keyring.challenges.seal(&plain, &aad(&state.client))))
    }

    /// Opens a `SECRET_BLOCK` presented with `client_id`; returns the state and the block's
    /// bytes (which the signature covers). Anything wrong is `ChallengeExpired`.
    pub(crate) fn open_challenge(
        &self,
        client_id: &ClientId,
        block_b64: &str,
    ) -> Result<(ChallengeState, Vec<u8>)> {
        if block_b64.len() > MAX_BLOCK_LEN {
            return Err(Error::ChallengeExpired);
        }
        let block = STANDARD
            .decode(block_b64)
            .map_err(|_| Error::ChallengeExpired)?;
        let plain = self
            .keyring
            .challenges
            .open(&block, &aad(client_id))
            .map_err(|_| Error::ChallengeExpired)?;
        let state: ChallengeState =
            serde_json::from_slice(plain.expose()).map_err(|_| Error::ChallengeExpired)?;
        if state.v != 1 || state.client != *client_id || state.exp <= self.clock.now() {
            return Err(Error::ChallengeExpired);
        }
        Ok((state, block))
    }

    /// Whether the challenge with this (base64) `nonce` was answered already.
    pub(crate) async fn challenge_answered(&self, nonce: &str) -> Result<bool> {
        let nonce = ChallengeState::bytes(nonce)?;
        Ok(self.store.challenge_claimed(&nonce).await?)
    }

    /// Marks the challenge with this (base64) `nonce` answered, remembered until `exp`: a
    /// second answer, on any instance, is `ChallengeExpired`.
    pub(crate) async fn claim_challenge(&self, nonce: &str, exp: i64) -> Result<()> {
        let nonce = ChallengeState::bytes(nonce)?;
        if self
            .store
            .claim_challenge(&nonce, exp, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(Error::ChallengeExpired)
        }
    }
}
