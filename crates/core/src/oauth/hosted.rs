//! Hosted-page sessions: after a sign-in on `/login`, a cookie signs the user in to further
//! authorization requests of the same pool until it expires or they sign out.

use crate::auth::HostedCookie;
use crate::error::{Error, Result};
use crate::ids::ClientId;
use crate::model::{App, HostedSession, User, UserStatus};
use crate::service::Service;
// Cookie values are opaque tokens of the refresh tokens' form: 32 random bytes, stored hashed.
use crate::tokens::refresh::{new_refresh_token, refresh_hash};

impl Service {
    /// Opens a hosted session for `user`, lasting the app's hosted-session length but never
    /// longer than its sessions (refresh tokens) last.
    pub(crate) async fn open_hosted_session(&self, app: &App, user: &User) -> Result<HostedCookie> {
        let now = self.clock.now();
        let length =
            (app.settings.oauth.session_minutes * 60).min(app.client.refresh_validity_secs);
        let (value, hash) = new_refresh_token();
        let session = HostedSession {
            pool_id: app.pool_id.clone(),
            hash,
            user_id: user.id,
            auth_time: now,
            expires_at: now + length,
        };
        self.store.insert_hosted_session(&session).await?;
        tracing::info!(pool_id = %app.pool_id, user_id = %user.id, "hosted sign-in");
        Ok(HostedCookie {
            pool_id: app.pool_id.clone(),
            value,
            expires_at: session.expires_at,
            max_age_secs: length,
        })
    }

    /// The live hosted session a cookie value names in `app`'s pool, and its user: `None` when
    /// the value is unknown, expired, older than `max_age` seconds (OpenID Connect Core
    /// §3.1.2.1), or its user may no longer sign in.
    pub async fn hosted_session(
        &self,
        app: &App,
        cookie: &str,
        max_age: Option<i64>,
    ) -> Result<Option<(HostedSession, User)>> {
        let Some(hash) = refresh_hash(cookie) else {
            return Ok(None);
        };
        let Some((session, user)) = self.store.get_hosted_session(&app.pool_id, &hash).await?
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        let live = session.expires_at > now
            && max_age.is_none_or(|age| now - session.auth_time <= age)
            && user.enabled
            && user.status == UserStatus::Confirmed;
        Ok(live.then_some((session, user)))
    }

    /// The app a sign-out is for, after checking `logout_uri` is one of its sign-out URLs,
    /// exactly (never redirected to otherwise).
    pub async fn logout_target(
        &self,
        client_id: Option<&str>,
        logout_uri: Option<&str>,
    ) -> Result<App> {
        let app = self.app_named_by(client_id).await?;
        match logout_uri {
            Some(uri) if app.settings.oauth.is_logout_url(uri) => Ok(app),
            _ => Err(Error::RedirectUriNotRegistered),
        }
    }

    /// The `SECRET_HASH` of `username` for a client with a secret (docs/cognito-protocol.md
    /// §4), which the hosted pages' endpoint adds to the page's calls: the page is our own, and
    /// the secret never leaves the server. `None` for a public or unknown client.
    pub async fn hosted_secret_hash(
        &self,
        client_id: &ClientId,
        username: &str,
    ) -> Result<Option<String>> {
        let app = match self.app_for_client(client_id).await {
            Ok(app) => app,
            Err(Error::ClientNotFound(_) | Error::Validation(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(self.client_secret(&app)?.map(|secret| {
            auth_return_crypto::secret_hash::compute(&secret, username, client_id.as_str())
        }))
    }

    /// Ends the hosted session a cookie value names (`/logout`); nothing when there is none.
    pub async fn end_hosted_session(&self, app: &App, cookie: &str) -> Result<()> {
        if let Some(hash) = refresh_hash(cookie) {
            self.store
                .delete_hosted_session(&app.pool_id, &hash)
                .await?;
        }
        Ok(())
    }
}
