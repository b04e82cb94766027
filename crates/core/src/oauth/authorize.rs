//! The authorization request (`GET /oauth2/authorize`, RFC 6749 §4.1.1, §4.2.1; OpenID Connect
//! Core §3.1.2.1): who the client is and where answers go (errors there are never redirected),
//! then everything else (errors there go back to the redirect URI), then a code or, for the
//! implicit flow, tokens for the signed-in user.

use super::CODE_TTL_SECS;
use super::code::CodeGrant;
use super::pkce::is_s256_challenge;
use super::scopes::Scopes;
use crate::auth::AuthTokens;
use crate::error::{Error, Result};
use crate::ids::{ClientId, SessionId};
use crate::model::{App, HostedSession, Session, User};
use crate::service::Service;
use crate::tokens::refresh::new_refresh_token;

/// Longest `state`, `nonce` or `login_hint` accepted.
const MAX_PARAM_LEN: usize = 2048;

/// The parameters of an authorization request, as sent (each at most once; the transport
/// refuses repeats, RFC 6749 §3.1).
#[derive(Clone, Debug, Default)]
pub struct AuthorizationParams {
    /// `response_type`: `code`, or `token` for the implicit flow.
    pub response_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`: exactly one of the app's callback URLs.
    pub redirect_uri: Option<String>,
    /// `state`, returned untouched.
    pub state: Option<String>,
    /// `scope`, space-separated.
    pub scope: Option<String>,
    /// `code_challenge` (RFC 7636 §4.3).
    pub code_challenge: Option<String>,
    /// `code_challenge_method`: only `S256`.
    pub code_challenge_method: Option<String>,
    /// `nonce` (OpenID Connect Core §3.1.2.1).
    pub nonce: Option<String>,
    /// `prompt`: `login` or `none`.
    pub prompt: Option<String>,
    /// `login_hint`: the email to prefill.
    pub login_hint: Option<String>,
    /// `identity_provider`: `COGNITO` (the pool's own users) or the name of one of the pool's
    /// identity providers.
    pub identity_provider: Option<String>,
    /// `max_age`: the oldest sign-in, in seconds, that may answer (OpenID Connect Core
    /// §3.1.2.1).
    pub max_age: Option<String>,
}

/// What the client asked to receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseType {
    /// An authorization code, in the redirect's query.
    Code,
    /// Tokens, in the redirect's fragment (the implicit flow, RFC 6749 §4.2).
    Token,
}

/// Whether to sign in again (OpenID Connect Core §3.1.2.1 `prompt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Use the hosted session if there is one, else show the sign-in page.
    Default,
    /// Always ask for the password.
    Login,
    /// Never show a page: `login_required` when nobody is signed in.
    None,
}

/// A checked authorization request.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    /// What to answer with.
    pub response_type: ResponseType,
    /// Where to send the answer.
    pub redirect_uri: String,
    /// Returned untouched.
    pub state: Option<String>,
    /// The scopes to grant.
    pub scopes: Scopes,
    /// The PKCE challenge, for a code.
    pub code_challenge: Option<String>,
    /// For the ID token.
    pub nonce: Option<String>,
    /// Sign in again or not.
    pub prompt: Prompt,
    /// The email to prefill on the sign-in page.
    pub login_hint: Option<String>,
    /// The oldest sign-in, in seconds, that may answer without a password.
    pub max_age: Option<i64>,
    /// The identity provider to sign in with (`identity_provider`), when not the pool's own
    /// users (`COGNITO`).
    pub identity_provider: Option<String>,
}

/// The answer to an authorization request of a signed-in user. No `Debug`: credentials.
pub enum Authorized {
    /// The authorization code.
    Code(String),
    /// The implicit flow's tokens and the scopes they carry.
    Tokens(AuthTokens, Scopes),
}

fn bounded(name: &str, value: &Option<String>) -> Result<Option<String>> {
    match value {
        Some(v) if v.len() > MAX_PARAM_LEN => Err(Error::InvalidParameter(format!(
            "{name} must be at most {MAX_PARAM_LEN} characters."
        ))),
        Some(v) if v.is_empty() => Ok(None),
        other => Ok(other.clone()),
    }
}

impl Service {
    /// The app of a `client_id` parameter of the browser-facing endpoints.
    pub(crate) async fn app_named_by(&self, client_id: Option<&str>) -> Result<App> {
        let client_id = client_id
            .filter(|c| !c.is_empty() && c.len() <= 128)
            .ok_or_else(|| Error::InvalidParameter("client_id is required.".into()))?;
        self.app_for_client(&ClientId::new(client_id)).await
    }

    /// The app an authorization request is for, after checking its `redirect_uri` is one of
    /// the app's callback URLs, exactly. Errors here are shown, never redirected: an unknown
    /// client or an unregistered URI cannot be trusted with the answer (RFC 6749 §4.1.2.1).
    pub async fn authorization_target(
        &self,
        client_id: Option<&str>,
        redirect_uri: Option<&str>,
    ) -> Result<App> {
        let app = self.app_named_by(client_id).await?;
        match redirect_uri {
            Some(uri) if app.settings.oauth.is_callback_url(uri) => Ok(app),
            _ => Err(Error::RedirectUriNotRegistered),
        }
    }

