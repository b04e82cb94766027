//! The [`Verifier`] and its [`VerifierBuilder`]: every check a token must pass, in order.
//!
//! 1. Size (16 KiB by default) and strict JWS compact form (RFC 7515 §7.1, base64url without
//!    padding).
//! 2. Header `alg` must be RS256 (`none`, `HS*`, anything else refused) and `kid` must name a key
//!    of the issuer's JWKS (RFC 7517); the key fixes the algorithm (RS256, RSA ≥ 2048 bits).
//! 3. RS256 signature (RFC 7515 §5.2, RFC 7518 §3.3).
//! 4. Claims (RFC 7519 §7.2): `iss` exactly; `token_use`; `aud` (ID token) or `client_id`
//!    (access token) equal to the client id; `exp` required and not past, `nbf`/`iat` not in the
//!    future, each with the leeway; required scopes and groups; revocation when enabled.

use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::claims::{Claims, TokenUse};
use crate::error::{VerifyError, sanitize};
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

/// Which tokens [`Verifier::verify`] (and so the axum extractor and layer) accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accept {
    /// ID or access tokens (the default).
    #[default]
    Any,
    /// ID tokens only.
    IdTokens,
    /// Access tokens only.
    AccessTokens,
}

impl Accept {
    fn allows(self, token_use: TokenUse) -> bool {
        match self {
            Self::Any => true,
            Self::IdTokens => token_use == TokenUse::Id,
            Self::AccessTokens => token_use == TokenUse::Access,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Any => "id or access",
            Self::IdTokens => "id",
            Self::AccessTokens => "access",
        }
    }
}

/// A clock: seconds since the Unix epoch.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

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

struct Inner {
    issuer: String,
    client_id: String,
    leeway: Duration,
    max_token_len: usize,
    required_scopes: Vec<String>,
    required_groups: Vec<String>,
    accept: Accept,
    keys: KeyCache,
    revocations: Option<Revocations>,
    client: reqwest::Client,
    clock: Clock,
}

