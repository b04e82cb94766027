//! The token endpoint's grants (`POST /oauth2/token`, RFC 6749 §3.2): client authentication,
//! `authorization_code` (single use; a replay revokes what the first exchange issued, RFC 6749
//! §4.1.2, §10.5), `refresh_token` (the app's rotation rules) and `client_credentials`.

use super::pkce;
use super::scopes::Scopes;
use crate::auth::refresh::ClientProof;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::ClientId;
use crate::model::{App, CodeRedemption, Session, UserStatus};
use crate::service::Service;
use crate::tokens::claims::{USER_ADMIN_SCOPE, client_access_token};
use crate::tokens::refresh::{new_refresh_token, refresh_hash};

/// How the client authenticated at the token endpoint: its id, and its secret when it sent one
/// (`client_secret_basic` or `client_secret_post`, RFC 6749 §2.3.1; the transport refuses both
/// at once).
pub struct ClientAuth {
    /// `client_id`.
    pub client_id: Option<String>,
    /// `client_secret`.
    pub secret: Option<String>,
}

/// A token response (RFC 6749 §5.1). No `Debug`: credentials.
pub struct OAuthTokens {
    /// The access token.
    pub access_token: String,
    /// The ID token, when `openid` was granted.
    pub id_token: Option<String>,
    /// A refresh token: on a code exchange, and on a refresh when the app rotates them.
    pub refresh_token: Option<String>,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// Whether a session's tokens include an ID token: always for the user-pool API's sessions,
/// with `openid` for the OAuth 2.0 endpoints' (OpenID Connect Core §3.1.2.1).
fn grants_id_token(session_scope: Option<&str>) -> bool {
    session_scope.is_none_or(|s| Scopes::parse_stored(s).contains("openid"))
}

impl Service {
    /// The app of an authenticating client. A client with a secret must present it; a client
    /// without one must not claim one. Every failure is the same `invalid_client`.
    pub async fn oauth_client(&self, auth: &ClientAuth) -> Result<App> {
        let client_id = auth
            .client_id
            .as_deref()
            .filter(|c| !c.is_empty() && c.len() <= 128)
            .ok_or(Error::InvalidClient)?;
        let app = self
            .app_for_client(&ClientId::new(client_id))
            .await
            .map_err(|e| match e {
                Error::ClientNotFound(_) => Error::InvalidClient,
                other => other,
            })?;
        match (self.client_secret(&app)?, auth.secret.as_deref()) {
            (None, None) => Ok(app),
            (Some(secret), Some(given))
                if auth_return_crypto::hash::ct_eq(secret.as_bytes(), given.as_bytes()) =>
            {
                Ok(app)
            }
            _ => Err(Error::InvalidClient),
        }
    }

    /// `grant_type=authorization_code` (RFC 6749 §4.1.3): spends the code, checks it was issued
    /// to this client for this redirect URI and that the verifier proves its PKCE challenge,
    /// then opens the session the code named. A second exchange of a code revokes that session.
    pub async fn exchange_code(
        &self,
        app: &App,
        code: Option<&str>,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
        caller: &Caller,
    ) -> Result<OAuthTokens> {
        const INVALID: Error =
            Error::InvalidGrant("The authorization code is invalid, expired or already used.");
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::InvalidParameter("code is required.".into()))?;
        let hash = refresh_hash(code).ok_or(INVALID)?;
        let now = self.clock.now();
        let record = match self
            .store
            .redeem_authorization_code(&app.pool_id, &hash, now)
            .await?
        {
            CodeRedemption::Redeemed(record) => record,
            CodeRedemption::Replayed { session_id } => {
                self.store
                    .revoke_session(&app.pool_id, session_id, now)
                    .await?;
                tracing::warn!(pool_id = %app.pool_id, session = %session_id, "authorization code replayed: its session is revoked");
                if let Some(session) = self.store.get_session(&app.pool_id, session_id).await? {
                    let email = self.email_of(&app.pool_id, session.user_id).await;
                    let event = NewEvent::new(app.pool_id.clone(), now, EventKind::SessionRevoked)
                        .about(Some(session.user_id), email.as_deref())
                        .with("reason", "authorization_code_replay")
                        .by(caller);
                    self.events.record(event);
                }
                return Err(INVALID);
            }
            CodeRedemption::Unknown => return Err(INVALID),
        };
        if record.client_id != app.client.id || record.expires_at <= now {
            return Err(INVALID);
        }
        if redirect_uri != Some(record.redirect_uri.as_str()) {
            return Err(Error::InvalidGrant(
                "redirect_uri does not match the authorization request.",
            ));
        }
        match (&record.code_challenge, code_verifier) {
            (Some(challenge), Some(verifier)) if pkce::verifies(verifier, challenge) => {}
            (None, None) => {}
            (Some(_), _) => {
                return Err(Error::InvalidGrant(
                    "code_verifier does not match the code_challenge.",
                ));
            }
            (None, Some(_)) => {
                return Err(Error::InvalidGrant(
                    "code_verifier was sent, but the authorization request had no code_challenge.",
                ));
            }
        }
        let user = self
            .store
            .get_user(&app.pool_id, record.user_id)
            .await?
            .filter(|u| u.enabled && u.status == UserStatus::Confirmed)
            .ok_or(INVALID)?;
        let (refresh_token, refresh_hash) = new_refresh_token();
        let session = Session {
            id: record.session_id,
            pool_id: app.pool_id.clone(),
            client_id: app.client.id.clone(),
            user_id: user.id,
            refresh_hash,
            auth_time: record.auth_time,
            expires_at: now + app.client.refresh_validity_secs,
            revoked_at: None,
            scope: Some(record.scope.clone()),
        };
        self.store.insert_session(&session).await?;
        // A replay that raced this exchange revoked a session that did not exist yet.
        if self.store.code_replayed(&app.pool_id, &hash).await? {
            self.store
                .revoke_session(&app.pool_id, session.id, now)
                .await?;
            return Err(INVALID);
        }
        let tokens = self
            .mint_with_nonce(app, &user, &session, record.nonce.as_deref())
            .await?;
        Ok(OAuthTokens {
            id_token: grants_id_token(session.scope.as_deref()).then_some(tokens.id_token),
            access_token: tokens.access_token,
            refresh_token: Some(refresh_token),
            expires_in: tokens.expires_in,
            scope: record.scope,
        })
    }

