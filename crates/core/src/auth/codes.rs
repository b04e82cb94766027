//! One-time codes: six digits, stored only as a keyed hash, single use, attempt-limited.

use super::lockout::Streak;
use super::messages;
use crate::error::{Error, Result};
use crate::ids::{PoolId, UserId};
use crate::mail::MailMessage;
use crate::model::{App, CodePurpose, CodeRecord, User};
use crate::service::Service;
use auth_return_crypto::hash::{ct_eq, hmac_sha256};

/// Digits in a code.
const CODE_DIGITS: usize = 6;

impl Service {
    /// The keyed hash a code is kept as; a code issued for one challenge (`binding`, its
    /// nonce) answers only that challenge. Unbound codes keep the original form.
    fn code_hash(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        binding: &str,
        code: &str,
    ) -> Vec<u8> {
        let purpose = purpose.as_str();
        let msg = if binding.is_empty() {
            format!("{pool_id}|{user_id}|{purpose}|{code}")
        } else {
            format!("{pool_id}|{user_id}|{purpose}|{binding}|{code}")
        };
        hmac_sha256(self.keyring.codes.expose(), msg.as_bytes()).to_vec()
    }

    /// Issues a new code (replacing any pending one) and mails it: to the pending email for
    /// `VerifyEmail` when there is one, else to the user's email. If the mail cannot be sent
    /// the code is withdrawn and `DeliveryFailed` returned.
    pub(crate) async fn send_code(
        &self,
        app: &App,
        user: &User,
        purpose: CodePurpose,
    ) -> Result<String> {
        self.send_bound_code(app, user, purpose, "").await
    }

    /// [`Self::send_code`], for a code that answers only the challenge `binding` names.
    pub(crate) async fn send_bound_code(
        &self,
        app: &App,
        user: &User,
        purpose: CodePurpose,
        binding: &str,
    ) -> Result<String> {
        let ttl_secs = match purpose {
            CodePurpose::SignUp | CodePurpose::VerifyEmail => self.config.signup_code_ttl_secs,
            CodePurpose::ForgotPassword => self.config.reset_code_ttl_secs,
            CodePurpose::MfaEmail => super::mfa::MFA_SESSION_SECS,
        };
        let to = match (purpose, &user.pending_email) {
            (CodePurpose::VerifyEmail, Some(pending)) => pending.clone(),
            _ => user.email.clone(),
        };
        let code = auth_return_crypto::random::digits(CODE_DIGITS);
        let record = CodeRecord {
            code_hash: self.code_hash(&user.pool_id, user.id, purpose, binding, &code),
            expires_at: self.clock.now() + ttl_secs,
            failed_attempts: 0,
        };
        self.store
            .put_code(&user.pool_id, user.id, purpose, &record)
            .await?;
        let message = messages::verification(app, &self.config.mail_from_name, &to, purpose, &code);
        if let Err(e) = self.deliver(&message).await {
            self.store
                .delete_code(&user.pool_id, user.id, purpose)
                .await?;
            return Err(e);
        }
        Ok(to)
    }

    /// Sends one message; a failure is logged (without the body, which holds secrets) and
    /// becomes `DeliveryFailed`.
    pub(crate) async fn deliver(&self, message: &MailMessage) -> Result<()> {
        let sent = self.mailer.send(message).await;
        self.metrics.mail(sent.is_ok());
        sent.map_err(|e| {
            tracing::warn!(app_id = %message.app_id, to = %crate::mail::mask_email(&message.to), error = %e, "mail delivery failed");
            Error::DeliveryFailed
        })
    }

    /// Checks and consumes a code: every guess is counted before it is judged, against the code
    /// (after the limit it is dead and a new one must be requested) and against the user and
    /// purpose on the sign-in lockout's schedule, which new codes do not reset: while locked,
    /// every code — even the right one — is refused.
    pub(crate) async fn redeem_code(
        &self,
        user: &User,
        purpose: CodePurpose,
        code: &str,
    ) -> Result<()> {
        self.redeem_bound_code(user, purpose, "", code).await
    }

    /// [`Self::redeem_code`], for a code issued for the challenge `binding` names.
    pub(crate) async fn redeem_bound_code(
        &self,
        user: &User,
        purpose: CodePurpose,
        binding: &str,
        code: &str,
    ) -> Result<()> {
        let streak = self
            .reserve_code_attempt(&user.pool_id, purpose, &user.id.to_string())
            .await?;
        let now = self.clock.now();
        let max = self.config.max_code_attempts;
        let Some(pending) = self
            .store
            .reserve_code_guess(&user.pool_id, user.id, purpose, max, now)
            .await?
        else {
            // Not judged: no code, an expired one, or one whose guesses are spent.
            let spent = self
                .store
                .get_code(&user.pool_id, user.id, purpose)
                .await?
                .is_some_and(|p| p.expires_at > now && p.failed_attempts >= max);
            if purpose == CodePurpose::ForgotPassword {
                // Answered as a wrong guess, as for a name that is no user: whether a reset
                // code was ever sent must not tell whether the account exists.
                return Err(self.wrong_code(streak, purpose, spent));
            }
            return Err(if spent {
                Error::CodeAttemptsExceeded
            } else {
                Error::CodeExpired
            });
        };
        let presented = self.code_hash(&user.pool_id, user.id, purpose, binding, code.trim());
        if !ct_eq(&presented, &pending.code_hash) {
            return Err(self.wrong_code(streak, purpose, pending.failed_attempts >= max));
        }
        self.clear_failures(streak).await?;
        if self
            .store
            .take_code(&user.pool_id, user.id, purpose, &presented)
            .await?
        {
            Ok(())
        } else {
            // Someone else redeemed it a moment ago: single use.
            Err(Error::CodeExpired)
        }
    }

    /// Reserves a code guess on the streak of `subject_id` (a user's id, or the decoy id of a
    /// name that is no user) for `purpose`; refused while locked.
    pub(crate) async fn reserve_code_attempt(
        &self,
        pool_id: &PoolId,
        purpose: CodePurpose,
        subject_id: &str,
    ) -> Result<Streak> {
        let subject = super::lockout::code_subject(purpose, subject_id);
        self.reserve_attempt(pool_id, subject)
            .await
            .map_err(|e| match e {
                Error::PasswordAttemptsExceeded => Error::CodeAttemptsExceeded,
                e => e,
            })
    }

    /// The answer to a wrong (or unjudged) code: the limit is reached when the code's guesses
    /// are `spent` — and, for password resets, when the streak has reached the guesses one code
    /// allows, which answers the same whether or not there is a code, or a user.
    pub(crate) fn wrong_code(&self, streak: Streak, purpose: CodePurpose, spent: bool) -> Error {
        let exhausted = spent
            || (purpose == CodePurpose::ForgotPassword
                && streak.failures() >= self.config.max_code_attempts);
        self.record_failure(streak);
        if exhausted {
            Error::CodeAttemptsExceeded
        } else {
            Error::CodeMismatch
        }
    }
}
