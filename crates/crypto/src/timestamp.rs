//! The SRP `TIMESTAMP` format `EEE MMM d HH:mm:ss UTC yyyy` (docs/cognito-protocol.md §3.6 step 7,
//! §3.7 step 4), and RFC 3339 for showing times to people.
//!
//! Parsing is strict where AWS is observed to be strict (space-padded day, hour `24`, zone
//! other than `UTC`) and lenient where being strict gains nothing (a zero-padded day).

use std::time::{SystemTime, UNIX_EPOCH};

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The `TIMESTAMP` is not `EEE MMM d HH:mm:ss UTC yyyy` in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")]
pub struct TimestampError;

/// Parses a `TIMESTAMP` per docs/cognito-protocol.md §3.7 step 4 and returns Unix epoch seconds.
///
/// Accepted: weekday `Sun`..`Sat` (any valid name; it need not match the date), month
/// `Jan`..`Dec` (exact case), day `1`..`31` without padding (a zero-padded `05` is accepted
/// leniently; a space-padded day is rejected), `HH:mm:ss` with two digits each and hour
/// `00`..`23`, the zone exactly `UTC`, and a four-digit year. Fields are separated by single
/// spaces. The day must exist in that month.
pub fn parse_srp_timestamp(s: &str) -> Result<i64, TimestampError> {
    let mut fields = s.split(' ');
    let mut next = || fields.next().ok_or(TimestampError);
    let (weekday, month, day, time, zone, year) =
        (next()?, next()?, next()?, next()?, next()?, next()?);
    if fields.next().is_some() || !WEEKDAYS.contains(&weekday) || zone != "UTC" {
        return Err(TimestampError);
    }
    let month = MONTHS
        .iter()
        .position(|m| *m == month)
        .ok_or(TimestampError)?;
    let month = u32::try_from(month).map_err(|_| TimestampError)? + 1;
    if day.is_empty() || day.len() > 2 {
        return Err(TimestampError);
    }
    let day = digits(day)?;
    let year = if year.len() == 4 {
        digits(year)?
    } else {
        return Err(TimestampError);
    };
    let (hour, minute, second) = parse_time(time)?;
    if day == 0 || day > days_in_month(year, month) {
        return Err(TimestampError);
    }
    let days = days_from_civil(i64::from(year), month, day);
    Ok(days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 + i64::from(second))
}

/// Formats Unix epoch seconds as `EEE MMM d HH:mm:ss UTC yyyy` (what Cognito clients send); the
/// year has at least four digits, as the parser wants them.
pub fn format_srp_timestamp(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let secs = epoch_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 4).
    let weekday = WEEKDAYS[usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0)];
    let month = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
    format!(
        "{weekday} {month} {day} {:02}:{:02}:{:02} UTC {year:04}",
        secs / 3_600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Formats Unix epoch seconds as an RFC 3339 UTC time, `yyyy-MM-ddTHH:mm:ssZ` (for people:
/// the CLI's tables).
pub fn format_rfc3339(epoch_seconds: i64) -> String {
    let secs = epoch_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(epoch_seconds.div_euclid(86_400));
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// The current UTC time as an SRP `TIMESTAMP`.
pub fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    format_srp_timestamp(secs)
}

/// `HH:mm:ss`, two digits each, hour 00-23, minute and second 00-59.
fn parse_time(t: &str) -> Result<(u32, u32, u32), TimestampError> {
    let mut parts = t.split(':');
    let mut two = || {
        let p = parts.next().ok_or(TimestampError)?;
        if p.len() == 2 {
            digits(p)
        } else {
            Err(TimestampError)
        }
    };
    let (h, m, s) = (two()?, two()?, two()?);
    if parts.next().is_some() || h > 23 || m > 59 || s > 59 {
        return Err(TimestampError);
    }
    Ok((h, m, s))
}

/// ASCII decimal digits only (no sign, no spaces).
fn digits(s: &str) -> Result<u32, TimestampError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimestampError);
    }
    s.parse().map_err(|_| TimestampError)
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month 1-12, day 1-31).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
