//! The token endpoint's grants (`POST /oauth2/token`, RFC 6749 §3.2): client authentication,
//! `authorization_code` (sealed, single use; a replay revokes what the first exchange issued,
//! RFC 6749 §4.1.2, §10.5), `refresh_token` (the app's rotation rules) and `client_credentials`.

use super::code::{CodeGrant, spend_key};
use super::pkce;
use super::scopes::Scopes;
use crate::auth::refresh::ClientProof;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::ClientId;
use crate::ids::SessionId;
use crate::model::{App, CodeSpend, Member, Session, Timestamp, UserStatus};
use crate::service::Service;
use crate::tokens::claims::{USER_ADMIN_SCOPE, client_access_token};
use crate::tokens::refresh::new_refresh_token;

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

/// The answer to any code that is not a live code of this client.
const INVALID_CODE: Error =
    Error::InvalidGrant("The authorization code is invalid, expired or already used.");

/// A code being spent: its record's key, its grant, and when.
struct Spend<'a> {
    hash: [u8; 32],
    grant: &'a CodeGrant,
    now: Timestamp,
}

/// Why an opened code cannot be exchanged with this redirect URI and verifier, if it cannot.
fn refusal(
    grant: &CodeGrant,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
    now: Timestamp,
) -> Option<Error> {
    if grant.expires_at <= now {
        return Some(INVALID_CODE);
    }
    if !redirect_uri.is_some_and(|uri| grant.issued_for(uri)) {
        return Some(Error::InvalidGrant(
            "redirect_uri does not match the authorization request.",
        ));
    }
    match (&grant.code_challenge, code_verifier) {
        (Some(challenge), Some(verifier)) if pkce::verifies(verifier, challenge) => None,
        (None, None) => None,
        (Some(_), _) => Some(Error::InvalidGrant(
            "code_verifier does not match the code_challenge.",
        )),
        (None, Some(_)) => Some(Error::InvalidGrant(
            "code_verifier was sent, but the authorization request had no code_challenge.",
        )),
    }
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

    /// `grant_type=authorization_code` (RFC 6749 §4.1.3): opens the sealed code (issued through
    /// this client, intact), checks it has not expired, was issued for this redirect URI and
    /// that the verifier proves its PKCE challenge, then opens a session for its user and
    /// records the code as spent. Every exchange spends the code, a failed one too; a second
    /// one revokes the session the first opened.
    pub async fn exchange_code(
        &self,
        app: &App,
        code: Option<&str>,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
        caller: &Caller,
    ) -> Result<OAuthTokens> {
        let code = code
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::InvalidParameter("code is required.".into()))?;
        let grant = CodeGrant::open(
            &self.keyring.authorization_codes,
            &app.pool_id,
            &app.client.id,
            code,
        )
        .ok_or(INVALID_CODE)?;
        let spent = Spend {
            hash: spend_key(code),
            grant: &grant,
            now: self.clock.now(),
        };
        let verdict = match refusal(&grant, redirect_uri, code_verifier, spent.now) {
            Some(refused) => Err(refused),
            // Read with their groups, which the tokens name.
            None => self
                .store
                .get_member(&app.pool_id, grant.user_id)
                .await?
                .filter(|m| m.user.enabled && m.user.status == UserStatus::Confirmed)
                .ok_or(INVALID_CODE),
        };
        let Member { user, groups } = match verdict {
            Ok(member) => member,
            Err(refused) => {
                return match self.spend_code(app, &spent, None, caller).await? {
                    CodeSpend::First => Err(refused),
                    CodeSpend::Again { .. } => Err(INVALID_CODE),
                };
            }
        };
        // The session exists before the code is recorded as spent, so a replay that finds the
        // record always finds the session to revoke, however the two exchanges interleave.
        let (refresh_token, refresh_hash) = new_refresh_token();
        let session = Session {
            id: SessionId::generate(),
            pool_id: app.pool_id.clone(),
            client_id: app.client.id.clone(),
            user_id: user.id,
            refresh_hash,
            auth_time: grant.auth_time,
            expires_at: spent.now + app.client.refresh_validity_secs,
            revoked_at: None,
            scope: Some(grant.scope.clone()),
        };
        self.store.insert_session(&session).await?;
        if self
            .spend_code(app, &spent, Some(session.id), caller)
            .await?
            != CodeSpend::First
        {
            self.store
                .revoke_session(&app.pool_id, session.id, spent.now)
                .await?;
            return Err(INVALID_CODE);
        }
        let tokens = self
            .sign_tokens(
                app,
                &user,
                &groups,
                &session,
                grant.nonce.as_deref(),
                crate::auth::TokenSource::SignIn,
            )
            .await?;
        Ok(OAuthTokens {
            id_token: grants_id_token(session.scope.as_deref()).then_some(tokens.id_token),
            access_token: tokens.access_token,
            refresh_token: Some(refresh_token),
            expires_in: tokens.expires_in,
            scope: grant.scope,
        })
    }

    /// Records a code as spent by an exchange that opened `session` (`None`: refused). When it
    /// had been spent before, revokes the session its first exchange opened (RFC 6749 §4.1.2).
    async fn spend_code(
        &self,
        app: &App,
        spent: &Spend<'_>,
        session: Option<SessionId>,
        caller: &Caller,
    ) -> Result<CodeSpend> {
        let outcome = self
            .store
            .spend_authorization_code(
                &app.pool_id,
                &spent.hash,
                session,
                spent.grant.expires_at,
                spent.now,
            )
            .await?;
        if let CodeSpend::Again {
            session_id: Some(first),
        } = outcome
        {
            self.store
                .revoke_session(&app.pool_id, first, spent.now)
                .await?;
            tracing::warn!(pool_id = %app.pool_id, session = %first, "authorization code replayed: its session is revoked");
            let user_id = spent.grant.user_id;
            let email = self.email_of(&app.pool_id, user_id).await;
            let event = NewEvent::new(app.pool_id.clone(), spent.now, EventKind::SessionRevoked)
                .about(Some(user_id), email.as_deref())
                .with("reason", "authorization_code_replay")
                .by(caller);
            self.events.record(event);
        }
        Ok(outcome)
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
