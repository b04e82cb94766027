//! The members of a management request that are read whole as a JSON object (CreateUserPool,
//! UpdateUserPool, CreateUserPoolClient, UpdateUserPoolClient): each one is read, takes a value
//! that says what this service does anyway, or is refused by name — never silently ignored.

use crate::error::CognitoError;
use serde_json::{Map, Value};

/// What a member may say, and why another value is refused.
pub struct Rule {
    /// The member's name.
    pub member: &'static str,
    /// Whether a value says what this service does.
    pub accepts: fn(&Value) -> bool,
    /// Why another value is refused (follows "<member> is not supported here: ").
    pub why: &'static str,
}

/// Whether `v` is `{}`.
pub fn empty_object(v: &Value) -> bool {
    v.as_object().is_some_and(Map::is_empty)
}

/// Whether `v` is `[]`.
pub fn empty_list(v: &Value) -> bool {
    v.as_array().is_some_and(Vec::is_empty)
}

/// Checks every member of `body`: one of `read`, a rule's value, or refused by name; `null`
/// is taken everywhere (the member unsaid).
pub fn check(body: &Map<String, Value>, read: &[&str], rules: &[Rule]) -> Result<(), CognitoError> {
    for (member, value) in body {
        if value.is_null() || read.contains(&member.as_str()) {
            continue;
        }
        match rules.iter().find(|rule| rule.member == member) {
            Some(rule) if (rule.accepts)(value) => {}
            Some(rule) => {
                return Err(CognitoError::invalid(format!(
                    "{member} is not supported here: {}.",
                    rule.why
                )));
            }
            None => {
                return Err(CognitoError::invalid(format!(
                    "{} is not supported here.",
                    super::truncate(member)
                )));
            }
        }
    }
    Ok(())
}

/// The body as a JSON object.
pub fn object(body: &[u8]) -> Result<Map<String, Value>, CognitoError> {
    match super::parse::<Value>(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(CognitoError::invalid(
            "The request body must be a JSON object.",
        )),
    }
}

/// Member `name`, absent or `null` as `None`.
pub fn get<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.get(name).filter(|v| !v.is_null())
}

/// String member `name`, refused unless a string.
pub fn string<'a>(
    body: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, CognitoError> {
    get(body, name)
        .map(|v| {
            v.as_str()
                .ok_or_else(|| CognitoError::invalid(format!("{name} must be a string.")))
        })
        .transpose()
}

/// Boolean member `name`, refused unless a boolean.
pub fn boolean(body: &Map<String, Value>, name: &str) -> Result<Option<bool>, CognitoError> {
    get(body, name)
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| CognitoError::invalid(format!("{name} must be a boolean.")))
        })
        .transpose()
}

/// Whole-number member `name`, refused unless one.
pub fn integer(body: &Map<String, Value>, name: &str) -> Result<Option<i64>, CognitoError> {
    get(body, name)
        .map(|v| {
            v.as_i64()
                .ok_or_else(|| CognitoError::invalid(format!("{name} must be a whole number.")))
        })
        .transpose()
}

/// List-of-strings member `name` (absent: empty), refused unless one.
pub fn strings(body: &Map<String, Value>, name: &str) -> Result<Vec<String>, CognitoError> {
    let Some(value) = get(body, name) else {
        return Ok(Vec::new());
    };
    let bad = || CognitoError::invalid(format!("{name} must be a list of strings."));
    value
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
        .collect()
}
