//! Reading the forwarding chain a trusted proxy sent: walking `X-Forwarded-For` or `Forwarded`
//! from the nearest hop outwards until the first untrusted address.

use super::syntax::{Node, parse_forwarded, parse_node};
use super::{ClientInfo, ForwardedHeader, TrustedProxies, UnreadableForwarding};
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::header::GetAll;

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
pub(super) fn from_x_forwarded_for(
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
pub(super) fn from_forwarded(
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
