//! Where a webhook may go: an `https` URL of a public address. Loopback, private, link-local
//! (cloud metadata) and other non-public addresses are refused unless the operator allows them
//! (`--webhooks-allow-private`), so a developer's endpoint cannot reach into the operator's
//! network; the sender checks the addresses a name resolves to again at each delivery.

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The longest URL, in bytes.
pub const URL_MAX_BYTES: usize = 2048;

/// `url` checked and normalized: https (or http to loopback where private addresses are
/// allowed), no credentials, no fragment, no non-public literal address unless allowed.
pub fn check_url(url: &str, allow_private: bool) -> Result<String> {
    let invalid = |why: &str| Error::InvalidParameter(format!("url {why}"));
    if url.len() > URL_MAX_BYTES {
        return Err(invalid(&format!("must be at most {URL_MAX_BYTES} bytes")));
    }
    let parsed =
        url::Url::parse(url.trim()).map_err(|e| invalid(&format!("is not a URL ({e})")))?;
    let host = parsed.host().ok_or_else(|| invalid("has no host"))?;
    let literal = match host {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    };
    let loopback = literal.is_some_and(|ip| ip.is_loopback())
        || matches!(host, url::Host::Domain(name) if name.eq_ignore_ascii_case("localhost"));
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private && loopback => {}
        _ => return Err(invalid("must be https")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("must not hold credentials"));
    }
    if parsed.fragment().is_some() {
        return Err(invalid("must not have a #fragment"));
    }
    if !allow_private && (loopback || literal.is_some_and(is_private)) {
        return Err(invalid("must be a public address"));
    }
    Ok(parsed.to_string())
}

/// Whether `ip` is not a public unicast address: loopback, private (RFC 1918, RFC 4193),
/// shared (RFC 6598), link-local, unspecified, multicast, broadcast or documentation, or an
/// IPv4-mapped IPv6 address of one.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => private_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => private_v4(v4),
            None => private_v6(ip),
        },
    }
}

fn private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || (a == 100 && (64..128).contains(&b))
        || a == 0
        || a >= 240
}

fn private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn public_https_urls_pass_normalized() {
        assert_eq!(
            check_url("https://Hooks.Example.com/in?x=1", false).unwrap(),
            "https://hooks.example.com/in?x=1"
        );
        assert!(check_url("https://203.0.113.9/in", false).is_err());
        assert!(check_url("https://8.8.8.8/in", false).is_ok());
    }

    #[test]
    fn everything_else_is_refused_with_its_reason() {
        for (url, why) in [
            ("http://hooks.example.com/", "must be https"),
            ("ftp://hooks.example.com/", "must be https"),
            ("not a url", "is not a URL"),
            (
                "https://user:pw@hooks.example.com/",
                "must not hold credentials",
            ),
            ("https://hooks.example.com/#x", "must not have a #fragment"),
            ("https://127.0.0.1/", "must be a public address"),
            ("https://localhost/", "must be a public address"),
            ("https://10.1.2.3/", "must be a public address"),
            ("https://169.254.169.254/latest", "must be a public address"),
            ("https://[::1]/", "must be a public address"),
            ("https://[fd00::1]/", "must be a public address"),
            ("https://[::ffff:192.168.1.1]/", "must be a public address"),
            ("http://127.0.0.1:8080/", "must be https"),
        ] {
            let message = check_url(url, false).unwrap_err().to_string();
            assert!(message.contains(why), "{url}: {message}");
        }
        let long = format!("https://hooks.example.com/{}", "a".repeat(URL_MAX_BYTES));
        assert!(check_url(&long, false).is_err());
    }

    #[test]
    fn the_operator_may_allow_private_and_loopback_http() {
        assert!(check_url("http://127.0.0.1:8080/hook", true).is_ok());
        assert!(check_url("https://10.1.2.3/", true).is_ok());
        assert!(check_url("http://10.1.2.3/", true).is_err());
    }

    #[test]
    fn private_ranges_are_known() {
        for ip in [
            "100.64.0.1",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "fe80::1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "2606:4700::1111"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }
}
