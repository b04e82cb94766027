//! Requested and granted scopes (RFC 6749 §3.3): a set of scope tokens, checked against what the
//! app allows.

use crate::error::{Error, Result};
use crate::oauth_settings::OAuthSettings;

/// Longest `scope` parameter read.
const MAX_SCOPE_LEN: usize = 4096;

/// A set of scopes, in the order first asked for, each once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// The scopes of a `scope` parameter: space-separated scope tokens (RFC 6749 §3.3), each
    /// of which the app must allow. `None` or empty asks for every scope the app allows, as
    /// Cognito does.
    pub fn requested(scope: Option<&str>, allowed: &OAuthSettings) -> Result<Self> {
        let scope = scope.map(str::trim).filter(|s| !s.is_empty());
        let Some(scope) = scope else {
            return Ok(Self(allowed.scopes.clone()));
        };
        if scope.len() > MAX_SCOPE_LEN {
            return Err(Error::InvalidScope(
                "The scope parameter is too long.".into(),
            ));
        }
        let mut granted: Vec<String> = Vec::new();
        for token in scope.split(' ').filter(|t| !t.is_empty()) {
            if !allowed.allows_scope(token) {
                let shown: String = token.chars().take(64).collect();
                return Err(Error::InvalidScope(format!(
                    "The scope {shown} is not allowed for this app."
                )));
            }
            if !granted.iter().any(|g| g == token) {
                granted.push(token.to_owned());
            }
        }
        Ok(Self(granted))
    }

    /// Scopes as stored: space-separated.
    pub fn parse_stored(scope: &str) -> Self {
        Self(
            scope
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// Whether `scope` is among them.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// Space-separated, as the `scope` claim and response member carry them.
    pub fn joined(&self) -> String {
        self.0.join(" ")
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> OAuthSettings {
        OAuthSettings {
            scopes: vec!["openid".into(), "email".into(), "api/read".into()],
            ..OAuthSettings::default()
        }
    }

    #[test]
    fn requested_scopes_must_be_allowed_and_are_kept_once() {
        let s = Scopes::requested(Some("openid  email openid"), &settings()).unwrap_or_default();
        assert_eq!(s.joined(), "openid email");
        assert!(s.contains("email") && !s.contains("profile"));
        let refused = Scopes::requested(Some("openid profile"), &settings());
        assert!(
            matches!(&refused, Err(Error::InvalidScope(m)) if m.contains("profile")),
            "{refused:?}"
        );
        let all = Scopes::requested(None, &settings()).unwrap_or_default();
        assert_eq!(all.joined(), "openid email api/read");
        let long = "a".repeat(MAX_SCOPE_LEN + 1);
        assert!(Scopes::requested(Some(&long), &settings()).is_err());
    }
}
