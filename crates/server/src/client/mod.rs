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
use ipnet::IpNet;
use serde::Deserialize;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

mod chain;
mod syntax;
#[cfg(test)]
mod tests;

use chain::{from_forwarded, from_x_forwarded_for};
use syntax::canonical;

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
