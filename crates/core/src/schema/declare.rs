//! Declaring custom attributes (docs/cognito-protocol.md §5.7): a `SchemaAttributeType` as
//! AddCustomAttributes and CreateUserPool's `Schema` give it, checked into a
//! [`CustomAttribute`], and a schema grown by some, all or nothing.

use super::standard::{STANDARD_ATTRIBUTES, StandardAttribute, StandardType};
use super::{
    AttributeKind, CustomAttribute, CustomSchema, MAX_CUSTOM_ATTRIBUTES, MAX_NAME_CHARS,
    MAX_VALUE_CHARS, PREFIX,
};
use crate::error::{Error, Result};

/// A `MinLength`/`MaxLength` or `MinValue`/`MaxValue` pair, as the wire has them (strings).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    /// The lower bound.
    pub min: Option<String>,
    /// The upper bound.
    pub max: Option<String>,
}

/// One `SchemaAttributeType`, its members as given (absent: `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaEntry {
    /// `Name`, without `custom:`.
    pub name: Option<String>,
    /// `AttributeDataType`: `String` (the default) or `Number`.
    pub data_type: Option<String>,
    /// `DeveloperOnlyAttribute`: refused when `true`.
    pub developer_only: Option<bool>,
    /// `Mutable` (default `true`).
    pub mutable: Option<bool>,
    /// `Required`: refused when `true` for a custom attribute.
    pub required: Option<bool>,
    /// `StringAttributeConstraints`.
    pub string_constraints: Option<Bounds>,
    /// `NumberAttributeConstraints`.
    pub number_constraints: Option<Bounds>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidParameter(message.into())
}

/// Whether `c` may be in a custom attribute's name: a letter or digit of any script, or ASCII
/// punctuation other than `:` (a subset of Cognito's `[\p{L}\p{M}\p{S}\p{N}\p{P}]`).
fn name_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_ascii_punctuation() && c != ':')
}

/// `text` as a bound of type `T`, or a refusal naming `member`.
fn bound<T: std::str::FromStr>(
    text: Option<&String>,
    member: &str,
    what: &str,
) -> Result<Option<T>> {
    text.map(|t| {
        t.parse::<T>()
            .map_err(|_| invalid(format!("{member} must be {what}.")))
    })
    .transpose()
}

impl SchemaEntry {
    /// The name given, or a refusal.
    fn given_name(&self) -> Result<&str> {
        self.name
            .as_deref()
            .ok_or_else(|| invalid("Every schema attribute needs a Name."))
    }

    /// This entry as a custom attribute (its name taken as `custom:<name>`), or why not.
    pub fn custom(&self) -> Result<CustomAttribute> {
        let name = self.given_name()?;
        let length = name.chars().count();
        if length == 0 || length > MAX_NAME_CHARS || !name.chars().all(name_char) {
            return Err(invalid(format!(
                "Invalid custom attribute name {}: 1 to {MAX_NAME_CHARS} letters, digits or \
                 punctuation other than ':', given without the custom: prefix.",
                name.chars().take(64).collect::<String>()
            )));
        }
        if self.developer_only == Some(true) {
            return Err(invalid(format!(
                "DeveloperOnlyAttribute is not supported here ({PREFIX}{name}): developer-only \
                 (dev:) attributes are a legacy of Cognito; declare an immutable custom \
                 attribute instead."
            )));
        }
        if self.required == Some(true) {
            return Err(invalid(format!(
                "Required is not supported for custom attributes ({PREFIX}{name}): Cognito does \
                 not require them either."
            )));
        }
        let kind = match self.data_type.as_deref().unwrap_or("String") {
            "String" => self.string_kind(name)?,
            "Number" => self.number_kind(name)?,
            other @ ("DateTime" | "Boolean") => {
                return Err(invalid(format!(
                    "AttributeDataType {other} is not supported here ({PREFIX}{name}): String \
                     and Number only."
                )));
            }
            _ => {
                return Err(invalid(format!(
                    "AttributeDataType of {PREFIX}{name} must be String or Number."
                )));
            }
        };
        Ok(CustomAttribute {
            name: name.to_owned(),
            mutable: self.mutable.unwrap_or(true),
            kind,
        })
    }

