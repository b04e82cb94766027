//! SigV4 as the server checks a request signed with an access key: the `Authorization` header
//! (`parse_authorization`), the `X-Amz-Date` (`parse_amz_date`), the canonical request and the
//! signature (`verify`). None may panic; a parsed header must print back to itself, and a
//! request signed with the right key must verify whatever its path, query and headers.
//!
//! Input, one per line: the `Authorization` value, the `X-Amz-Date` value, the method, the
//! path, the query; then `name:value` header lines up to an empty line; then the body.

#![no_main]

use auth_return_crypto::hash::hmac_sha256;
use auth_return_crypto::sigv4::{
    Authorization, SigV4Error, SignedRequest, canonical_request, format_amz_date, parse_amz_date,
    parse_authorization, signing_key, string_to_sign, verify,
};
use auth_return_fuzz::lines;
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-secret-access-key";

/// The header's value as a client writes it.
fn header(auth: &Authorization, signature: &[u8; 32]) -> String {
    let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={hex}",
        auth.access_key_id,
        auth.scope(),
        auth.signed_headers.join(";"),
    )
}

fuzz_target!(|data: &[u8]| {
    let ([authorization, amz_date, method, path, query], mut rest) = lines::<5>(data);
    let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_owned);
    let (Some(authorization), Some(amz_date), Some(method), Some(path), Some(query)) = (
        text(authorization),
        text(amz_date),
        text(method),
        text(path),
        text(query),
    ) else {
        return;
    };
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(at) = rest.iter().position(|&b| b == b'\n') {
        let line = &rest[..at];
        rest = &rest[at + 1..];
        if line.is_empty() {
            break;
        }
        let split = line.iter().position(|&b| b == b':').unwrap_or(line.len());
        let Ok(name) = std::str::from_utf8(&line[..split]) else {
            return;
        };
        let value = line.get(split + 1..).unwrap_or_default();
        headers.push((name.to_owned(), value.to_vec()));
    }
    let headers: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (n.as_str(), &v[..])).collect();
    let request = SignedRequest {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        body: rest,
    };

    if let Ok(seconds) = parse_amz_date(&amz_date) {
        assert_eq!(parse_amz_date(&format_amz_date(seconds)), Ok(seconds));
    }
    let Ok(auth) = parse_authorization(&authorization) else {
        return;
    };
    assert_eq!(
        parse_authorization(&header(&auth, &auth.signature)),
        Ok(auth.clone())
    );

    let as_sent = verify(&request, &auth, &amz_date, SECRET);
    let Ok(canonical) = canonical_request(&request, &auth.signed_headers) else {
        assert!(matches!(as_sent, Err(SigV4Error::Incomplete(_))));
        return;
    };
    let key = signing_key(SECRET, &auth.date, &auth.region, &auth.service);
    let expected = hmac_sha256(
        &key,
        string_to_sign(&amz_date, &auth.scope(), &canonical).as_bytes(),
    );
    let dated = parse_amz_date(&amz_date).is_ok() && amz_date.starts_with(&auth.date);
    if as_sent.is_ok() {
        assert_eq!(
            auth.signature, expected,
            "a signature the secret does not make verified"
        );
    }
    let signed = Authorization {
        signature: expected,
        ..auth
    };
    assert_eq!(verify(&request, &signed, &amz_date, SECRET).is_ok(), dated);
});
