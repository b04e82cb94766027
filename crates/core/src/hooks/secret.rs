//! An app's hook secret, by its owner: rotating it makes a new one (the only way to see it).

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::AppId;
use crate::service::Service;

impl Service {
    /// Makes a new secret to sign the app's hook calls with and answers it; the previous one
    /// signs nothing more.
    pub async fn rotate_hook_secret(
        &self,
        actor: Actor,
        app_id: &AppId,
        caller: &Caller,
    ) -> Result<String> {
        let mut app = self.get_app(actor, app_id).await?;
        crate::service::builtin_only(&app, "hooks run only for a pool here")?;
        app.settings.hooks.secret_version = app.settings.hooks.secret_version.wrapping_add(1);
        if !self.store.update_app(&app).await? {
            return Err(Error::AppNotFound);
        }
        self.apps.forget(&app.pool_id);
        let mut event = NewEvent::new(
            app.pool_id.clone(),
            self.clock.now(),
            EventKind::SettingsChanged,
        )
        .with("changed", "hooks.secret")
        .by(caller);
        event.actor = Some(actor.audit_name());
        self.events.record(event);
        Ok(self.hook_secret(&app))
    }
}
