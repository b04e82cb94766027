//! ForgotPassword and ConfirmForgotPassword (docs/cognito-protocol.md §5.1): a 6-digit code to the
//! verified email, valid 1 hour, single use, attempt-limited. Unknown, disabled and unverified
//! users get a simulated delivery, so the answer never tells whether an account exists.

use super::{CodeDelivery, find_user, known_names};
use crate::error::Result;
use crate::events::{Caller, EventKind};
use crate::ids::ClientId;
use crate::mail::mask_email;
use crate::model::{App, CodePurpose, User, UserStatus};
use crate::policy::normalize_email;
use crate::service::Service;

impl Service {
    /// Mails a password-reset code.
    pub async fn forgot_password(
        &self,
        client_id: &ClientId,
        username: &str,
        secret_hash: Option<&str>,
        caller: &Caller,
    ) -> Result<CodeDelivery> {
        let app = self.app_for_client(client_id).await?;
        let user = self.find_checked(&app, username, secret_hash).await?;
        match user {
            Some(user) if user.enabled && user.email_verified => {
                let to = self
                    .send_code(&app, &user, CodePurpose::ForgotPassword)
                    .await?;
                self.record_user_event(&user, EventKind::PasswordResetRequested, None, caller);
                Ok(CodeDelivery {
                    destination: mask_email(&to),
                })
            }
            _ => {
                let shown = normalize_email(username).unwrap_or_else(|_| username.to_owned());
                Ok(CodeDelivery {
                    destination: mask_email(&shown),
                })
            }
        }
    }

    /// Sets a new password with a reset code; the account ends up confirmed.
    pub async fn confirm_forgot_password(
        &self,
        client_id: &ClientId,
        username: &str,
        code: &str,
        password: &str,
        secret_hash: Option<&str>,
        caller: &Caller,
    ) -> Result<()> {
        let app = self.app_for_client(client_id).await?;
        let user = self.find_checked(&app, username, secret_hash).await?;
        // Check the password first, so a weak one does not burn the code.
        app.settings.password_policy.check(password)?;
        let Some(user) = user.filter(|u| u.enabled) else {
            // A name that is no (enabled) user is answered as a wrong code, and locked on the
            // same schedule under its decoy id.
            let decoy = self.decoy_id(&app.pool_id, username);
            let streak = self
                .reserve_code_attempt(&app.pool_id, CodePurpose::ForgotPassword, &decoy)
                .await?;
            return Err(self.wrong_code(streak, CodePurpose::ForgotPassword, false));
        };
        self.redeem_code(&user, CodePurpose::ForgotPassword, code)
            .await?;
        let user = self
            .set_password(user, password, UserStatus::Confirmed, None)
            .await?;
        self.record_user_event(&user, EventKind::PasswordReset, None, caller);
        Ok(())
    }

    /// The user `username` names (if any), after checking SECRET_HASH over any of their names.
    async fn find_checked(
        &self,
        app: &App,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<Option<User>> {
        let user = find_user(self, &app.pool_id, username).await?;
        let mut names = vec![username.to_owned()];
        if let Some(user) = &user {
            names.extend(known_names(user));
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.check_secret_hash(app, secret_hash, &names)?;
        Ok(user)
    }

    /// Stores a new verifier for `password` and the given status, and revokes the user's API
    /// keys (a new password ends what the old one let anyone create); returns the updated user.
    pub(crate) async fn set_password(
        &self,
        mut user: User,
        password: &str,
        status: UserStatus,
        expires_at: Option<i64>,
    ) -> Result<User> {
        let (salt_hex, sealed_verifier) =
            self.new_verifier(&user.pool_id, user.id, password).await?;
        user.salt_hex = salt_hex;
        user.sealed_verifier = sealed_verifier;
        user.status = status;
        user.password_expires_at = expires_at;
        user.updated_at = self.clock.now();
        self.store.update_user(&user).await?;
        self.revoke_user_api_keys(&user.pool_id, user.id).await?;
        // A hosted-page sign-in made with the old password ends with it.
        self.store
            .delete_user_hosted_sessions(&user.pool_id, user.id)
            .await?;
        tracing::info!(pool_id = %user.pool_id, user_id = %user.id, status = status.as_str(), "password set");
        Ok(user)
    }
}
