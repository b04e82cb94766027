//! Token lifetimes as Cognito counts them: a whole number of minutes, hours or days, with
//! `TokenValidityUnits` naming the unit, in Cognito's ranges.

use crate::error::ProviderError;
use aws_sdk_cognitoidentityprovider::types::TimeUnitsType;

/// ID and access tokens: 5 minutes to 1 day.
pub(crate) const TOKEN_RANGE_SECS: (i64, i64) = (300, 86_400);
/// Refresh tokens: 60 minutes to 10 years (3,650 days).
pub(crate) const REFRESH_RANGE_SECS: (i64, i64) = (3_600, 3_650 * 86_400);

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// A lifetime in Cognito's terms.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Validity {
    /// How many units.
    pub value: i32,
    /// Which unit.
    pub unit: TimeUnitsType,
}

/// The lifetime of ID and access tokens, `secs` long: in hours when whole, else minutes.
pub(crate) fn token(what: &str, secs: i64) -> Result<Validity, ProviderError> {
    in_units(what, secs, TOKEN_RANGE_SECS, &[HOUR, MINUTE])
}

/// The lifetime of refresh tokens, `secs` long: in days when whole, else hours, else minutes.
pub(crate) fn refresh(secs: i64) -> Result<Validity, ProviderError> {
    in_units(
        "refresh token lifetime",
        secs,
        REFRESH_RANGE_SECS,
        &[DAY, HOUR, MINUTE],
    )
}

fn in_units(
    what: &str,
    secs: i64,
    (min, max): (i64, i64),
    units: &[i64],
) -> Result<Validity, ProviderError> {
    if !(min..=max).contains(&secs) {
        return Err(ProviderError::Invalid(format!(
            "the {what} must be {min} to {max} seconds for Cognito, not {secs}"
        )));
    }
    units
        .iter()
        .find(|unit| secs % **unit == 0)
        .and_then(|unit| {
            Some(Validity {
                value: i32::try_from(secs / unit).ok()?,
                unit: unit_type(*unit),
            })
        })
        .ok_or_else(|| {
            ProviderError::Invalid(format!(
                "the {what} must be a whole number of minutes for Cognito, not {secs} seconds"
            ))
        })
}

fn unit_type(secs: i64) -> TimeUnitsType {
    match secs {
        DAY => TimeUnitsType::Days,
        HOUR => TimeUnitsType::Hours,
        MINUTE => TimeUnitsType::Minutes,
        _ => TimeUnitsType::Seconds,
    }
}

/// Seconds in `value` of `unit`, Cognito's default unit `default` when it names none.
pub(crate) fn seconds(value: i32, unit: Option<&TimeUnitsType>, default: TimeUnitsType) -> i64 {
    let per_unit = match unit.unwrap_or(&default) {
        TimeUnitsType::Seconds => 1,
        TimeUnitsType::Minutes => MINUTE,
        TimeUnitsType::Hours => HOUR,
        _ => DAY,
    };
    i64::from(value) * per_unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lifetimes_take_the_largest_whole_unit() {
        assert_eq!(
            token("t", 3_600).ok(),
            Some(Validity {
                value: 1,
                unit: TimeUnitsType::Hours
            })
        );
        assert_eq!(
            token("t", 5_400).ok(),
            Some(Validity {
                value: 90,
                unit: TimeUnitsType::Minutes
            })
        );
        assert_eq!(
            refresh(30 * 86_400).ok(),
            Some(Validity {
                value: 30,
                unit: TimeUnitsType::Days
            })
        );
        assert_eq!(
            refresh(7_200).ok(),
            Some(Validity {
                value: 2,
                unit: TimeUnitsType::Hours
            })
        );
    }

    #[test]
    fn lifetimes_outside_cognito_ranges_or_units_are_refused() {
        assert!(matches!(token("t", 299), Err(ProviderError::Invalid(_))));
        assert!(matches!(token("t", 86_401), Err(ProviderError::Invalid(_))));
        assert!(matches!(token("t", 301), Err(ProviderError::Invalid(_))));
        assert!(matches!(refresh(3_599), Err(ProviderError::Invalid(_))));
        assert!(matches!(
            refresh(3_651 * 86_400),
            Err(ProviderError::Invalid(_))
        ));
        assert!(refresh(3_650 * 86_400).is_ok());
    }

    #[test]
    fn seconds_read_back_with_cognito_defaults() {
        assert_eq!(seconds(1, None, TimeUnitsType::Hours), 3_600);
        assert_eq!(seconds(30, None, TimeUnitsType::Days), 30 * 86_400);
        assert_eq!(
            seconds(90, Some(&TimeUnitsType::Minutes), TimeUnitsType::Hours),
            5_400
        );
    }
}
