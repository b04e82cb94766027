//! The forwarding-header parsing and client resolution, case by case.

#![allow(clippy::unwrap_used)]

use super::syntax::{Element, Node, parse_forwarded, parse_node};
use super::*;
use axum::http::HeaderValue;

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
            ClientInfo::resolve(peer("10.0.0.5"), true, &map, &trusted("10.0.0.0/8"), XFF).unwrap();
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
    let info =
        ClientInfo::resolve(peer("127.0.0.1"), false, &map, &trusted("127.0.0.1"), XFF).unwrap();
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
    let unreadable = |header, reason| Err::<ClientInfo, _>(UnreadableForwarding { header, reason });
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
        let info = ClientInfo::resolve(peer("10.0.0.5"), false, &map, &trusted("10.0.0.5"), header);
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
    assert!(t.contains(ip("10.200.0.1")) && t.contains(ip("127.0.0.1")) && t.contains(ip("::1")));
    assert!(!t.contains(ip("11.0.0.1")));
    assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    assert!(TrustedProxies::parse("proxy.local").is_err());
    assert!(TrustedProxies::parse("").unwrap().is_empty());
}
