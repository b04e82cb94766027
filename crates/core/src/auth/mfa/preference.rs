//! SetUserMFAPreference and AdminSetUserMFAPreference: which factors sign-in asks a user for,
//! and which one first. Members not given stay as they are; turning off a factor the user
//! never had is not an error.

use super::totp_on;
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::PoolId;
use crate::model::{App, MfaFactor, User};
use crate::service::Service;
use crate::settings::MfaMode;

/// A change of a user's factors (`SoftwareTokenMfaSettings`, `EmailMfaSettings`,
/// `SMSMfaSettings`): `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct MfaPreferenceChange {
    /// Authenticator app on or off.
    pub totp_enabled: Option<bool>,
    /// Authenticator app preferred.
    pub totp_preferred: Option<bool>,
    /// Email codes on or off (not offered yet: only off is accepted).
    pub email_enabled: Option<bool>,
    /// Email codes preferred (not offered yet).
    pub email_preferred: Option<bool>,
    /// SMS codes on or off (never offered: only off is accepted).
    pub sms_enabled: Option<bool>,
    /// SMS codes preferred (never offered).
    pub sms_preferred: Option<bool>,
}

impl Service {
    /// SetUserMFAPreference, with the user's access token.
    pub async fn set_user_mfa_preference(
        &self,
        access_token: &str,
        change: &MfaPreferenceChange,
        caller: &Caller,
    ) -> Result<()> {
        let (_, user) = self.access_token_user(access_token).await?;
        let app = self.app_of_pool(&user.pool_id).await?;
        self.apply_mfa_preference(&app, &user, change, None, caller)
            .await
    }

    /// AdminSetUserMFAPreference: a developer's change to a user's factors, e.g. turning off
    /// the authenticator app of a user who lost it (they then sign in with their password, and
    /// set up a new one at once where the app requires MFA).
    pub async fn admin_set_user_mfa_preference(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        change: &MfaPreferenceChange,
        caller: &Caller,
    ) -> Result<()> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        self.apply_mfa_preference(&app, &user, change, Some(actor), caller)
            .await
    }

    async fn apply_mfa_preference(
        &self,
        app: &App,
        user: &User,
        change: &MfaPreferenceChange,
        actor: Option<Actor>,
        caller: &Caller,
    ) -> Result<()> {
        if change.sms_enabled == Some(true) || change.sms_preferred == Some(true) {
            return Err(Error::InvalidParameter(
                "SMS MFA is not available in this user pool.".into(),
            ));
        }
        if change.email_enabled == Some(true) || change.email_preferred == Some(true) {
            return Err(Error::InvalidParameter(
                "Email MFA is not available in this user pool.".into(),
            ));
        }
        let turning_on = change.totp_enabled == Some(true) || change.totp_preferred == Some(true);
        if turning_on && app.settings.mfa.mode == MfaMode::Off {
            return Err(Error::InvalidParameter(
                "MFA is not enabled for this user pool.".into(),
            ));
        }
        let Some(mut record) = self.store.get_user_mfa(&app.pool_id, user.id).await? else {
            if turning_on {
                return Err(Error::SoftwareTokenNotFound);
            }
            return Ok(());
        };
        if turning_on && (!record.totp_verified || record.sealed_totp_secret.is_none()) {
            return Err(Error::InvalidParameter(
                "User has not verified software token mfa".into(),
            ));
        }
        let was_on = totp_on(Some(&record));
        if let Some(enabled) = change.totp_enabled {
            record.totp_enabled = enabled;
        }
        match change.totp_preferred {
            Some(true) => {
                if change.totp_enabled.is_none() {
                    record.totp_enabled = true;
                }
                record.preferred = Some(MfaFactor::SoftwareToken);
            }
            Some(false) if record.preferred == Some(MfaFactor::SoftwareToken) => {
                record.preferred = None;
            }
            _ => {}
        }
        if !record.totp_enabled && record.preferred == Some(MfaFactor::SoftwareToken) {
            record.preferred = None;
        }
        record.updated_at = self.clock.now();
        self.store.put_user_mfa(&record).await?;
        match (was_on, totp_on(Some(&record))) {
            (false, true) => self.record_mfa_change(user, EventKind::MfaEnabled, actor, caller),
            (true, false) => self.record_mfa_change(user, EventKind::MfaDisabled, actor, caller),
            _ => {}
        }
        Ok(())
    }

    /// Records that a user's authenticator app went on or off.
    pub(crate) fn record_mfa_change(
        &self,
        user: &User,
        kind: EventKind,
        actor: Option<Actor>,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(user.pool_id.clone(), self.clock.now(), kind)
            .about(Some(user.id), Some(&user.email))
            .with("factor", MfaFactor::SoftwareToken.as_str())
            .by(caller);
        event.actor = actor.map(|actor| actor.audit_name());
        self.events.record(event);
    }
}