    /// `grant_type=refresh_token` (RFC 6749 §6): new tokens for a live session of this client,
    /// with the scopes it was granted; a new refresh token when the app rotates them.
    pub async fn oauth_refresh(
        &self,
        app: &App,
        refresh_token: Option<&str>,
        caller: &Caller,
    ) -> Result<OAuthTokens> {
        let token = refresh_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::InvalidParameter("refresh_token is required.".into()))?;
        let rotate = app.settings.refresh_rotation.enabled;
        let tokens = self
            .refresh(app, token, ClientProof::Authenticated, rotate, caller)
            .await
            .map_err(|e| match e {
                Error::InvalidRefreshToken
                | Error::RefreshTokenExpired
                | Error::RefreshTokenRevoked
                | Error::RefreshTokenReused
                | Error::UserDisabled => Error::InvalidGrant("The refresh token is not valid."),
                other => other,
            })?;
        let scope = tokens.scope.clone();
        Ok(OAuthTokens {
            id_token: grants_id_token(scope.as_deref()).then_some(tokens.id_token),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_in: tokens.expires_in,
            scope: scope.unwrap_or_else(|| USER_ADMIN_SCOPE.to_owned()),
        })
    }

    /// `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself,
    /// with the app's custom scopes (all of them, or those asked for).
    pub async fn client_credentials(&self, app: &App, scope: Option<&str>) -> Result<OAuthTokens> {
        let oauth = &app.settings.oauth;
        if !oauth.flows.client_credentials || app.client.sealed_secret.is_none() {
            return Err(Error::UnauthorizedClient(
                "This app does not allow the client_credentials grant.",
            ));
        }
        let scopes = match scope.map(str::trim).filter(|s| !s.is_empty()) {
            None => oauth.custom_scopes.join(" "),
            Some(asked) => {
                let mut granted: Vec<&str> = Vec::new();
                for token in asked.split(' ').filter(|t| !t.is_empty()) {
                    if !oauth.custom_scopes.iter().any(|c| c == token) {
                        let shown: String = token.chars().take(64).collect();
                        return Err(Error::InvalidScope(format!(
                            "The scope {shown} is not one of this app's custom scopes."
                        )));
                    }
                    if !granted.contains(&token) {
                        granted.push(token);
                    }
                }
                granted.join(" ")
            }
        };
        if scopes.is_empty() {
            return Err(Error::InvalidScope(
                "This app defines no custom scopes.".into(),
            ));
        }
        let now = self.clock.now();
        let keys = self.pool_keys(&app.pool_id).await?;
        let lifetime = app.client.token_validity_secs;
        let claims = client_access_token(
            &self.issuer(&app.pool_id),
            app.client.id.as_str(),
            &scopes,
            now,
            lifetime,
        );
        let access_token = self
            .compute
            .run(move || {
                keys.signing_at(now)
                    .ok_or(auth_return_crypto::jws::JwsError::Crypto)?
                    .sign_json(&claims)
            })
            .await?
            .map_err(|e| Error::Internal(format!("signing: {e}")))?;
        Ok(OAuthTokens {
            access_token,
            id_token: None,
            refresh_token: None,
            expires_in: lifetime,
            scope: scopes,
        })
    }
}
