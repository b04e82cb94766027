//! Signing in through an identity provider: the authorization code flow of OpenID Connect
//! Core 1.0 §3.1 with PKCE (RFC 7636), Cognito's way (docs/cognito-protocol.md §5.9). The app's
//! authorization request (`identity_provider=NAME`) sends the browser to the provider with a
//! sealed `state` that carries the request, a `nonce` and the PKCE verifier, bound to the browser
//! by a cookie; the provider sends it back to `/oauth2/idpresponse`, where the state is opened,
//! checked against the cookie and spent, the code exchanged, the ID token verified, the user
//! found or made, and a hosted session opened: the app's authorization request then completes as
//! after any hosted sign-in.

use super::upstream::Failure;
use super::{IdentityProvider, ProviderType};
use crate::auth::HostedCookie;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::ClientId;
use crate::model::App;
use crate::service::Service;
use auth_return_crypto::hash::{ct_eq, sha256};
use auth_return_crypto::random::{bytes, token_urlsafe};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How long a browser has to come back from the provider.
pub const FLIGHT_SECS: i64 = 600;
/// What the sealed state is bound to.
const STATE_AAD: &[u8] = b"auth-return/federation-state";
/// The longest `state` read back.
const MAX_STATE_CHARS: usize = 8192;
/// How long Apple's client secret (a JWT) is valid.
const APPLE_SECRET_SECS: i64 = 300;

/// What a sign-in carries through the provider, sealed into its `state`.
#[derive(Serialize, Deserialize)]
struct Flight {
    v: u8,
    /// Spent at the callback, so a state answers once.
    id: String,
    pool: String,
    client: String,
    provider: String,
    /// The app's authorization request, resumed once signed in.
    query: String,
    nonce: String,
    verifier: String,
    /// SHA-256 of the browser's binding cookie, base64url.
    binding: String,
    exp: i64,
}

/// Where to send the browser, and the cookie that binds the sign-in to it. No `Debug`: the
/// cookie is a credential.
pub struct FederatedStart {
    /// The provider's authorization URL with this sign-in's parameters.
    pub location: String,
    /// The value of the binding cookie.
    pub binding: String,
    /// Whether the provider will post its answer back (a cross-site POST, which carries only a
    /// `SameSite=None` cookie).
    pub form_post: bool,
}

/// What came back to `/oauth2/idpresponse`. No `Debug`: the code and cookie are credentials.
#[derive(Default)]
pub struct FederatedCallback<'a> {
    /// `state`.
    pub state: Option<&'a str>,
    /// The binding cookie.
    pub binding: Option<&'a str>,
    /// `code`.
    pub code: Option<&'a str>,
    /// `error` (RFC 6749 §4.1.2.1).
    pub error: Option<&'a str>,
}

/// A completed federated sign-in. No `Debug`: the cookie is a credential.
pub struct FederatedFinish {
    /// The hosted session opened for the user.
    pub cookie: HostedCookie,
    /// The app's authorization request to go back to (without `identity_provider` and
    /// `prompt`: the sign-in is done).
    pub resume_query: String,
}

fn link_not_valid() -> Error {
    Error::FederatedSignInFailed(
        "This sign-in link is not valid or has expired. Go back to the app and start again.".into(),
    )
}

impl Service {
    /// The failure as the person signing in sees it; the detail is logged.
    pub(crate) fn federation_failed(&self, provider: &str, failure: Failure) -> Error {
        tracing::warn!(provider, detail = %failure.detail, "federated sign-in failed");
        Error::FederatedSignInFailed(failure.public)
    }

