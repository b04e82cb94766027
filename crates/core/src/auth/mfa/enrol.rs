//! Setting up an authenticator app: AssociateSoftwareToken hands out a new secret and
//! VerifySoftwareToken checks a first code from it, either signed in (an access token) or in
//! the middle of a sign-in that must set one up (the `MFA_SETUP` challenge's `Session`).

use super::session::Stage;
use super::sign_in::mfa_subject;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind};
use crate::model::{App, MfaFactor, User, UserMfa, UserStatus};
use crate::service::Service;
use crate::settings::MfaMode;
use auth_return_crypto::totp::{self, TotpSecret};

/// Who sets up an authenticator app.
pub enum SoftwareTokenCaller<'a> {
    /// A signed-in user, by their access token.
    AccessToken(&'a str),
    /// A sign-in at the `MFA_SETUP` challenge, by its `Session`.
    Session(&'a str),
}

/// What AssociateSoftwareToken answers. No `Debug`: the secret is a credential.
pub struct Associated {
    /// The new secret, base32 (`SecretCode`), for the user's authenticator app.
    pub secret_code: String,
    /// The next `Session`, when called with one.
    pub session: Option<String>,
}

impl Service {
    /// AssociateSoftwareToken: a new secret for the user's authenticator app. Signed in, it
    /// waits beside the current one (which keeps working) until VerifySoftwareToken confirms
    /// it; at `MFA_SETUP` it travels in the next `Session`.
    pub async fn associate_software_token(
        &self,
        who: SoftwareTokenCaller<'_>,
    ) -> Result<Associated> {
        let secret = TotpSecret::generate();
        let secret_code = secret.to_base32();
        match who {
            SoftwareTokenCaller::AccessToken(token) => {
                let (app, user) = self.mfa_token_user(token).await?;
                let mut record = self.mfa_record(&app.pool_id, user.id).await?;
                record.sealed_pending_totp_secret =
                    Some(self.seal_totp_secret(&app.pool_id, user.id, &secret));
                record.updated_at = self.clock.now();
                self.store.put_user_mfa(&record).await?;
                Ok(Associated {
                    secret_code,
                    session: None,
                })
            }
            SoftwareTokenCaller::Session(session) => {
                let mut state =
                    self.open_mfa_state(session, &[Stage::Setup, Stage::SetupAssociated])?;
                state.stage = Stage::SetupAssociated;
                state.secret = Some(secret_code.clone());
                state.exp = self.clock.now() + super::session::MFA_SESSION_SECS;
                Ok(Associated {
                    secret_code,
                    session: Some(self.seal_mfa_state(&state)?),
                })
            }
        }
    }

    /// VerifySoftwareToken: checks a code of the newly associated secret and, when right,
    /// makes it the user's authenticator app, turned on and preferred unless another factor
    /// is. A wrong code counts toward the user's second-factor lockout. At `MFA_SETUP`, answers
    /// the `Session` RespondToAuthChallenge completes the sign-in with.
    pub async fn verify_software_token(
        &self,
        who: SoftwareTokenCaller<'_>,
        code: &str,
        caller: &Caller,
    ) -> Result<Option<String>> {
        match who {
            SoftwareTokenCaller::AccessToken(token) => {
                let (app, user) = self.mfa_token_user(token).await?;
                let record = self.store.get_user_mfa(&app.pool_id, user.id).await?;
                let Some((record, sealed)) = record.and_then(|r| {
                    let sealed = r.sealed_pending_totp_secret.clone()?;
                    Some((r, sealed))
                }) else {
                    return Err(Error::SoftwareTokenNotFound);
                };
                let secret = self.open_totp_secret(&app.pool_id, user.id, &sealed)?;
                self.confirm_totp(&app, &user, record, &secret, code, caller)
                    .await?;
                Ok(None)
            }
            SoftwareTokenCaller::Session(session) => {
                let mut state = self.open_mfa_state(session, &[Stage::SetupAssociated])?;
                let app = self.app_for_client(&state.client).await?;
                let user = self
                    .store
                    .get_user(&app.pool_id, state.uid)
                    .await?
                    .filter(|u| u.pool_id == state.pool && u.status == UserStatus::Confirmed)
                    .ok_or(Error::ChallengeExpired)?;
                if !user.enabled {
                    return Err(Error::UserDisabled);
                }
                let secret = state
                    .secret
                    .as_deref()
                    .and_then(TotpSecret::from_base32)
                    .ok_or(Error::ChallengeExpired)?;
                let record = self.mfa_record(&app.pool_id, user.id).await?;
                self.confirm_totp(&app, &user, record, &secret, code, caller)
                    .await?;
                state.stage = Stage::SetupVerified;
                state.secret = None;
                state.exp = self.clock.now() + super::session::MFA_SESSION_SECS;
                Ok(Some(self.seal_mfa_state(&state)?))
            }
        }
    }

    /// The user of an access token, in an app whose MFA is not off.
    async fn mfa_token_user(&self, token: &str) -> Result<(App, User)> {
        let (_, user) = self.access_token_user(token).await?;
        let app = self.app_of_pool(&user.pool_id).await?;
        if app.settings.mfa.mode == MfaMode::Off {
            return Err(Error::InvalidParameter(
                "MFA is not enabled for this user pool.".into(),
            ));
        }
        Ok((app, user))
    }

    /// Checks `code` against `secret` and, when right (and not replayed), makes `secret` the
    /// user's authenticator app.
    async fn confirm_totp(
        &self,
        app: &App,
        user: &User,
        mut record: UserMfa,
        secret: &TotpSecret,
        code: &str,
        caller: &Caller,
    ) -> Result<()> {
        let streak = self
            .reserve_attempt(&app.pool_id, mfa_subject(&user.id.to_string()))
            .await?;
        let now = self.clock.now();
        let Some(step) = totp::verify(secret, code, now) else {
            self.record_failure(streak);
            self.record_mfa_change(
                user,
                EventKind::MfaSetupFailed,
                MfaFactor::SoftwareToken,
                None,
                caller,
            );
            return Err(Error::SoftwareTokenMismatch);
        };
        // The replay guard lives in the record: store it (with the secret still pending),
        // then start the guard over from this code's step, for the new secret.
        record.sealed_pending_totp_secret =
            Some(self.seal_totp_secret(&app.pool_id, user.id, secret));
        record.updated_at = now;
        self.store.put_user_mfa(&record).await?;
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        self.store
            .restart_totp_steps(&app.pool_id, user.id, step)
            .await?;
        self.clear_failures(streak).await?;
        let was_on = super::totp_on(Some(&record));
        record.sealed_totp_secret = record.sealed_pending_totp_secret.take();
        record.totp_verified = true;
        record.totp_enabled = true;
        record.preferred.get_or_insert(MfaFactor::SoftwareToken);
        self.store.put_user_mfa(&record).await?;
        tracing::info!(pool_id = %app.pool_id, user_id = %user.id, "authenticator app set up");
        if !was_on {
            self.record_mfa_change(
                user,
                EventKind::MfaEnabled,
                MfaFactor::SoftwareToken,
                None,
                caller,
            );
        }
        Ok(())
    }
}
