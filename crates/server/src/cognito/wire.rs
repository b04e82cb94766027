//! Lenient request shapes (docs/cognito-protocol.md §1.1, §8.1): every optional member may be
//! absent or `null`, map values may be `null`, unknown members are ignored.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A string→string map whose values may be `null` (dropped).
#[derive(Default, Deserialize)]
#[serde(transparent)]
pub struct LenientMap(Option<HashMap<String, Option<String>>>);

impl LenientMap {
    /// The non-null entries.
    pub fn into_map(self) -> HashMap<String, String> {
        self.0
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }
}

/// `AttributeType`: `{Name, Value}`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Attribute value (absent/null = empty).
    #[serde(default)]
    pub value: Option<String>,
}

/// `CodeDeliveryDetailsType`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetails {
    /// Masked address.
    pub destination: String,
    /// Always `EMAIL` here.
    pub delivery_medium: &'static str,
    /// Always `email` here.
    pub attribute_name: &'static str,
}

impl From<auth_return_core::auth::CodeDelivery> for CodeDeliveryDetails {
    fn from(d: auth_return_core::auth::CodeDelivery) -> Self {
        Self {
            destination: d.destination,
            delivery_medium: "EMAIL",
            attribute_name: "email",
        }
    }
}

/// A required member, or AWS's validation message.
pub fn required<'a, T>(
    value: &'a Option<T>,
    member: &str,
) -> Result<&'a T, crate::error::CognitoError> {
    value
        .as_ref()
        .ok_or_else(|| crate::error::CognitoError::invalid(super::validation::null(member)))
}
