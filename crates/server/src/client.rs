//! Who is calling and how: the client's IP address and whether the original request was HTTPS,
//! taken from the socket, or — only when the socket's peer is a configured trusted proxy — from
//! the one forwarding header the deployment names ([`ForwardedHeader`]): `X-Forwarded-For` with
//! `X-Forwarded-Proto`, or RFC 7239 `Forwarded`. The other header is never read, so a client
//! cannot slip its own claim past a proxy that only overwrites the configured one.
//!
//! A trusted proxy's header that cannot be read is an error ([`UnreadableForwarding`], a 400),
//! never a reason to fall back to the proxy's own address: that would put every such client in
//! the proxy's rate-limit bucket and, with a proxy on loopback, exempt them from the HTTPS rule.

use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::header::GetAll;
use ipnet::IpNet;
use serde::Deserialize;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// Addresses whose forwarding header is believed. Empty by default: headers are ignored.
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

/// The one header a trusted proxy's word is read from. The proxy must overwrite (or append to)
/// exactly this header; the other one is ignored entirely, whatever it says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For`, with the scheme from the rightmost `X-Forwarded-Proto` value: what
    /// nginx, HAProxy, Caddy, Traefik and the cloud load balancers set.
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded`: the client from `for=`, the scheme from the same element's `proto=`.
    Forwarded,
}

impl ForwardedHeader {
    /// The values `parse` accepts (and `Display` writes), for help texts.
    pub const NAMES: [&'static str; 2] = ["x-forwarded-for", "forwarded"];

    /// The header's name as configured: `x-forwarded-for` or `forwarded`.
    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        }
    }

    /// The header's name as written in messages: `X-Forwarded-For` or `Forwarded`.
    fn title(self) -> &'static str {
        match self {
            Self::XForwardedFor => "X-Forwarded-For",
            Self::Forwarded => "Forwarded",
        }
    }
}

impl fmt::Display for ForwardedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ForwardedHeader {
    type Err = String;

    /// `x-forwarded-for` or `forwarded`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            _ => Err(format!(
                "expected x-forwarded-for or forwarded, got {:?}",
                s.trim()
            )),
        }
    }
}

/// A trusted proxy sent the configured forwarding header, but it cannot be read. The request
/// is answered 400 and nothing of it runs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Invalid {header} header from the proxy: {reason}.")]
pub struct UnreadableForwarding {
    /// The header as written: `X-Forwarded-For`, `X-Forwarded-Proto` or `Forwarded`.
    pub header: &'static str,
    /// What is wrong, in a fixed wording (the value itself is never repeated).
    pub reason: &'static str,
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
    /// Resolves the caller of a request that arrived from `peer` (over TLS when `tls`). From a
    /// peer in `trusted`, the `header` the deployment names is read; without it the request is
    /// the peer's own. Every other forwarding header is ignored.
    pub fn resolve(
        peer: SocketAddr,
        tls: bool,
        headers: &HeaderMap,
        trusted: &TrustedProxies,
        header: ForwardedHeader,
    ) -> Result<Self, UnreadableForwarding> {
        let peer_ip = canonical(peer.ip());
        let direct = Self {
            ip: peer_ip,
            https: tls,
            forwarded: false,
        };
        if !trusted.contains(peer_ip) {
            return Ok(direct);
        }
        match header {
            ForwardedHeader::XForwardedFor => from_x_forwarded_for(headers, trusted, direct),
            ForwardedHeader::Forwarded => from_forwarded(headers, trusted, direct),
        }
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

/// One step of the walk along the chain, from the nearest hop outwards.
enum Step {
    /// The hop is a trusted proxy: ask the next one to the left.
    Continue,
    /// The client is found (an untrusted address), or cannot be known beyond this point.
    Stop,
}

/// The walk's state: the client as far as the chain has been read.
struct Walk<'a> {
    trusted: &'a TrustedProxies,
    client: ClientInfo,
    hops: usize,
}

impl Walk<'_> {
    /// Takes the next hop to the left (`https`: the scheme that hop used, as its proxy said).
    /// A trusted address hands the question on; the first untrusted one is the client, and
    /// nothing left of it is believed (a client can prepend anything it likes). `unknown` or an
    /// obfuscated name stops the walk at the proxy that reported it, with that hop's scheme.
    fn hop(&mut self, node: Node, https: bool) -> Step {
        self.hops += 1;
        match node {
            Node::Ip(ip) => {
                self.client = ClientInfo {
                    ip,
                    https,
                    forwarded: true,
                };
                if self.trusted.contains(ip) {
                    Step::Continue
                } else {
                    Step::Stop
                }
            }
            Node::Unknown => {
                self.client.https = https;
                Step::Stop
            }
        }
    }
}

/// `X-Forwarded-For: client, proxy1, proxy2` with the scheme from `X-Forwarded-Proto`, of which
/// only the rightmost value counts (the nearest proxy's word).
fn from_x_forwarded_for(
    headers: &HeaderMap,
    trusted: &TrustedProxies,
    direct: ClientInfo,
) -> Result<ClientInfo, UnreadableForwarding> {
    let lines = headers.get_all("x-forwarded-for");
    if lines.iter().next().is_none() {
        return Ok(direct);
    }
    let unreadable = |reason| UnreadableForwarding {
        header: ForwardedHeader::XForwardedFor.title(),
        reason,
    };
    let https = match elements_from_right(headers.get_all("x-forwarded-proto")).next() {
        None => false,
        Some(Err(())) => {
            return Err(UnreadableForwarding {
                header: "X-Forwarded-Proto",
                reason: "not visible ASCII",
            });
        }
        Some(Ok(proto)) => match proto.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => {
                return Err(UnreadableForwarding {
                    header: "X-Forwarded-Proto",
                    reason: "the scheme is neither http nor https",
                });
            }
        },
    };
    let mut walk = Walk {
        trusted,
        client: direct,
        hops: 0,
    };
    for element in elements_from_right(lines) {
        let element = element.map_err(|()| unreadable("not visible ASCII"))?;
        let node = parse_node(element).ok_or_else(|| unreadable("not an IP address"))?;
        if let Step::Stop = walk.hop(node, https) {
            break;
        }
    }
    if walk.hops == 0 {
        return Err(unreadable("the header is empty"));
    }
    // The nearest proxy's word on the scheme holds whoever the client turned out to be.
    Ok(ClientInfo {
        https,
        ..walk.client
    })
}

/// The comma-separated elements of every line of a header, rightmost first, trimmed, empty
/// ones skipped (RFC 9110 §5.6.1). A line is only read when the walk gets to it: whatever
/// stands left of the client, which the client may have written, is never even parsed.
fn elements_from_right<'a>(
    lines: GetAll<'a, HeaderValue>,
) -> impl Iterator<Item = Result<&'a str, ()>> + 'a {
    lines.iter().rev().flat_map(|line| {
        let (ok, err) = match line.to_str() {
            Ok(text) => (Some(text), None),
            Err(_) => (None, Some(Err(()))),
        };
        ok.into_iter()
            .flat_map(|text| text.rsplit(',').map(str::trim).filter(|s| !s.is_empty()))
            .map(Ok)
            .chain(err)
    })
}

/// `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"` (RFC 7239 §4): each
/// element's `for=` names a hop and its `proto=` the scheme that hop used.
fn from_forwarded(
    headers: &HeaderMap,
    trusted: &TrustedProxies,
    direct: ClientInfo,
) -> Result<ClientInfo, UnreadableForwarding> {
    let lines = headers.get_all("forwarded");
    if lines.iter().next().is_none() {
        return Ok(direct);
    }
    let unreadable = |reason| UnreadableForwarding {
        header: ForwardedHeader::Forwarded.title(),
        reason,
    };
    let mut walk = Walk {
        trusted,
        client: direct,
        hops: 0,
    };
    // A quoted string cannot span lines: each line is parsed on its own, the nearest first.
    'lines: for line in lines.iter().rev() {
        let text = line.to_str().map_err(|_| unreadable("not visible ASCII"))?;
        for element in parse_forwarded(text).map_err(unreadable)?.into_iter().rev() {
            let node = match element.node {
                Some(node) => {
                    parse_node(&node).ok_or_else(|| unreadable("for= is not an IP address"))?
                }
                // No `for=`: the proxy does not say who the client is.
                None => Node::Unknown,
            };
            let https = match element.proto {
                None => false,
                Some(proto) if proto.eq_ignore_ascii_case("https") => true,
                Some(proto) if proto.eq_ignore_ascii_case("http") => false,
                Some(_) => return Err(unreadable("proto= is neither http nor https")),
            };
            if let Step::Stop = walk.hop(node, https) {
                break 'lines;
            }
        }
    }
    if walk.hops == 0 {
        return Err(unreadable("the header is empty"));
    }
    Ok(walk.client)
}