    /// The rest of an authorization request for `app`, checked against what the app allows.
    /// Errors here go back to the redirect URI (RFC 6749 §4.1.2.1).
    pub fn authorization_request(
        &self,
        app: &App,
        params: &AuthorizationParams,
    ) -> Result<AuthorizationRequest> {
        let oauth = &app.settings.oauth;
        let response_type = match params.response_type.as_deref() {
            None | Some("") => {
                return Err(Error::InvalidParameter("response_type is required.".into()));
            }
            Some("code") if oauth.flows.code => ResponseType::Code,
            Some("token") if oauth.flows.implicit => ResponseType::Token,
            Some("code") => {
                return Err(Error::UnauthorizedClient(
                    "This app does not allow the authorization code flow.",
                ));
            }
            Some("token") => {
                return Err(Error::UnauthorizedClient(
                    "This app does not allow the implicit flow.",
                ));
            }
            Some(other) => {
                return Err(Error::UnsupportedResponseType(
                    other.chars().take(64).collect(),
                ));
            }
        };
        let identity_provider = bounded("identity_provider", &params.identity_provider)?
            .filter(|provider| provider != "COGNITO");
        let prompt = match params.prompt.as_deref() {
            None | Some("") => Prompt::Default,
            Some("login") => Prompt::Login,
            Some("none") => Prompt::None,
            Some(_) => {
                return Err(Error::InvalidParameter(
                    "prompt must be login or none.".into(),
                ));
            }
        };
        let code_challenge = bounded("code_challenge", &params.code_challenge)?;
        match (params.code_challenge_method.as_deref(), &code_challenge) {
            (None | Some("S256"), None) | (Some("S256"), Some(_)) => {}
            (None, Some(_)) | (Some(_), _) => {
                // RFC 7636 §4.3 defaults to `plain`, which a stolen authorization request
                // defeats: only S256 is accepted, and it must be named.
                return Err(Error::InvalidParameter(
                    "code_challenge_method must be S256.".into(),
                ));
            }
        }
        if let Some(challenge) = &code_challenge
            && !is_s256_challenge(challenge)
        {
            return Err(Error::InvalidParameter(
                "code_challenge must be the base64url SHA-256 of the verifier (43 characters)."
                    .into(),
            ));
        }
        let public_client = app.client.sealed_secret.is_none();
        if response_type == ResponseType::Code && public_client && code_challenge.is_none() {
            // RFC 7636 §1 and RFC 8252 §8.1: a client without a secret cannot prove who
            // redeems its code otherwise.
            return Err(Error::InvalidParameter(
                "code_challenge is required: this app has no client secret.".into(),
            ));
        }
        let scopes = Scopes::requested(params.scope.as_deref(), oauth)?;
        if scopes.is_empty() {
            return Err(Error::InvalidScope("This app allows no scopes.".into()));
        }
        let max_age = match params.max_age.as_deref() {
            None => None,
            Some(text) => Some(
                text.parse::<i64>()
                    .ok()
                    .filter(|secs| *secs >= 0)
                    .ok_or_else(|| {
                        Error::InvalidParameter("max_age must be a number of seconds.".into())
                    })?,
            ),
        };
        let redirect_uri = params.redirect_uri.clone().unwrap_or_default();
        Ok(AuthorizationRequest {
            response_type,
            redirect_uri,
            state: bounded("state", &params.state)?,
            scopes,
            code_challenge,
            nonce: bounded("nonce", &params.nonce)?,
            prompt,
            login_hint: bounded("login_hint", &params.login_hint)?,
            max_age,
            identity_provider,
        })
    }

    /// Answers a checked request for the user of a live hosted session: a single-use code bound
    /// to the client, redirect URI and PKCE challenge, sealed so that issuing it stores nothing
    /// (RFC 6749 §4.1.2), or the implicit flow's tokens (no refresh token, RFC 6749 §4.2.2).
    pub async fn authorize(
        &self,
        app: &App,
        request: &AuthorizationRequest,
        signed_in: &HostedSession,
        user: &User,
    ) -> Result<Authorized> {
        let now = self.clock.now();
        match request.response_type {
            ResponseType::Code => {
                let grant = CodeGrant {
                    user_id: user.id,
                    redirect_digest: CodeGrant::redirect_digest(&request.redirect_uri),
                    scope: request.scopes.joined(),
                    code_challenge: request.code_challenge.clone(),
                    nonce: request.nonce.clone(),
                    auth_time: signed_in.auth_time,
                    expires_at: now + CODE_TTL_SECS,
                };
                let code = grant.seal(
                    &self.keyring.authorization_codes,
                    &app.pool_id,
                    &app.client.id,
                );
                Ok(Authorized::Code(code))
            }
            ResponseType::Token => {
                // A session that only its tokens name: no refresh token is handed out, but
                // signing out revokes them like any others.
                let (_, unused_refresh_hash) = new_refresh_token();
                let session = Session {
                    id: SessionId::generate(),
                    pool_id: app.pool_id.clone(),
                    client_id: app.client.id.clone(),
                    user_id: user.id,
                    refresh_hash: unused_refresh_hash,
                    auth_time: signed_in.auth_time,
                    expires_at: now + app.client.token_validity_secs,
                    revoked_at: None,
                    scope: Some(request.scopes.joined()),
                };
                self.store.insert_session(&session).await?;
                let tokens = self
                    .mint_with_nonce(
                        app,
                        user,
                        &session,
                        request.nonce.as_deref(),
                        crate::auth::TokenSource::SignIn,
                    )
                    .await?;
                Ok(Authorized::Tokens(tokens, request.scopes.clone()))
            }
        }
    }
}
