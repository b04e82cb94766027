//! AWS's wording of validation errors (docs/cognito-protocol.md §7): the one place the
//! "1 validation error detected" and "Missing required parameter" texts are written, for
//! members missing on the wire and for the domain's [`Violation`]s.

use auth_return_core::{Constraint, Field, Violation};

/// The member `null` where a value is required, e.g. `clientId`.
pub fn null(member: &str) -> String {
    format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    )
}

/// A required entry of `AuthParameters` / `ChallengeResponses` (or `Session`) absent or empty.
pub fn missing(name: &str) -> String {
    format!("Missing required parameter {name}")
}

/// A domain violation, named by its wire member.
pub fn message(violation: &Violation) -> String {
    let member = member(&violation.field);
    let rule = rule(&violation.constraint);
    format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: {rule}")
}

/// The wire member of a domain field.
fn member(field: &Field) -> String {
    match field {
        Field::ClientId => "clientId".into(),
        Field::Password => "password".into(),
        Field::MessageAction => "messageAction".into(),
        Field::Limit => "limit".into(),
        Field::MaxResults => "maxResults".into(),
        Field::GroupName => "groupName".into(),
        Field::Description => "description".into(),
        Field::Precedence => "precedence".into(),
        Field::RoleArn => "roleArn".into(),
        Field::MfaConfiguration => "mfaConfiguration".into(),
        Field::AttributeValue(name) => format!("userAttributes.{name}.member.value"),
    }
}

/// AWS's sentence for a constraint.
fn rule(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Length { min, max } => format!(
            "Member must have length less than or equal to {max} and greater than or equal to {min}"
        ),
        Constraint::MaxLength(max) => {
            format!("Member must have length less than or equal to {max}")
        }
        Constraint::NoSurroundingWhitespace => {
            "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$".into()
        }
        Constraint::OneOf(values) => {
            format!(
                "Member must satisfy enum value set: [{}]",
                values.join(", ")
            )
        }
        Constraint::AtMost(max) => format!("Member must have value less than or equal to {max}"),
        Constraint::AtLeast(min) => {
            format!("Member must have value greater than or equal to {min}")
        }
        Constraint::Pattern(pattern) => {
            format!("Member must satisfy regular expression pattern: {pattern}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_are_worded_as_aws_words_them() {
        let cases = [
            (
                Violation::new(Field::ClientId, Constraint::Length { min: 1, max: 128 }),
                "1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member must have length less than or equal to 128 and greater than or equal to 1",
            ),
            (
                Violation::new(Field::Password, Constraint::NoSurroundingWhitespace),
                "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$",
            ),
            (
                Violation::new(
                    Field::MessageAction,
                    Constraint::OneOf(&["RESEND", "SUPPRESS"]),
                ),
                "1 validation error detected: Value at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]",
            ),
            (
                Violation::new(Field::Limit, Constraint::AtMost(60)),
                "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
            ),
            (
                Violation::new(
                    Field::AttributeValue("name".into()),
                    Constraint::MaxLength(2048),
                ),
                "1 validation error detected: Value at 'userAttributes.name.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048",
            ),
        ];
        for (violation, expected) in cases {
            assert_eq!(message(&violation), expected);
        }
        assert_eq!(
            null("authFlow"),
            "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null"
        );
    }
}
