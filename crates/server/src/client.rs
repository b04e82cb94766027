//! Who is calling and how: the client's IP address and whether the original request was HTTPS,
//! taken from the socket, or from `Forwarded` (RFC 7239) / `X-Forwarded-For` only when the
//! socket's peer is a configured trusted proxy.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// Addresses whose forwarding headers are believed. Empty by default: headers are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list of addresses and CIDR networks
    /// (`10.0.0.0/8, 127.0.0.1, fd00::/8`).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                IpNet::from_str(s)
                    .or_else(|_| IpAddr::from_str(s).map(IpNet::from))
                    .map_err(|_| format!("not an IP address or CIDR network: {s:?}"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether any proxy is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The caller of one request, as far as we can trust what we were told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address: the socket peer, or the nearest untrusted hop a trusted proxy named.
    pub ip: IpAddr,
    /// Whether the request reached us, or the first trusted proxy, over HTTPS.
    pub https: bool,
    /// Whether `ip` came from a trusted proxy's header rather than the socket.
    pub forwarded: bool,
}

impl ClientInfo {
    /// Resolves the caller of a request that arrived from `peer` (over TLS when `tls`).
    pub fn resolve(
        peer: SocketAddr,
        tls: bool,
        headers: &HeaderMap,
        trusted: &TrustedProxies,
    ) -> Self {
        let peer_ip = canonical(peer.ip());
        let direct = Self {
            ip: peer_ip,
            https: tls,
            forwarded: false,
        };
        if !trusted.contains(peer_ip) {
            return direct;
        }
        let hops = forwarded_hops(headers);
        if hops.is_empty() {
            return direct;
        }
        // Walk from the nearest hop outwards; every trusted address passes the question on,
        // the first untrusted one is the client (a client can prepend anything it likes, so
        // nothing left of it is believed).
        let mut client = direct;
        for hop in hops.iter().rev() {
            let Some(ip) = hop.ip else {
                // `unknown` or an obfuscated name: the trusted proxy in front of it is the
                // last address we know.
                break;
            };
            client = Self {
                ip,
                https: hop.https,
                forwarded: true,
            };
            if !trusted.contains(ip) {
                break;
            }
        }
        client
    }

    /// The address a per-client limit counts against: IPv4 addresses whole, IPv6 by /64 (one
    /// subscriber usually holds a whole /64, so single addresses would be free to rotate).
    pub fn limit_key(&self) -> IpAddr {
        match self.ip {
            IpAddr::V4(_) => self.ip,
            IpAddr::V6(v6) => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        }
    }
}

/// One element of the forwarding chain, leftmost (farthest) first.
#[derive(Debug, PartialEq, Eq)]
struct Hop {
    ip: Option<IpAddr>,
    https: bool,
}

/// The chain from `Forwarded` when present, else `X-Forwarded-For` with `X-Forwarded-Proto`.
fn forwarded_hops(headers: &HeaderMap) -> Vec<Hop> {
    let forwarded = joined(headers, "forwarded");
    if !forwarded.is_empty() {
        return parse_forwarded(&forwarded);
    }
    let chain = joined(headers, "x-forwarded-for");
    // Only the nearest proxy's word on the scheme counts: the rightmost value.
    let https = joined(headers, "x-forwarded-proto")
        .rsplit(',')
        .next()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    chain
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Hop {
            ip: parse_node(s),
            https,
        })
        .collect()
}

/// Every value of a header joined with commas (repeated headers form one list, RFC 9110 §5.3).
fn joined(headers: &HeaderMap, name: &str) -> String {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
}

/// `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"` (RFC 7239 §4).
fn parse_forwarded(value: &str) -> Vec<Hop> {
    split_outside_quotes(value, ',')
        .into_iter()
        .map(|element| {
            let mut hop = Hop {
                ip: None,
                https: false,
            };
            for pair in split_outside_quotes(element, ';') {
                let Some((name, value)) = pair.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match name.trim().to_ascii_lowercase().as_str() {
                    "for" => hop.ip = parse_node(value),
                    "proto" => hop.https = value.eq_ignore_ascii_case("https"),
                    _ => {}
                }
            }
            hop
        })
        .collect()
}

