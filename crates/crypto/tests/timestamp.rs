//! `TIMESTAMP` parsing rules of docs/cognito-protocol.md §3.7 step 4.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use auth_return_crypto::timestamp::{
    TimestampError, format_rfc3339, format_srp_timestamp, parse_srp_timestamp,
};

#[test]
fn accepts_cognito_format() {
    // 2024-01-02T15:04:05Z
    assert_eq!(
        parse_srp_timestamp("Tue Jan 2 15:04:05 UTC 2024"),
        Ok(1_704_207_845)
    );
    assert_eq!(
        parse_srp_timestamp("Sun Dec 31 23:59:59 UTC 2023"),
        Ok(1_704_067_199)
    );
    assert_eq!(parse_srp_timestamp("Thu Jan 1 00:00:00 UTC 1970"), Ok(0));
    assert_eq!(
        parse_srp_timestamp("Thu Feb 29 12:00:00 UTC 2024"),
        Ok(1_709_208_000)
    );
}

#[test]
fn lenient_zero_padded_day() {
    assert_eq!(
        parse_srp_timestamp("Tue Jan 02 15:04:05 UTC 2024"),
        Ok(1_704_207_845)
    );
}

#[test]
fn weekday_need_not_match() {
    assert_eq!(
        parse_srp_timestamp("Mon Jan 2 15:04:05 UTC 2024"),
        Ok(1_704_207_845)
    );
}

#[test]
fn rejects_bad_forms() {
    for bad in [
        "Tue Jan  2 15:04:05 UTC 2024", // space-padded day (%e)
        "Tue Jan 2 24:03:00 UTC 2024",  // Chrome's hour 24
        "Tue Jan 2 15:04:05 GMT 2024",
        "Tue jan 2 15:04:05 UTC 2024",
        "tue Jan 2 15:04:05 UTC 2024",
        "Tuesday Jan 2 15:04:05 UTC 2024",
        "Tue January 2 15:04:05 UTC 2024",
        "Tue Jan 2 15:04:05 UTC 24",
        "Tue Jan 2 15:04:05 UTC 02024",
        "Tue Jan 2 5:04:05 UTC 2024",
        "Tue Jan 2 15:4:05 UTC 2024",
        "Tue Jan 2 15:04:60 UTC 2024",
        "Tue Jan 2 15:60:05 UTC 2024",
        "Tue Jan 2 15:04:05:00 UTC 2024",
        "Tue Jan 0 15:04:05 UTC 2024",
        "Tue Jan 32 15:04:05 UTC 2024",
        "Tue Feb 30 15:04:05 UTC 2024",
        "Tue Feb 29 15:04:05 UTC 2023",
        "Tue Jan 002 15:04:05 UTC 2024",
        "Tue Jan +2 15:04:05 UTC 2024",
        "Tue Jan 2 15:04:05 UTC 2024 ",
        " Tue Jan 2 15:04:05 UTC 2024",
        "Tue Jan 2 15:04:05 UTC",
        "2024-01-02T15:04:05Z",
        "",
        "garbage",
        "Tue Jan 2 15:04:05 UTC ２０２４",
    ] {
        assert_eq!(parse_srp_timestamp(bad), Err(TimestampError), "{bad:?}");
    }
}

// Found by the fuzzer (fuzz/corpus/opaque_tokens/year-0224): the year 224 was written with
// three digits, which the parser refuses.
#[test]
fn years_before_1000_are_written_with_four_digits() {
    let t = parse_srp_timestamp("Tue Dec 3 10:00:00 UTC 0224");
    assert_eq!(
        t.map(format_srp_timestamp).as_deref(),
        Ok("Fri Dec 3 10:00:00 UTC 0224")
    );
    assert_eq!(
        parse_srp_timestamp(&format_srp_timestamp(-55_000_000_000)),
        Ok(-55_000_000_000)
    );
}

#[test]
fn format_round_trips() {
    assert_eq!(
        format_srp_timestamp(1_704_207_845),
        "Tue Jan 2 15:04:05 UTC 2024"
    );
    assert_eq!(format_srp_timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
    for t in [
        0i64,
        951_782_400,
        1_709_208_000,
        4_102_444_799,
        1_234_567_890,
    ] {
        assert_eq!(parse_srp_timestamp(&format_srp_timestamp(t)), Ok(t));
    }
}

#[test]
fn rfc3339_for_people() {
    assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(format_rfc3339(1_704_207_845), "2024-01-02T15:04:05Z");
    // A leap day, the last second of a year, and before the epoch.
    assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(format_rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
}
