//! Talking to an identity provider: its endpoints found by discovery (OpenID Connect Discovery
//! 1.0 §4) and kept an hour, its signing keys (its JWKS) kept an hour or until a token names a
//! key they lack, the code exchanged at its token endpoint (RFC 6749 §4.1.3, with the PKCE
//! verifier of RFC 7636 §4.5), the ID token verified (OpenID Connect Core 1.0 §3.1.3.7), and
//! its userinfo read (§5.3). Every failure is a [`Failure`]: a sentence for the person signing
//! in, and the detail for the log.

use super::{IdentityProvider, ProviderType};
use crate::model::Timestamp;
use crate::service::Service;
use auth_return_crypto::jws::{Jwk, VerifyingKey, peek_kid, verify};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a discovery document or a key set is kept.
const KEEP_SECS: i64 = 3600;
/// The least time between two fetches of one key set for a key it lacked.
const REFETCH_AFTER_SECS: i64 = 30;
/// How long a call to a provider may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Clock difference allowed on `exp` and `iat`.
const SKEW_SECS: i64 = 60;

/// Why a federated sign-in failed: `public` is shown to the person signing in, `detail`
/// logged.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) public: String,
    pub(crate) detail: String,
}

impl Failure {
    pub(crate) fn new(public: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            public: public.into(),
            detail: detail.into(),
        }
    }

    /// This server failed (its store, its keys): nothing the person signing in did.
    pub(crate) fn unavailable(error: impl std::fmt::Display) -> Self {
        Self::new(
            "Something went wrong; please try again in a moment.",
            error.to_string(),
        )
    }

    /// The provider could not be reached or answered something unusable.
    fn unreachable(provider: &str, detail: impl Into<String>) -> Self {
        Self::new(
            format!("{provider} could not be reached to sign you in. Please try again later."),
            detail,
        )
    }

    /// The provider's ID token did not pass a check.
    fn bad_token(provider: &str, detail: impl Into<String>) -> Self {
        Self::new(
            format!("{provider}'s answer could not be verified, so you were not signed in."),
            detail,
        )
    }
}

/// Where a provider's endpoints are, and how it wants the client authenticated.
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    pub(crate) issuer: String,
    /// Another `iss` the provider's ID tokens may carry (Google's without its scheme, as
    /// Google documents).
    pub(crate) also_issuer: Option<&'static str>,
    pub(crate) authorization: String,
    pub(crate) token: String,
    pub(crate) userinfo: Option<String>,
    pub(crate) jwks: String,
    /// `client_secret_basic` (RFC 6749 §2.3.1) rather than `client_secret_post`.
    pub(crate) basic_auth: bool,
}

/// What was fetched from a URL, and when.
type Kept<T> = Mutex<HashMap<String, (Timestamp, Arc<T>)>>;

/// What the server keeps of providers: discovery documents and key sets, by URL.
#[derive(Default)]
pub struct UpstreamCache {
    discovery: Kept<Endpoints>,
    keys: Kept<Vec<VerifyingKey>>,
}

impl std::fmt::Debug for UpstreamCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UpstreamCache")
    }
}

/// A string member of a JSON object.
fn text<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    object.get(name).and_then(Value::as_str)
}

