//! Per-app settings, with Cognito's ranges and defaults: token lifetimes live on the client,
//! everything else here (stored as one JSON document per app, missing members defaulted).

use crate::error::{Error, Result, SettingProblem};
use crate::oauth_settings::OAuthSettings;
use crate::passkey_settings::PasskeySettings;
use crate::policy::PasswordPolicy;
use crate::schema::CustomSchema;
use serde::{Deserialize, Serialize};

/// The code placeholder in message templates (Cognito's).
pub const CODE_PLACEHOLDER: &str = "{####}";
/// The username placeholder in invitation templates (Cognito's).
pub const USERNAME_PLACEHOLDER: &str = "{username}";

/// Settings of one app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AppSettings {
    /// The password policy.
    pub password_policy: PasswordPolicy,
    /// Refresh-token rotation for `GetTokensFromRefreshToken`.
    pub refresh_rotation: RefreshRotation,
    /// Mail templates.
    pub templates: MailTemplates,
    /// API keys the app's users create for themselves.
    pub user_api_keys: UserApiKeys,
    /// Hide whether an account exists where Cognito tells it (off: Cognito's answers). On,
    /// `SignUp` with a taken email answers like a new sign-up, `ResendConfirmationCode` for a
    /// confirmed account like a delivery, and `ConfirmSignUp` for one like a wrong code.
    pub hide_existing_accounts: bool,
    /// Whether a sign-in through an identity provider joins the existing user with the same
    /// email (off: refused). Only when the provider says the email is verified and the user's
    /// own email is verified and confirmed: an unverified address on either side could hand one
    /// person's account to another.
    pub link_identities_by_email: bool,
    /// Hosted sign-in and OAuth 2.0: callback URLs, flows, scopes, branding (issue 14).
    pub oauth: OAuthSettings,
    /// Multi-factor sign-in (issue 15).
    pub mfa: MfaSettings,
    /// Passkeys (issue 15).
    pub passkeys: PasskeySettings,
    /// The declared `custom:` attributes (docs/cognito-protocol.md §5.7). Written only by
    /// [`crate::store::AppStore::change_app_settings`] (AddCustomAttributes, CreateUserPool):
    /// `update_app` keeps what is stored.
    pub custom_attributes: CustomSchema,
    /// Calls to the app's backend before a sign-up and before tokens are signed.
    pub hooks: crate::hooks::HookSettings,
}

/// Multi-factor sign-in, as Cognito's `MfaConfiguration` has it: the second factor is an
/// authenticator app (TOTP, RFC 6238), or — where the app offers it — a code mailed to the
/// user's verified email.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MfaSettings {
    /// Off, the users' choice, or required.
    pub mode: MfaMode,
    /// Whether users may choose codes by email (`EMAIL_OTP`) as their second factor.
    pub email_otp: bool,
}

/// Whether sign-in asks for a second factor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MfaMode {
    /// Never (Cognito's default): users cannot set up a factor, and factors they set up while
    /// it was on are not asked for.
    #[default]
    Off,
    /// Users who set up an authenticator app and turned it on are asked for a code.
    Optional,
    /// Everyone is asked for a code; a user without an authenticator app sets one up at their
    /// next sign-in (the `MFA_SETUP` challenge).
    On,
}

impl MfaMode {
    /// Every mode, from least to most asked.
    pub const ALL: [Self; 3] = [Self::Off, Self::Optional, Self::On];

    /// Cognito's name: `OFF`, `OPTIONAL` or `ON`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Optional => "OPTIONAL",
            Self::On => "ON",
        }
    }

    /// The mode Cognito calls `name` (exactly as it spells it), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.as_str() == name)
    }
}

/// A change to multi-factor sign-in: absent members keep their current value.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MfaPatch {
    /// The mode by Cognito's name, `OFF`, `OPTIONAL` or `ON`. Read as text and judged when
    /// applied, so that an unknown name is refused as `mfa.mode`, beside the other members'
    /// problems, rather than as a body of the wrong shape.
    pub mode: Option<String>,
    /// Codes by email offered or not.
    pub email_otp: Option<bool>,
}

impl MfaPatch {
    /// The settings after this change.
    pub fn apply(&self, current: &MfaSettings) -> Result<MfaSettings> {
        let mode = match &self.mode {
            None => current.mode,
            Some(name) => MfaMode::from_name(name).ok_or_else(|| {
                Error::InvalidParameter("mode must be OFF, OPTIONAL or ON".into())
            })?,
        };
        Ok(MfaSettings {
            mode,
            email_otp: self.email_otp.unwrap_or(current.email_otp),
        })
    }
}

/// API keys an app's users create with their own access token: off unless the developer turns
/// them on, and limited to the scopes the developer defines, since a key outlives the sign-in
/// that made it (it would turn one stolen access token into a long-lived credential).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct UserApiKeys {
    /// Whether users may create keys.
    pub enabled: bool,
    /// The scopes a user's key may carry (none: keys without scopes only).
    pub scopes: Vec<String>,
}

