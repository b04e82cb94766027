//! A pool's custom-attribute schema (docs/cognito-protocol.md §5.7): the `custom:` attributes
//! it declares, with their type, bounds and mutability. A pool that declares none takes any
//! `custom:<name>` as before; once one is declared, only declared ones, with values that fit.

mod declare;
mod standard;
mod values;

pub use declare::{Bounds, SchemaEntry, custom_attributes, declare_schema};
pub use standard::{STANDARD_ATTRIBUTES, StandardAttribute, StandardType};
pub use values::AttributeWrite;

use serde::{Deserialize, Serialize};

/// Most custom attributes a pool declares (Cognito's limit, not adjustable there).
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;
/// Longest custom attribute name, without the prefix (Cognito's).
pub const MAX_NAME_CHARS: usize = 20;
/// Longest attribute value (Cognito's), whatever a string attribute's `MaxLength` says.
pub const MAX_VALUE_CHARS: u32 = 2048;
/// What Cognito puts before a custom attribute's name.
pub const PREFIX: &str = "custom:";

/// One declared custom attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomAttribute {
    /// The name without `custom:`, as AddCustomAttributes gives it.
    pub name: String,
    /// Whether a user's value may change once the user exists (else it is set at creation:
    /// SignUp or AdminCreateUser).
    pub mutable: bool,
    /// The type of its values, with their bounds.
    pub kind: AttributeKind,
}

impl CustomAttribute {
    /// The name users' attributes carry: `custom:<name>`.
    pub fn full_name(&self) -> String {
        format!("{PREFIX}{}", self.name)
    }
}

/// A custom attribute's type, with the bounds given (absent: none but Cognito's 2,048
/// characters).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttributeKind {
    /// Text, `min_length` to `max_length` characters.
    String {
        /// Fewest characters.
        min_length: Option<u32>,
        /// Most characters (at most 2,048).
        max_length: Option<u32>,
    },
    /// A whole number, `min_value` to `max_value`.
    Number {
        /// Smallest value.
        min_value: Option<i64>,
        /// Largest value.
        max_value: Option<i64>,
    },
}

impl AttributeKind {
    /// Cognito's `AttributeDataType`.
    pub fn data_type(&self) -> &'static str {
        match self {
            Self::String { .. } => "String",
            Self::Number { .. } => "Number",
        }
    }
}

/// A pool's custom attributes, in the order they were declared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct CustomSchema(Vec<CustomAttribute>);

impl CustomSchema {
    /// The declared attributes, oldest first.
    pub fn attributes(&self) -> &[CustomAttribute] {
        &self.0
    }

    /// Whether `custom:` attributes are checked against the schema: once one is declared.
    pub fn is_strict(&self) -> bool {
        !self.0.is_empty()
    }

    /// The attribute a user attribute named `full_name` (`custom:<name>`) is, if declared.
    pub fn get(&self, full_name: &str) -> Option<&CustomAttribute> {
        let name = full_name.strip_prefix(PREFIX)?;
        self.0.iter().find(|a| a.name == name)
    }
}
