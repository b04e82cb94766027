//! Password and input rules, with Cognito's wording for policy failures (docs/cognito-protocol.md
//! §5.1 SignUp, §7); shape violations are [`Violation`]s the server words.

use crate::error::{Constraint, Error, Field, Result, Violation};
use serde::{Deserialize, Serialize};

/// A pool's password policy. The default is Cognito's: 8 characters with upper case, lower
/// case, a number and a symbol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordPolicy {
    /// Minimum length (6–99).
    pub min_length: usize,
    /// Require an upper-case letter.
    pub require_uppercase: bool,
    /// Require a lower-case letter.
    pub require_lowercase: bool,
    /// Require a digit.
    pub require_numbers: bool,
    /// Require one of Cognito's symbols.
    pub require_symbols: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    }
}

/// The characters Cognito counts as symbols.
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// Longest password Cognito accepts.
const MAX_PASSWORD_LEN: usize = 256;

impl PasswordPolicy {
    /// Checks the minimum length is within Cognito's range (6–99).
    pub fn validate(&self) -> Result<()> {
        if !(6..=99).contains(&self.min_length) {
            return Err(Error::InvalidParameter(
                "password_policy.min_length must be 6 to 99".into(),
            ));
        }
        Ok(())
    }

    /// Checks `password`, naming the first rule it breaks in Cognito's words.
    pub fn check(&self, password: &str) -> Result<()> {
        if password.is_empty() || password.chars().count() > MAX_PASSWORD_LEN {
            return Err(Error::Validation(Violation::new(
                Field::Password,
                Constraint::Length {
                    min: 1,
                    max: MAX_PASSWORD_LEN,
                },
            )));
        }
        if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
            return Err(Error::Validation(Violation::new(
                Field::Password,
                Constraint::NoSurroundingWhitespace,
            )));
        }
        if password.chars().count() < self.min_length {
            return Err(Error::InvalidPassword("Password not long enough"));
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
            return Err(Error::InvalidPassword(
                "Password must have uppercase characters",
            ));
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
            return Err(Error::InvalidPassword(
                "Password must have lowercase characters",
            ));
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return Err(Error::InvalidPassword(
                "Password must have numeric characters",
            ));
        }
        if self.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            return Err(Error::InvalidPassword(
                "Password must have symbol characters",
            ));
        }
        Ok(())
    }
}

/// Normalizes a sign-in email (lowercase, trimmed) or refuses it with Cognito's message.
pub fn normalize_email(value: &str) -> Result<String> {
    let email = value.trim().to_lowercase();
    let valid = email.len() <= 128
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(Error::InvalidParameter(
            "Username should be either an email or a phone number.".into(),
        ))
    }
}

/// Attributes a user may set besides `email`; anything else must be `custom:<name>`.
pub(crate) const WRITABLE_ATTRIBUTES: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "address",
    "updated_at",
];

/// Longest attribute value Cognito accepts.
const MAX_ATTRIBUTE_LEN: usize = 2048;

/// Checks a user-supplied attribute name and value.
pub fn check_attribute(name: &str, value: &str) -> Result<()> {
    let known = WRITABLE_ATTRIBUTES.contains(&name)
        || name.strip_prefix("custom:").is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 20
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if !known {
        return Err(Error::InvalidParameter(format!(
            "Attribute does not exist in the schema.\n{name}"
        )));
    }
    if value.chars().count() > MAX_ATTRIBUTE_LEN {
        return Err(Error::Validation(Violation::new(
            Field::AttributeValue(name.to_owned()),
            Constraint::MaxLength(MAX_ATTRIBUTE_LEN),
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(password: &str) -> String {
        match PasswordPolicy::default().check(password) {
            Ok(()) => "ok".into(),
            Err(Error::InvalidPassword(r)) => r.into(),
            Err(e) => format!("other: {e}"),
        }
    }

    #[test]
    fn default_policy_names_the_first_broken_rule() {
        assert_eq!(reason("Correct-Horse-9"), "ok");
        assert_eq!(reason("Sh0rt!"), "Password not long enough");
        assert_eq!(
            reason("lowercase-only-9"),
            "Password must have uppercase characters"
        );
        assert_eq!(
            reason("UPPERCASE-ONLY-9"),
            "Password must have lowercase characters"
        );
        assert_eq!(
            reason("No-Numbers-Here"),
            "Password must have numeric characters"
        );
        assert_eq!(
            reason("NoSymbols123"),
            "Password must have symbol characters"
        );
        assert!(reason(" Leading-space-9").starts_with("other:"));
        assert!(reason(&"Aa1!".repeat(65)).starts_with("other:"));
    }

    #[test]
    fn emails_are_normalized_or_refused() {
        assert_eq!(
            normalize_email(" Alice@Example.COM ").ok().as_deref(),
            Some("alice@example.com")
        );
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "a@b",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn attributes_are_checked_against_the_schema() {
        assert!(check_attribute("name", "Alice").is_ok());
        assert!(check_attribute("custom:team", "blue").is_ok());
        assert!(check_attribute("custom:", "x").is_err());
        assert!(check_attribute("sub", "x").is_err());
        assert!(check_attribute("unknown", "x").is_err());
        assert!(check_attribute("name", &"x".repeat(2049)).is_err());
    }
}
