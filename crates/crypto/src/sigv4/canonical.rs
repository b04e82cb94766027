//! The canonical request: method, canonical URI, canonical query string, canonical headers,
//! signed headers and the payload's hash, one per line.

use super::SigV4Error;
use crate::hash::sha256;

/// A request as it arrived, before any decoding.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method, as sent (`POST`).
    pub method: &'a str,
    /// The path as sent, percent-encoded (`/`).
    pub path: &'a str,
    /// The query string as sent, without `?` (empty when none).
    pub query: &'a str,
    /// Every header, names in any case, in the order received.
    pub headers: &'a [(&'a str, &'a [u8])],
    /// The body.
    pub body: &'a [u8],
}

/// The canonical request of `request` over `signed_headers` (lowercase). Every signed header
/// must be present; `host` must be among them. An `x-amz-content-sha256` header, where sent,
/// must be the body's SHA-256 (an unsigned payload is not accepted).
pub fn canonical_request(
    request: &SignedRequest<'_>,
    signed_headers: &[String],
) -> Result<String, SigV4Error> {
    if !signed_headers.iter().any(|h| h == "host") {
        return Err(SigV4Error::incomplete(
            "'Host' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let mut sorted: Vec<&str> = signed_headers.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut headers = String::new();
    for name in &sorted {
        let value = header_value(request.headers, name).ok_or_else(|| {
            SigV4Error::incomplete(format!("The signed header '{name}' is missing."))
        })?;
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&value);
        headers.push('\n');
    }
    let body_hash = hex::encode(sha256(request.body));
    if let Some(claimed) = header_value(request.headers, "x-amz-content-sha256")
        && claimed != body_hash
    {
        return Err(SigV4Error::incomplete(
            "The x-amz-content-sha256 header is not the SHA-256 of the body.",
        ));
    }
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.path),
        canonical_query(request.query),
        headers,
        sorted.join(";"),
        body_hash
    ))
}

/// A header's canonical value: every occurrence's value trimmed, runs of spaces made one,
/// joined by commas; `None` when absent or not text.
fn header_value(headers: &[(&str, &[u8])], name: &str) -> Option<String> {
    let mut values = Vec::new();
    for (header, value) in headers {
        if header.eq_ignore_ascii_case(name) {
            let text = std::str::from_utf8(value).ok()?;
            values.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    (!values.is_empty()).then(|| values.join(","))
}

/// The path with `.` and `..` segments removed, each byte outside the unreserved set
/// percent-encoded (the path is encoded once more, as the non-S3 SDKs sign it); `/` when empty.
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut uri = String::from("/");
    uri.push_str(
        &segments
            .iter()
            .map(|s| uri_encode(s.as_bytes()))
            .collect::<Vec<_>>()
            .join("/"),
    );
    uri
}

/// The query's parameters decoded, each name and value encoded strictly, sorted by name then
/// value, joined by `&`.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(name)),
                uri_encode(&percent_decode(value)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// RFC 3986 percent-encoding of every byte but the unreserved `A-Z a-z 0-9 - _ . ~`, in
/// uppercase hex.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` sequences decoded (a malformed one kept as it is); `+` is a plus.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Two hex digits exactly (RFC 3986 §2.1): `from_str_radix` alone would also take a
        // sign, reading `%+5` as byte 5, so two different queries would sign the same.
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_encoded_once_more() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a/./b/../c"), "/a/c");
        assert_eq!(canonical_uri("/a b/%20"), "/a%20b/%2520");
        assert_eq!(canonical_uri("/ü"), "/%C3%BC");
        assert_eq!(canonical_uri("/a/"), "/a/");
    }

    #[test]
    fn queries_are_decoded_reencoded_and_sorted() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(
            canonical_query("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canonical_query("b=2&a=2&a=1"), "a=1&a=2&b=2");
        assert_eq!(canonical_query("k=a%20b&x"), "k=a%20b&x=");
        assert_eq!(canonical_query("k=a+b&e=%zz"), "e=%25zz&k=a%2Bb");
        // A sign is no hex digit: `%+5` is three characters, not byte 5.
        assert_eq!(canonical_query("k=%+5"), "k=%25%2B5");
        assert_ne!(canonical_query("k=%+5"), canonical_query("k=%05"));
    }

    #[test]
    fn header_values_are_trimmed_and_joined() {
        let headers: [(&str, &[u8]); 3] = [
            ("My-Header1", b"  a   b   c  "),
            ("my-header1", b"d"),
            ("Bad", &[0xff]),
        ];
        assert_eq!(header_value(&headers, "my-header1").unwrap(), "a b c,d");
        assert_eq!(header_value(&headers, "absent"), None);
        assert_eq!(header_value(&headers, "bad"), None);
    }
}