    /// Starts a sign-in through the provider `provider_name` of `app` for the authorization
    /// request `query` (already checked).
    pub async fn start_federated_sign_in(
        &self,
        app: &App,
        provider_name: &str,
        query: &str,
    ) -> Result<FederatedStart> {
        let provider = self
            .store
            .get_identity_provider(&app.pool_id, provider_name)
            .await?
            .filter(|provider| super::manage::client_allows(app, &provider.name))
            .ok_or_else(|| {
                Error::InvalidParameter(format!(
                    "identity_provider {} is not a sign-in option of this app.",
                    provider_name.chars().take(32).collect::<String>()
                ))
            })?;
        let endpoints = self
            .endpoints(&provider)
            .await
            .map_err(|f| self.federation_failed(&provider.name, f))?;
        let binding = token_urlsafe(32);
        let flight = Flight {
            v: 1,
            id: URL_SAFE_NO_PAD.encode(bytes::<16>()),
            pool: app.pool_id.to_string(),
            client: app.client.id.to_string(),
            provider: provider.name.clone(),
            query: query.to_owned(),
            nonce: token_urlsafe(32),
            verifier: token_urlsafe(32),
            binding: URL_SAFE_NO_PAD.encode(sha256(binding.as_bytes())),
            exp: self.clock.now() + FLIGHT_SECS,
        };
        let sealed = serde_json::to_vec(&flight)
            .map(|json| self.keyring.federation_states.seal(&json, STATE_AAD))
            .map_err(|e| Error::Internal(format!("federation state: {e}")))?;
        let challenge = URL_SAFE_NO_PAD.encode(sha256(flight.verifier.as_bytes()));
        let default_scopes = match provider.provider_type {
            ProviderType::GitHub => "read:user user:email",
            ProviderType::OAuth2 => "",
            _ => "openid",
        };
        let scopes = provider
            .details
            .get("authorize_scopes")
            .map_or(default_scopes, String::as_str);
        let client_id = provider.details.get("client_id").map_or("", String::as_str);
        let redirect_uri = self.federation_redirect_uri();
        let state = URL_SAFE_NO_PAD.encode(sealed);
        if state.len() > MAX_STATE_CHARS {
            return Err(Error::InvalidParameter(
                "The authorization request is too long to sign in through a provider.".into(),
            ));
        }
        let mut location = url::Url::parse(&endpoints.authorization).map_err(|e| {
            self.federation_failed(
                &provider.name,
                Failure::new(
                    "This sign-in option is not set up correctly.",
                    e.to_string(),
                ),
            )
        })?;
        // Apple answers with a form when asked for the name or email (its `form_post`).
        let form_post =
            provider.provider_type == ProviderType::SignInWithApple && !scopes.trim().is_empty();
        {
            let mut query = location.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", client_id)
                .append_pair("redirect_uri", &redirect_uri);
            if !scopes.trim().is_empty() {
                query.append_pair("scope", scopes);
            }
            if form_post {
                query.append_pair("response_mode", "form_post");
            }
            query
                .append_pair("state", &state)
                .append_pair("nonce", &flight.nonce)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
        }
        Ok(FederatedStart {
            location: location.into(),
            binding,
            form_post,
        })
    }

    /// Finishes a sign-in at `/oauth2/idpresponse`: the state checked and spent, the code
    /// exchanged, the ID token verified, the user found or made, a hosted session opened.
    pub async fn finish_federated_sign_in(
        &self,
        callback: FederatedCallback<'_>,
        caller: &Caller,
    ) -> Result<FederatedFinish> {
        let flight = self.open_flight(callback.state)?;
        let bound = callback.binding.is_some_and(|cookie| {
            let hash = URL_SAFE_NO_PAD.encode(sha256(cookie.as_bytes()));
            ct_eq(hash.as_bytes(), flight.binding.as_bytes())
        });
        if !bound {
            return Err(Error::FederatedSignInFailed(
                "This sign-in was started in another browser, or its cookie was lost. Go back to the app and start again."
                    .into(),
            ));
        }
        let id = URL_SAFE_NO_PAD
            .decode(&flight.id)
            .map_err(|_| link_not_valid())?;
        if !self
            .store
            .claim_challenge(&id, flight.exp, self.clock.now())
            .await?
        {
            return Err(Error::FederatedSignInFailed(
                "This sign-in link was used already. Go back to the app and start again.".into(),
            ));
        }
        let name = flight.provider.as_str();
        if let Some(error) = callback.error {
            // Shown as a code only: the text comes from whoever sent the browser here.
            let code: String = error
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(40)
                .collect();
            return Err(Error::FederatedSignInFailed(format!(
                "{name} did not sign you in ({code})."
            )));
        }
        let code = callback
            .code
            .filter(|c| !c.is_empty() && c.len() <= 2048)
            .ok_or_else(link_not_valid)?;
        let app = self.app_for_client(&ClientId::new(&flight.client)).await?;
        let provider = self
            .store
            .get_identity_provider(&app.pool_id, name)
            .await?
            .filter(|_| {
                app.pool_id.as_str() == flight.pool && super::manage::client_allows(&app, name)
            })
            .ok_or_else(|| {
                Error::FederatedSignInFailed(format!(
                    "{name} is no longer a sign-in option of this app."
                ))
            })?;
        let claims = self
            .provider_claims(&provider, code, &flight)
            .await
            .map_err(|f| self.federation_failed(name, f))?;
        let user = self
            .federated_user(&app, &provider, &claims, caller)
            .await
            .map_err(|f| self.federation_failed(name, f))?;
        if !user.enabled {
            return Err(Error::FederatedSignInFailed(
                "This account is disabled.".into(),
            ));
        }
        let cookie = self.open_hosted_session(&app, &user).await?;
        let event = NewEvent::new(app.pool_id.clone(), self.clock.now(), EventKind::SignIn)
            .about(Some(user.id), Some(&user.email))
            .with("provider", name)
            .by(caller);
        self.events.record(event);
        Ok(FederatedFinish {
            cookie,
            resume_query: resume_query(&flight.query),
        })
    }