    fn string_kind(&self, name: &str) -> Result<AttributeKind> {
        if self.number_constraints.is_some() {
            return Err(invalid(format!(
                "NumberAttributeConstraints apply to Number attributes, not to {PREFIX}{name}."
            )));
        }
        let bounds = self.string_constraints.clone().unwrap_or_default();
        let what = format!("a whole number from 0 to {MAX_VALUE_CHARS}");
        let min: Option<u32> = bound(
            bounds.min.as_ref(),
            "StringAttributeConstraints.MinLength",
            &what,
        )?;
        let max: Option<u32> = bound(
            bounds.max.as_ref(),
            "StringAttributeConstraints.MaxLength",
            &what,
        )?;
        if min.is_some_and(|m| m > MAX_VALUE_CHARS) || max.is_some_and(|m| m > MAX_VALUE_CHARS) {
            return Err(invalid(format!(
                "StringAttributeConstraints of {PREFIX}{name} must be {what}."
            )));
        }
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            return Err(invalid(format!(
                "StringAttributeConstraints.MinLength of {PREFIX}{name} is above its MaxLength."
            )));
        }
        Ok(AttributeKind::String {
            min_length: min,
            max_length: max,
        })
    }

    fn number_kind(&self, name: &str) -> Result<AttributeKind> {
        if self.string_constraints.is_some() {
            return Err(invalid(format!(
                "StringAttributeConstraints apply to String attributes, not to {PREFIX}{name}."
            )));
        }
        let bounds = self.number_constraints.clone().unwrap_or_default();
        let what = "a whole number";
        let min: Option<i64> = bound(
            bounds.min.as_ref(),
            "NumberAttributeConstraints.MinValue",
            what,
        )?;
        let max: Option<i64> = bound(
            bounds.max.as_ref(),
            "NumberAttributeConstraints.MaxValue",
            what,
        )?;
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            return Err(invalid(format!(
                "NumberAttributeConstraints.MinValue of {PREFIX}{name} is above its MaxValue."
            )));
        }
        Ok(AttributeKind::Number {
            min_value: min,
            max_value: max,
        })
    }

    /// Checks a standard attribute's entry says what this service does with it (CreateUserPool's
    /// `Schema` may describe them); anything else is refused by name.
    fn check_standard(&self, standard: &StandardAttribute) -> Result<()> {
        let name = standard.name;
        let refuse = |why: String| {
            Err(invalid(format!(
                "Schema attribute {name} is not supported here: {why}."
            )))
        };
        if self.developer_only == Some(true) {
            return refuse("a standard attribute is not developer-only".into());
        }
        if let Some(given) = self.data_type.as_deref()
            && given != standard.kind.data_type()
        {
            return refuse(format!("its type is {}", standard.kind.data_type()));
        }
        if self.mutable.is_some_and(|m| m != standard.mutable) {
            return refuse(format!(
                "it is {}",
                if standard.mutable {
                    "mutable"
                } else {
                    "immutable"
                }
            ));
        }
        // Email is the username, so always there; `Required: false` says no less.
        if self.required == Some(true) && !standard.required {
            return refuse("only email is required here".into());
        }
        let plain_string = |bounds: &Bounds| {
            bounds.min.as_deref().is_none_or(|m| m == "0" || m == "1")
                && bounds.max.as_deref().is_none_or(|m| m == "2048")
        };
        let constraints_ok = match standard.kind {
            StandardType::String => {
                self.number_constraints.is_none()
                    && self.string_constraints.as_ref().is_none_or(plain_string)
            }
            StandardType::Number => {
                self.string_constraints.is_none()
                    && self.number_constraints.as_ref().is_none_or(|b| {
                        b.min.as_deref().is_none_or(|m| m == "0") && b.max.is_none()
                    })
            }
            StandardType::Boolean => {
                self.string_constraints.is_none() && self.number_constraints.is_none()
            }
        };
        if !constraints_ok {
            return refuse("its constraints are those DescribeUserPool shows".into());
        }
        Ok(())
    }
}

