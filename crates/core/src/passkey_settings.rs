//! Per-app passkey settings (WebAuthn Level 2): on or off, the relying party's id, and the
//! browser origins a ceremony may come from.

use crate::error::{Result, SettingProblem};
use serde::{Deserialize, Serialize};

/// Longest relying-party id (a DNS name).
const MAX_RP_ID_LEN: usize = 253;
/// Most extra origins an app may name.
const MAX_ORIGINS: usize = 20;

/// Passkeys of one app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasskeySettings {
    /// Whether users may register passkeys and sign in with them.
    pub enabled: bool,
    /// The relying party's id, a domain the origins are on; `None`: the host of the public URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relying_party_id: Option<String>,
    /// Origins (`scheme://host[:port]`) a ceremony may come from, besides the public URL's and
    /// the app's own origins.
    pub origins: Vec<String>,
}

/// A change to the passkey settings: absent members keep their current value; an empty
/// `relying_party_id` goes back to the default.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyPatch {
    /// On or off.
    pub enabled: Option<bool>,
    /// The relying party's id ("" for the default).
    pub relying_party_id: Option<String>,
    /// The extra origins (replacing the list).
    pub origins: Option<Vec<String>>,
}

impl PasskeyPatch {
    /// The settings after this change, or one problem per bad member (`passkeys.<member>`).
    pub fn apply(
        &self,
        current: &PasskeySettings,
    ) -> std::result::Result<PasskeySettings, Vec<SettingProblem>> {
        let mut next = current.clone();
        let mut problems = Vec::new();
        if let Some(enabled) = self.enabled {
            next.enabled = enabled;
        }
        if let Some(id) = &self.relying_party_id {
            let id = id.trim().to_ascii_lowercase();
            if id.is_empty() {
                next.relying_party_id = None;
            } else if is_relying_party_id(&id) {
                next.relying_party_id = Some(id);
            } else {
                problems.push(SettingProblem::new(
                    "passkeys.relying_party_id",
                    "relying_party_id must be a domain name (like example.com or localhost), not an address or URL",
                ));
            }
        }
        if let Some(origins) = &self.origins {
            let checked: Result<Vec<String>> = origins
                .iter()
                .map(|o| crate::apps::check_origin(o))
                .collect();
            match checked {
                Ok(list) if list.len() <= MAX_ORIGINS => next.origins = list,
                Ok(_) => problems.push(SettingProblem::new(
                    "passkeys.origins",
                    format!("at most {MAX_ORIGINS} origins"),
                )),
                Err(e) => problems.push(SettingProblem::new("passkeys.origins", e.to_string())),
            }
        }
        if problems.is_empty() {
            Ok(next)
        } else {
            Err(problems)
        }
    }
}

/// Whether `id` can be a WebAuthn relying-party id: a DNS name of letters, digits and hyphens
/// (WebAuthn §5.1.4.1: a valid domain string; browsers refuse IP addresses).
pub fn is_relying_party_id(id: &str) -> bool {
    let labels_ok = id.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    let all_digits = id.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    !id.is_empty() && id.len() <= MAX_RP_ID_LEN && labels_ok && !all_digits
}

/// Whether a browser on `host` may use credentials of relying party `rp_id` (the host is the
/// id or under it).
pub fn host_within(host: &str, rp_id: &str) -> bool {
    host == rp_id || host.ends_with(&format!(".{rp_id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relying_party_ids_are_domain_names() {
        for good in ["localhost", "example.com", "auth.example-1.co.uk"] {
            assert!(is_relying_party_id(good), "{good}");
        }
        for bad in [
            "",
            "127.0.0.1",
            "https://example.com",
            "example.com:443",
            "-a.com",
            "a..com",
            "Exa mple.com",
        ] {
            assert!(!is_relying_party_id(bad), "{bad}");
        }
    }

    #[test]
    fn hosts_within_a_relying_party() {
        assert!(host_within("example.com", "example.com"));
        assert!(host_within("app.example.com", "example.com"));
        assert!(!host_within("badexample.com", "example.com"));
        assert!(!host_within("example.com", "app.example.com"));
    }

    #[test]
    fn a_patch_changes_what_it_names_and_reports_each_bad_member() {
        let current = PasskeySettings::default();
        let next = PasskeyPatch {
            enabled: Some(true),
            relying_party_id: Some("Example.com".into()),
            origins: Some(vec!["https://App.Example.com/".into()]),
        }
        .apply(&current)
        .expect("a good patch");
        assert!(next.enabled);
        assert_eq!(next.relying_party_id.as_deref(), Some("example.com"));
        assert_eq!(next.origins, ["https://app.example.com"]);
        let back = PasskeyPatch {
            relying_party_id: Some(String::new()),
            ..PasskeyPatch::default()
        }
        .apply(&next)
        .expect("clearing the id");
        assert_eq!(back.relying_party_id, None);
        assert!(back.enabled);
        let problems = PasskeyPatch {
            enabled: None,
            relying_party_id: Some("10.0.0.1".into()),
            origins: Some(vec!["ftp://x".into()]),
        }
        .apply(&next)
        .expect_err("two bad members");
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["passkeys.relying_party_id", "passkeys.origins"]);
    }
}
