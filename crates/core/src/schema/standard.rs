//! The standard attributes a pool has (docs/cognito-protocol.md §5.7), in Cognito's order: what
//! DescribeUserPool lists before the custom ones, and what CreateUserPool's `Schema` may say of
//! them.

/// A standard attribute's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StandardType {
    /// Text.
    String,
    /// `true` or `false`.
    Boolean,
    /// A number (seconds, for `updated_at`).
    Number,
}

impl StandardType {
    /// Cognito's `AttributeDataType`.
    pub fn data_type(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Boolean => "Boolean",
            Self::Number => "Number",
        }
    }
}

/// A standard attribute as this service keeps it.
#[derive(Clone, Copy, Debug)]
pub struct StandardAttribute {
    /// Its name (OpenID Connect's).
    pub name: &'static str,
    /// Its type.
    pub kind: StandardType,
    /// Whether it may change.
    pub mutable: bool,
    /// Whether every user has it.
    pub required: bool,
}

const fn text(name: &'static str) -> StandardAttribute {
    StandardAttribute {
        name,
        kind: StandardType::String,
        mutable: true,
        required: false,
    }
}

/// Every standard attribute: `sub`, the email (the username, so required) and its
/// verification, and those users may set (`crate::policy`'s list).
pub const STANDARD_ATTRIBUTES: &[StandardAttribute] = &[
    StandardAttribute {
        name: "sub",
        kind: StandardType::String,
        mutable: false,
        required: true,
    },
    text("name"),
    text("given_name"),
    text("family_name"),
    text("middle_name"),
    text("nickname"),
    text("preferred_username"),
    text("profile"),
    text("picture"),
    text("website"),
    StandardAttribute {
        name: "email",
        kind: StandardType::String,
        mutable: true,
        required: true,
    },
    StandardAttribute {
        name: "email_verified",
        kind: StandardType::Boolean,
        mutable: true,
        required: false,
    },
    text("gender"),
    text("birthdate"),
    text("zoneinfo"),
    text("locale"),
    text("phone_number"),
    text("address"),
    StandardAttribute {
        name: "updated_at",
        kind: StandardType::Number,
        mutable: true,
        required: false,
    },
];

#[cfg(test)]
mod tests {
    use super::STANDARD_ATTRIBUTES;
    use crate::policy::WRITABLE_ATTRIBUTES;

    #[test]
    fn every_writable_attribute_is_listed_once() {
        for name in WRITABLE_ATTRIBUTES {
            let listed = STANDARD_ATTRIBUTES
                .iter()
                .filter(|s| s.name == *name)
                .count();
            assert_eq!(listed, 1, "{name}");
        }
        assert_eq!(STANDARD_ATTRIBUTES.len(), WRITABLE_ATTRIBUTES.len() + 3);
    }
}