    fn open_flight(&self, state: Option<&str>) -> Result<Flight> {
        let sealed = state
            .filter(|s| s.len() <= MAX_STATE_CHARS)
            .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
            .ok_or_else(link_not_valid)?;
        let opened = self
            .keyring
            .federation_states
            .open(&sealed, STATE_AAD)
            .map_err(|_| link_not_valid())?;
        let flight: Flight =
            serde_json::from_slice(opened.expose()).map_err(|_| link_not_valid())?;
        if flight.v != 1 || flight.exp <= self.clock.now() {
            return Err(link_not_valid());
        }
        Ok(flight)
    }

    /// The code exchanged at the provider's token endpoint, the ID token verified, and its
    /// claims with the userinfo's added (the ID token's win).
    async fn provider_claims(
        &self,
        provider: &IdentityProvider,
        code: &str,
        flight: &Flight,
    ) -> std::result::Result<Map<String, Value>, Failure> {
        let name = provider.name.as_str();
        let endpoints = self.endpoints(provider).await?;
        let client_id = provider.details.get("client_id").map_or("", String::as_str);
        let secrets = self.provider_secrets(provider).map_err(|e| {
            Failure::new(
                "This sign-in option is not set up correctly.",
                e.to_string(),
            )
        })?;
        let secret = match provider.provider_type {
            ProviderType::SignInWithApple => {
                Some(apple_client_secret(provider, &secrets, self.clock.now())?)
            }
            _ => secrets.get("client_secret").cloned(),
        };
        let redirect_uri = self.federation_redirect_uri();
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("code_verifier", flight.verifier.as_str()),
        ];
        let basic = match (&secret, endpoints.basic_auth) {
            (Some(secret), true) => Some((client_id, secret.as_str())),
            (Some(secret), false) => {
                form.push(("client_id", client_id));
                form.push(("client_secret", secret.as_str()));
                None
            }
            (None, _) => {
                form.push(("client_id", client_id));
                None
            }
        };
        let (status, answer) = self.post_form(name, &endpoints.token, &form, basic).await?;
        // GitHub answers a refused code with 200 and an `error` member.
        if status != 200 || answer.get("error").is_some() {
            return Err(Failure::new(
                format!("{name} did not accept this sign-in. Go back to the app and start again."),
                format!("token endpoint answered HTTP {status}: {answer}"),
            ));
        }
        if !provider.provider_type.is_oidc() {
            let access_token = answer
                .get("access_token")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Failure::new(
                        format!(
                            "{name}'s answer could not be verified, so you were not signed in."
                        ),
                        "the token endpoint answered no access_token",
                    )
                })?;
            return self.plain_user(provider, &endpoints, access_token).await;
        }
        let id_token = answer
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                Failure::new(
                    format!("{name}'s answer could not be verified, so you were not signed in."),
                    "the token endpoint answered no id_token",
                )
            })?;
        let mut claims = self
            .verify_id_token(name, &endpoints, client_id, &flight.nonce, id_token)
            .await?;
        if let (Some(url), Some(access_token)) = (
            endpoints.userinfo.as_deref(),
            answer.get("access_token").and_then(Value::as_str),
        ) {
            let sub = claims
                .get("sub")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match self.userinfo(name, url, access_token, &sub).await {
                Ok(info) => {
                    for (claim, value) in info {
                        claims.entry(claim).or_insert(value);
                    }
                }
                // The ID token may carry what is needed; if not, the user is refused below.
                Err(failure) => {
                    tracing::warn!(provider = name, detail = %failure.detail, "userinfo not read")
                }
            }
        }
        Ok(claims)
    }
}