/// A change to user API keys: absent members keep their current value.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserApiKeysPatch {
    /// On or off.
    pub enabled: Option<bool>,
    /// The scopes users may give their keys (replaces the list).
    pub scopes: Option<Vec<String>>,
}

impl UserApiKeysPatch {
    /// The settings after this change, with the scopes checked as key scopes are.
    pub fn apply(&self, current: &UserApiKeys) -> Result<UserApiKeys> {
        Ok(UserApiKeys {
            enabled: self.enabled.unwrap_or(current.enabled),
            scopes: match &self.scopes {
                Some(scopes) => crate::api_keys::check_scopes(scopes.clone())
                    .map_err(|e| Error::InvalidParameter(format!("user_api_keys.{e}")))?,
                None => current.scopes.clone(),
            },
        })
    }
}

/// Refresh-token rotation: each refresh hands out a new token; the presented one keeps working
/// for `grace_secs` (parallel tabs, retries), and presenting it later revokes the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RefreshRotation {
    /// On for new apps.
    pub enabled: bool,
    /// Seconds a rotated-out token stays usable (0–60, default 10).
    pub grace_secs: i64,
}

impl Default for RefreshRotation {
    fn default() -> Self {
        Self {
            enabled: true,
            grace_secs: 10,
        }
    }
}

/// Subject and text of the messages an app sends; `{####}` stands for the code and, in the
/// invitation, `{username}` for the sign-in name. `None` means the built-in wording.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MailTemplates {
    /// Subject of verification mail (sign-up, email change, password reset).
    pub verification_subject: Option<String>,
    /// Text of verification mail; must contain `{####}`.
    pub verification_message: Option<String>,
    /// Subject of the invitation of admin-created users.
    pub invitation_subject: Option<String>,
    /// Text of the invitation; must contain `{username}` and `{####}` (the temporary password).
    pub invitation_message: Option<String>,
}

impl MailTemplates {
    /// Checks lengths and placeholders (Cognito: subject 1–140, message 6–20,000), each member
    /// on its own: one problem per bad member, named as in a change (`templates.<member>`).
    pub fn problems(&self) -> Vec<SettingProblem> {
        // A subject is a header: no line break (or other control character) may enter it.
        let subject = |name: &str, s: &Option<String>| {
            s.as_ref()
                .filter(|s| {
                    !(1..=140).contains(&s.chars().count()) || s.chars().any(char::is_control)
                })
                .map(|_| {
                    SettingProblem::new(
                        format!("templates.{name}"),
                        format!("{name} must be 1 to 140 characters, without line breaks"),
                    )
                })
        };
        let message = |name: &str, s: &Option<String>, needs: &[&str]| {
            s.as_ref()
                .filter(|s| {
                    !(6..=20_000).contains(&s.chars().count())
                        || !needs.iter().all(|p| s.contains(p))
                })
                .map(|_| {
                    SettingProblem::new(
                        format!("templates.{name}"),
                        format!(
                            "{name} must be 6 to 20000 characters and contain {}",
                            needs.join(" and ")
                        ),
                    )
                })
        };
        [
            subject("verification_subject", &self.verification_subject),
            message(
                "verification_message",
                &self.verification_message,
                &[CODE_PLACEHOLDER],
            ),
            subject("invitation_subject", &self.invitation_subject),
            message(
                "invitation_message",
                &self.invitation_message,
                &[USERNAME_PLACEHOLDER, CODE_PLACEHOLDER],
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl RefreshRotation {
    /// Checks the grace period range.
    pub fn validate(&self) -> Result<()> {
        if !(0..=60).contains(&self.grace_secs) {
            return Err(Error::InvalidParameter(
                "refresh_rotation.grace_secs must be 0 to 60".into(),
            ));
        }
        Ok(())
    }
}

/// Token lifetime bounds (Cognito): ID/access 5 min – 1 day, refresh 60 min – 10 years.
pub mod bounds {
    /// Shortest ID/access token lifetime.
    pub const TOKEN_MIN_SECS: i64 = 5 * 60;
    /// Longest ID/access token lifetime.
    pub const TOKEN_MAX_SECS: i64 = 24 * 3600;
    /// Shortest refresh token lifetime.
    pub const REFRESH_MIN_SECS: i64 = 60 * 60;
    /// Longest refresh token lifetime.
    pub const REFRESH_MAX_SECS: i64 = 10 * 365 * 24 * 3600;
}

/// A change to the password policy: absent members keep their current value.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyPatch {
    /// Minimum length (6–99).
    pub min_length: Option<usize>,
    /// Require an upper-case letter.
    pub require_uppercase: Option<bool>,
    /// Require a lower-case letter.
    pub require_lowercase: Option<bool>,
    /// Require a digit.
    pub require_numbers: Option<bool>,
    /// Require a symbol.
    pub require_symbols: Option<bool>,
}

impl PolicyPatch {
    /// The policy after this change.
    pub fn apply(&self, current: &PasswordPolicy) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.min_length.unwrap_or(current.min_length),
            require_uppercase: self.require_uppercase.unwrap_or(current.require_uppercase),
            require_lowercase: self.require_lowercase.unwrap_or(current.require_lowercase),
            require_numbers: self.require_numbers.unwrap_or(current.require_numbers),
            require_symbols: self.require_symbols.unwrap_or(current.require_symbols),
        }
    }
}

/// A change to refresh rotation: absent members keep their current value.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RotationPatch {
    /// Rotation on or off.
    pub enabled: Option<bool>,
    /// Grace period in seconds (0–60).
    pub grace_secs: Option<i64>,
}

