//! Token-authenticated calls: GetUser, GlobalSignOut, RevokeToken, `/api/user`, and
//! authenticating developers by their console access token.

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{AppId, ClientId};
use crate::model::User;
use crate::service::Service;
use crate::tokens::claims::USER_ADMIN_SCOPE;
use crate::tokens::refresh::refresh_hash;
use crate::tokens::verify::{TokenRejection, claimed_pool, verify};
use crate::tokens::{TokenUse, VerifiedToken};
use serde::Serialize;
use serde_json::Value;

/// A user as GetUser, AdminGetUser and ListUsers show them.
#[derive(Clone, Debug)]
pub struct UserView {
    /// The internal username (the sub), or `<provider>_<sub>` for a user a provider's sign-in
    /// made.
    pub username: String,
    /// Name/value attributes, `sub` first.
    pub attributes: Vec<(String, String)>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// Cognito's `UserStatus`.
    pub status: &'static str,
    /// The second factors on (GetUser and AdminGetUser fill it in; empty elsewhere).
    pub mfa: super::MfaView,
}

impl UserView {
    /// The view of a stored user.
    pub fn of(user: &User) -> Self {
        let mut attributes = vec![
            ("sub".to_owned(), user.id.to_string()),
            ("email".to_owned(), user.email.clone()),
            ("email_verified".to_owned(), user.email_verified.to_string()),
        ];
        attributes.extend(user.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
        // A user a provider's sign-in made is named and shown as Cognito shows one:
        // `<provider>_<sub>`, `EXTERNAL_PROVIDER`.
        let federated = crate::federation::federated_username(user);
        Self {
            status: if federated.is_some() {
                "EXTERNAL_PROVIDER"
            } else {
                user.status.as_str()
            },
            username: federated.unwrap_or_else(|| user.id.to_string()),
            attributes,
            created_at: user.created_at,
            updated_at: user.updated_at,
            enabled: user.enabled,
            mfa: super::MfaView::default(),
        }
    }
}

/// What `/api/user` answers for a valid token.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    /// The user's `sub`.
    pub user_id: String,
    /// The user's email.
    pub email: String,
    /// The app the token belongs to.
    pub app_id: String,
    /// The internal username.
    pub username: String,
    /// `id` or `access`.
    pub token_use: &'static str,
    /// `exp`, epoch seconds.
    pub expires_at: i64,
}

impl Service {
    /// The view of `user` with their second factors (GetUser, AdminGetUser).
    pub(crate) async fn user_view_with_mfa(&self, user: &User) -> Result<UserView> {
        let mfa = self.store.get_user_mfa(&user.pool_id, user.id).await?;
        let email_offered = match &mfa {
            Some(m) if m.email_otp_enabled => {
                self.app_of_pool(&user.pool_id)
                    .await?
                    .settings
                    .mfa
                    .email_otp
            }
            _ => false,
        };
        Ok(UserView {
            mfa: super::MfaView::of(mfa.as_ref(), email_offered),
            ..UserView::of(user)
        })
    }

    /// Verifies one of our tokens (any pool) and that its session is still live.
    async fn verify_live_token(&self, token: &str) -> Result<(VerifiedToken, User), TokenProblem> {
        let pool_id = claimed_pool(token, &self.config.public_url).ok_or(TokenProblem::Invalid)?;
        let mut keys = self
            .keys
            .get(self.store.as_ref(), &self.keyring, &pool_id)
            .await?
            .ok_or(TokenProblem::Invalid)?;
        // A kid the cache does not know may come from a key rotated in elsewhere just now.
        let kid = auth_return_crypto::jws::peek_kid(token).map_err(|_| TokenProblem::Invalid)?;
        if !keys.verifying.contains_key(&kid) {
            keys = self
                .keys
                .current(self.store.as_ref(), &self.keyring, &pool_id)
                .await?
                .ok_or(TokenProblem::Invalid)?;
        }
        let verified = verify(
            token,
            &keys,
            &pool_id,
            &self.issuer(&pool_id),
            self.clock.now(),
        )
        .map_err(|r| match r {
            TokenRejection::Invalid => TokenProblem::Invalid,
            TokenRejection::Expired => TokenProblem::Expired,
        })?;
        let session = self
            .store
            .get_session(&pool_id, verified.origin_jti)
            .await?;
        let live = session.is_some_and(|s| {
            s.revoked_at.is_none()
                && s.user_id == verified.user_id
                && s.client_id == verified.client_id
        });
        if !live {
            return Err(TokenProblem::Revoked);
        }
        let user = self
            .store
            .get_user(&pool_id, verified.user_id)
            .await?
            .ok_or(TokenProblem::NoUser)?;
        Ok((verified, user))
    }

    /// The user behind a valid, live access token (docs/cognito-protocol.md §5: the checks every
    /// access-token call makes).
    pub(crate) async fn access_token_user(&self, token: &str) -> Result<(VerifiedToken, User)> {
        self.scoped_token_user(token, &[USER_ADMIN_SCOPE]).await
    }