/// Splits on `separator` where it is not inside a quoted string.
fn split_outside_quotes(value: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(&value[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A node: `192.0.2.1`, `192.0.2.1:8080`, `[2001:db8::1]`, `[2001:db8::1]:443` or a bare
/// IPv6 address (as X-Forwarded-For writes them). `unknown` and `_obfuscated` give `None`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    let ip = if let Some(rest) = node.strip_prefix('[') {
        IpAddr::from_str(rest.split(']').next()?).ok()?
    } else if let Ok(ip) = IpAddr::from_str(node) {
        ip
    } else {
        SocketAddr::from_str(node).ok()?.ip()
    };
    Some(canonical(ip))
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, from dual-stack sockets) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 40000)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_headers_are_ignored() {
        let spoofed = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "for=203.0.113.9;proto=https"),
        ]);
        let info = ClientInfo::resolve(
            peer("198.51.100.7"),
            false,
            &spoofed,
            &TrustedProxies::default(),
        );
        assert_eq!(
            info,
            ClientInfo {
                ip: ip("198.51.100.7"),
                https: false,
                forwarded: false
            }
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_an_address_even_when_others_are_trusted() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let spoofed = headers(&[
            ("x-forwarded-for", "10.1.1.1"),
            ("x-forwarded-proto", "https"),
        ]);
        let info = ClientInfo::resolve(peer("198.51.100.7"), false, &spoofed, &trusted);
        assert_eq!(info.ip, ip("198.51.100.7"));
        assert!(!info.https && !info.forwarded);
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.5").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let info = ClientInfo::resolve(peer("10.0.0.5"), false, &h, &trusted);
        assert_eq!(
            info,
            ClientInfo {
                ip: ip("203.0.113.9"),
                https: true,
                forwarded: true
            }
        );
    }

    #[test]
    fn addresses_a_client_prepends_are_not_believed() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client sent "X-Forwarded-For: 1.2.3.4"; two trusted proxies appended theirs.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7")]);
        let info = ClientInfo::resolve(peer("10.0.0.5"), false, &h, &trusted);
        assert_eq!(info.ip, ip("203.0.113.9"));
    }

    #[test]
    fn a_chain_of_only_trusted_hops_ends_at_the_leftmost() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.7")]);
        assert_eq!(
            ClientInfo::resolve(peer("10.0.0.5"), false, &h, &trusted).ip,
            ip("10.9.9.9")
        );
    }

    #[test]
    fn only_the_nearest_proxys_scheme_counts() {
        let trusted = TrustedProxies::parse("10.0.0.5").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https, http"),
        ]);
        assert!(!ClientInfo::resolve(peer("10.0.0.5"), false, &h, &trusted).https);
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_carries_its_own_scheme() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.5",
            ),
            ("forwarded", "for=10.0.0.9;proto=http"),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        let info = ClientInfo::resolve(peer("10.0.0.5"), false, &h, &trusted);
        assert_eq!(info.ip, ip("2001:db8:cafe::17"));
        assert!(info.https, "the element naming the client says https");
    }

    #[test]
    fn forwarded_edge_cases_parse() {
        assert_eq!(parse_node("192.0.2.43:47011"), Some(ip("192.0.2.43")));
        assert_eq!(parse_node("[2001:db8::1]"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("2001:db8::1"), Some(ip("2001:db8::1")));
        assert_eq!(parse_node("::ffff:192.0.2.1"), Some(ip("192.0.2.1")));
        assert_eq!(parse_node("unknown"), None);
        assert_eq!(parse_node("_hidden"), None);
        let hops = parse_forwarded(
            "for=\"_gazonk\", For=\"[2001:db8:cafe::17]:4711\", for=192.0.2.60;proto=http;by=203.0.113.43",
        );
        assert_eq!(
            hops,
            vec![
                Hop {
                    ip: None,
                    https: false
                },
                Hop {
                    ip: Some(ip("2001:db8:cafe::17")),
                    https: false
                },
                Hop {
                    ip: Some(ip("192.0.2.60")),
                    https: false
                },
            ]
        );
        // A quoted comma does not split elements.
        assert_eq!(parse_forwarded("for=\"a,b\";proto=https").len(), 1);
    }

    #[test]
    fn an_unknown_hop_stops_at_the_proxy_that_reported_it() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("forwarded", "for=203.0.113.1, for=unknown, for=10.0.0.8")]);
        assert_eq!(
            ClientInfo::resolve(peer("10.0.0.5"), false, &h, &trusted).ip,
            ip("10.0.0.8")
        );
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        let a = ClientInfo {
            ip: ip("2001:db8:1:2:aaaa::1"),
            https: false,
            forwarded: false,
        };
        let b = ClientInfo {
            ip: ip("2001:db8:1:2:bbbb::9"),
            https: false,
            forwarded: false,
        };
        assert_eq!(a.limit_key(), b.limit_key());
        let v4 = ClientInfo {
            ip: ip("192.0.2.1"),
            https: false,
            forwarded: false,
        };
        assert_eq!(v4.limit_key(), ip("192.0.2.1"));
    }

    #[test]
    fn trusted_proxy_lists_parse_and_refuse_garbage() {
        let t = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1 ::1").unwrap();
        assert!(
            t.contains(ip("10.200.0.1")) && t.contains(ip("127.0.0.1")) && t.contains(ip("::1"))
        );
        assert!(!t.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
