//! The string to sign, the signing key and the signature's check.

use super::{Authorization, SigV4Error, SignedRequest, canonical_request};
use crate::hash::{ct_eq, hmac_sha256, sha256};
use time::PrimitiveDateTime;
use time::macros::format_description;

/// The signing key: HMAC-SHA256 chained from `"AWS4" + secret` through the scope's date
/// (`YYYYMMDD`), region, service and `aws4_request`.
pub fn signing_key(secret: &[u8], date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut seed = b"AWS4".to_vec();
    seed.extend_from_slice(secret);
    let key = hmac_sha256(&seed, date.as_bytes());
    let key = hmac_sha256(&key, region.as_bytes());
    let key = hmac_sha256(&key, service.as_bytes());
    hmac_sha256(&key, b"aws4_request")
}

/// The string to sign: the algorithm, the request's time (`YYYYMMDDTHHMMSSZ`), the credential
/// scope and the canonical request's SHA-256 in hex, one per line.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(sha256(canonical_request.as_bytes()))
    )
}

/// Parses an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, UTC) into Unix seconds.
pub fn parse_amz_date(value: &str) -> Result<i64, SigV4Error> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(value, format)
        .map(|t| t.assume_utc().unix_timestamp())
        .map_err(|_| SigV4Error::incomplete("X-Amz-Date must be in the form YYYYMMDD'T'HHMMSS'Z'."))
}

/// Unix seconds as an `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`); the epoch for a time out of range.
pub fn format_amz_date(unix_seconds: i64) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .format(format)
        .unwrap_or_default()
}

/// Checks `request`'s signature, made at `amz_date` (the `X-Amz-Date` header), against the
/// access key's `secret`. The scope's date must be `amz_date`'s day. The caller checks the
/// clock, the region and the service it expects.
pub fn verify(
    request: &SignedRequest<'_>,
    authorization: &Authorization,
    amz_date: &str,
    secret: &[u8],
) -> Result<(), SigV4Error> {
    parse_amz_date(amz_date)?;
    if !amz_date.starts_with(&authorization.date) {
        return Err(SigV4Error::incomplete(format!(
            "Credential should be scoped to a valid date: the scope's date {} is not the request's {}.",
            authorization.date,
            amz_date.get(..8).unwrap_or_default()
        )));
    }
    let canonical = canonical_request(request, &authorization.signed_headers)?;
    let to_sign = string_to_sign(amz_date, &authorization.scope(), &canonical);
    let key = signing_key(
        secret,
        &authorization.date,
        &authorization.region,
        &authorization.service,
    );
    let expected = hmac_sha256(&key, to_sign.as_bytes());
    if ct_eq(&expected, &authorization.signature) {
        Ok(())
    } else {
        Err(SigV4Error::Mismatch)
    }
}
