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

use std::sync::Arc;
use std::time::Duration;

use crate::claims::{Claims, TokenUse};
use crate::error::{VerifyError, sanitize};
use crate::jwks::KeyCache;
use crate::jwt;
use crate::revocation::Revocations;

mod builder;

pub use builder::{
    DEFAULT_FAILURE_BACKOFF, DEFAULT_HTTP_TIMEOUT, DEFAULT_LEEWAY, DEFAULT_MAX_BODY,
    DEFAULT_MIN_REFETCH_INTERVAL, VerifierBuilder,
};

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
        VerifierBuilder::new(issuer.into(), client_id.into())
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
