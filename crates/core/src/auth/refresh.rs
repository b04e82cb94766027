//! Refreshing: REFRESH_TOKEN_AUTH (Cognito's non-rotating refresh) and GetTokensFromRefreshToken
//! (rotating when the app has rotation on), with reuse detection and an absolute session
//! lifetime (docs/cognito-protocol.md §5.1, §6.4).

use super::{AuthTokens, known_names};
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::ClientId;
use crate::model::{App, Member, RefreshGrant};
use crate::service::Service;
use crate::tokens::refresh::{refresh_hash, successor};

/// How the client proves itself on a refresh.
pub(crate) enum ClientProof<'a> {
    /// `SECRET_HASH` over one of the user's names (InitiateAuth).
    SecretHash(Option<&'a str>),
    /// The raw client secret (GetTokensFromRefreshToken).
    ClientSecret(Option<&'a str>),
    /// Already authenticated by the OAuth 2.0 token endpoint (RFC 6749 §2.3).
    Authenticated,
}

impl Service {
    /// New ID and access tokens for a live session. `auth_time` and `origin_jti` stay those of
    /// the original sign-in, and the session ends when it would have ended anyway: rotation
    /// never extends it. With `rotate`, a new refresh token replaces the presented one, which
    /// keeps working for the app's grace period — every rotation of it hands out the same
    /// successor — and presenting it after that revokes the session.
    pub(crate) async fn refresh(
        &self,
        app: &App,
        token: &str,
        proof: ClientProof<'_>,
        rotate: bool,
        caller: &Caller,
    ) -> Result<AuthTokens> {
        // A raw secret is checked before the token is looked up, so nobody without it
        // learns whether a token is valid.
        if let ClientProof::ClientSecret(secret) = proof {
            self.check_client_secret(app, secret)
                .map_err(|_| Error::BadClientSecret(app.client.id.clone()))?;
        }
        let hash = refresh_hash(token).ok_or(Error::InvalidRefreshToken)?;
        // One read: the token, its session, and the user with their groups (the secret hash
        // is over one of the user's names, docs/cognito-protocol.md §4; the tokens are theirs).
        let RefreshGrant {
            session,
            token: record,
            member,
        } = self
            .store
            .get_refresh_grant(&hash)
            .await?
            .filter(|g| g.session.client_id == app.client.id && g.session.pool_id == app.pool_id)
            .ok_or(Error::InvalidRefreshToken)?;
        let (user, groups) = Member::split(member);
        if let ClientProof::SecretHash(presented) = proof {
            let names = user.as_ref().map(known_names);
            let accepted: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
            self.check_secret_hash(app, presented, &accepted)?;
        }
        if session.revoked_at.is_some() {
            return Err(Error::RefreshTokenRevoked);
        }
        let now = self.clock.now();
        if session.expires_at <= now {
            return Err(Error::RefreshTokenExpired);
        }
        let grace = app.settings.refresh_rotation.grace_secs;
        if record.superseded_at.is_some_and(|at| now > at + grace) {
            // A token that was rotated out is back: someone holds a stolen copy.
            self.store
                .revoke_session(&app.pool_id, session.id, now)
                .await?;
            tracing::warn!(pool_id = %app.pool_id, session = %session.id, "refresh token reuse: session revoked");
            let email = user.as_ref().map(|user| user.email.as_str());
            let event = NewEvent::new(app.pool_id.clone(), now, EventKind::RefreshTokenReuse)
                .about(Some(session.user_id), email)
                .with("session_id", &session.id.to_string())
                .by(caller);
            self.events.record(event);
            return Err(Error::RefreshTokenReused);
        }
        let user = user.ok_or(Error::InvalidRefreshToken)?;
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        let mut tokens = self
            .sign_tokens(
                app,
                &user,
                &groups,
                &session,
                None,
                super::TokenSource::Refresh,
            )
            .await?;
        if rotate {
            let (new_token, new_hash) = successor(self.keyring.refresh_successors.expose(), token);
            self.store
                .rotate_refresh_token(&app.pool_id, session.id, &hash, &new_hash, now)
                .await?;
            tokens.refresh_token = Some(new_token);
        }
        Ok(tokens)
    }

    /// GetTokensFromRefreshToken: rotates when the app has rotation on, else behaves like
    /// REFRESH_TOKEN_AUTH.
    pub async fn get_tokens_from_refresh_token(
        &self,
        client_id: &ClientId,
        token: &str,
        client_secret: Option<&str>,
        caller: &Caller,
    ) -> Result<AuthTokens> {
        let app = self.app_for_client(client_id).await?;
        app.client
            .require(crate::clients::ExplicitAuthFlow::AllowRefreshTokenAuth)?;
        let rotate = app.settings.refresh_rotation.enabled;
        self.refresh(
            &app,
            token,
            ClientProof::ClientSecret(client_secret),
            rotate,
            caller,
        )
        .await
    }
}
