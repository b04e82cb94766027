//! [`VerifierBuilder`]: the settings of a [`Verifier`], their defaults, and building one (URLs
//! checked, HTTP client made, revocation polling started).

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Accept, Clock, Inner, Verifier};
use crate::error::VerifyError;
use crate::jwks::{KeyCache, Settings, Source};
use crate::jwt;
use crate::revocation::{DEFAULT_REVOCATION_INTERVAL, Revocations};

/// Default clock leeway for `exp`, `nbf` and `iat`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);
/// Default minimum interval between two JWKS fetches triggered by unknown `kid`s.
pub const DEFAULT_MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(300);
/// Default wait before retrying a JWKS fetch that failed.
pub const DEFAULT_FAILURE_BACKOFF: Duration = Duration::from_secs(10);
/// Default timeout of each HTTP request (discovery, JWKS, revocation feed).
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(5);
/// Default maximum body size of a discovery document, JWKS or feed page: 256 KiB.
pub const DEFAULT_MAX_BODY: usize = 256 * 1024;

fn system_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Builds a [`Verifier`]; see [`Verifier::builder`].
#[must_use = "call .build() to get a Verifier"]
pub struct VerifierBuilder {
    issuer: String,
    client_id: String,
    jwks_url: Option<String>,
    leeway: Duration,
    min_refetch_interval: Duration,
    failure_backoff: Duration,
    http_timeout: Duration,
    max_body: usize,
    max_token_len: usize,
    required_scopes: Vec<String>,
    required_groups: Vec<String>,
    accept: Accept,
    revocation: Option<(Option<String>, Duration)>,
    client: Option<reqwest::Client>,
    clock: Option<Clock>,
}

