//! What a group's members must be, in AWS's terms.

use crate::error::{Constraint, Error, Field, Result, Violation};

/// AWS's pattern for a group name: letters, marks, symbols, numbers and punctuation.
const NAME_PATTERN: &str = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+";
/// AWS's pattern for an IAM role ARN.
const ARN_PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";

fn violation(field: Field, constraint: Constraint) -> Error {
    Error::Validation(Violation::new(field, constraint))
}

/// A group name: 1–128 characters, none of them white space or a control character.
pub(super) fn name(name: &str) -> Result<()> {
    let length = name.chars().count();
    if !(1..=128).contains(&length) {
        return Err(violation(
            Field::GroupName,
            Constraint::Length { min: 1, max: 128 },
        ));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(violation(
            Field::GroupName,
            Constraint::Pattern(NAME_PATTERN),
        ));
    }
    Ok(())
}

/// A description: at most 2,048 characters.
pub(super) fn description(description: &str) -> Result<()> {
    if description.chars().count() > 2048 {
        return Err(violation(Field::Description, Constraint::MaxLength(2048)));
    }
    Ok(())
}

/// A precedence: 0 or more.
pub(super) fn precedence(precedence: i64) -> Result<()> {
    if precedence < 0 {
        return Err(violation(Field::Precedence, Constraint::AtLeast(0)));
    }
    if precedence > i64::from(i32::MAX) {
        return Err(violation(
            Field::Precedence,
            Constraint::AtMost(i64::from(i32::MAX)),
        ));
    }
    Ok(())
}

/// A role ARN: 20–2,048 characters, `arn:` and five more parts, no white space.
pub(super) fn role_arn(arn: &str) -> Result<()> {
    let length = arn.chars().count();
    if !(20..=2048).contains(&length) {
        return Err(violation(
            Field::RoleArn,
            Constraint::Length { min: 20, max: 2048 },
        ));
    }
    let parts: Vec<&str> = arn.split(':').collect();
    let well_formed = parts.len() >= 6
        && parts[0] == "arn"
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && !parts[4].is_empty()
        && !arn.chars().any(char::is_whitespace);
    if !well_formed {
        return Err(violation(Field::RoleArn, Constraint::Pattern(ARN_PATTERN)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_judged_as_aws_judges_them() {
        assert!(name("admins").is_ok());
        assert!(name("Ops/EU-1_ü").is_ok());
        assert!(name("").is_err());
        assert!(name("with space").is_err());
        assert!(name(&"x".repeat(129)).is_err());
        assert!(description(&"x".repeat(2048)).is_ok());
        assert!(description(&"x".repeat(2049)).is_err());
        assert!(precedence(0).is_ok());
        assert!(precedence(-1).is_err());
        assert!(role_arn("arn:aws:iam::123456789012:role/editor").is_ok());
        assert!(role_arn("arn:aws:iam::123456789012").is_err());
        assert!(role_arn("not an arn at all, no").is_err());
    }
}
