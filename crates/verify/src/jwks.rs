//! Fetching, parsing and caching the issuer's JSON Web Key Set (RFC 7517 §5).
//!
//! Keys are parsed once into AWS-LC public keys and kept in memory. An unknown `kid` triggers a
//! refetch at most once per interval, with a single fetch in flight however many requests wait
//! for it (a tokio mutex guards the fetch; whoever gets it after the fetch finds the new set).
//! When the endpoint fails, the keys already held keep working. Bodies are read with a bound.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{VerifyError, describe, sanitize};
use crate::jwt::b64url;

/// A verification key of the set: RS256 only.
pub(crate) struct Key {
    pub parsed: ParsedPublicKey,
}

/// One fetched key set.
pub(crate) struct KeySet {
    keys: HashMap<String, Arc<Key>>,
}

impl KeySet {
    /// Parses a JWKS document (RFC 7517 §5). Keys this crate cannot use are skipped: `kty` other
    /// than `RSA`, `use` other than `sig`, `alg` present and not `RS256`, `key_ops` without
    /// `verify`, moduli under 2048 bits, no `kid`, duplicate `kid`s. A set with no usable key is
    /// an error.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Doc {
            keys: Vec<Value>,
        }
        let doc: Doc = serde_json::from_slice(body)
            .map_err(|_| "JWKS is not a JSON object with a \"keys\" array".to_owned())?;
        let mut keys = HashMap::new();
        let mut duplicates = Vec::new();
        for jwk in &doc.keys {
            let Some((kid, key)) = parse_jwk(jwk) else {
                continue;
            };
            match keys.entry(kid) {
                std::collections::hash_map::Entry::Occupied(e) => duplicates.push(e.key().clone()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(Arc::new(key));
                }
            }
        }
        // A kid published twice is ambiguous: use neither.
        for kid in duplicates {
            keys.remove(&kid);
        }
        if keys.is_empty() {
            return Err("JWKS holds no usable RS256 key".to_owned());
        }
        Ok(Self { keys })
    }

    /// Number of usable keys.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

fn parse_jwk(jwk: &Value) -> Option<(String, Key)> {
    let obj = jwk.as_object()?;
    let s = |name: &str| obj.get(name).and_then(Value::as_str);
    // The algorithm comes from the key: RSA keys only; `alg` absent means RS256 for an RSA key.
    if s("kty")? != "RSA" {
        return None;
    }
    if let Some(alg) = obj.get("alg")
        && alg.as_str()? != "RS256"
    {
        return None;
    }
    if let Some(usage) = obj.get("use")
        && usage.as_str()? != "sig"
    {
        return None;
    }
    if let Some(ops) = obj.get("key_ops")
        && !ops.as_array()?.iter().any(|o| o.as_str() == Some("verify"))
    {
        return None;
    }
    let kid = s("kid")?.to_owned();
    if kid.is_empty() {
        return None;
    }
    let n = b64url(s("n")?, "n").ok()?;
    let e = b64url(s("e")?, "e").ok()?;
    // RFC 7518 §6.3.1: unsigned big-endian, no leading zero octets (tolerate one from encoders
    // that emit a sign byte).
    let n = strip_zero(&n);
    let e = strip_zero(&e);
    if n.len() < 256 || n.len() > 1024 || e.is_empty() || e.len() > 8 {
        return None;
    }
    let parsed = RsaPublicKeyComponents { n, e }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .ok()?;
    Some((kid, Key { parsed }))
}

fn strip_zero(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0, rest @ ..] => rest,
        _ => bytes,
    }
}

/// Where the keys come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// OpenID discovery at `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`.
    Discovery(reqwest::Url),
    /// A JWKS URL given directly.
    Jwks(reqwest::Url),
}

/// Tunables of the key cache.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub min_refetch_interval: Duration,
    pub failure_backoff: Duration,
    pub max_body: usize,
}

#[derive(Default)]
struct FetchState {
    /// When the last fetch (successful or not) was attempted.
    last_attempt: Option<Instant>,
    /// Whether that attempt succeeded.
    last_ok: bool,
    /// What the last failure was.
    last_error: Option<String>,
    /// `jwks_uri` once discovery found it.
    jwks_url: Option<reqwest::Url>,
    /// How many fetches were attempted (for tests and metrics).
    fetches: u64,
}

/// The cached key set with its single-flight refetch.
pub(crate) struct KeyCache {
    source: Source,
    issuer: String,
    client: reqwest::Client,
    settings: Settings,
    current: RwLock<Option<Arc<KeySet>>>,
    fetch: tokio::sync::Mutex<FetchState>,
}

impl KeyCache {
    pub(crate) fn new(
        source: Source,
        issuer: String,
        client: reqwest::Client,
        settings: Settings,
    ) -> Self {
        Self {
            source,
            issuer,
            client,
            settings,
            current: RwLock::new(None),
            fetch: tokio::sync::Mutex::new(FetchState::default()),
        }
    }

