//! A pool's multi-factor sign-in as Cognito's SetUserPoolMfaConfig and GetUserPoolMfaConfig
//! have it: the app's `mfa` setting, read and changed by the developer who owns the pool.

use crate::apps::{Actor, AppUpdate};
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::events::Caller;
use crate::ids::PoolId;
use crate::service::Service;
use crate::settings::{MfaMode, MfaPatch, MfaSettings};

/// `MfaConfiguration`'s values, as AWS lists them in its validation message.
const MFA_CONFIGURATIONS: &[&str] = &["OFF", "ON", "OPTIONAL"];

/// Cognito's refusal of ON or OPTIONAL without a factor turned on.
const NO_FACTOR: &str = "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.";

/// Cognito's refusal of OFF with a factor turned on.
const FACTOR_WHILE_OFF: &str =
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";

/// A change asked for by SetUserPoolMfaConfig: absent members keep their value.
#[derive(Clone, Debug, Default)]
pub struct PoolMfaChange {
    /// `MfaConfiguration`, as given: `OFF`, `ON` or `OPTIONAL`.
    pub mode: Option<String>,
    /// `SoftwareTokenMfaConfiguration.Enabled`: authenticator apps, always offered with MFA.
    pub software_token: Option<bool>,
    /// Whether `EmailMfaConfiguration` was given: codes by email offered.
    pub email: Option<bool>,
}

/// A pool's multi-factor configuration, as Cognito answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolMfaConfig {
    /// `MfaConfiguration`.
    pub mode: MfaMode,
    /// `SoftwareTokenMfaConfiguration.Enabled`: on unless MFA is off.
    pub software_token: bool,
    /// Whether codes by email are offered (`EmailMfaConfiguration`).
    pub email: bool,
}

impl From<&MfaSettings> for PoolMfaConfig {
    fn from(settings: &MfaSettings) -> Self {
        Self {
            mode: settings.mode,
            software_token: settings.mode != MfaMode::Off,
            email: settings.mode != MfaMode::Off && settings.email_otp,
        }
    }
}

impl PoolMfaChange {
    /// The mode this change leaves the pool in, given its `current` one, or why it is refused.
    fn mode_after(&self, current: MfaMode) -> Result<MfaMode> {
        let mode = match self.mode.as_deref() {
            None => current,
            Some(name) => MfaMode::from_name(name).ok_or(Error::Validation(Violation::new(
                Field::MfaConfiguration,
                Constraint::OneOf(MFA_CONFIGURATIONS),
            )))?,
        };
        // The configuration is derived from the mode alone, so a change asking for both an off
        // mode and a factor (or a mode that asks and no factor) cannot be kept as asked.
        match (mode, self.software_token) {
            (MfaMode::Off, _) if self.email == Some(true) => {
                Err(Error::InvalidParameter(FACTOR_WHILE_OFF.into()))
            }
            (MfaMode::Off, Some(true)) => Err(Error::InvalidParameter(FACTOR_WHILE_OFF.into())),
            (MfaMode::Optional | MfaMode::On, Some(false)) => {
                Err(Error::InvalidParameter(NO_FACTOR.into()))
            }
            _ => Ok(mode),
        }
    }
}

impl Service {
    /// GetUserPoolMfaConfig.
    pub async fn get_user_pool_mfa_config(
        &self,
        actor: Actor,
        pool_id: &PoolId,
    ) -> Result<PoolMfaConfig> {
        let app = self.admin_app(actor, pool_id).await?;
        Ok((&app.settings.mfa).into())
    }

    /// SetUserPoolMfaConfig: changes the app's `mfa.mode` like a settings change (the same
    /// `settings_changed` event), or nothing when the change names no mode.
    pub async fn set_user_pool_mfa_config(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        change: PoolMfaChange,
        caller: &Caller,
    ) -> Result<PoolMfaConfig> {
        let app = self.admin_app(actor, pool_id).await?;
        let mode = change.mode_after(app.settings.mfa.mode)?;
        if change.mode.is_none() && change.email.is_none() {
            return Ok((&app.settings.mfa).into());
        }
        let update = AppUpdate {
            mfa: Some(MfaPatch {
                mode: Some(mode.as_str().to_owned()),
                email_otp: change.email,
            }),
            ..AppUpdate::default()
        };
        let app = self.update_app(actor, &app.id, update, caller).await?;
        Ok((&app.settings.mfa).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(mode: Option<&str>, software_token: Option<bool>) -> PoolMfaChange {
        PoolMfaChange {
            mode: mode.map(str::to_owned),
            software_token,
            email: None,
        }
    }

    #[test]
    fn changes_keep_what_they_do_not_name() {
        use MfaMode::*;
        for current in MfaMode::ALL {
            assert_eq!(change(None, None).mode_after(current).unwrap(), current);
        }
        assert_eq!(change(Some("ON"), None).mode_after(Off).unwrap(), On);
        assert_eq!(change(Some("ON"), Some(true)).mode_after(Off).unwrap(), On);
        assert_eq!(
            change(Some("OPTIONAL"), Some(true)).mode_after(On).unwrap(),
            Optional
        );
        assert_eq!(change(Some("OFF"), None).mode_after(On).unwrap(), Off);
        assert_eq!(
            change(Some("OFF"), Some(false)).mode_after(On).unwrap(),
            Off
        );
        assert_eq!(change(None, Some(true)).mode_after(On).unwrap(), On);
    }

    #[test]
    fn impossible_combinations_are_refused() {
        use MfaMode::*;
        let refused = |c: PoolMfaChange, current| c.mode_after(current).unwrap_err().to_string();
        assert_eq!(refused(change(Some("ON"), Some(false)), Off), NO_FACTOR);
        assert_eq!(
            refused(change(Some("OPTIONAL"), Some(false)), Off),
            NO_FACTOR
        );
        assert_eq!(refused(change(None, Some(false)), On), NO_FACTOR);
        assert_eq!(
            refused(change(Some("OFF"), Some(true)), On),
            FACTOR_WHILE_OFF
        );
        assert_eq!(refused(change(None, Some(true)), Off), FACTOR_WHILE_OFF);
        assert!(matches!(
            change(Some("on"), None).mode_after(Off),
            Err(Error::Validation(Violation {
                field: Field::MfaConfiguration,
                constraint: Constraint::OneOf(["OFF", "ON", "OPTIONAL"]),
            }))
        ));
    }

    #[test]
    fn the_factor_is_on_unless_mfa_is_off() {
        for (mode, on) in [
            (MfaMode::Off, false),
            (MfaMode::Optional, true),
            (MfaMode::On, true),
        ] {
            let config = PoolMfaConfig::from(&MfaSettings {
                mode,
                email_otp: false,
            });
            assert_eq!((config.mode, config.software_token), (mode, on));
        }
    }
}