impl Service {
    /// GETs `url` as JSON (with `bearer` as the access token), from `provider` (for messages).
    async fn fetch_json(
        &self,
        provider: &str,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<Value, Failure> {
        let http = self
            .http
            .as_ref()
            .ok_or_else(|| Failure::unreachable(provider, "this server makes no outbound calls"))?;
        let mut headers = vec![("accept", "application/json".to_owned())];
        if let Some(token) = bearer {
            headers.push(("authorization", format!("Bearer {token}")));
        }
        match http.get(url, headers, CALL_TIMEOUT).await {
            crate::webhooks::WebhookResponse::Answer { status: 200, body } => {
                serde_json::from_slice(&body).map_err(|e| {
                    Failure::unreachable(provider, format!("{url} answered no JSON: {e}"))
                })
            }
            crate::webhooks::WebhookResponse::Answer { status, .. } => Err(Failure::unreachable(
                provider,
                format!("{url} answered HTTP {status}"),
            )),
            crate::webhooks::WebhookResponse::Failed(why) => {
                Err(Failure::unreachable(provider, format!("{url}: {why}")))
            }
        }
    }

    /// POSTs `form` to `url` (with HTTP Basic client authentication when given): the status
    /// and the JSON answer.
    pub(crate) async fn post_form(
        &self,
        provider: &str,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> Result<(u16, Value), Failure> {
        let http = self
            .http
            .as_ref()
            .ok_or_else(|| Failure::unreachable(provider, "this server makes no outbound calls"))?;
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut headers = vec![
            (
                "content-type",
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("accept", "application/json".to_owned()),
        ];
        if let Some((id, secret)) = basic {
            // RFC 6749 §2.3.1: each form-encoded, then joined and base64-encoded.
            let encode =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", encode(id), encode(secret));
            use base64::Engine;
            let basic = base64::engine::general_purpose::STANDARD.encode(pair);
            headers.push(("authorization", format!("Basic {basic}")));
        }
        let request = crate::webhooks::WebhookRequest {
            url: url.to_owned(),
            headers,
            body: body.into_bytes(),
            timeout: CALL_TIMEOUT,
        };
        match http.post(request).await {
            crate::webhooks::WebhookResponse::Answer { status, body } => {
                let json = serde_json::from_slice(&body).map_err(|e| {
                    Failure::unreachable(
                        provider,
                        format!("{url} answered HTTP {status}, no JSON: {e}"),
                    )
                })?;
                Ok((status, json))
            }
            crate::webhooks::WebhookResponse::Failed(why) => {
                Err(Failure::unreachable(provider, format!("{url}: {why}")))
            }
        }
    }

    /// The endpoints of `provider`: those its details name, the others from its issuer's
    /// discovery document (kept an hour).
    pub(crate) async fn endpoints(
        &self,
        provider: &IdentityProvider,
    ) -> Result<Endpoints, Failure> {
        let name = provider.name.as_str();
        let detail = |key: &str| provider.details.get(key).cloned();
        if !provider.provider_type.is_oidc() {
            // Plain OAuth 2.0: its three endpoints are in its details (checked when given).
            let needed = |key: &str| {
                detail(key).ok_or_else(|| Failure::unreachable(name, format!("no {key}")))
            };
            return Ok(Endpoints {
                issuer: String::new(),
                also_issuer: None,
                authorization: needed("authorize_url")?,
                token: needed("token_url")?,
                userinfo: Some(needed("attributes_url")?),
                jwks: String::new(),
                basic_auth: false,
            });
        }
        let issuer = detail("oidc_issuer")
            .ok_or_else(|| Failure::unreachable(name, "the provider has no oidc_issuer"))?;
        let given = (
            detail("authorize_url"),
            detail("token_url"),
            detail("jwks_uri"),
        );
        let discovered = match given {
            (Some(_), Some(_), Some(_)) => None,
            _ => Some(self.discovery(name, &issuer).await?),
        };
        let pick = |key: &str, found: Option<&String>| detail(key).or_else(|| found.cloned());
        let d = discovered.as_deref();
        let missing = |what: &str| Failure::unreachable(name, format!("no {what} for {issuer}"));
        Ok(Endpoints {
            authorization: pick("authorize_url", d.map(|d| &d.authorization))
                .ok_or_else(|| missing("authorization endpoint"))?,
            token: pick("token_url", d.map(|d| &d.token))
                .ok_or_else(|| missing("token endpoint"))?,
            jwks: pick("jwks_uri", d.map(|d| &d.jwks)).ok_or_else(|| missing("jwks_uri"))?,
            userinfo: detail("attributes_url").or_else(|| d.and_then(|d| d.userinfo.clone())),
            basic_auth: d.is_none_or(|d| d.basic_auth)
                && provider.provider_type != ProviderType::SignInWithApple,
            also_issuer: (provider.provider_type == ProviderType::Google)
                .then_some("accounts.google.com"),
            issuer,
        })
    }

    /// The discovery document of `issuer`, kept [`KEEP_SECS`].
    async fn discovery(&self, provider: &str, issuer: &str) -> Result<Arc<Endpoints>, Failure> {
        let now = self.clock.now();
        if let Ok(cache) = self.upstream.discovery.lock()
            && let Some((at, endpoints)) = cache.get(issuer)
            && now - at < KEEP_SECS
        {
            return Ok(endpoints.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let doc = self.fetch_json(provider, &url, None).await?;
        // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be the one asked for.
        if text(&doc, "issuer") != Some(issuer) {
            return Err(Failure::unreachable(
                provider,
                format!(
                    "{url} names the issuer {:?}, not {issuer}",
                    text(&doc, "issuer")
                ),
            ));
        }
        let member = |name: &str| {
            text(&doc, name)
                .map(str::to_owned)
                .ok_or_else(|| Failure::unreachable(provider, format!("{url} has no {name}")))
        };
        let methods: Vec<&str> = doc
            .get("token_endpoint_auth_methods_supported")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter_map(Value::as_str).collect())
            .unwrap_or_else(|| vec!["client_secret_basic"]);
        let endpoints = Arc::new(Endpoints {
            issuer: issuer.to_owned(),
            also_issuer: None,
            authorization: member("authorization_endpoint")?,
            token: member("token_endpoint")?,
            jwks: member("jwks_uri")?,
            userinfo: text(&doc, "userinfo_endpoint").map(str::to_owned),
            basic_auth: methods.contains(&"client_secret_basic")
                || !methods.contains(&"client_secret_post"),
        });
        if let Ok(mut cache) = self.upstream.discovery.lock() {
            cache.insert(issuer.to_owned(), (now, endpoints.clone()));
        }
        Ok(endpoints)
    }

    /// The key `kid` of the key set at `jwks`: from the kept set, else fetched again (at most
    /// once per [`REFETCH_AFTER_SECS`]: a provider rotating keys is followed, a stream of
    /// unknown `kid`s does not make us fetch on each).
    async fn provider_key(
        &self,
        provider: &str,
        jwks: &str,
        kid: &str,
    ) -> Result<VerifyingKey, Failure> {
        let now = self.clock.now();
        let kept = self
            .upstream
            .keys
            .lock()
            .ok()
            .and_then(|cache| cache.get(jwks).cloned());
        if let Some((at, keys)) = &kept {
            let found = keys.iter().find(|k| k.kid() == kid).cloned();
            match found {
                Some(key) if now - at < KEEP_SECS => return Ok(key),
                None if now - at < REFETCH_AFTER_SECS => {
                    return Err(Failure::bad_token(
                        provider,
                        format!("no key {kid} in {jwks} (fetched {}s ago)", now - at),
                    ));
                }
                _ => {}
            }
        }
        let set = self.fetch_json(provider, jwks, None).await?;
        let keys: Vec<VerifyingKey> = set
            .get("keys")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(rsa_key)
            .collect();
        let keys = Arc::new(keys);
        if let Ok(mut cache) = self.upstream.keys.lock() {
            cache.insert(jwks.to_owned(), (now, keys.clone()));
        }
        keys.iter()
            .find(|k| k.kid() == kid)
            .cloned()
            .ok_or_else(|| Failure::bad_token(provider, format!("no key {kid} in {jwks}")))
    }

    /// The claims of `id_token` once its signature (RS256, a key of the provider's set), issuer,
    /// audience, times and nonce are checked (OpenID Connect Core 1.0 §3.1.3.7).
    pub(crate) async fn verify_id_token(
        &self,
        provider: &str,
        endpoints: &Endpoints,
        client_id: &str,
        nonce: &str,
        id_token: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let kid = peek_kid(id_token)
            .map_err(|e| Failure::bad_token(provider, format!("ID token header: {e}")))?;
        let key = self.provider_key(provider, &endpoints.jwks, &kid).await?;
        let claims = verify(id_token, &key)
            .map_err(|e| Failure::bad_token(provider, format!("ID token: {e}")))?;
        let now = self.clock.now();
        let claim = |name: &str| claims.get(name);
        let iss = claim("iss").and_then(Value::as_str);
        if iss != Some(endpoints.issuer.as_str()) && (iss.is_none() || iss != endpoints.also_issuer)
        {
            return Err(Failure::bad_token(
                provider,
                format!("iss {:?}", claim("iss")),
            ));
        }
        let audience_ok = match claim("aud") {
            Some(Value::String(aud)) => aud == client_id,
            Some(Value::Array(auds)) => {
                auds.iter().any(|a| a.as_str() == Some(client_id))
                    && (auds.len() == 1 || claim("azp").and_then(Value::as_str) == Some(client_id))
            }
            _ => false,
        };
        if !audience_ok {
            return Err(Failure::bad_token(
                provider,
                format!("aud {:?}", claim("aud")),
            ));
        }
        let exp = claim("exp").and_then(Value::as_i64);
        if exp.is_none_or(|exp| exp + SKEW_SECS <= now) {
            return Err(Failure::bad_token(
                provider,
                format!("expired: exp {exp:?}, now {now}"),
            ));
        }
        if claim("iat")
            .and_then(Value::as_i64)
            .is_some_and(|iat| iat > now + SKEW_SECS)
        {
            return Err(Failure::bad_token(provider, "issued in the future"));
        }
        let nonce_ok = claim("nonce")
            .and_then(Value::as_str)
            .is_some_and(|n| auth_return_crypto::hash::ct_eq(n.as_bytes(), nonce.as_bytes()));
        if !nonce_ok {
            return Err(Failure::bad_token(
                provider,
                "nonce missing or not this sign-in's",
            ));
        }
        match claim("sub").and_then(Value::as_str) {
            Some(sub) if !sub.is_empty() && sub.len() <= 255 => Ok(claims),
            _ => Err(Failure::bad_token(provider, "no usable sub")),
        }
    }

    /// What a plain OAuth 2.0 provider says of the user of `access_token`: its attributes URL
    /// (an object), its `subject_claim` (default `sub`; a number is written out) as `sub`, and,
    /// where it has an emails URL (GitHub), the primary email if it is verified, with
    /// `email_verified` (a provider's other or unverified addresses are not the user's to claim).
    pub(crate) async fn plain_user(
        &self,
        provider: &IdentityProvider,
        endpoints: &Endpoints,
        access_token: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let name = provider.name.as_str();
        let url = endpoints
            .userinfo
            .as_deref()
            .ok_or_else(|| Failure::unreachable(name, "no attributes_url"))?;
        let Value::Object(mut claims) = self.fetch_json(name, url, Some(access_token)).await?
        else {
            return Err(Failure::bad_token(
                name,
                "the attributes URL answered no object",
            ));
        };
        let subject_claim = provider
            .details
            .get("subject_claim")
            .map_or("sub", String::as_str);
        let sub = match claims.get(subject_claim) {
            Some(Value::String(sub)) if !sub.is_empty() => sub.clone(),
            Some(Value::Number(sub)) => sub.to_string(),
            _ => {
                return Err(Failure::bad_token(
                    name,
                    format!("no {subject_claim} in the user"),
                ));
            }
        };
        claims.insert("sub".into(), Value::String(sub));
        // Only what the provider vouches for counts as verified.
        claims.remove("email_verified");
        if let Some(emails_url) = provider.details.get("emails_url") {
            claims.remove("email");
            let emails = self
                .fetch_json(name, emails_url, Some(access_token))
                .await?;
            let flag = |e: &Value, name: &str| e.get(name).and_then(Value::as_bool) == Some(true);
            let verified = emails
                .as_array()
                .into_iter()
                .flatten()
                .find(|e| flag(e, "primary") && flag(e, "verified"))
                .and_then(|e| e.get("email").and_then(Value::as_str));
            if let Some(email) = verified {
                claims.insert("email".into(), Value::String(email.to_owned()));
                claims.insert("email_verified".into(), Value::Bool(true));
            }
        }
        Ok(claims)
    }

    /// The userinfo of `access_token` (OpenID Connect Core 1.0 §5.3), which must be about
    /// `sub` (§5.3.2).
    pub(crate) async fn userinfo(
        &self,
        provider: &str,
        url: &str,
        access_token: &str,
        sub: &str,
    ) -> Result<Map<String, Value>, Failure> {
        let info = self.fetch_json(provider, url, Some(access_token)).await?;
        match info {
            Value::Object(info) if info.get("sub").and_then(Value::as_str) == Some(sub) => Ok(info),
            _ => Err(Failure::bad_token(
                provider,
                "userinfo is about another sub",
            )),
        }
    }
}

/// An RSA signing key of a JWKS entry (`use` absent or `sig`, `alg` absent or `RS256`);
/// others are skipped.
fn rsa_key(entry: &Value) -> Option<VerifyingKey> {
    if text(entry, "kty") != Some("RSA") || text(entry, "use").is_some_and(|u| u != "sig") {
        return None;
    }
    let jwk = Jwk {
        kty: "RSA".into(),
        kid: text(entry, "kid")?.to_owned(),
        alg: text(entry, "alg").unwrap_or_default().to_owned(),
        use_: "sig".into(),
        n: text(entry, "n")?.to_owned(),
        e: text(entry, "e")?.to_owned(),
    };
    VerifyingKey::from_jwk(&jwk).ok()
}