/// What a `for=` (or an `X-Forwarded-For` element) names.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    /// A hop's address.
    Ip(IpAddr),
    /// `unknown` or an obfuscated name (`_hidden`): the proxy does not say.
    Unknown,
}

/// One element of a `Forwarded` line: the parameters we read. Others (`by=`, `host=`,
/// extensions) are checked for syntax, then ignored.
#[derive(Debug, Default, PartialEq, Eq)]
struct Element {
    /// `for=`, unquoted.
    node: Option<String>,
    /// `proto=`, unquoted.
    proto: Option<String>,
}

/// Parses one `Forwarded` line (RFC 7239 §4): elements separated by commas, each a list of
/// `name=value` pairs separated by semicolons, a value a token or a quoted string; a parameter
/// at most once per element. Anything else is the reason it cannot be read. One leniency: an
/// unquoted value may hold `:`, `[` and `]` (hand-written proxy configurations forget to quote
/// `for=[2001:db8::1]:443`), which delimit nothing in this grammar.
fn parse_forwarded(line: &str) -> Result<Vec<Element>, &'static str> {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut elements = Vec::new();
    let mut element = Element::default();
    let mut names: Vec<String> = Vec::new();
    loop {
        while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        match bytes.get(i) {
            None | Some(b',') => {
                if !names.is_empty() {
                    elements.push(std::mem::take(&mut element));
                    names.clear();
                }
                if bytes.get(i).is_none() {
                    return Ok(elements);
                }
                i += 1;
                continue;
            }
            Some(b';') => {
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        let start = i;
        while bytes.get(i).copied().is_some_and(is_tchar) {
            i += 1;
        }
        if i == start {
            return Err("expected a parameter name");
        }
        let name = line[start..i].to_ascii_lowercase();
        if bytes.get(i) != Some(&b'=') {
            return Err("a parameter has no value");
        }
        i += 1;
        let value = if bytes.get(i) == Some(&b'"') {
            i += 1;
            let mut value = String::new();
            loop {
                match bytes.get(i) {
                    None => return Err("a quoted string is not closed"),
                    Some(b'"') => break,
                    Some(b'\\') => {
                        let escaped = bytes.get(i + 1).ok_or("a quoted string is not closed")?;
                        value.push(char::from(*escaped));
                        i += 1;
                    }
                    Some(b) => value.push(char::from(*b)),
                }
                i += 1;
            }
            i += 1;
            value
        } else {
            let start = i;
            while bytes
                .get(i)
                .copied()
                .is_some_and(|b| is_tchar(b) || b == b':' || b == b'[' || b == b']')
            {
                i += 1;
            }
            line[start..i].to_owned()
        };
        if value.is_empty() {
            return Err("a parameter has no value");
        }
        if names.contains(&name) {
            return Err("a parameter occurs twice in one element");
        }
        match name.as_str() {
            "for" => element.node = Some(value),
            "proto" => element.proto = Some(value),
            _ => {}
        }
        names.push(name);
        while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        if !matches!(bytes.get(i), None | Some(b',' | b';')) {
            return Err("expected ';' or ',' after a parameter");
        }
    }
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A node: `192.0.2.1`, `192.0.2.1:8080`, `[2001:db8::1]`, `[2001:db8::1]:443`, a bare IPv6
/// address (as X-Forwarded-For writes them), `unknown` or an obfuscated name (RFC 7239 §6),
/// each with an optional port or obfuscated port. `None` for anything else.
fn parse_node(node: &str) -> Option<Node> {
    if let Some(rest) = node.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let ip = Ipv6Addr::from_str(v6).ok()?;
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(valid_port);
        return port_ok.then(|| Node::Ip(canonical(IpAddr::V6(ip))));
    }
    if let Ok(ip) = IpAddr::from_str(node) {
        return Some(Node::Ip(canonical(ip)));
    }
    let (name, port) = match node.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (node, None),
    };
    if port.is_some_and(|p| !valid_port(p)) {
        return None;
    }
    if let Ok(ip) = std::net::Ipv4Addr::from_str(name) {
        return Some(Node::Ip(IpAddr::V4(ip)));
    }
    (name.eq_ignore_ascii_case("unknown") || is_obfuscated(name)).then_some(Node::Unknown)
}

