//! What a provider's name, identifiers and attribute mapping must be, in Cognito's terms.

use super::{MAX_IDP_IDENTIFIERS, MAX_MAPPED_ATTRIBUTES};
use crate::error::{Error, Result};
use crate::schema::CustomSchema;
use crate::schema::STANDARD_ATTRIBUTES;
use std::collections::{BTreeMap, BTreeSet};

/// A provider name: 3–32 characters (Cognito's pattern
/// `[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`), no white space or control character,
/// not starting with `_`, not `COGNITO` in any case (the pool's own users).
pub(super) fn name(name: &str) -> Result<()> {
    let length = name.chars().count();
    let printable = name.chars().all(|c| !c.is_whitespace() && !c.is_control());
    let underscores_ok = name.chars().enumerate().all(|(i, c)| c != '_' || i == 1);
    if !(3..=32).contains(&length) || !printable || !underscores_ok {
        return Err(Error::InvalidParameter(
            "ProviderName must be 3 to 32 characters, without white space, and without _ except as its second character."
                .into(),
        ));
    }
    if name.eq_ignore_ascii_case("COGNITO") {
        return Err(Error::InvalidParameter(
            "ProviderName COGNITO is the user pool's own directory.".into(),
        ));
    }
    Ok(())
}

/// Identifiers: at most 50, each 1–40 of letters, digits, white space and `_+=.@-`, none
/// twice.
pub(super) fn identifiers(identifiers: &[String]) -> Result<()> {
    if identifiers.len() > MAX_IDP_IDENTIFIERS {
        return Err(Error::InvalidParameter(format!(
            "IdpIdentifiers holds at most {MAX_IDP_IDENTIFIERS} identifiers."
        )));
    }
    let mut seen = BTreeSet::new();
    for identifier in identifiers {
        let length = identifier.chars().count();
        let allowed = identifier
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || "_+=.@-".contains(c));
        if !(1..=40).contains(&length) || !allowed {
            return Err(Error::InvalidParameter(
                "Each of IdpIdentifiers must be 1 to 40 of letters, digits, spaces and _+=.@-."
                    .into(),
            ));
        }
        if !seen.insert(identifier.as_str()) {
            return Err(Error::InvalidParameter(format!(
                "IdpIdentifiers holds {identifier} twice."
            )));
        }
    }
    Ok(())
}

/// An attribute mapping: at most 50 entries, each from an attribute of the pool (`username`,
/// a standard attribute but `sub`, or a declared custom one) to a provider claim of 1–131
/// characters.
pub(super) fn attribute_mapping(
    mapping: &BTreeMap<String, String>,
    custom: &CustomSchema,
) -> Result<()> {
    if mapping.len() > MAX_MAPPED_ATTRIBUTES {
        return Err(Error::InvalidParameter(format!(
            "AttributeMapping holds at most {MAX_MAPPED_ATTRIBUTES} entries."
        )));
    }
    for (attribute, claim) in mapping {
        let known = attribute == "username"
            || STANDARD_ATTRIBUTES
                .iter()
                .any(|a| a.name == attribute && a.name != "sub")
            || custom.get(attribute).is_some();
        if !known {
            return Err(Error::InvalidParameter(format!(
                "AttributeMapping maps {attribute}, which is not an attribute of the user pool."
            )));
        }
        let length = claim.chars().count();
        if !(1..=131).contains(&length) || claim.chars().any(char::is_control) {
            return Err(Error::InvalidParameter(format!(
                "AttributeMapping's claim for {attribute} must be 1 to 131 characters."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_judged_as_cognito_judges_them() {
        for good in ["Google", "my-idp", "Okta.Prod", "a_b", "日本語"] {
            assert!(name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "_abc",
            "ab_c",
            "has space",
            &"x".repeat(33),
            "cognito",
            "COGNITO",
        ] {
            assert!(name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn identifiers_are_bounded_and_unique() {
        let ok: Vec<String> = vec!["example.com".into(), "corp idp".into()];
        assert!(identifiers(&ok).is_ok());
        assert!(identifiers(&["a".into(), "a".into()]).is_err());
        assert!(identifiers(&["bad/slash".into()]).is_err());
        assert!(identifiers(&[String::new()]).is_err());
        assert!(identifiers(&["x".repeat(41)]).is_err());
        let many: Vec<String> = (0..51).map(|i| format!("id{i}")).collect();
        assert!(identifiers(&many).is_err());
    }

    #[test]
    fn a_mapping_names_attributes_of_the_pool() {
        let custom = CustomSchema::default();
        let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert!(
            attribute_mapping(&map(&[("email", "email"), ("username", "sub")]), &custom).is_ok()
        );
        assert!(attribute_mapping(&map(&[("sub", "sub")]), &custom).is_err());
        assert!(attribute_mapping(&map(&[("custom:team", "team")]), &custom).is_err());
        assert!(attribute_mapping(&map(&[("email", "")]), &custom).is_err());
        let many: BTreeMap<String, String> =
            (0..51).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        assert!(attribute_mapping(&many, &custom).is_err());
    }
}