    /// The user behind a valid, live access token that carries one of `scopes`.
    pub(crate) async fn scoped_token_user(
        &self,
        token: &str,
        scopes: &[&str],
    ) -> Result<(VerifiedToken, User)> {
        let (verified, user) = self.verify_live_token(token).await.map_err(|p| match p {
            TokenProblem::Invalid => Error::InvalidAccessToken,
            TokenProblem::Expired => Error::AccessTokenExpired,
            TokenProblem::Revoked => Error::AccessTokenRevoked,
            TokenProblem::NoUser => Error::UserNotFound,
            TokenProblem::Failed(e) => e,
        })?;
        let scoped = verified
            .claims
            .get("scope")
            .and_then(Value::as_str)
            .is_some_and(|s| s.split(' ').any(|s| scopes.contains(&s)));
        if verified.token_use != TokenUse::Access || !scoped {
            return Err(Error::InvalidAccessToken);
        }
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        Ok((verified, user))
    }

    /// GetUser.
    pub async fn get_user(&self, access_token: &str) -> Result<UserView> {
        let (_, user) = self.access_token_user(access_token).await?;
        self.user_view_with_mfa(&user).await
    }

    /// GlobalSignOut: revokes every session of the user, and their API keys.
    pub async fn global_sign_out(&self, access_token: &str, caller: &Caller) -> Result<()> {
        let (_, user) = self.access_token_user(access_token).await?;
        let revoked = self
            .store
            .revoke_user_sessions(&user.pool_id, user.id, self.clock.now())
            .await?;
        self.store
            .delete_user_hosted_sessions(&user.pool_id, user.id)
            .await?;
        self.revoke_user_api_keys(&user.pool_id, user.id).await?;
        tracing::info!(pool_id = %user.pool_id, user_id = %user.id, sessions = revoked, "global sign-out");
        self.record_user_event(&user, EventKind::SignedOut, None, caller);
        Ok(())
    }

    /// RevokeToken: revokes the session of one refresh token (RFC 7009 semantics: an unknown
    /// token is not an error).
    pub async fn revoke_token(
        &self,
        client_id: &ClientId,
        token: &str,
        client_secret: Option<&str>,
        caller: &Caller,
    ) -> Result<()> {
        let app = self.app_for_client(client_id).await?;
        self.check_client_secret(&app, client_secret)?;
        if token.split('.').count() == 3 {
            return Err(Error::UnsupportedTokenType);
        }
        let Some(hash) = refresh_hash(token) else {
            return Ok(());
        };
        let Some((session, _)) = self.store.get_refresh_token(&hash).await? else {
            return Ok(());
        };
        if session.client_id != app.client.id {
            return Err(Error::ClientUnauthorized);
        }
        self.store
            .revoke_session(&session.pool_id, session.id, self.clock.now())
            .await?;
        tracing::info!(pool_id = %session.pool_id, session = %session.id, "session revoked");
        let email = self.email_of(&session.pool_id, session.user_id).await;
        let event = NewEvent::new(session.pool_id, self.clock.now(), EventKind::SessionRevoked)
            .about(Some(session.user_id), email.as_deref())
            .by(caller);
        self.events.record(event);
        Ok(())
    }

    /// `/api/user`: who an ID or access token of any pool belongs to, if it is valid and live.
    pub async fn token_info(&self, token: &str) -> Result<TokenInfo> {
        let live = self.verify_live_token(token).await;
        if let Err(TokenProblem::Invalid) = &live
            && let Some(info) = self.external_token_info(token).await?
        {
            return Ok(info);
        }
        let (verified, user) = live.map_err(|p| match p {
            TokenProblem::Failed(e) => e,
            TokenProblem::Expired => Error::AccessTokenExpired,
            TokenProblem::Revoked => Error::AccessTokenRevoked,
            TokenProblem::Invalid | TokenProblem::NoUser => Error::InvalidAccessToken,
        })?;
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        let app = self
            .store
            .get_app_by_pool(&user.pool_id)
            .await?
            .ok_or(Error::InvalidAccessToken)?;
        Ok(TokenInfo {
            user_id: user.id.to_string(),
            email: user.email.clone(),
            app_id: app.id.to_string(),
            username: user.id.to_string(),
            token_use: verified.token_use.as_str(),
            expires_at: verified.expires_at,
        })
    }

    /// The developer a console access token belongs to.
    pub async fn authenticate_developer(&self, access_token: &str) -> Result<Actor> {
        let (verified, user) = self
            .access_token_user(access_token)
            .await
            .map_err(|e| match e {
                Error::Store(_) | Error::Internal(_) => e,
                _ => Error::BadCredentials,
            })?;
        let console = self.store.get_app(&AppId::new(AppId::CONSOLE)).await?;
        match console {
            Some(console) if console.pool_id == verified.pool_id => Ok(Actor::Developer(user.id)),
            _ => Err(Error::BadCredentials),
        }
    }
}

/// Why a token did not authenticate, before it is named for a particular API.
enum TokenProblem {
    Invalid,
    Expired,
    Revoked,
    NoUser,
    Failed(Error),
}

impl From<Error> for TokenProblem {
    fn from(e: Error) -> Self {
        Self::Failed(e)
    }
}

impl From<crate::store::StoreError> for TokenProblem {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}
