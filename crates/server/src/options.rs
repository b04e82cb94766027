//! How the HTTP surface is deployed: TLS, trusted proxies and per-client rate limits.

use crate::client::{ForwardedHeader, TrustedProxies};
use crate::limits::{LimiterClock, RateLimitSettings};

/// Deployment options of the HTTP surface. `Default` is a plain-HTTP server trusting no proxy,
/// with the default rate limits.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// Whether the listener speaks TLS (every request arrived over HTTPS).
    pub tls: bool,
    /// Peers whose forwarding header is believed.
    pub trusted_proxies: TrustedProxies,
    /// The one header a trusted proxy's word is read from (`X-Forwarded-For` by default).
    pub forwarded_header: ForwardedHeader,
    /// Requests per minute per client address, by kind.
    pub rate_limits: RateLimitSettings,
    /// The time the rate limiters read (a manual one in tests).
    pub limiter_clock: LimiterClock,
}
