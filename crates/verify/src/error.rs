//! The one error type of this crate, [`VerifyError`].
//!
//! Every variant says precisely why a token was refused (or why keys could not be had), in words
//! fit for logs. No variant ever carries the token itself; the few values that come from a token
//! (its `alg`, `kid`, `iss`, `token_use`) are shortened and stripped of anything but plain
//! characters by [`sanitize`] before they are stored.

/// Why a token was refused, or why the verifier could not decide.
///
/// `Display` is written for logs: short, precise, and never echoing the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The token is longer than the configured limit (16 KiB by default).
    #[error("token too large: {len} bytes (limit {max})")]
    TooLarge {
        /// Length of the presented token in bytes.
        len: usize,
        /// The configured limit.
        max: usize,
    },
    /// The token is not a well-formed JWS compact serialization (RFC 7515 §7.1) carrying a JSON
    /// claims set (RFC 7519 §7.2). The text says which part is wrong.
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    /// The header names an algorithm other than RS256 (`none`, `HS256`, …), or one the key does
    /// not name (RFC 7515 §4.1.1; the algorithm always comes from the key).
    #[error("unsupported algorithm {0:?}: only RS256 is accepted")]
    UnsupportedAlgorithm(String),
    /// The header carries a `crit` parameter (RFC 7515 §4.1.11): no extension is understood.
    #[error("token header has critical extensions, none of which are understood")]
    UnsupportedCritical,
    /// No key with the token's `kid` is published, even after a refetch of the JWKS.
    #[error("unknown signing key kid={0:?}")]
    UnknownKey(String),
    /// The RS256 signature does not verify with the key named by `kid`.
    #[error("bad signature")]
    BadSignature,
    /// `exp` is in the past (beyond the leeway), RFC 7519 §4.1.4.
    #[error("token expired at {exp} (now {now}, leeway {leeway}s)")]
    Expired {
        /// The token's `exp` (seconds since the epoch).
        exp: i64,
        /// The verifier's clock.
        now: i64,
        /// The leeway applied, in seconds.
        leeway: u64,
    },
    /// `nbf` or `iat` is in the future (beyond the leeway), RFC 7519 §4.1.5–4.1.6.
    #[error("token not yet valid: {claim}={value} (now {now}, leeway {leeway}s)")]
    NotYetValid {
        /// `"nbf"` or `"iat"`.
        claim: &'static str,
        /// The claim's value.
        value: i64,
        /// The verifier's clock.
        now: i64,
        /// The leeway applied, in seconds.
        leeway: u64,
    },
    /// `iss` is not exactly the configured issuer.
    #[error("wrong issuer {found:?} (expected {expected:?})")]
    WrongIssuer {
        /// The configured issuer.
        expected: String,
        /// The token's `iss` (sanitized).
        found: String,
    },
    /// `token_use` is not the one asked for (`"id"` or `"access"`), or missing/unknown.
    #[error("wrong token_use {found:?} (expected {expected})")]
    WrongTokenUse {
        /// What was asked for: `"id"`, `"access"` or `"id or access"`.
        expected: &'static str,
        /// The token's `token_use` (sanitized; empty when absent).
        found: String,
    },
    /// `aud` (ID token) or `client_id` (access token) is not the configured client id.
    #[error("token was issued to another client ({claim} does not match)")]
    WrongAudience {
        /// `"aud"` or `"client_id"`.
        claim: &'static str,
    },
    /// A claim this verifier needs is absent.
    #[error("missing claim {0}")]
    MissingClaim(&'static str),
    /// A claim has the wrong JSON type or an impossible value.
    #[error("invalid claim {0}")]
    InvalidClaim(&'static str),
    /// The token lacks a scope the verifier requires (only access tokens carry scopes).
    #[error("missing required scope {0:?}")]
    MissingScope(String),
    /// The user is not in a group the verifier requires (`cognito:groups`).
    #[error("missing required group {0:?}")]
    MissingGroup(String),
    /// The session of this token was revoked (its `origin_jti` is on the revocation feed).
    #[error("token revoked (session signed out)")]
    Revoked,
    /// No signing keys are available: the JWKS was never fetched successfully. The text says
    /// what the last attempt ran into.
    #[error("signing keys unavailable: {0}")]
    KeysUnavailable(String),
    /// The revocation feed could not be read (only from [`crate::Verifier::poll_revocations`];
    /// verification itself fails open, see [`crate::revocation`]).
    #[error("revocation feed unavailable: {0}")]
    RevocationFeed(String),
    /// The verifier was configured wrongly (a bad URL, no tokio runtime for the revocation
    /// poller, …).
    #[error("verifier configuration: {0}")]
    Config(String),
}

impl VerifyError {
    /// True when the failure is ours, not the token's: keys could not be had or the verifier is
    /// misconfigured. An HTTP API should answer 503/500 then rather than 401.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::KeysUnavailable(_) | Self::RevocationFeed(_) | Self::Config(_)
        )
    }

    /// True for a valid token that lacks a required scope or group: RFC 6750 §3.1 calls this
    /// `insufficient_scope` (HTTP 403) rather than `invalid_token` (401).
    #[must_use]
    pub fn is_insufficient(&self) -> bool {
        matches!(self, Self::MissingScope(_) | Self::MissingGroup(_))
    }
}

/// Makes a value taken from a token safe to log: at most 64 characters, and only ASCII letters,
/// digits and `-_.:/+=@` (anything else becomes `?`).
#[must_use]
pub fn sanitize(value: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = value
        .chars()
        .take(MAX)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.:/+=@".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// A short description of an error chain, for [`VerifyError::KeysUnavailable`].
pub(crate) fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
