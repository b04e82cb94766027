//! AddCustomAttributes (docs/cognito-protocol.md §5.7): a pool's schema grows by the attributes
//! given, all or none, reserved atomically so that concurrent calls lose none and never pass
//! the limit of 50.

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::PoolId;
use crate::model::App;
use crate::schema::{CustomAttribute, SchemaEntry, custom_attributes};
use crate::service::Service;
use crate::settings::AppSettings;
use crate::store::SettingsOutcome;

impl Service {
    /// AddCustomAttributes: `entries` (names without `custom:`) join the pool's schema, or —
    /// one refused, a name taken, more than 50 in all — none does.
    pub async fn add_custom_attributes(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        entries: &[SchemaEntry],
        caller: &Caller,
    ) -> Result<()> {
        let added = custom_attributes(entries)?;
        let app = self.admin_app(actor, pool_id).await?;
        self.grow_schema(&app, &added).await?;
        let names: Vec<String> = added.iter().map(CustomAttribute::full_name).collect();
        let mut event = NewEvent::new(
            app.pool_id.clone(),
            self.clock.now(),
            EventKind::SettingsChanged,
        )
        .with("changed", "custom_attributes")
        .with("added", &names.join(" "))
        .by(caller);
        event.actor = Some(actor.audit_name());
        self.events.record(event);
        Ok(())
    }

    /// Adds `added` to the stored schema of `app` in one atomic change of its settings; the
    /// settings now stored.
    pub(crate) async fn grow_schema(
        &self,
        app: &App,
        added: &[CustomAttribute],
    ) -> Result<AppSettings> {
        let change = |settings: &AppSettings| {
            let schema = settings.custom_attributes.with_added(added)?;
            Ok(AppSettings {
                custom_attributes: schema,
                ..settings.clone()
            })
        };
        let outcome = self.store.change_app_settings(&app.id, &change).await?;
        self.apps.forget(&app.pool_id);
        match outcome {
            SettingsOutcome::Changed(settings) => Ok(*settings),
            SettingsOutcome::Refused(e) => Err(e),
            SettingsOutcome::Unknown => Err(Error::PoolNotFound(app.pool_id.clone())),
        }
    }
}
