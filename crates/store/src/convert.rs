//! Value conversions shared by both dialects: JSON text columns and enum names.

use crate::error::corrupt;
use auth_return_core::clients::ClientProfile;
use auth_return_core::events::EventKind;
use auth_return_core::ids::UserId;
use auth_return_core::model::{
    FILTERABLE_ATTRIBUTES, MatchOp, MfaFactor, UserField, UserFilter, UserStatus,
};
use auth_return_core::provider::ExternalPool;
use auth_return_core::settings::AppSettings;
use auth_return_core::store::{StoreError, StoreResult};
use std::collections::BTreeMap;

/// An app's origins as the JSON array text stored in `apps.origins`.
pub(crate) fn origins_to_json(origins: &[String]) -> StoreResult<String> {
    serde_json::to_string(origins)
        .map_err(|e| StoreError::Backend(format!("encoding origins: {e}")))
}

/// Parses `apps.origins`.
pub(crate) fn origins_from_json(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|_| corrupt("apps.origins"))
}

/// An app's settings as the JSON object text stored in `apps.settings`.
pub(crate) fn settings_to_json(settings: &AppSettings) -> StoreResult<String> {
    serde_json::to_string(settings)
        .map_err(|e| StoreError::Backend(format!("encoding settings: {e}")))
}

/// Parses `apps.settings` leniently: members it lacks take their defaults (documents written
/// before a setting existed), members it does not know are ignored. Anything but a JSON object
/// of well-typed members is corrupt (serde alone would also take an array, positionally).
pub(crate) fn settings_from_json(text: &str) -> StoreResult<AppSettings> {
    match serde_json::from_str(text) {
        Ok(value @ serde_json::Value::Object(_)) => {
            serde_json::from_value(value).map_err(|_| corrupt("apps.settings"))
        }
        _ => Err(corrupt("apps.settings")),
    }
}

/// A client's profile as the JSON object text stored in `clients.profile`.
pub(crate) fn client_profile_to_json(profile: &ClientProfile) -> StoreResult<String> {
    serde_json::to_string(profile)
        .map_err(|e| StoreError::Backend(format!("encoding client profile: {e}")))
}

/// Parses `clients.profile`, as leniently as `apps.settings`.
pub(crate) fn client_profile_from_json(text: &str) -> StoreResult<ClientProfile> {
    match serde_json::from_str(text) {
        Ok(value @ serde_json::Value::Object(_)) => {
            serde_json::from_value(value).map_err(|_| corrupt("clients.profile"))
        }
        _ => Err(corrupt("clients.profile")),
    }
}

/// Where an app's pool lives, as the JSON object text stored in `apps.external`.
pub(crate) fn external_to_json(external: &ExternalPool) -> StoreResult<String> {
    serde_json::to_string(external)
        .map_err(|e| StoreError::Backend(format!("encoding external pool: {e}")))
}

/// Parses `apps.external`.
pub(crate) fn external_from_json(text: &str) -> StoreResult<ExternalPool> {
    serde_json::from_str(text).map_err(|_| corrupt("apps.external"))
}

/// An API key's scopes as the JSON array text stored in `api_keys.scopes`.
pub(crate) fn scopes_to_json(scopes: &[String]) -> StoreResult<String> {
    serde_json::to_string(scopes).map_err(|e| StoreError::Backend(format!("encoding scopes: {e}")))
}

/// Parses `api_keys.scopes`.
pub(crate) fn scopes_from_json(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|_| corrupt("api_keys.scopes"))
}

/// A ListUsers filter reduced to what both dialects' SQL needs: which expression, how to
/// compare, and the bound values. `None` when the filter can match no user (an `Enabled` filter
/// that is not `= "true"`/`= "false"`, a `username` that is no id, an attribute that is not
/// filterable).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FilterSql<'a> {
    /// No filter.
    All,
    /// The user with this id.
    Id(UserId),
    /// A text column (`user_id`'s text, `status`) compared with `value`.
    Column {
        column: TextColumn,
        op: MatchOp,
        value: &'a str,
    },
    /// The `enabled` flag.
    Enabled(bool),
    /// A value with an index of its own (`email`, each filterable attribute): equal to `value`
    /// (listed in id order) or starting with it (listed in the value's order).
    Value {
        indexed: Indexed,
        op: MatchOp,
        value: &'a str,
    },
}

/// The text columns a filter can name without an index of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextColumn {
    /// `user_id` (its hyphenated lowercase text form), by prefix.
    Id,
    /// `status`.
    Status,
}

/// The values ListUsers reads through an index of their own (migration 0022).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Indexed {
    /// `email`.
    Email,
    /// The attribute `FILTERABLE_ATTRIBUTES[i]`.
    Attribute(usize),
}

