//! A developer's view of their users' passkeys: listed on the console's user page, and removed
//! for a user who lost the device.

use super::manage::PasskeyView;
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::Caller;
use crate::ids::{AppId, UserId};
use crate::model::User;
use crate::service::Service;

impl Service {
    /// The user of `app_id`'s pool, for a developer who may see the app.
    async fn admin_passkey_user(
        &self,
        actor: Actor,
        app_id: &AppId,
        user_id: UserId,
    ) -> Result<User> {
        let app = self.get_app(actor, app_id).await?;
        crate::service::builtin_only(&app, "passkeys are not offered for pools in Cognito")?;
        self.store
            .get_user(&app.pool_id, user_id)
            .await?
            .ok_or(Error::UserNotFound)
    }

    /// A user's passkeys, oldest first.
    pub async fn admin_list_passkeys(
        &self,
        actor: Actor,
        app_id: &AppId,
        user_id: UserId,
    ) -> Result<Vec<PasskeyView>> {
        let user = self.admin_passkey_user(actor, app_id, user_id).await?;
        let stored = self.store.list_passkeys(&user.pool_id, user.id).await?;
        Ok(stored.into_iter().map(PasskeyView::from).collect())
    }

    /// Removes one of a user's passkeys (`credential_id` as listed); recorded with the
    /// developer as its actor.
    pub async fn admin_delete_passkey(
        &self,
        actor: Actor,
        app_id: &AppId,
        user_id: UserId,
        credential_id: &str,
        caller: &Caller,
    ) -> Result<()> {
        let user = self.admin_passkey_user(actor, app_id, user_id).await?;
        self.remove_passkey(&user, credential_id, Some(actor), caller)
            .await
    }
}
