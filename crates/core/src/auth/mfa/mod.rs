//! Multi-factor sign-in (issue 15; docs/cognito-protocol.md §5.1): after the password, a code
//! from the user's authenticator app (TOTP, RFC 6238) when the app's MFA mode asks for one, or
//! the setup of an authenticator app (`MFA_SETUP`) when the mode requires one and the user has
//! none. The challenge state travels sealed in `Session`; the secret is sealed at rest.

mod enrol;
mod preference;
pub(super) mod session;
mod sign_in;

pub use enrol::{Associated, SoftwareTokenCaller};
pub use preference::MfaPreferenceChange;
pub(crate) use session::MFA_SESSION_SECS;

use crate::error::{Error, Result};
use crate::ids::{PoolId, UserId};
use crate::model::{App, MfaFactor, User, UserMfa};
use crate::service::Service;
use auth_return_crypto::totp::TotpSecret;

/// The AAD binding a sealed TOTP secret to its user.
fn secret_aad(pool_id: &PoolId, user_id: UserId) -> Vec<u8> {
    format!("totp|{pool_id}|{user_id}").into_bytes()
}

/// Whether sign-in asks this user for an authenticator code.
pub(crate) fn totp_on(mfa: Option<&UserMfa>) -> bool {
    mfa.is_some_and(|m| m.totp_enabled && m.totp_verified && m.sealed_totp_secret.is_some())
}

/// Whether sign-in may mail this user a code: they turned it on, the app offers it, and their
/// email is verified.
pub(crate) fn email_on(app: &App, user: &User, mfa: Option<&UserMfa>) -> bool {
    app.settings.mfa.email_otp && user.email_verified && mfa.is_some_and(|m| m.email_otp_enabled)
}

/// A user's second-factor settings as GetUser shows them: the factors on, and the preferred one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MfaView {
    /// `UserMFASettingList`: the factors sign-in asks for.
    pub factors: Vec<&'static str>,
    /// `PreferredMfaSetting`.
    pub preferred: Option<&'static str>,
}

impl MfaView {
    /// The view of a stored record (none: no factor); email codes count only where the app
    /// offers them (`email_offered`).
    pub fn of(mfa: Option<&UserMfa>, email_offered: bool) -> Self {
        let mut factors = Vec::new();
        if totp_on(mfa) {
            factors.push(MfaFactor::SoftwareToken.as_str());
        }
        if email_offered && mfa.is_some_and(|m| m.email_otp_enabled) {
            factors.push(MfaFactor::EmailOtp.as_str());
        }
        let preferred = mfa
            .and_then(|m| m.preferred)
            .filter(|p| factors.contains(&p.as_str()))
            .map(MfaFactor::as_str);
        Self { factors, preferred }
    }
}

impl Service {
    /// Seals a TOTP secret for storage.
    fn seal_totp_secret(&self, pool_id: &PoolId, user_id: UserId, secret: &TotpSecret) -> Vec<u8> {
        self.keyring
            .totp_secrets
            .seal(secret.expose(), &secret_aad(pool_id, user_id))
    }

    /// Opens a stored TOTP secret.
    fn open_totp_secret(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        sealed: &[u8],
    ) -> Result<TotpSecret> {
        self.keyring
            .totp_secrets
            .open(sealed, &secret_aad(pool_id, user_id))
            .map(|bytes| TotpSecret::from_bytes(bytes.expose().to_vec()))
            .map_err(|_| Error::Internal("a TOTP secret does not unseal".into()))
    }

    /// The user's record, or a fresh one with nothing on.
    async fn mfa_record(&self, pool_id: &PoolId, user_id: UserId) -> Result<UserMfa> {
        let stored = self.store.get_user_mfa(pool_id, user_id).await?;
        Ok(stored.unwrap_or_else(|| self.fresh_mfa_record(pool_id, user_id)))
    }

    /// A record with nothing on, for a user who has none yet.
    fn fresh_mfa_record(&self, pool_id: &PoolId, user_id: UserId) -> UserMfa {
        UserMfa {
            pool_id: pool_id.clone(),
            user_id,
            sealed_totp_secret: None,
            sealed_pending_totp_secret: None,
            totp_verified: false,
            totp_enabled: false,
            email_otp_enabled: false,
            preferred: None,
            updated_at: self.clock.now(),
        }
    }
}
