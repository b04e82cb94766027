//! The multi-factor step of a sign-in: after the password, `SOFTWARE_TOKEN_MFA` for a user with
//! an authenticator app, `MFA_SETUP` for a user without one where the app requires MFA; and the
//! answers that complete the sign-in.

use super::session::{MfaState, Stage};
use super::{email_on, totp_on};
use crate::auth::audit::SignInFacts;
use crate::auth::flows::{MfaCodeAnswer, MfaSelectAnswer, MfaSetupAnswer};
use crate::auth::{AuthStep, CodeDelivery, MfaChallenge, SignInTarget, known_names};
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind};
use crate::ids::ClientId;
use crate::model::{App, CodePurpose, MfaFactor, User, UserStatus};
use crate::service::Service;
use crate::settings::MfaMode;
use auth_return_crypto::totp;

/// The lockout key of wrong second-factor codes for a user: a streak of its own, which a right
/// password does not end (else each password would buy a few more guesses at the code).
pub(crate) fn mfa_subject(user_id: &str) -> String {
    format!("mfa:{user_id}")
}

impl Service {
    /// The challenge a user whose password was just proven must answer before they are signed
    /// in, if any: their one factor, the preferred one of two (else `SELECT_MFA_TYPE`), or the
    /// setup of an authenticator app where the app requires MFA and they have no factor.
    pub(crate) async fn second_factor(&self, app: &App, user: &User) -> Result<Option<AuthStep>> {
        let mode = app.settings.mfa.mode;
        if mode == MfaMode::Off {
            return Ok(None);
        }
        let mfa = self.store.get_user_mfa(&app.pool_id, user.id).await?;
        let stage = match (totp_on(mfa.as_ref()), email_on(app, user, mfa.as_ref())) {
            (false, false) if mode == MfaMode::On => Stage::Setup,
            (false, false) => return Ok(None),
            (true, false) => Stage::Totp,
            (false, true) => Stage::Email,
            (true, true) => match mfa.as_ref().and_then(|m| m.preferred) {
                Some(MfaFactor::SoftwareToken) => Stage::Totp,
                Some(MfaFactor::EmailOtp) => Stage::Email,
                None => Stage::Select,
            },
        };
        self.mfa_challenge(app, user, stage).await.map(Some)
    }

    /// A new challenge at `stage` for `user`; at `Email`, with the code mailed.
    async fn mfa_challenge(&self, app: &App, user: &User, stage: Stage) -> Result<AuthStep> {
        let state = self.new_mfa_state(app, user.id, stage);
        self.mfa_challenge_of(app, user, state).await
    }

    /// The challenge of `state`; at `Email`, with the code mailed.
    async fn mfa_challenge_of(&self, app: &App, user: &User, state: MfaState) -> Result<AuthStep> {
        let stage = state.stage;
        let challenge = MfaChallenge {
            session: self.seal_mfa_state(&state)?,
            user_id_for_srp: user.id.to_string(),
        };
        Ok(match stage {
            Stage::Totp => AuthStep::SoftwareTokenMfa(challenge),
            Stage::Email => {
                let to = self
                    .send_bound_code(app, user, CodePurpose::MfaEmail, &state.nonce)
                    .await?;
                let delivery = CodeDelivery {
                    destination: crate::mail::mask_email(&to),
                };
                AuthStep::EmailOtp(challenge, delivery)
            }
            Stage::Select => AuthStep::SelectMfaType(challenge),
            Stage::Setup | Stage::SetupAssociated | Stage::SetupVerified => {
                let email = app.settings.mfa.email_otp && user.email_verified;
                AuthStep::MfaSetup(challenge, email)
            }
            Stage::SelectChallenge | Stage::WebAuthn | Stage::UsernamelessWebAuthn => {
                return Err(Error::Internal("not a second-factor stage".into()));
            }
        })
    }

