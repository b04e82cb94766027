//! Value conversions shared by both dialects: JSON text columns and enum names.

use crate::error::corrupt;
use auth_return_core::model::UserStatus;
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
    }
}
