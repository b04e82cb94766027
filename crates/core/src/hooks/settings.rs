//! An app's hooks as settings: where each is called, how long it may take, and what a failed
//! call means; changed by `PATCH /api/apps/{id}` (`"hooks"`), a hook removed by `null`.

use crate::error::{Error, Result};
use crate::webhooks::check_url;
use serde::{Deserialize, Deserializer, Serialize};

/// The default time a hook may take, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u64 = 5000;
/// The shortest and longest times a hook may be given, in milliseconds.
pub const TIMEOUT_RANGE_MS: (u64, u64) = (100, 10_000);

/// The hooks of an app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct HookSettings {
    /// Called before a sign-up is accepted: allow or deny it, confirm it at once.
    pub pre_sign_up: Option<HookConfig>,
    /// Called before tokens are signed: add, change or remove claims.
    pub pre_token_generation: Option<HookConfig>,
    /// Which secret signs the calls (a rotation counts it up); the secret itself is derived
    /// from the master key, never stored.
    pub secret_version: u32,
}

/// One hook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HookConfig {
    /// Where it is posted (https, a public address unless the operator allows private ones).
    pub url: String,
    /// How long it may take before it counts as failed.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// What a failed call (an error, a timeout, an answer that is not one) means.
    #[serde(default)]
    pub on_failure: OnFailure,
}

/// What a failed hook call means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// The sign-up or sign-in is refused (fail closed, the default).
    #[default]
    Deny,
    /// It goes on as if there were no hook (fail open).
    Allow,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_MS
}

/// A change to the hooks: a hook given replaces it, `null` removes it, an absent one stays.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HooksPatch {
    /// The pre sign-up hook.
    #[serde(default, deserialize_with = "given")]
    pub pre_sign_up: Option<Option<HookConfig>>,
    /// The pre token generation hook.
    #[serde(default, deserialize_with = "given")]
    pub pre_token_generation: Option<Option<HookConfig>>,
}

/// A member that is present, `null` or not: `Some(None)` for `null`.
fn given<'de, D, T>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl HooksPatch {
    /// The hooks after this change, each checked (`allow_private`: the operator's leave for
    /// non-public addresses).
    pub fn apply(&self, current: &HookSettings, allow_private: bool) -> Result<HookSettings> {
        let pick = |name: &str, given: &Option<Option<HookConfig>>, now: &Option<HookConfig>| {
            match given {
                None => Ok(now.clone()),
                Some(None) => Ok(None),
                Some(Some(hook)) => check(name, hook, allow_private).map(Some),
            }
        };
        Ok(HookSettings {
            pre_sign_up: pick("pre_sign_up", &self.pre_sign_up, &current.pre_sign_up)?,
            pre_token_generation: pick(
                "pre_token_generation",
                &self.pre_token_generation,
                &current.pre_token_generation,
            )?,
            secret_version: current.secret_version,
        })
    }
}

fn check(name: &str, hook: &HookConfig, allow_private: bool) -> Result<HookConfig> {
    let url = check_url(&hook.url, allow_private)
        .map_err(|e| Error::InvalidParameter(format!("hooks.{name}.{e}")))?;
    let (min, max) = TIMEOUT_RANGE_MS;
    if !(min..=max).contains(&hook.timeout_ms) {
        return Err(Error::InvalidParameter(format!(
            "hooks.{name}.timeout_ms must be {min} to {max}"
        )));
    }
    Ok(HookConfig {
        url,
        ..hook.clone()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn patch(json: &str) -> HooksPatch {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn hooks_are_set_kept_and_removed_member_by_member() {
        let set = patch(r#"{"pre_sign_up": {"url": "https://hooks.example.com/a"}}"#)
            .apply(&HookSettings::default(), false)
            .unwrap();
        let hook = set.pre_sign_up.clone().unwrap();
        assert_eq!((hook.timeout_ms, hook.on_failure), (5000, OnFailure::Deny));
        let kept = patch(r#"{"pre_token_generation": {"url": "https://hooks.example.com/t", "on_failure": "allow", "timeout_ms": 250}}"#)
            .apply(&set, false)
            .unwrap();
        assert_eq!(kept.pre_sign_up, set.pre_sign_up);
        assert_eq!(
            kept.pre_token_generation.as_ref().unwrap().on_failure,
            OnFailure::Allow
        );
        let removed = patch(r#"{"pre_sign_up": null}"#)
            .apply(&kept, false)
            .unwrap();
        assert_eq!(removed.pre_sign_up, None);
        assert!(removed.pre_token_generation.is_some());
    }

    #[test]
    fn bad_hooks_are_refused_by_name() {
        for (json, message) in [
            (
                r#"{"pre_sign_up": {"url": "http://hooks.example.com/"}}"#,
                "hooks.pre_sign_up.url must be https",
            ),
            (
                r#"{"pre_sign_up": {"url": "https://10.0.0.1/"}}"#,
                "hooks.pre_sign_up.url must be a public address",
            ),
            (
                r#"{"pre_token_generation": {"url": "https://hooks.example.com/", "timeout_ms": 20000}}"#,
                "hooks.pre_token_generation.timeout_ms must be 100 to 10000",
            ),
        ] {
            let message_was = patch(json)
                .apply(&HookSettings::default(), false)
                .unwrap_err()
                .to_string();
            assert!(message_was.contains(message), "{json}: {message_was}");
        }
        assert!(serde_json::from_str::<HooksPatch>(r#"{"post_sign_up": null}"#).is_err());
        assert!(
            serde_json::from_str::<HooksPatch>(
                r#"{"pre_sign_up": {"url": "https://x.example/", "on_failure": "maybe"}}"#
            )
            .is_err()
        );
    }
}