/// Sign in with Apple's client secret at `now`: a short-lived ES256 JWT signed with the
/// developer's key (`kid` its key id), `iss` the team, `sub` the Services ID, `aud` Apple.
fn apple_client_secret(
    provider: &IdentityProvider,
    secrets: &std::collections::BTreeMap<String, String>,
    now: i64,
) -> std::result::Result<String, Failure> {
    let broken = |detail: &str| {
        Failure::new(
            "This sign-in option is not set up correctly.",
            detail.to_owned(),
        )
    };
    let key = secrets
        .get("private_key")
        .ok_or_else(|| broken("no private_key"))
        .and_then(|pem| {
            auth_return_crypto::jws::Es256SigningKey::from_pkcs8_pem(pem)
                .map_err(|_| broken("private_key does not read"))
        })?;
    let detail = |k: &str| provider.details.get(k).map_or("", String::as_str);
    let claims = serde_json::json!({
        "iss": detail("team_id"), "iat": now, "exp": now + APPLE_SECRET_SECS,
        "aud": "https://appleid.apple.com", "sub": detail("client_id"),
    });
    key.sign_json(detail("key_id"), &claims)
        .map_err(|_| broken("signing the client secret failed"))
}

/// The app's authorization request without `identity_provider` and `prompt`.
fn resume_query(query: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            url::form_urlencoded::parse(query.as_bytes())
                .filter(|(k, _)| k != "identity_provider" && k != "prompt"),
        )
        .finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn apples_client_secret_is_an_es256_jwt_of_the_team_for_the_services_id() {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{
            ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
            UnparsedPublicKey,
        };
        let der =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der.as_ref()).unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
            base64::engine::general_purpose::STANDARD.encode(der.as_ref())
        );
        let provider = IdentityProvider {
            pool_id: crate::ids::PoolId::new("local_x"),
            name: "SignInWithApple".into(),
            provider_type: ProviderType::SignInWithApple,
            details: [
                ("client_id".to_owned(), "com.example.web".to_owned()),
                ("team_id".to_owned(), "TEAM123456".to_owned()),
                ("key_id".to_owned(), "KEY1234567".to_owned()),
            ]
            .into(),
            sealed_secrets: None,
            attribute_mapping: Default::default(),
            idp_identifiers: vec![],
            created_at: 0,
            updated_at: 0,
        };
        let secrets = [("private_key".to_owned(), pem)].into();
        let jwt = apple_client_secret(&provider, &secrets, 1_800_000_000).unwrap();
        let (input, signature) = jwt.rsplit_once('.').unwrap();
        let part = |i: usize| -> serde_json::Value {
            serde_json::from_slice(
                &URL_SAFE_NO_PAD
                    .decode(input.split('.').nth(i).unwrap())
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(
            part(0),
            serde_json::json!({"alg": "ES256", "kid": "KEY1234567"})
        );
        assert_eq!(
            part(1),
            serde_json::json!({"iss": "TEAM123456", "iat": 1_800_000_000, "exp": 1_800_000_300,
                               "aud": "https://appleid.apple.com", "sub": "com.example.web"})
        );
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, pair.public_key().as_ref())
            .verify(
                input.as_bytes(),
                &URL_SAFE_NO_PAD.decode(signature).unwrap(),
            )
            .unwrap();
        let none = std::collections::BTreeMap::new();
        assert!(apple_client_secret(&provider, &none, 0).is_err());
    }

    #[test]
    fn the_resumed_request_no_longer_names_the_provider() {
        assert_eq!(
            resume_query("client_id=c&identity_provider=Okta&prompt=login&state=a%20b"),
            "client_id=c&state=a+b"
        );
    }
}
