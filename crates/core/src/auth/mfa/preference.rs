//! SetUserMFAPreference and AdminSetUserMFAPreference: which factors sign-in asks a user for,
//! and which one first. Members not given stay as they are; turning off a factor the user
//! never had is not an error.

use super::MfaView;
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
    /// Email codes on or off (where the app offers them, for a verified email).
    pub email_enabled: Option<bool>,
    /// Email codes preferred.
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
        let email_on_asked =
            change.email_enabled == Some(true) || change.email_preferred == Some(true);
        let totp_on_asked =
            change.totp_enabled == Some(true) || change.totp_preferred == Some(true);
        if (email_on_asked || totp_on_asked) && app.settings.mfa.mode == MfaMode::Off {
            return Err(Error::InvalidParameter(
                "MFA is not enabled for this user pool.".into(),
            ));
        }
        if email_on_asked && !app.settings.mfa.email_otp {
            return Err(Error::InvalidParameter(
                "Email MFA is not available in this user pool.".into(),
            ));
        }
        if email_on_asked && !user.email_verified {
            return Err(Error::InvalidParameter(
                "The user's email address is not verified.".into(),
            ));
        }
        if change.totp_preferred == Some(true) && change.email_preferred == Some(true) {
            return Err(Error::InvalidParameter(
                "Only one factor can be preferred.".into(),
            ));
        }
        let existing = self.store.get_user_mfa(&app.pool_id, user.id).await?;
        if existing.is_none() && !email_on_asked {
            if totp_on_asked {
                return Err(Error::SoftwareTokenNotFound);
            }
            return Ok(());
        }
        let mut record = existing.unwrap_or_else(|| self.fresh_mfa_record(&app.pool_id, user.id));
        if totp_on_asked && (!record.totp_verified || record.sealed_totp_secret.is_none()) {
            return Err(Error::InvalidParameter(
                "User has not verified software token mfa".into(),
            ));
        }
        let before = MfaView::of(Some(&record), true);
        apply_factor(
            &mut record.totp_enabled,
            &mut record.preferred,
            MfaFactor::SoftwareToken,
            change.totp_enabled,
            change.totp_preferred,
        );
        apply_factor(
            &mut record.email_otp_enabled,
            &mut record.preferred,
            MfaFactor::EmailOtp,
            change.email_enabled,
            change.email_preferred,
        );
        record.updated_at = self.clock.now();
        self.store.put_user_mfa(&record).await?;
        let after = MfaView::of(Some(&record), true);
        for factor in [MfaFactor::SoftwareToken, MfaFactor::EmailOtp] {
            let name = factor.as_str();
            match (
                before.factors.contains(&name),
                after.factors.contains(&name),
            ) {
                (false, true) => {
                    self.record_mfa_change(user, EventKind::MfaEnabled, factor, actor, caller);
                }
                (true, false) => {
                    self.record_mfa_change(user, EventKind::MfaDisabled, factor, actor, caller);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Records that one of a user's factors went on or off, or failed to be set up.
    pub(crate) fn record_mfa_change(
        &self,
        user: &User,
        kind: EventKind,
        factor: MfaFactor,
        actor: Option<Actor>,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(user.pool_id.clone(), self.clock.now(), kind)
            .about(Some(user.id), Some(&user.email))
            .with("factor", factor.as_str())
            .by(caller);
        event.actor = actor.map(|actor| actor.audit_name());
        self.events.record(event);
    }
}

/// Applies one factor's `Enabled` and `PreferredMfa` to the record: preferring turns it on,
/// turning it off (or not preferring it) takes the preference away.
fn apply_factor(
    enabled: &mut bool,
    preferred: &mut Option<MfaFactor>,
    factor: MfaFactor,
    enable: Option<bool>,
    prefer: Option<bool>,
) {
    if let Some(on) = enable {
        *enabled = on;
    }
    match prefer {
        Some(true) => {
            if enable.is_none() {
                *enabled = true;
            }
            *preferred = Some(factor);
        }
        Some(false) if *preferred == Some(factor) => *preferred = None,
        _ => {}
    }
    if !*enabled && *preferred == Some(factor) {
        *preferred = None;
    }
}
