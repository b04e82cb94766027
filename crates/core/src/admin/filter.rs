//! ListUsers filters (docs/cognito-protocol.md §5.2): `name = "value"` or `name ^= "value"`, one
//! attribute, backslash-escaped quotes; an empty filter means all users.

use crate::error::{Error, Result};
use crate::model::{FILTERABLE_ATTRIBUTES, MatchOp, UserField, UserFilter, UserStatus};

fn invalid(message: &str) -> Error {
    Error::InvalidParameter(message.to_owned())
}

/// Parses a filter; `Ok(None)` for an empty one.
pub fn parse_filter(filter: &str) -> Result<Option<UserFilter>> {
    let filter = filter.trim();
    if filter.is_empty() {
        return Ok(None);
    }
    if filter.chars().count() > 256 {
        return Err(invalid("Filter must be at most 256 characters."));
    }
    let name_end = filter
        .find(|c: char| c.is_whitespace() || c == '=' || c == '^')
        .ok_or_else(|| {
            invalid("Invalid filter: expected attribute = \"value\" or attribute ^= \"value\".")
        })?;
    let (name, rest) = (&filter[..name_end], filter[name_end..].trim_start());
    let (op, rest) = if let Some(r) = rest.strip_prefix("^=") {
        (MatchOp::StartsWith, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchOp::Equals, r)
    } else {
        return Err(invalid("Invalid filter: the operator must be = or ^=."));
    };
    let value = parse_quoted(rest.trim())?;
    let (field, value) = match name {
        "username" | "sub" => (UserField::Id, value),
        "email" => (UserField::Email, value.to_lowercase()),
        "cognito:user_status" => {
            let value = value.to_uppercase();
            if op == MatchOp::StartsWith {
                return Ok(status_prefix(value));
            }
            (UserField::Status, value)
        }
        "status" => {
            if op != MatchOp::Equals {
                return Err(invalid("Invalid filter: status only supports =."));
            }
            let enabled = match value.to_ascii_lowercase().as_str() {
                "enabled" => "true",
                "disabled" => "false",
                _ => return Err(invalid("Invalid filter: status is Enabled or Disabled.")),
            };
            (UserField::Enabled, enabled.to_owned())
        }
        _ if FILTERABLE_ATTRIBUTES.contains(&name) => {
            (UserField::Attribute(name.to_owned()), value)
        }
        _ => return Err(invalid("Invalid search attribute.")),
    };
    Ok(Some(UserFilter { field, op, value }))
}

/// `cognito:user_status ^= prefix` as an equality: no two statuses share a first letter, so a
/// prefix names one status (looked up by its index), every user when empty, or none (an equality
/// with the prefix itself: one empty index lookup instead of a scan).
fn status_prefix(prefix: String) -> Option<UserFilter> {
    let mut named = UserStatus::ALL
        .iter()
        .filter(|status| status.as_str().starts_with(&prefix));
    let value = match (named.next(), named.next()) {
        (Some(_), Some(_)) => return None,
        (Some(status), None) => status.as_str().to_owned(),
        (None, _) => prefix,
    };
    Some(UserFilter {
        field: UserField::Status,
        op: MatchOp::Equals,
        value,
    })
}

/// A double-quoted string with `\"` and `\\` escapes, and nothing after it.
fn parse_quoted(s: &str) -> Result<String> {
    let bad = || invalid("Invalid filter: the value must be a double-quoted string.");
    let inner = s.strip_prefix('"').ok_or_else(bad)?;
    let mut value = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next().ok_or_else(bad)?),
            '"' => {
                return if chars.as_str().trim().is_empty() {
                    Ok(value)
                } else {
                    Err(bad())
                };
            }
            c => value.push(c),
        }
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(s: &str) -> (UserField, MatchOp, String) {
        let f = parse_filter(s).unwrap().unwrap();
        (f.field, f.op, f.value)
    }

    #[test]
    fn filters_parse_like_cognito() {
        assert_eq!(
            parsed("email = \"Alice@Example.com\""),
            (
                UserField::Email,
                MatchOp::Equals,
                "alice@example.com".into()
            )
        );
        assert_eq!(
            parsed("email^=\"ali\""),
            (UserField::Email, MatchOp::StartsWith, "ali".into())
        );
        assert_eq!(
            parsed("cognito:user_status = \"confirmed\""),
            (UserField::Status, MatchOp::Equals, "CONFIRMED".into())
        );
        assert_eq!(
            parsed("status = \"Disabled\""),
            (UserField::Enabled, MatchOp::Equals, "false".into())
        );
        assert_eq!(
            parsed("name ^= \"Al \\\"the\\\" \""),
            (
                UserField::Attribute("name".into()),
                MatchOp::StartsWith,
                "Al \"the\" ".into()
            )
        );
        assert_eq!(
            parsed("sub = \"abc\""),
            (UserField::Id, MatchOp::Equals, "abc".into())
        );
        assert!(parse_filter("   ").unwrap().is_none());
        // A status prefix is the one status it names (they differ in their first letter).
        assert_eq!(
            parsed("cognito:user_status ^= \"con\""),
            (UserField::Status, MatchOp::Equals, "CONFIRMED".into())
        );
        assert_eq!(
            parsed("cognito:user_status ^= \"F\""),
            (
                UserField::Status,
                MatchOp::Equals,
                "FORCE_CHANGE_PASSWORD".into()
            )
        );
        assert_eq!(
            parsed("cognito:user_status ^= \"ZZ\""),
            (UserField::Status, MatchOp::Equals, "ZZ".into())
        );
        assert!(
            parse_filter("cognito:user_status ^= \"\"")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn malformed_filters_are_refused() {
        for bad in [
            "email",
            "email = alice",
            "email = \"alice",
            "email ~ \"a\"",
            "custom:x = \"a\"",
            "status ^= \"En\"",
            "status = \"maybe\"",
            "email = \"a\" extra",
            "foo = \"a\"",
        ] {
            assert!(
                matches!(parse_filter(bad), Err(Error::InvalidParameter(_))),
                "{bad}"
            );
        }
    }
}
