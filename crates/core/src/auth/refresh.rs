//! REFRESH_TOKEN_AUTH: new ID and access tokens for a live session (spec §5.1, §6.4).

use super::{AuthTokens, known_names};
use crate::error::{Error, Result};
use crate::model::App;
use crate::service::Service;
use crate::tokens::refresh::refresh_hash;

impl Service {
    /// Mints new tokens from a refresh token; `auth_time` and `origin_jti` stay those of the
    /// original sign-in and no new refresh token is issued (Cognito's non-rotating refresh).
    pub(crate) async fn refresh(
        &self,
        app: &App,
        token: &str,
        secret_hash: Option<&str>,
    ) -> Result<AuthTokens> {
        let hash = refresh_hash(token).ok_or(Error::InvalidRefreshToken)?;
        let session = self
            .store
            .get_session_by_refresh_hash(&hash)
            .await?
            .filter(|s| s.client_id == app.client.id && s.pool_id == app.pool_id)
            .ok_or(Error::InvalidRefreshToken)?;
        if session.revoked_at.is_some() {
            return Err(Error::RefreshTokenRevoked);
        }
        if session.expires_at <= self.clock.now() {
            return Err(Error::RefreshTokenExpired);
        }
        let user = self
            .store
            .get_user(&app.pool_id, session.user_id)
            .await?
            .ok_or(Error::UserNotFound)?;
        let [uid, email] = known_names(&user);
        self.check_secret_hash(app, secret_hash, &[&uid, &email])?;
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        self.mint(app, &user, &session).await
    }
}