/// CreateUserPool's `Schema`: entries that name a standard attribute must describe it as it is
/// here; the others declare custom attributes, which are returned (at most 50, each once).
pub fn declare_schema(entries: &[SchemaEntry]) -> Result<Vec<CustomAttribute>> {
    let mut custom = Vec::new();
    for entry in entries {
        let name = entry.given_name()?;
        match STANDARD_ATTRIBUTES.iter().find(|s| s.name == name) {
            Some(standard) => entry.check_standard(standard)?,
            None => custom.push(entry.custom()?),
        }
    }
    CustomSchema::default().with_added(&custom)?;
    Ok(custom)
}

/// Each entry as a custom attribute (AddCustomAttributes: every name becomes `custom:<name>`).
pub fn custom_attributes(entries: &[SchemaEntry]) -> Result<Vec<CustomAttribute>> {
    if entries.is_empty() {
        return Err(invalid(
            "CustomAttributes must name at least one attribute.",
        ));
    }
    entries.iter().map(SchemaEntry::custom).collect()
}

impl CustomSchema {
    /// This schema with `added` after it, or — nothing added — why not: a name declared
    /// already (Cognito's message), or more than 50 in all.
    pub fn with_added(&self, added: &[CustomAttribute]) -> Result<CustomSchema> {
        let mut grown = self.0.clone();
        for attribute in added {
            if grown.iter().any(|a| a.name == attribute.name) {
                let full = attribute.full_name();
                return Err(invalid(format!(
                    "{full}: Existing attribute already has name {full}."
                )));
            }
            grown.push(attribute.clone());
        }
        if grown.len() > MAX_CUSTOM_ATTRIBUTES {
            return Err(Error::CustomAttributeLimitExceeded(MAX_CUSTOM_ATTRIBUTES));
        }
        Ok(CustomSchema(grown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> SchemaEntry {
        SchemaEntry {
            name: Some(name.into()),
            ..SchemaEntry::default()
        }
    }

    fn message(result: Result<impl std::fmt::Debug>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn a_bare_name_is_a_mutable_string() {
        let attribute = entry("team").custom().unwrap();
        assert_eq!(attribute.full_name(), "custom:team");
        assert!(attribute.mutable);
        assert_eq!(
            attribute.kind,
            AttributeKind::String {
                min_length: None,
                max_length: None
            }
        );
    }

    #[test]
    fn names_are_1_to_20_letters_digits_or_punctuation() {
        assert!(entry(&"n".repeat(20)).custom().is_ok());
        assert!(entry("tier-2.b_c").custom().is_ok());
        assert!(entry("équipe").custom().is_ok());
        for bad in ["", &"n".repeat(21), "a b", "custom:x", "tab\t"] {
            assert!(
                message(entry(bad).custom()).starts_with("Invalid custom attribute name"),
                "{bad:?}"
            );
        }
        assert!(message(SchemaEntry::default().custom()).contains("needs a Name"));
    }

    #[test]
    fn types_and_refusals_by_name() {
        let number = SchemaEntry {
            data_type: Some("Number".into()),
            number_constraints: Some(Bounds {
                min: Some("-5".into()),
                max: Some("10".into()),
            }),
            mutable: Some(false),
            ..entry("level")
        };
        let attribute = number.custom().unwrap();
        assert!(!attribute.mutable);
        assert_eq!(
            attribute.kind,
            AttributeKind::Number {
                min_value: Some(-5),
                max_value: Some(10)
            }
        );
        for kind in ["DateTime", "Boolean"] {
            let e = SchemaEntry {
                data_type: Some(kind.into()),
                ..entry("x")
            };
            assert!(
                message(e.custom()).contains(&format!("AttributeDataType {kind} is not supported"))
            );
        }
        let odd = SchemaEntry {
            data_type: Some("Blob".into()),
            ..entry("x")
        };
        assert!(message(odd.custom()).contains("must be String or Number"));
        let dev = SchemaEntry {
            developer_only: Some(true),
            ..entry("x")
        };
        assert!(message(dev.custom()).starts_with("DeveloperOnlyAttribute is not supported"));
        let required = SchemaEntry {
            required: Some(true),
            ..entry("x")
        };
        assert!(message(required.custom()).starts_with("Required is not supported"));
    }

    #[test]
    fn bounds_are_checked() {
        let string = |min: &str, max: &str| SchemaEntry {
            string_constraints: Some(Bounds {
                min: Some(min.into()),
                max: Some(max.into()),
            }),
            ..entry("s")
        };
        assert!(string("1", "2048").custom().is_ok());
        assert!(message(string("1", "2049").custom()).contains("0 to 2048"));
        assert!(message(string("5", "4").custom()).contains("above its MaxLength"));
        assert!(message(string("x", "4").custom()).contains("MinLength must be"));
        let number = |min: &str, max: &str| SchemaEntry {
            data_type: Some("Number".into()),
            number_constraints: Some(Bounds {
                min: Some(min.into()),
                max: Some(max.into()),
            }),
            ..entry("n")
        };
        assert!(message(number("3", "2").custom()).contains("above its MaxValue"));
        assert!(message(number("1.5", "2").custom()).contains("MinValue must be a whole number"));
        let crossed = SchemaEntry {
            data_type: Some("Number".into()),
            string_constraints: Some(Bounds::default()),
            ..entry("n")
        };
        assert!(message(crossed.custom()).contains("apply to String attributes"));
    }

    #[test]
    fn a_schema_grows_all_or_nothing_to_50() {
        let names: Vec<_> = (0..50)
            .map(|i| entry(&format!("a{i}")).custom().unwrap())
            .collect();
        let full = CustomSchema::default().with_added(&names).unwrap();
        assert_eq!(full.attributes().len(), 50);
        let one_more = entry("z").custom().unwrap();
        assert!(matches!(
            full.with_added(&[one_more]),
            Err(Error::CustomAttributeLimitExceeded(50))
        ));
        let half = CustomSchema::default().with_added(&names[..2]).unwrap();
        assert_eq!(
            message(half.with_added(&[names[2].clone(), names[0].clone()])),
            "custom:a0: Existing attribute already has name custom:a0."
        );
        assert_eq!(half.attributes().len(), 2);
    }

    #[test]
    fn the_create_schema_describes_standard_attributes_as_they_are() {
        let email = SchemaEntry {
            data_type: Some("String".into()),
            required: Some(true),
            mutable: Some(true),
            string_constraints: Some(Bounds {
                min: Some("0".into()),
                max: Some("2048".into()),
            }),
            ..entry("email")
        };
        let custom = declare_schema(&[email, entry("team")]).unwrap();
        assert_eq!(custom.len(), 1);
        assert_eq!(custom[0].name, "team");
        let required_name = SchemaEntry {
            required: Some(true),
            ..entry("name")
        };
        assert!(
            message(declare_schema(&[required_name]))
                .starts_with("Schema attribute name is not supported here")
        );
        let mutable_sub = SchemaEntry {
            mutable: Some(true),
            ..entry("sub")
        };
        assert!(message(declare_schema(&[mutable_sub])).contains("immutable"));
        let numeric_email = SchemaEntry {
            data_type: Some("Number".into()),
            ..entry("email")
        };
        assert!(message(declare_schema(&[numeric_email])).contains("its type is String"));
        assert!(message(declare_schema(&[entry("x"), entry("x")])).contains("Existing attribute"));
        assert!(message(custom_attributes(&[])).contains("at least one"));
    }
}