    /// What a multi-factor answer is about: the app of `client_id`, the state its `Session`
    /// carries (at `stage`), and its user — still one who may sign in, named by the answer's
    /// `USERNAME`, with the client's `SECRET_HASH` when it has a secret.
    async fn mfa_answer(
        &self,
        client_id: &ClientId,
        answered: Answered<'_>,
        stage: Stage,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<(App, MfaState, User)> {
        let app = self.app_for_client(client_id).await?;
        facts.attempt(&app.pool_id, answered.username);
        let state = self.open_mfa_state_of(&app, answered.session, &[stage])?;
        let user = self
            .store
            .get_user(&app.pool_id, state.uid)
            .await?
            .filter(|u| u.status == UserStatus::Confirmed)
            .ok_or(Error::ChallengeExpired)?;
        facts.found(&user);
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        let [id, email] = known_names(&user);
        let username = answered.username;
        self.check_sign_in_hash(&app, target, answered.secret_hash, &[username, &id, &email])?;
        if username != id && !username.trim().eq_ignore_ascii_case(&email) {
            return Err(Error::ChallengeExpired);
        }
        Ok((app, state, user))
    }

    /// RespondToAuthChallenge `SOFTWARE_TOKEN_MFA`: the code of the user's authenticator app.
    /// A wrong or replayed code counts toward the user's second-factor lockout and leaves the
    /// `Session` usable until it expires; the right one signs in and spends it.
    pub(crate) async fn answer_software_token_mfa(
        &self,
        client_id: &ClientId,
        answer: MfaCodeAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let (app, state, user) = self
            .mfa_answer(client_id, answer.fields(), Stage::Totp, facts, target)
            .await?;
        // A Session that already signed in is refused before its code is judged, so that the
        // code is neither spent nor counted as a failure.
        if self.challenge_answered(&state.nonce).await? {
            return Err(Error::ChallengeExpired);
        }
        let streak = self
            .reserve_attempt(&app.pool_id, mfa_subject(&user.id.to_string()))
            .await?;
        if !self.totp_code_accepted(&app, &user, &answer.code).await? {
            facts.failed(self.record_failure(streak));
            return Err(Error::MfaCodeMismatch);
        }
        self.clear_failures(streak).await?;
        self.claim_challenge(&state.nonce, state.exp).await?;
        self.complete_sign_in(&app, &user, target).await
    }

    /// Whether `code` is the current code of the user's authenticator app, not accepted
    /// before (RFC 6238 §5.2); accepting it records its time step.
    async fn totp_code_accepted(&self, app: &App, user: &User, code: &str) -> Result<bool> {
        let mfa = self.store.get_user_mfa(&app.pool_id, user.id).await?;
        let Some(sealed) = mfa
            .as_ref()
            .filter(|m| totp_on(Some(m)))
            .and_then(|m| m.sealed_totp_secret.as_deref())
        else {
            return Ok(false);
        };
        let secret = self.open_totp_secret(&app.pool_id, user.id, sealed)?;
        let Some(step) = totp::verify(&secret, code, self.clock.now()) else {
            return Ok(false);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        Ok(self
            .store
            .spend_totp_step(&app.pool_id, user.id, step)
            .await?)
    }

    /// RespondToAuthChallenge `EMAIL_OTP`: the code mailed for this challenge. A wrong code
    /// counts toward the code's guesses and the user's lockout for these codes, and leaves the
    /// `Session` usable until it expires; the right one signs in and spends both.
    pub(crate) async fn answer_email_otp(
        &self,
        client_id: &ClientId,
        answer: MfaCodeAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
        caller: &Caller,
    ) -> Result<AuthStep> {
        let (app, state, user) = self
            .mfa_answer(client_id, answer.fields(), Stage::Email, facts, target)
            .await?;
        if self.challenge_answered(&state.nonce).await? {
            return Err(Error::ChallengeExpired);
        }
        self.redeem_bound_code(&user, CodePurpose::MfaEmail, &state.nonce, &answer.code)
            .await
            .map_err(|e| match e {
                Error::CodeMismatch | Error::CodeExpired => Error::MfaCodeMismatch,
                other => other,
            })?;
        self.claim_challenge(&state.nonce, state.exp).await?;
        if state.enrol_email {
            self.turn_on_email_codes(&app, &user, caller).await?;
        }
        self.complete_sign_in(&app, &user, target).await
    }

    /// Turns on codes by email for a user who proved, at `MFA_SETUP`, that the mailed code
    /// reaches them; preferred unless another factor is.
    async fn turn_on_email_codes(&self, app: &App, user: &User, caller: &Caller) -> Result<()> {
        let mut record = self.mfa_record(&app.pool_id, user.id).await?;
        record.email_otp_enabled = true;
        record.preferred = record.preferred.or(Some(MfaFactor::EmailOtp));
        record.updated_at = self.clock.now();
        self.store.put_user_mfa(&record).await?;
        self.record_mfa_change(
            user,
            EventKind::MfaEnabled,
            MfaFactor::EmailOtp,
            None,
            caller,
        );
        Ok(())
    }

    /// RespondToAuthChallenge `SELECT_MFA_TYPE`: the factor the user chose, of the two they
    /// have; answers that factor's challenge (mailing the code for `EMAIL_OTP`).
    pub(crate) async fn answer_select_mfa_type(
        &self,
        client_id: &ClientId,
        answer: MfaSelectAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let (app, state, user) = self
            .mfa_answer(client_id, answer.fields(), Stage::Select, facts, target)
            .await?;
        let mfa = self.store.get_user_mfa(&app.pool_id, user.id).await?;
        let stage = match MfaFactor::parse(&answer.factor) {
            Some(MfaFactor::SoftwareToken) if totp_on(mfa.as_ref()) => Stage::Totp,
            Some(MfaFactor::EmailOtp) if email_on(&app, &user, mfa.as_ref()) => Stage::Email,
            _ => {
                return Err(Error::InvalidParameter(
                    "ANSWER must be one of the MFAS_CAN_CHOOSE factors.".into(),
                ));
            }
        };
        self.claim_challenge(&state.nonce, state.exp).await?;
        self.mfa_challenge(&app, &user, stage).await
    }

    /// RespondToAuthChallenge `MFA_SETUP`, once VerifySoftwareToken verified the new
    /// authenticator app with this `Session`: signs in. Answered with `EMAIL` instead (where
    /// the app offers codes by email), mails a code to set them up: the `EMAIL_OTP` challenge.
    pub(crate) async fn answer_mfa_setup(
        &self,
        client_id: &ClientId,
        answer: MfaSetupAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        if let Some(email) = &answer.email {
            return self
                .set_up_email_codes(client_id, &answer, email, facts, target)
                .await;
        }
        let (app, state, user) = self
            .mfa_answer(
                client_id,
                answer.fields(),
                Stage::SetupVerified,
                facts,
                target,
            )
            .await?;
        self.claim_challenge(&state.nonce, state.exp).await?;
        self.complete_sign_in(&app, &user, target).await
    }
}

impl Service {
    /// `MFA_SETUP` answered with `EMAIL`: the account's verified address, where the app offers
    /// codes by email; the `Session` is spent and the code mailed (`EMAIL_OTP`).
    async fn set_up_email_codes(
        &self,
        client_id: &ClientId,
        answer: &MfaSetupAnswer,
        email: &str,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let (app, state, user) = self
            .mfa_answer(client_id, answer.fields(), Stage::Setup, facts, target)
            .await?;
        if !app.settings.mfa.email_otp {
            return Err(Error::InvalidParameter(
                "Codes by email are not offered by this app.".into(),
            ));
        }
        if !user.email_verified || !email.trim().eq_ignore_ascii_case(&user.email) {
            return Err(Error::InvalidParameter(
                "EMAIL must be the account's verified email address.".into(),
            ));
        }
        self.claim_challenge(&state.nonce, state.exp).await?;
        let mut next = self.new_mfa_state(&app, user.id, Stage::Email);
        next.enrol_email = true;
        self.mfa_challenge_of(&app, &user, next).await
    }
}

/// What every multi-factor answer carries, borrowed.
struct Answered<'a> {
    session: &'a str,
    username: &'a str,
    secret_hash: Option<&'a str>,
}

/// `fields()` for the answers that carry a `Session`, `USERNAME` and `SECRET_HASH`.
macro_rules! answered {
    ($($answer:ty),+) => {$(
        impl $answer {
            fn fields(&self) -> Answered<'_> {
                Answered {
                    session: &self.session,
                    username: &self.username,
                    secret_hash: self.secret_hash.as_deref(),
                }
            }
        }
    )+};
}

answered!(MfaCodeAnswer, MfaSelectAnswer, MfaSetupAnswer);
