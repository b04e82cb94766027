//! A user's attribute values against the pool's schema (docs/cognito-protocol.md §5.7): every
//! caller that writes attributes (SignUp, AdminCreateUser, UpdateUserAttributes,
//! AdminUpdateUserAttributes, AdminDeleteUserAttributes, the new-password challenge) asks here.

use super::{AttributeKind, CustomSchema, MAX_VALUE_CHARS, PREFIX};
use crate::error::{Error, Result};
use crate::policy::check_attribute;

/// When an attribute is written: with the user, or to a user who exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeWrite {
    /// The user is being created (SignUp, AdminCreateUser): immutable attributes may be set.
    Creation,
    /// The user exists: set, changed or deleted (an empty value deletes). Immutable attributes
    /// are refused.
    Change,
}

fn nonconforming(name: &str, why: String) -> Error {
    Error::InvalidParameter(format!(
        "Attributes did not conform to the schema: {name}: {why}"
    ))
}

impl CustomSchema {
    /// Checks that `name` may be written with `value` (empty: none, or deleted). Standard
    /// attributes, and every `custom:` one while the pool declares none, are checked as they
    /// always were (`crate::policy::check_attribute`).
    pub fn check(&self, name: &str, value: &str, write: AttributeWrite) -> Result<()> {
        if !self.is_strict() || !name.starts_with(PREFIX) {
            return check_attribute(name, value);
        }
        let Some(attribute) = self.get(name) else {
            return Err(Error::InvalidParameter(format!(
                "Attributes did not conform to the schema: Type for attribute {{{}}} could not \
                 be determined",
                name.chars().take(64).collect::<String>()
            )));
        };
        if write == AttributeWrite::Change && !attribute.mutable {
            return Err(Error::InvalidParameter(format!(
                "Cannot modify the non-mutable attribute {name}"
            )));
        }
        if value.is_empty() {
            return Ok(());
        }
        let length = value.chars().count();
        if length > MAX_VALUE_CHARS as usize {
            return Err(nonconforming(
                name,
                format!("String must be no longer than {MAX_VALUE_CHARS} characters"),
            ));
        }
        match attribute.kind {
            AttributeKind::String {
                min_length,
                max_length,
            } => {
                if let Some(min) = min_length
                    && length < min as usize
                {
                    return Err(nonconforming(
                        name,
                        format!("String must be no shorter than {min} characters"),
                    ));
                }
                if let Some(max) = max_length
                    && length > max as usize
                {
                    return Err(nonconforming(
                        name,
                        format!("String must be no longer than {max} characters"),
                    ));
                }
            }
            AttributeKind::Number {
                min_value,
                max_value,
            } => {
                let number: i64 = value
                    .parse()
                    .map_err(|_| nonconforming(name, "Number must be a whole number".into()))?;
                if let Some(min) = min_value
                    && number < min
                {
                    return Err(nonconforming(
                        name,
                        format!("Number must be no less than {min}"),
                    ));
                }
                if let Some(max) = max_value
                    && number > max
                {
                    return Err(nonconforming(
                        name,
                        format!("Number must be no greater than {max}"),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CustomAttribute, CustomSchema};
    use super::*;

    fn schema() -> CustomSchema {
        CustomSchema::default()
            .with_added(&[
                CustomAttribute {
                    name: "team".into(),
                    mutable: true,
                    kind: AttributeKind::String {
                        min_length: Some(2),
                        max_length: Some(5),
                    },
                },
                CustomAttribute {
                    name: "level".into(),
                    mutable: true,
                    kind: AttributeKind::Number {
                        min_value: Some(1),
                        max_value: Some(10),
                    },
                },
                CustomAttribute {
                    name: "tenant".into(),
                    mutable: false,
                    kind: AttributeKind::String {
                        min_length: None,
                        max_length: None,
                    },
                },
            ])
            .unwrap()
    }

    fn refusal(schema: &CustomSchema, name: &str, value: &str, write: AttributeWrite) -> String {
        schema
            .check(name, value, write)
            .expect_err("refused")
            .to_string()
    }

    use AttributeWrite::{Change, Creation};

    #[test]
    fn without_a_schema_any_custom_name_goes_as_before() {
        let open = CustomSchema::default();
        assert!(open.check("custom:anything", "x", Change).is_ok());
        assert!(open.check("custom:", "x", Creation).is_err());
        assert!(open.check("nonsense", "x", Creation).is_err());
    }

    #[test]
    fn once_declared_only_declared_names_go() {
        let s = schema();
        assert_eq!(
            refusal(&s, "custom:other", "x", Creation),
            "Attributes did not conform to the schema: Type for attribute {custom:other} could \
             not be determined"
        );
        assert!(s.check("custom:team", "blue", Creation).is_ok());
        assert!(s.check("name", "Ann", Change).is_ok());
        assert!(s.check("unknown", "x", Change).is_err());
    }

    #[test]
    fn values_fit_type_and_bounds() {
        let s = schema();
        assert!(
            refusal(&s, "custom:team", "b", Creation)
                .ends_with("custom:team: String must be no shorter than 2 characters")
        );
        assert!(
            refusal(&s, "custom:team", "purple", Change)
                .ends_with("String must be no longer than 5 characters")
        );
        assert!(s.check("custom:team", "", Change).is_ok(), "empty deletes");
        assert!(s.check("custom:level", "10", Change).is_ok());
        assert!(
            refusal(&s, "custom:level", "11", Change)
                .ends_with("Number must be no greater than 10")
        );
        assert!(
            refusal(&s, "custom:level", "0", Change).ends_with("Number must be no less than 1")
        );
        assert!(
            refusal(&s, "custom:level", "2.5", Change).ends_with("Number must be a whole number")
        );
        assert!(
            refusal(&s, "custom:tenant", &"x".repeat(2049), Creation)
                .contains("no longer than 2048")
        );
    }

    #[test]
    fn immutable_attributes_are_set_with_the_user_only() {
        let s = schema();
        assert!(s.check("custom:tenant", "acme", Creation).is_ok());
        assert_eq!(
            refusal(&s, "custom:tenant", "other", Change),
            "Cannot modify the non-mutable attribute custom:tenant"
        );
        assert!(refusal(&s, "custom:tenant", "", Change).contains("non-mutable"));
    }
}