    fn cached(&self, kid: &str) -> Option<Arc<Key>> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.as_ref()?.keys.get(kid).cloned()
    }

    fn has_keys(&self) -> bool {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some()
    }

    /// The key named `kid` from the cache only.
    pub(crate) fn cached_only(&self, kid: &str) -> Result<Arc<Key>, VerifyError> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        if self.has_keys() {
            Err(VerifyError::UnknownKey(sanitize(kid)))
        } else {
            Err(VerifyError::KeysUnavailable(
                "no keys cached yet".to_owned(),
            ))
        }
    }

    /// The key named `kid`: from the cache, or after one (rate-limited, single-flight) refetch.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<Key>, VerifyError> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let mut state = self.fetch.lock().await;
        // Someone else may have fetched while we waited.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let due = match state.last_attempt {
            None => true,
            Some(at) => {
                let wait = if state.last_ok {
                    self.settings.min_refetch_interval
                } else {
                    self.settings.failure_backoff
                };
                at.elapsed() >= wait
            }
        };
        if due {
            self.refresh_locked(&mut state).await;
            if let Some(key) = self.cached(kid) {
                return Ok(key);
            }
        }
        if self.has_keys() {
            Err(VerifyError::UnknownKey(sanitize(kid)))
        } else {
            Err(VerifyError::KeysUnavailable(format!(
                "the JWKS was never fetched successfully (last attempt: {})",
                state.last_error.as_deref().unwrap_or("none yet")
            )))
        }
    }

    /// Fetches the key set now (not rate-limited; waits for a fetch already in flight).
    pub(crate) async fn refresh(&self) -> Result<usize, VerifyError> {
        let mut state = self.fetch.lock().await;
        self.refresh_locked(&mut state).await;
        if state.last_ok {
            Ok(self
                .current
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .as_ref()
                .map_or(0, |s| s.len()))
        } else {
            Err(VerifyError::KeysUnavailable(
                state.last_error.clone().unwrap_or_default(),
            ))
        }
    }

    /// How many fetches were attempted so far.
    pub(crate) async fn fetch_count(&self) -> u64 {
        self.fetch.lock().await.fetches
    }

    async fn refresh_locked(&self, state: &mut FetchState) {
        state.last_attempt = Some(Instant::now());
        state.fetches += 1;
        match self.fetch_set(state).await {
            Ok(set) => {
                tracing::debug!(keys = set.len(), "JWKS fetched");
                *self
                    .current
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(set));
                state.last_ok = true;
                state.last_error = None;
            }
            Err(err) => {
                tracing::warn!(error = %err, "JWKS fetch failed; keeping cached keys");
                state.last_ok = false;
                state.last_error = Some(err);
            }
        }
    }

    async fn fetch_set(&self, state: &mut FetchState) -> Result<KeySet, String> {
        let url = match (&self.source, &state.jwks_url) {
            (Source::Jwks(url), _) | (Source::Discovery(_), Some(url)) => url.clone(),
            (Source::Discovery(discovery), None) => {
                let url = self.discover(discovery).await?;
                state.jwks_url = Some(url.clone());
                url
            }
        };
        let body = get_bounded(&self.client, &url, self.settings.max_body).await?;
        KeySet::parse(&body)
    }

    /// OpenID Connect Discovery 1.0 §4: the document's `issuer` must equal ours exactly.
    async fn discover(&self, url: &reqwest::Url) -> Result<reqwest::Url, String> {
        #[derive(Deserialize)]
        struct Doc {
            issuer: String,
            jwks_uri: String,
        }
        let body = get_bounded(&self.client, url, self.settings.max_body).await?;
        let doc: Doc = serde_json::from_slice(&body).map_err(|_| {
            "discovery document is not JSON with \"issuer\" and \"jwks_uri\"".to_owned()
        })?;
        if doc.issuer != self.issuer {
            return Err(format!(
                "discovery document names issuer {:?}, expected {:?}",
                sanitize(&doc.issuer),
                self.issuer
            ));
        }
        let jwks = reqwest::Url::parse(&doc.jwks_uri)
            .map_err(|_| "discovery jwks_uri is not a URL".to_owned())?;
        if !matches!(jwks.scheme(), "https" | "http") {
            return Err("discovery jwks_uri is not http(s)".to_owned());
        }
        Ok(jwks)
    }
}

/// GET with a bounded body: refuses a `Content-Length` over `max` up front and stops reading as
/// soon as more than `max` bytes arrived.
pub(crate) async fn get_bounded(
    client: &reqwest::Client,
    url: &reqwest::Url,
    max: usize,
) -> Result<Vec<u8>, String> {
    let mut resp = client
        .get(url.clone())
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("GET {url}: {}", describe(&e)))?;
    if !resp.status().is_success() {
        return Err(format!("GET {url}: HTTP {}", resp.status().as_u16()));
    }
    if resp.content_length().is_some_and(|len| len > max as u64) {
        return Err(format!("GET {url}: body larger than {max} bytes"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("GET {url}: {}", describe(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(format!("GET {url}: body larger than {max} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
