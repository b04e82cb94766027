//! The multi-factor challenge state, sealed into `Session` like `SECRET_BLOCK`: naming its pool
//! and client, valid 3 minutes, single use (the answer that completes the sign-in claims its
//! nonce). AssociateSoftwareToken and VerifySoftwareToken name no client, so the state carries
//! it instead of being bound to it by the AAD.

use crate::error::{Error, Result};
use crate::ids::{ClientId, PoolId, UserId};
use crate::model::App;
use crate::service::Service;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// How long a multi-factor challenge may be answered.
pub(crate) const MFA_SESSION_SECS: i64 = 180;
/// Longest `Session` we will try to open.
const MAX_SESSION_LEN: usize = 4096;

/// Which challenge a `Session` belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Stage {
    /// `SOFTWARE_TOKEN_MFA`: a code from the user's authenticator app.
    Totp,
    /// `EMAIL_OTP`: the code just mailed to the user.
    Email,
    /// `SELECT_MFA_TYPE`: the user has both factors and prefers neither.
    Select,
    /// `MFA_SETUP`, before a secret was handed out.
    Setup,
    /// `MFA_SETUP`, with the secret AssociateSoftwareToken handed out.
    SetupAssociated,
    /// `MFA_SETUP`, with the authenticator app verified: RespondToAuthChallenge signs in.
    SetupVerified,
    /// `SELECT_CHALLENGE`: the client chooses a first factor (`USER_AUTH`); `uid` may be a
    /// decoy's.
    SelectChallenge,
    /// `WEB_AUTHN`: a passkey's assertion; `uid` may be a decoy's.
    WebAuthn,
    /// `WEB_AUTHN` with no name given: the passkey names its user; `uid` is nil.
    UsernamelessWebAuthn,
}

/// Everything a multi-factor (or first-factor choice) answer needs, sealed under the challenge key.
#[derive(Serialize, Deserialize)]
pub(crate) struct MfaState {
    pub pool: PoolId,
    pub client: ClientId,
    pub uid: UserId,
    pub stage: Stage,
    /// The secret being set up (base32), in `SetupAssociated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// At `Email`: the code sets up codes by email (`MFA_SETUP` answered with `EMAIL`), so the
    /// right one turns them on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enrol_email: bool,
    /// Expiry, epoch seconds.
    pub exp: i64,
    /// Single-use nonce, base64.
    pub nonce: String,
}

/// The AAD of every multi-factor state (the SRP and new-password states use others).
const AAD: &[u8] = b"mfa-challenge";

impl Service {
    /// A new state for `uid` at `stage`, expiring in 3 minutes.
    pub(crate) fn new_mfa_state(&self, app: &App, uid: UserId, stage: Stage) -> MfaState {
        MfaState {
            pool: app.pool_id.clone(),
            client: app.client.id.clone(),
            uid,
            stage,
            secret: None,
            enrol_email: false,
            exp: self.clock.now() + MFA_SESSION_SECS,
            nonce: STANDARD.encode(auth_return_crypto::random::bytes::<16>()),
        }
    }

    /// The `Session` carrying `state`.
    pub(crate) fn seal_mfa_state(&self, state: &MfaState) -> Result<String> {
        let plain =
            serde_json::to_vec(state).map_err(|e| Error::Internal(format!("challenge: {e}")))?;
        Ok(STANDARD.encode(self.keyring.challenges.seal(&plain, AAD)))
    }

    /// The state a `Session` carries, when it was sealed here, has not expired and is at one
    /// of `stages`; else `ChallengeExpired`.
    pub(crate) fn open_mfa_state(&self, session: &str, stages: &[Stage]) -> Result<MfaState> {
        if session.len() > MAX_SESSION_LEN {
            return Err(Error::ChallengeExpired);
        }
        let sealed = STANDARD
            .decode(session)
            .map_err(|_| Error::ChallengeExpired)?;
        let plain = self
            .keyring
            .challenges
            .open(&sealed, AAD)
            .map_err(|_| Error::ChallengeExpired)?;
        let state: MfaState =
            serde_json::from_slice(plain.expose()).map_err(|_| Error::ChallengeExpired)?;
        if state.exp <= self.clock.now() || !stages.contains(&state.stage) {
            return Err(Error::ChallengeExpired);
        }
        Ok(state)
    }

    /// The client a live multi-factor `Session` was issued through (for the CORS grant of the
    /// calls that name no other).
    pub fn challenge_session_client(&self, session: &str) -> Option<ClientId> {
        let all = [
            Stage::Totp,
            Stage::Email,
            Stage::Select,
            Stage::Setup,
            Stage::SetupAssociated,
            Stage::SetupVerified,
            Stage::SelectChallenge,
            Stage::WebAuthn,
            Stage::UsernamelessWebAuthn,
        ];
        self.open_mfa_state(session, &all).ok().map(|s| s.client)
    }

    /// [`Self::open_mfa_state`], for a state of `app`'s client.
    pub(crate) fn open_mfa_state_of(
        &self,
        app: &App,
        session: &str,
        stages: &[Stage],
    ) -> Result<MfaState> {
        let state = self.open_mfa_state(session, stages)?;
        if state.client != app.client.id || state.pool != app.pool_id {
            return Err(Error::ChallengeExpired);
        }
        Ok(state)
    }
}