/// Classifies `filter`; `None` when nothing can match.
pub(crate) fn filter_sql(filter: Option<&UserFilter>) -> Option<FilterSql<'_>> {
    let Some(filter) = filter else {
        return Some(FilterSql::All);
    };
    let (op, value) = (filter.op, filter.value.as_str());
    match &filter.field {
        UserField::Id => match op {
            // The id's own text, case-sensitive as a username is.
            MatchOp::Equals => UserId::parse(value)
                .filter(|id| id.to_string() == value)
                .map(FilterSql::Id),
            MatchOp::StartsWith => Some(FilterSql::Column {
                column: TextColumn::Id,
                op,
                value,
            }),
        },
        UserField::Status => Some(FilterSql::Column {
            column: TextColumn::Status,
            op,
            value,
        }),
        UserField::Enabled => match (op, value) {
            (MatchOp::Equals, "true") => Some(FilterSql::Enabled(true)),
            (MatchOp::Equals, "false") => Some(FilterSql::Enabled(false)),
            _ => None,
        },
        UserField::Email => Some(FilterSql::Value {
            indexed: Indexed::Email,
            op,
            value,
        }),
        UserField::Attribute(name) => {
            let index = FILTERABLE_ATTRIBUTES.iter().position(|a| a == name)?;
            Some(FilterSql::Value {
                indexed: Indexed::Attribute(index),
                op,
                value,
            })
        }
    }
}

/// `text` with the `LIKE` wildcards and the escape character escaped, for `ESCAPE '\'`.
pub(crate) fn like_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

pub(crate) fn limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// A user's extra attributes as the JSON object text stored in `users.attributes`.
pub(crate) fn attributes_to_json(attributes: &BTreeMap<String, String>) -> StoreResult<String> {
    serde_json::to_string(attributes)
        .map_err(|e| StoreError::Backend(format!("encoding attributes: {e}")))
}

/// Parses `users.attributes`.
pub(crate) fn attributes_from_json(text: &str) -> StoreResult<BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|_| corrupt("users.attributes"))
}

/// Parses `users.status` (the Cognito wire name).
pub(crate) fn status_from_str(text: &str) -> StoreResult<UserStatus> {
    UserStatus::parse(text).ok_or_else(|| corrupt("users.status"))
}

/// Parses `user_mfa.preferred` (the Cognito name of a factor).
pub(crate) fn mfa_factor_from_str(text: &str) -> StoreResult<MfaFactor> {
    MfaFactor::parse(text).ok_or_else(|| corrupt("user_mfa.preferred"))
}

/// An event's detail as the JSON object text stored in `events.detail`.
pub(crate) fn detail_to_json(
    detail: &serde_json::Map<String, serde_json::Value>,
) -> StoreResult<String> {
    serde_json::to_string(detail)
        .map_err(|e| StoreError::Backend(format!("encoding event detail: {e}")))
}

/// Parses `events.detail`: a JSON object, nothing else.
pub(crate) fn detail_from_json(
    text: &str,
) -> StoreResult<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text).map_err(|_| corrupt("events.detail"))
}

/// Parses `events.kind` (the stable code). A code this version does not know (written by a
/// newer one) is corrupt here.
pub(crate) fn event_kind_from_str(text: &str) -> StoreResult<EventKind> {
    EventKind::parse(text).ok_or_else(|| corrupt("events.kind"))
}

/// A passkey's transports as the JSON array text stored in `passkeys.transports`.
pub(crate) fn transports_to_json(transports: &[String]) -> StoreResult<String> {
    serde_json::to_string(transports)
        .map_err(|e| StoreError::Backend(format!("encoding transports: {e}")))
}

/// A passkey's transports from their stored JSON array text.
pub(crate) fn transports_from_json(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text).map_err(|_| corrupt("passkeys.transports"))
}

/// `value` as the JSON text of column `what`.
pub(crate) fn to_json_text<T: serde::Serialize>(value: &T, what: &str) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(format!("encoding {what}: {e}")))
}