impl std::fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("jwks_url", &self.jwks_url)
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    /// A builder with every default: see [`Verifier::builder`].
    pub(super) fn new(issuer: String, client_id: String) -> Self {
        VerifierBuilder {
            issuer,
            client_id,
            jwks_url: None,
            leeway: DEFAULT_LEEWAY,
            min_refetch_interval: DEFAULT_MIN_REFETCH_INTERVAL,
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
            max_token_len: jwt::DEFAULT_MAX_TOKEN_LEN,
            required_scopes: Vec::new(),
            required_groups: Vec::new(),
            accept: Accept::Any,
            revocation: None,
            client: None,
            clock: None,
        }
    }

    /// Keys from this JWKS URL instead of OpenID discovery.
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// Clock leeway for `exp`, `nbf` and `iat` (default 60 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Minimum interval between JWKS refetches caused by an unknown `kid` (default 5 min).
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// Wait before retrying after a failed JWKS fetch (default 10 s; never longer than the
    /// refetch interval).
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// Timeout of each HTTP request (default 5 s).
    pub fn http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }

    /// Largest body accepted from the discovery, JWKS and revocation endpoints (default 256 KiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Largest token accepted (default 16 KiB).
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// Require this scope in every token. Only access tokens carry scopes, so a verifier with a
    /// required scope refuses ID tokens ([`VerifyError::MissingScope`]).
    pub fn require_scope(mut self, scope: impl Into<String>) -> Self {
        self.required_scopes.push(scope.into());
        self
    }

    /// Require membership of this group (`cognito:groups`) in every token.
    pub fn require_group(mut self, group: impl Into<String>) -> Self {
        self.required_groups.push(group.into());
        self
    }

    /// Which tokens [`Verifier::verify`] accepts (default: ID or access).
    pub fn accept(mut self, accept: Accept) -> Self {
        self.accept = accept;
        self
    }

    /// Poll the issuer's revocation feed (`<issuer>/revocations`) every `interval` and refuse
    /// tokens of revoked sessions. Needs a tokio runtime at [`VerifierBuilder::build`]. See
    /// [`crate::revocation`] for the trade-off.
    pub fn revocation_polling(mut self, interval: Duration) -> Self {
        let url = self.revocation.take().and_then(|(url, _)| url);
        self.revocation = Some((url, interval));
        self
    }

    /// Poll the revocation feed at this URL instead of `<issuer>/revocations`.
    pub fn revocation_url(mut self, url: impl Into<String>) -> Self {
        let interval = self
            .revocation
            .take()
            .map_or(DEFAULT_REVOCATION_INTERVAL, |(_, i)| i);
        self.revocation = Some((Some(url.into()), interval));
        self
    }

    /// Use this HTTP client (its own timeouts and TLS settings apply; the body limit still does).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Use this clock (seconds since the epoch) instead of the system's; for tests.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the verifier. No request is made yet: keys are fetched on first use (or call
    /// [`Verifier::refresh_keys`] at startup to fail early).
    ///
    /// # Errors
    /// [`VerifyError::Config`] for an issuer or URL that is not http(s), an empty client id, an
    /// HTTP client that cannot be built, or revocation polling without a tokio runtime.
    pub fn build(self) -> Result<Verifier, VerifyError> {
        let issuer = self.issuer.trim_end_matches('/').to_owned();
        parse_http_url(&issuer, "issuer")?;
        if self.client_id.is_empty() {
            return Err(VerifyError::Config("empty client id".to_owned()));
        }
        let source = match &self.jwks_url {
            Some(url) => Source::Jwks(parse_http_url(url, "JWKS URL")?),
            None => Source::Discovery(parse_http_url(
                &format!("{issuer}/.well-known/openid-configuration"),
                "discovery URL",
            )?),
        };
        let client = match self.client {
            Some(c) => c,
            None => reqwest::Client::builder()
                .timeout(self.http_timeout)
                .connect_timeout(self.http_timeout)
                .redirect(reqwest::redirect::Policy::limited(3))
                .user_agent(concat!("auth-return-verify/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| VerifyError::Config(format!("HTTP client: {e}")))?,
        };
        let keys = KeyCache::new(
            source,
            issuer.clone(),
            client.clone(),
            Settings {
                min_refetch_interval: self.min_refetch_interval,
                failure_backoff: self.failure_backoff.min(self.min_refetch_interval),
                max_body: self.max_body,
            },
        );
        let revocation = match &self.revocation {
            None => None,
            Some((url, interval)) => {
                let url = match url {
                    Some(u) => parse_http_url(u, "revocation URL")?,
                    None => parse_http_url(&format!("{issuer}/revocations"), "revocation URL")?,
                };
                Some((Revocations::new(url, self.max_body), *interval))
            }
        };
        let handle = if revocation.is_some() {
            Some(tokio::runtime::Handle::try_current().map_err(|_| {
                VerifyError::Config("revocation polling needs a tokio runtime".to_owned())
            })?)
        } else {
            None
        };
        let interval = revocation.as_ref().map(|(_, i)| *i);
        let inner = Arc::new(Inner {
            issuer,
            client_id: self.client_id,
            leeway: self.leeway,
            max_token_len: self.max_token_len,
            required_scopes: self.required_scopes,
            required_groups: self.required_groups,
            accept: self.accept,
            keys,
            revocations: revocation.map(|(r, _)| r),
            client,
            clock: self.clock.unwrap_or_else(|| Arc::new(system_clock)),
        });
        if let (Some(handle), Some(interval)) = (handle, interval) {
            handle.spawn(poll_loop(Arc::downgrade(&inner), interval));
        }
        Ok(Verifier { inner })
    }
}

fn parse_http_url(url: &str, what: &str) -> Result<reqwest::Url, VerifyError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| VerifyError::Config(format!("{what} is not a URL: {url:?}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(VerifyError::Config(format!(
            "{what} is not http(s): {url:?}"
        )));
    }
    Ok(parsed)
}

/// Polls the revocation feed until the verifier is dropped.
async fn poll_loop(inner: Weak<Inner>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval.max(Duration::from_millis(10)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        if let Some(rev) = &inner.revocations
            && let Err(err) = rev.poll(&inner.client, (inner.clock)()).await
        {
            tracing::warn!(error = %err, "revocation feed poll failed");
        }
    }
}