impl RotationPatch {
    /// The rotation settings after this change.
    pub fn apply(&self, current: &RefreshRotation) -> RefreshRotation {
        RefreshRotation {
            enabled: self.enabled.unwrap_or(current.enabled),
            grace_secs: self.grace_secs.unwrap_or(current.grace_secs),
        }
    }
}

/// A change to the mail templates: an absent member stays, an empty string restores the
/// built-in wording, anything else replaces it.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplatesPatch {
    /// Subject of verification mail.
    pub verification_subject: Option<String>,
    /// Text of verification mail.
    pub verification_message: Option<String>,
    /// Subject of invitations.
    pub invitation_subject: Option<String>,
    /// Text of invitations.
    pub invitation_message: Option<String>,
}

impl TemplatesPatch {
    /// The templates after this change.
    pub fn apply(&self, current: &MailTemplates) -> MailTemplates {
        let merge = |patch: &Option<String>, current: &Option<String>| match patch {
            None => current.clone(),
            Some(s) if s.is_empty() => None,
            Some(s) => Some(s.clone()),
        };
        MailTemplates {
            verification_subject: merge(&self.verification_subject, &current.verification_subject),
            verification_message: merge(&self.verification_message, &current.verification_message),
            invitation_subject: merge(&self.invitation_subject, &current.invitation_subject),
            invitation_message: merge(&self.invitation_message, &current.invitation_message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_change_only_what_they_name() {
        let current = PasswordPolicy {
            min_length: 12,
            require_symbols: false,
            ..PasswordPolicy::default()
        };
        let patched = PolicyPatch {
            require_numbers: Some(false),
            ..Default::default()
        }
        .apply(&current);
        assert_eq!(
            patched,
            PasswordPolicy {
                require_numbers: false,
                ..current
            }
        );
        let templates = MailTemplates {
            verification_subject: Some("S".into()),
            invitation_subject: Some("I".into()),
            ..Default::default()
        };
        let patch = TemplatesPatch {
            verification_subject: Some(String::new()),
            verification_message: Some("Code {####}".into()),
            ..Default::default()
        };
        let applied = patch.apply(&templates);
        assert_eq!(applied.verification_subject, None);
        assert_eq!(applied.verification_message.as_deref(), Some("Code {####}"));
        assert_eq!(applied.invitation_subject.as_deref(), Some("I"));
    }

    #[test]
    fn typos_in_patches_are_refused() {
        assert!(serde_json::from_str::<PolicyPatch>(r#"{"min_lenght": 12}"#).is_err());
        assert!(serde_json::from_str::<RotationPatch>(r#"{"grace": 5}"#).is_err());
        assert!(serde_json::from_str::<TemplatesPatch>(r#"{"subject": "x"}"#).is_err());
        assert!(serde_json::from_str::<MfaPatch>(r#"{"mfa_mode": "ON"}"#).is_err());
    }

    #[test]
    fn mfa_modes_go_by_cognito_names() {
        for mode in MfaMode::ALL {
            assert_eq!(MfaMode::from_name(mode.as_str()), Some(mode));
            let json = serde_json::to_string(&mode).unwrap();
            assert_eq!(json, format!("\"{}\"", mode.as_str()));
        }
        for bad in ["", "on", "Optional", "REQUIRED", " ON"] {
            assert_eq!(MfaMode::from_name(bad), None, "{bad:?}");
        }
        let on = MfaSettings {
            mode: MfaMode::On,
            email_otp: false,
        };
        assert_eq!(MfaPatch::default().apply(&on).unwrap(), on);
        assert_eq!(
            MfaPatch {
                mode: Some("OPTIONAL".into()),
                email_otp: None,
            }
            .apply(&on)
            .unwrap()
            .mode,
            MfaMode::Optional
        );
        let bad = MfaPatch {
            mode: Some("SOMETIMES".into()),
            email_otp: None,
        };
        assert!(bad.apply(&on).unwrap_err().to_string().contains("mode"));
        let email = MfaPatch {
            mode: None,
            email_otp: Some(true),
        };
        assert_eq!(
            email.apply(&on).unwrap(),
            MfaSettings {
                mode: MfaMode::On,
                email_otp: true
            }
        );
    }
}