/// Verifies Auth Return tokens of one app (issuer + client id). Cheap to clone (shared state);
/// build one per app at startup and share it.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("issuer", &self.inner.issuer)
            .field("client_id", &self.inner.client_id)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A builder for tokens of `issuer` (`<public url>/<poolId>`) issued to `client_id`. Keys come
    /// from OpenID discovery (`<issuer>/.well-known/openid-configuration` → `jwks_uri`) unless
    /// [`VerifierBuilder::jwks_url`] is set.
    pub fn builder(issuer: impl Into<String>, client_id: impl Into<String>) -> VerifierBuilder {
        VerifierBuilder {
            issuer: issuer.into(),
            client_id: client_id.into(),
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

    /// A verifier with defaults, keys found by discovery from `issuer`.
    ///
    /// # Errors
    /// See [`VerifierBuilder::build`].
    pub fn from_issuer(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Result<Self, VerifyError> {
        Self::builder(issuer, client_id).build()
    }

    /// A verifier with defaults, keys from `jwks_url`.
    ///
    /// # Errors
    /// See [`VerifierBuilder::build`].
    pub fn from_jwks(
        jwks_url: impl Into<String>,
        issuer: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Result<Self, VerifyError> {
        Self::builder(issuer, client_id).jwks_url(jwks_url).build()
    }

    /// The issuer tokens must name.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The client id tokens must be issued to.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// Verifies an ID or access token, as allowed by [`VerifierBuilder::accept`].
    ///
    /// # Errors
    /// The precise reason the token is refused, or [`VerifyError::KeysUnavailable`].
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        self.verify_as(token, self.inner.accept).await
    }

    /// Verifies an ID token (`token_use: "id"`, `aud` = client id).
    ///
    /// # Errors
    /// As [`Verifier::verify`]; an access token gives [`VerifyError::WrongTokenUse`].
    pub async fn verify_id_token(&self, token: &str) -> Result<Claims, VerifyError> {
        self.verify_as(token, Accept::IdTokens).await
    }

    /// Verifies an access token (`token_use: "access"`, `client_id` = client id).
    ///
    /// # Errors
    /// As [`Verifier::verify`]; an ID token gives [`VerifyError::WrongTokenUse`].
    pub async fn verify_access_token(&self, token: &str) -> Result<Claims, VerifyError> {
        self.verify_as(token, Accept::AccessTokens).await
    }

    /// Verifies with the keys already cached, never fetching: for synchronous code paths.
    /// An uncached `kid` gives [`VerifyError::UnknownKey`] (or `KeysUnavailable` before the
    /// first fetch).
    ///
    /// # Errors
    /// As [`Verifier::verify`].
    pub fn verify_cached(&self, token: &str, accept: Accept) -> Result<Claims, VerifyError> {
        let parsed = jwt::parse(token, self.inner.max_token_len)?;
        let key = self.inner.keys.cached_only(&parsed.kid)?;
        self.finish(&parsed, &key, accept)
    }

    async fn verify_as(&self, token: &str, accept: Accept) -> Result<Claims, VerifyError> {
        let parsed = jwt::parse(token, self.inner.max_token_len)?;
        let key = self.inner.keys.key(&parsed.kid).await?;
        self.finish(&parsed, &key, accept)
    }

    fn finish(
        &self,
        parsed: &jwt::Parsed<'_>,
        key: &crate::jwks::Key,
        accept: Accept,
    ) -> Result<Claims, VerifyError> {
        key.parsed
            .verify_sig(parsed.signing_input, &parsed.signature)
            .map_err(|_| VerifyError::BadSignature)?;
        let raw = jwt::payload(parsed.payload_b64)?;
        let claims = Claims::from_map(raw)?;
        self.check(&claims, accept)?;
        Ok(claims)
    }

    fn check(&self, c: &Claims, accept: Accept) -> Result<(), VerifyError> {
        let inner = &*self.inner;
        if c.iss != inner.issuer {
            return Err(VerifyError::WrongIssuer {
                expected: inner.issuer.clone(),
                found: sanitize(&c.iss),
            });
        }
        if !accept.allows(c.token_use) {
            return Err(VerifyError::WrongTokenUse {
                expected: accept.expected(),
                found: c.token_use.as_str().to_owned(),
            });
        }
        match c.token_use {
            TokenUse::Id => {
                if !c.aud.contains(&inner.client_id) {
                    return Err(VerifyError::WrongAudience { claim: "aud" });
                }
            }
            TokenUse::Access => {
                if c.client_id.as_deref() != Some(inner.client_id.as_str()) {
                    return Err(VerifyError::WrongAudience { claim: "client_id" });
                }
            }
        }
        let now = (inner.clock)();
        let leeway = inner.leeway.as_secs();
        let lw = i64::try_from(leeway).unwrap_or(i64::MAX);
        if now.saturating_sub(lw) >= c.exp {
            return Err(VerifyError::Expired {
                exp: c.exp,
                now,
                leeway,
            });
        }
        for (claim, value) in [("nbf", c.nbf), ("iat", c.iat)] {
            if let Some(value) = value
                && value > now.saturating_add(lw)
            {
                return Err(VerifyError::NotYetValid {
                    claim,
                    value,
                    now,
                    leeway,
                });
            }
        }
        if let Some(missing) = inner.required_scopes.iter().find(|s| !c.has_scope(s)) {
            return Err(VerifyError::MissingScope(missing.clone()));
        }
        if let Some(missing) = inner.required_groups.iter().find(|g| !c.in_group(g)) {
            return Err(VerifyError::MissingGroup(missing.clone()));
        }
        if let (Some(rev), Some(ojti)) = (&inner.revocations, &c.origin_jti)
            && rev.is_revoked(ojti, now)
        {
            return Err(VerifyError::Revoked);
        }
        Ok(())
    }

    /// Fetches the JWKS now (waiting for a fetch already in flight), e.g. at startup to fail
    /// early. Returns the number of usable keys.
    ///
    /// # Errors
    /// [`VerifyError::KeysUnavailable`] saying why the fetch failed; cached keys are kept.
    pub async fn refresh_keys(&self) -> Result<usize, VerifyError> {
        self.inner.keys.refresh().await
    }

    /// How many JWKS fetches were attempted so far (discovery included in each first fetch).
    pub async fn key_fetch_count(&self) -> u64 {
        self.inner.keys.fetch_count().await
    }

    /// Polls the revocation feed now (it is also polled in the background when enabled).
    /// Returns how many new revocations were added.
    ///
    /// # Errors
    /// [`VerifyError::Config`] when revocation is not enabled; [`VerifyError::RevocationFeed`]
    /// when the feed cannot be read.
    pub async fn poll_revocations(&self) -> Result<usize, VerifyError> {
        let rev =
            self.inner.revocations.as_ref().ok_or_else(|| {
                VerifyError::Config("revocation polling is not enabled".to_owned())
            })?;
        rev.poll(&self.inner.client, (self.inner.clock)()).await
    }

    /// Number of revoked sessions currently known (0 when revocation is off).
    #[must_use]
    pub fn revoked_sessions(&self) -> usize {
        self.inner.revocations.as_ref().map_or(0, Revocations::len)
    }
}