/// A port number, or an obfuscated port (`_abc`).
fn valid_port(port: &str) -> bool {
    let number = (1..=5).contains(&port.len())
        && port.parse::<u32>().is_ok_and(|p| p <= u32::from(u16::MAX));
    (number && port.bytes().all(|b| b.is_ascii_digit())) || is_obfuscated(port)
}

/// RFC 7239 §6.3 `obfnode`: `_` and at least one of ALPHA, DIGIT, `.`, `_`, `-`.
fn is_obfuscated(name: &str) -> bool {
    name.strip_prefix('_').is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    })
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

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;
    const RFC: ForwardedHeader = ForwardedHeader::Forwarded;

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

    fn trusted(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    /// The client of a request from the trusted proxy 10.0.0.5 (10.0.0.0/8 trusted).
    fn via_proxy(
        pairs: &[(&'static str, &'static str)],
        header: ForwardedHeader,
    ) -> Result<ClientInfo, UnreadableForwarding> {
        ClientInfo::resolve(
            peer("10.0.0.5"),
            false,
            &headers(pairs),
            &trusted("10.0.0.0/8"),
            header,
        )
    }

    #[test]
    fn without_trusted_proxies_headers_are_ignored() {
        let spoofed = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "for=203.0.113.9;proto=https"),
        ]);
        for header in [XFF, RFC] {
            let info = ClientInfo::resolve(
                peer("198.51.100.7"),
                false,
                &spoofed,
                &TrustedProxies::default(),
                header,
            );
            assert_eq!(
                info,
                Ok(ClientInfo {
                    ip: ip("198.51.100.7"),
                    https: false,
                    forwarded: false
                })
            );
        }
        // Not even garbage is looked at.
        let garbage = headers(&[("x-forwarded-for", "garbage"), ("forwarded", "for=\"")]);
        for header in [XFF, RFC] {
            let info = ClientInfo::resolve(
                peer("198.51.100.7"),
                false,
                &garbage,
                &trusted("10.0.0.0/8"),
                header,
            );
            assert_eq!(info.unwrap().ip, ip("198.51.100.7"));
        }
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_an_address_even_when_others_are_trusted() {
        let spoofed = headers(&[
            ("x-forwarded-for", "10.1.1.1"),
            ("x-forwarded-proto", "https"),
        ]);
        let info = ClientInfo::resolve(
            peer("198.51.100.7"),
            false,
            &spoofed,
            &trusted("10.0.0.0/8"),
            XFF,
        )
        .unwrap();
        assert_eq!(info.ip, ip("198.51.100.7"));
        assert!(!info.https && !info.forwarded);
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let info = via_proxy(
            &[
                ("x-forwarded-for", "203.0.113.9"),
                ("x-forwarded-proto", "https"),
            ],
            XFF,
        );
        assert_eq!(
            info,
            Ok(ClientInfo {
                ip: ip("203.0.113.9"),
                https: true,
                forwarded: true
            })
        );
        // Without the header the request is the proxy's own (a health check, say).
        let own = via_proxy(&[("x-forwarded-proto", "https")], XFF).unwrap();
        assert_eq!(
            own,
            ClientInfo {
                ip: ip("10.0.0.5"),
                https: false,
                forwarded: false
            }
        );
    }

    #[test]
    fn the_header_not_configured_is_ignored_even_when_present() {
        // The default deployment reads X-Forwarded-For: a client's `Forwarded` is not read,
        // neither its address nor its scheme.
        assert_eq!(ForwardedHeader::default(), XFF);
        let info = via_proxy(
            &[
                ("forwarded", "for=198.51.100.1;proto=https"),
                ("x-forwarded-for", "203.0.113.9"),
            ],
            XFF,
        )
        .unwrap();
        assert_eq!((info.ip, info.https), (ip("203.0.113.9"), false));
        // Alone, it does not even make the request a forwarded one, and garbage in it is no
        // error: it is never parsed.
        for forwarded in ["for=198.51.100.1;proto=https", "for=\"unclosed", "garbage"] {
            let mut map = HeaderMap::new();
            map.insert("forwarded", HeaderValue::from_str(forwarded).unwrap());
            let info =
                ClientInfo::resolve(peer("10.0.0.5"), true, &map, &trusted("10.0.0.0/8"), XFF)
                    .unwrap();
            assert_eq!(
                (info.ip, info.https, info.forwarded),
                (ip("10.0.0.5"), true, false)
            );
        }
        // The other way round: with `Forwarded` configured, X-Forwarded-* say nothing.
        let info = via_proxy(
            &[
                ("x-forwarded-for", "garbage, 198.51.100.1"),
                ("x-forwarded-proto", "https"),
                ("forwarded", "for=203.0.113.9"),
            ],
            RFC,
        )
        .unwrap();
        assert_eq!((info.ip, info.https), (ip("203.0.113.9"), false));
        let info = via_proxy(&[("x-forwarded-for", "203.0.113.9")], RFC).unwrap();
        assert_eq!((info.ip, info.forwarded), (ip("10.0.0.5"), false));
    }

    #[test]
    fn a_spoofed_forwarded_loopback_does_not_make_the_request_loopback() {
        // nginx on the same host (trusted as 127.0.0.1) sets X-Forwarded-For and passes the
        // client's own `Forwarded: for=127.0.0.1;proto=https` through.
        let map = headers(&[
            ("forwarded", "for=127.0.0.1;proto=https"),
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "http"),
        ]);
        let info = ClientInfo::resolve(
            peer("127.0.0.1"),
            false,
            &map,
            &trusted("127.0.0.1"),
            ForwardedHeader::default(),
        )
        .unwrap();
        assert_eq!(info.ip, ip("198.51.100.7"));
        assert!(!info.ip.is_loopback() && !info.https);
        // Prepended to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for keeps it), the
        // same claim is left of the client and ignored.
        let map = headers(&[("x-forwarded-for", "127.0.0.1, 198.51.100.7")]);
        let info = ClientInfo::resolve(peer("127.0.0.1"), false, &map, &trusted("127.0.0.1"), XFF)
            .unwrap();
        assert_eq!(info.ip, ip("198.51.100.7"));
    }

    #[test]
    fn addresses_a_client_prepends_are_not_believed() {
        // The client sent "X-Forwarded-For: 1.2.3.4"; two trusted proxies appended theirs.
        let h = [("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7")];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("203.0.113.9"));
        // Whatever the client wrote there is not even parsed.
        let h = [("x-forwarded-for", "<script>, not an address, 203.0.113.9")];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("203.0.113.9"));
        let h = [
            ("forwarded", "for=\"unclosed"),
            ("forwarded", "for=203.0.113.9;proto=https"),
        ];
        let info = via_proxy(&h, RFC).unwrap();
        assert_eq!((info.ip, info.https), (ip("203.0.113.9"), true));
    }

    #[test]
    fn chains_are_walked_from_the_nearest_hop() {
        // Only trusted hops: the leftmost is the client.
        let h = [("x-forwarded-for", "10.9.9.9, 10.0.0.7")];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("10.9.9.9"));
        // Repeated headers form one list, in order.
        let h = [
            ("x-forwarded-for", "198.51.100.1, 203.0.113.9"),
            ("x-forwarded-for", "10.0.0.7"),
        ];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("203.0.113.9"));
        // Empty list elements are skipped (RFC 9110 §5.6.1).
        let h = [("x-forwarded-for", "203.0.113.9,, 10.0.0.7 ,")];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("203.0.113.9"));
        // Forwarded: the scheme comes from the element naming the client.
        let h = [
            (
                "forwarded",
                "for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.5",
            ),
            ("forwarded", "for=10.0.0.9;proto=http"),
        ];
        let info = via_proxy(&h, RFC).unwrap();
        assert_eq!(info.ip, ip("2001:db8:cafe::17"));
        assert!(info.https, "the element naming the client says https");
        // IPv4-mapped addresses count as IPv4.
        let h = [("x-forwarded-for", "::ffff:203.0.113.9")];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("203.0.113.9"));
    }

    #[test]
    fn only_the_nearest_proxys_scheme_counts() {
        let h = [
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https, http"),
        ];
        assert!(!via_proxy(&h, XFF).unwrap().https);
        let h = [
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "garbage, HTTPS"),
        ];
        assert!(via_proxy(&h, XFF).unwrap().https);
        // No scheme said: plain HTTP.
        assert!(
            !via_proxy(&[("x-forwarded-for", "203.0.113.9")], XFF)
                .unwrap()
                .https
        );
    }

    #[test]
    fn an_unknown_hop_stops_at_the_proxy_that_reported_it() {
        let h = [(
            "forwarded",
            "for=203.0.113.1, for=unknown;proto=https, for=10.0.0.8",
        )];
        let info = via_proxy(&h, RFC).unwrap();
        assert_eq!((info.ip, info.https), (ip("10.0.0.8"), true));
        // An element without for= says as little.
        let h = [("forwarded", "for=203.0.113.1, proto=https;by=10.0.0.5")];
        let info = via_proxy(&h, RFC).unwrap();
        assert_eq!(
            (info.ip, info.https, info.forwarded),
            (ip("10.0.0.5"), true, false)
        );
        let h = [("x-forwarded-for", "203.0.113.1, unknown")];
        assert_eq!(via_proxy(&h, XFF).unwrap().ip, ip("10.0.0.5"));
    }

    #[test]
    fn an_unreadable_header_from_a_trusted_proxy_is_an_error() {
        let unreadable =
            |header, reason| Err::<ClientInfo, _>(UnreadableForwarding { header, reason });
        for (pairs, header, expected) in [
            (
                vec![("x-forwarded-for", "garbage")],
                XFF,
                unreadable("X-Forwarded-For", "not an IP address"),
            ),
            // The nearest proxy's own word is garbage: no fall-back to any other address.
            (
                vec![("x-forwarded-for", "203.0.113.9, 10.0.0.7:99999")],
                XFF,
                unreadable("X-Forwarded-For", "not an IP address"),
            ),
            (
                vec![("x-forwarded-for", "203.0.113.9, proxy.internal")],
                XFF,
                unreadable("X-Forwarded-For", "not an IP address"),
            ),
            (
                vec![("x-forwarded-for", "")],
                XFF,
                unreadable("X-Forwarded-For", "the header is empty"),
            ),
            (
                vec![("x-forwarded-for", " , ")],
                XFF,
                unreadable("X-Forwarded-For", "the header is empty"),
            ),
            (
                vec![
                    ("x-forwarded-for", "203.0.113.9"),
                    ("x-forwarded-proto", "ftp"),
                ],
                XFF,
                unreadable("X-Forwarded-Proto", "the scheme is neither http nor https"),
            ),
            (
                vec![("forwarded", "for=203.0.113.9;for=198.51.100.1")],
                RFC,
                unreadable("Forwarded", "a parameter occurs twice in one element"),
            ),
            (
                vec![("forwarded", "for=\"203.0.113.9")],
                RFC,
                unreadable("Forwarded", "a quoted string is not closed"),
            ),
            (
                vec![("forwarded", "for=")],
                RFC,
                unreadable("Forwarded", "a parameter has no value"),
            ),
            (
                vec![("forwarded", "for")],
                RFC,
                unreadable("Forwarded", "a parameter has no value"),
            ),
            (
                vec![("forwarded", "=203.0.113.9")],
                RFC,
                unreadable("Forwarded", "expected a parameter name"),
            ),
            (
                vec![("forwarded", "for=203.0.113.9 proto=https")],
                RFC,
                unreadable("Forwarded", "expected ';' or ',' after a parameter"),
            ),
            (
                vec![("forwarded", "for=203.0.113.9/24")],
                RFC,
                unreadable("Forwarded", "expected ';' or ',' after a parameter"),
            ),
            (
                vec![("forwarded", "for=not-an-ip")],
                RFC,
                unreadable("Forwarded", "for= is not an IP address"),
            ),
            (
                vec![("forwarded", "for=203.0.113.9;proto=gopher")],
                RFC,
                unreadable("Forwarded", "proto= is neither http nor https"),
            ),
            (
                vec![("forwarded", ";,")],
                RFC,
                unreadable("Forwarded", "the header is empty"),
            ),
        ] {
            assert_eq!(via_proxy(&pairs, header), expected, "{pairs:?}");
        }
        // Bytes that are not visible ASCII.
        for (name, header) in [("x-forwarded-for", XFF), ("forwarded", RFC)] {
            let mut map = HeaderMap::new();
            map.insert(
                name,
                HeaderValue::from_bytes(b"for=203.0.113.9\xff").unwrap(),
            );
            let info =
                ClientInfo::resolve(peer("10.0.0.5"), false, &map, &trusted("10.0.0.5"), header);
            assert_eq!(info.unwrap_err().reason, "not visible ASCII", "{name}");
        }
        // What a client answers is a fixed sentence naming the header, never the value.
        let error = via_proxy(&[("x-forwarded-for", "<b>x</b>")], XFF).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Invalid X-Forwarded-For header from the proxy: not an IP address."
        );
    }

    #[test]
    fn forwarded_elements_parse_as_rfc_7239_says() {
        let hops = parse_forwarded(
            "for=\"_gazonk\", For=\"[2001:db8:cafe::17]:4711\", for=192.0.2.60;proto=http;by=203.0.113.43",
        )
        .unwrap();
        let nodes: Vec<_> = hops.iter().map(|e| e.node.as_deref()).collect();
        assert_eq!(
            nodes,
            [
                Some("_gazonk"),
                Some("[2001:db8:cafe::17]:4711"),
                Some("192.0.2.60")
            ]
        );
        assert_eq!(hops[2].proto.as_deref(), Some("http"));
        // A quoted comma or semicolon does not split; escapes are undone; names are
        // case-insensitive; whitespace around separators is allowed.
        let one = parse_forwarded("for=\"a,b;c\\\"d\" ; PROTO=https").unwrap();
        assert_eq!(
            one,
            vec![Element {
                node: Some("a,b;c\"d".into()),
                proto: Some("https".into())
            }]
        );
        // Unquoted brackets and ports are accepted (hand-written proxy configurations).
        assert_eq!(
            parse_forwarded("for=[2001:db8::1]:443").unwrap()[0]
                .node
                .as_deref(),
            Some("[2001:db8::1]:443")
        );
        // Extensions are checked for syntax, then ignored.
        assert_eq!(
            parse_forwarded("host=example.com;ext=\"x y\"")
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn nodes_parse() {
        let node = |s| parse_node(s);
        assert_eq!(node("192.0.2.43"), Some(Node::Ip(ip("192.0.2.43"))));
        assert_eq!(node("192.0.2.43:47011"), Some(Node::Ip(ip("192.0.2.43"))));
        assert_eq!(node("[2001:db8::1]"), Some(Node::Ip(ip("2001:db8::1"))));
        assert_eq!(node("[2001:db8::1]:443"), Some(Node::Ip(ip("2001:db8::1"))));
        assert_eq!(node("2001:db8::1"), Some(Node::Ip(ip("2001:db8::1"))));
        assert_eq!(node("::ffff:192.0.2.1"), Some(Node::Ip(ip("192.0.2.1"))));
        assert_eq!(node("[::ffff:192.0.2.1]"), Some(Node::Ip(ip("192.0.2.1"))));
        assert_eq!(node("192.0.2.43:_port"), Some(Node::Ip(ip("192.0.2.43"))));
        assert_eq!(node("unknown"), Some(Node::Unknown));
        assert_eq!(node("UNKNOWN:80"), Some(Node::Unknown));
        assert_eq!(node("_hidden"), Some(Node::Unknown));
        assert_eq!(node("_hidden-1.a_b"), Some(Node::Unknown));
        for garbage in [
            "",
            "_",
            "_a b",
            "localhost",
            "192.0.2.300",
            "192.0.2.4:",
            "192.0.2.4:65536",
            "192.0.2.4:-1",
            "192.0.2.4:+80",
            "[2001:db8::1",
            "[2001:db8::1]443",
            "[192.0.2.1]",
            "fe80::1%eth0",
            "1.2.3.4, 5.6.7.8",
        ] {
            assert_eq!(node(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn the_header_setting_parses() {
        assert_eq!("x-forwarded-for".parse(), Ok(XFF));
        assert_eq!(" Forwarded ".parse(), Ok(RFC));
        assert!("x-real-ip".parse::<ForwardedHeader>().is_err());
        for name in ForwardedHeader::NAMES {
            assert_eq!(name.parse::<ForwardedHeader>().unwrap().to_string(), name);
        }
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
        let t = trusted("10.0.0.0/8, 127.0.0.1 ::1");
        assert!(
            t.contains(ip("10.200.0.1")) && t.contains(ip("127.0.0.1")) && t.contains(ip("::1"))
        );
        assert!(!t.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
