//! The syntax of forwarding headers: RFC 7239 `Forwarded` elements and the nodes (addresses,
//! `unknown`, obfuscated names) that both headers name.

use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

/// What a `for=` (or an `X-Forwarded-For` element) names.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Node {
    /// A hop's address.
    Ip(IpAddr),
    /// `unknown` or an obfuscated name (`_hidden`): the proxy does not say.
    Unknown,
}

/// One element of a `Forwarded` line: the parameters we read. Others (`by=`, `host=`,
/// extensions) are checked for syntax, then ignored.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Element {
    /// `for=`, unquoted.
    pub(super) node: Option<String>,
    /// `proto=`, unquoted.
    pub(super) proto: Option<String>,
}

/// Parses one `Forwarded` line (RFC 7239 §4): elements separated by commas, each a list of
/// `name=value` pairs separated by semicolons, a value a token or a quoted string; a parameter
/// at most once per element. Anything else is the reason it cannot be read. One leniency: an
/// unquoted value may hold `:`, `[` and `]` (hand-written proxy configurations forget to quote
/// `for=[2001:db8::1]:443`), which delimit nothing in this grammar.
pub(super) fn parse_forwarded(line: &str) -> Result<Vec<Element>, &'static str> {
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
pub(super) fn parse_node(node: &str) -> Option<Node> {
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
pub(super) fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}
