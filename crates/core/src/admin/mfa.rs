//! A pool's multi-factor sign-in as Cognito's SetUserPoolMfaConfig and GetUserPoolMfaConfig
//! have it: the app's `mfa` setting, read and changed by the developer who owns the pool.

use crate::apps::{Actor, AppUpdate};
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::events::Caller;
use crate::ids::PoolId;
use crate::passkey_settings::PasskeyPatch;
use crate::service::Service;
use crate::settings::{AppSettings, MfaMode, MfaPatch};

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
    /// `WebAuthnConfiguration`, when given: passkeys on, with its relying party.
    pub web_authn: Option<WebAuthnChange>,
}

/// `WebAuthnConfiguration` as given.
#[derive(Clone, Debug, Default)]
pub struct WebAuthnChange {
    /// `RelyingPartyId`; absent: the default (the public URL's host).
    pub relying_party_id: Option<String>,
    /// `UserVerification`: `required` (the only kind offered: passkeys always verify the user).
    pub user_verification: Option<String>,
}

/// A pool's multi-factor configuration, as Cognito answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolMfaConfig {
    /// `MfaConfiguration`.
    pub mode: MfaMode,
    /// `SoftwareTokenMfaConfiguration.Enabled`: on unless MFA is off.
    pub software_token: bool,
    /// Whether codes by email are offered (`EmailMfaConfiguration`).
    pub email: bool,
    /// `WebAuthnConfiguration`: passkeys on, with the relying-party id set (`None`: the
    /// default); `None` when passkeys are off.
    pub web_authn: Option<Option<String>>,
}

impl From<&AppSettings> for PoolMfaConfig {
    fn from(settings: &AppSettings) -> Self {
        let mfa = &settings.mfa;
        let passkeys = &settings.passkeys;
        Self {
            mode: mfa.mode,
            software_token: mfa.mode != MfaMode::Off,
            email: mfa.mode != MfaMode::Off && mfa.email_otp,
            web_authn: passkeys.enabled.then(|| passkeys.relying_party_id.clone()),
        }
    }
}

impl WebAuthnChange {
    /// The passkey settings change this asks for.
    fn patch(&self) -> Result<PasskeyPatch> {
        match self.user_verification.as_deref() {
            None | Some("required") => {}
            Some("preferred") => {
                return Err(Error::InvalidParameter(
                    "UserVerification must be required: passkeys here always verify the user."
                        .into(),
                ));
            }
            Some(_) => {
                return Err(Error::InvalidParameter(
                    "UserVerification must be required or preferred.".into(),
                ));
            }
        }
        Ok(PasskeyPatch {
            enabled: Some(true),
            relying_party_id: Some(self.relying_party_id.clone().unwrap_or_default()),
            origins: None,
        })
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
        Ok((&app.settings).into())
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
        let passkeys = change
            .web_authn
            .as_ref()
            .map(WebAuthnChange::patch)
            .transpose()?;
        let mfa = (change.mode.is_some() || change.email.is_some()).then(|| MfaPatch {
            mode: Some(mode.as_str().to_owned()),
            email_otp: change.email,
        });
        if mfa.is_none() && passkeys.is_none() {
            return Ok((&app.settings).into());
        }
        let update = AppUpdate {
            mfa,
            passkeys,
            ..AppUpdate::default()
        };
        let app = self.update_app(actor, &app.id, update, caller).await?;
        Ok((&app.settings).into())
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
            web_authn: None,
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
            let config = PoolMfaConfig::from(&AppSettings {
                mfa: crate::settings::MfaSettings {
                    mode,
                    email_otp: false,
                },
                ..AppSettings::default()
            });
            assert_eq!((config.mode, config.software_token), (mode, on));
        }
    }
}