/// Parses the JSON text of column `what`.
pub(crate) fn from_json_text<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &'static str,
) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_columns_round_trip() {
        let origins = vec![
            "https://a.example".to_owned(),
            "http://localhost:3000".to_owned(),
        ];
        let text = origins_to_json(&origins).unwrap();
        assert_eq!(origins_from_json(&text).unwrap(), origins);
        assert_eq!(origins_from_json("[]").unwrap(), Vec::<String>::new());

        let mut attributes = BTreeMap::new();
        attributes.insert("name".to_owned(), "Ada \"Countess\" Lovelace".to_owned());
        attributes.insert("custom:tier".to_owned(), "gold".to_owned());
        let text = attributes_to_json(&attributes).unwrap();
        assert_eq!(attributes_from_json(&text).unwrap(), attributes);

        let scopes = vec!["read".to_owned(), "orders:write".to_owned()];
        let text = scopes_to_json(&scopes).unwrap();
        assert_eq!(scopes_from_json(&text).unwrap(), scopes);
        assert!(scopes_from_json("{}").is_err());

        let mut detail = serde_json::Map::new();
        detail.insert("reason".to_owned(), "wrong_password".into());
        detail.insert("n".to_owned(), 3.into());
        let text = detail_to_json(&detail).unwrap();
        assert_eq!(detail_from_json(&text).unwrap(), detail);
        assert!(detail_from_json("{}").unwrap().is_empty());
        for bad in ["[]", "null", "\"x\"", "{not json"] {
            assert!(detail_from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_read_leniently() {
        let mut settings = AppSettings::default();
        settings.refresh_rotation.grace_secs = 30;
        settings.password_policy.min_length = 12;
        settings.templates.verification_subject = Some("Your code".into());
        let text = settings_to_json(&settings).unwrap();
        assert_eq!(settings_from_json(&text).unwrap(), settings);

        assert_eq!(settings_from_json("{}").unwrap(), AppSettings::default());
        let partial = settings_from_json(
            r#"{"refresh_rotation":{"enabled":false},"someday":1,"password_policy":{}}"#,
        )
        .unwrap();
        assert!(!partial.refresh_rotation.enabled);
        assert_eq!(
            partial.refresh_rotation.grace_secs,
            AppSettings::default().refresh_rotation.grace_secs
        );
        assert_eq!(
            partial.password_policy,
            AppSettings::default().password_policy
        );
        for bad in [
            "",
            "[]",
            "null",
            "{not json",
            r#"{"refresh_rotation":{"grace_secs":"ten"}}"#,
        ] {
            let err = settings_from_json(bad).unwrap_err();
            assert!(
                matches!(&err, StoreError::Backend(t) if t.contains("apps.settings")),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn filters_classify() {
        let f = |field, op, value: &str| UserFilter {
            field,
            op,
            value: value.to_owned(),
        };
        assert_eq!(filter_sql(None), Some(FilterSql::All));
        let email = f(UserField::Email, MatchOp::StartsWith, "a%");
        assert_eq!(
            filter_sql(Some(&email)),
            Some(FilterSql::Value {
                indexed: Indexed::Email,
                op: MatchOp::StartsWith,
                value: "a%"
            })
        );
        let id = UserId::generate();
        let by_id = f(UserField::Id, MatchOp::Equals, &id.to_string());
        assert_eq!(filter_sql(Some(&by_id)), Some(FilterSql::Id(id)));
        assert_eq!(
            filter_sql(Some(&f(UserField::Id, MatchOp::Equals, "not-an-id"))),
            None
        );
        let on = f(UserField::Enabled, MatchOp::Equals, "true");
        assert_eq!(filter_sql(Some(&on)), Some(FilterSql::Enabled(true)));
        let off = f(UserField::Enabled, MatchOp::Equals, "false");
        assert_eq!(filter_sql(Some(&off)), Some(FilterSql::Enabled(false)));
        for (op, value) in [
            (MatchOp::Equals, "True"),
            (MatchOp::Equals, "yes"),
            (MatchOp::StartsWith, "t"),
        ] {
            assert_eq!(filter_sql(Some(&f(UserField::Enabled, op, value))), None);
        }
        let attr = f(
            UserField::Attribute("family_name".into()),
            MatchOp::Equals,
            "v",
        );
        assert_eq!(
            filter_sql(Some(&attr)),
            Some(FilterSql::Value {
                indexed: Indexed::Attribute(2),
                op: MatchOp::Equals,
                value: "v"
            })
        );
        // Only Cognito's searchable attributes have an index; another matches nobody.
        let custom = f(
            UserField::Attribute("custom:x".into()),
            MatchOp::Equals,
            "v",
        );
        assert_eq!(filter_sql(Some(&custom)), None);
        assert_eq!(limit(usize::MAX), i64::MAX);
        assert_eq!(limit(60), 60);
    }

    #[test]
    fn corrupt_values_are_backend_errors_without_content() {
        let err = origins_from_json("{not json").unwrap_err();
        assert!(
            matches!(&err, StoreError::Backend(t) if !t.contains("not json")),
            "{err}"
        );
        assert!(status_from_str("WHATEVER").is_err());
        assert_eq!(status_from_str("CONFIRMED").unwrap(), UserStatus::Confirmed);
        for factor in [MfaFactor::SoftwareToken, MfaFactor::EmailOtp] {
            assert_eq!(mfa_factor_from_str(factor.as_str()).unwrap(), factor);
        }
        for bad in ["SMS_MFA", "software_token_mfa", ""] {
            let err = mfa_factor_from_str(bad).unwrap_err();
            assert!(
                matches!(&err, StoreError::Backend(t) if t.contains("user_mfa.preferred")),
                "{bad}: {err}"
            );
        }
        assert!(event_kind_from_str("password_guessed").is_err());
        assert_eq!(event_kind_from_str("sign_in").unwrap(), EventKind::SignIn);
    }
}
