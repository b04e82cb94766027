//! Apps with their pool and client: created with their first signing key, found by app, pool or client id, updated and deleted whole.

use super::StoreResult;
use crate::app_listing::AppQuery;
use crate::ids::{AppId, ClientId, PoolId, UserId};
use crate::model::{App, SigningKeyRecord};
use crate::settings::AppSettings;
use async_trait::async_trait;

/// A change to an app's settings, made from the settings as stored when it runs: the new
/// settings, or why not (the change is then not made).
pub type SettingsChange<'a> =
    dyn Fn(&AppSettings) -> crate::error::Result<AppSettings> + Send + Sync + 'a;

/// What became of a [`SettingsChange`].
#[derive(Debug)]
pub enum SettingsOutcome {
    /// Made: the settings now stored.
    Changed(Box<AppSettings>),
    /// Refused by the change; nothing written.
    Refused(crate::error::Error),
    /// No such app.
    Unknown,
}

/// Apps with their pool and client. Part of [`super::Store`].
#[async_trait]
pub trait AppStore: Send + Sync {
    /// Creates an app with its pool, client and first signing key (none for a pool that lives
    /// elsewhere), atomically.
    async fn insert_app(&self, app: &App, key: Option<&SigningKeyRecord>) -> StoreResult<()>;
    /// An app by id.
    async fn get_app(&self, app_id: &AppId) -> StoreResult<Option<App>>;
    /// An app by its pool id.
    async fn get_app_by_pool(&self, pool_id: &PoolId) -> StoreResult<Option<App>>;
    /// Apps owned by `owner`, or every app when `owner` is `None`, oldest first.
    async fn list_apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>>;
    /// Apps owned by `owner` (or every app) meeting `query`, newest first (ties by id,
    /// descending); `query.search` is already lower case.
    async fn find_apps(&self, owner: Option<UserId>, query: &AppQuery) -> StoreResult<Vec<App>>;
    /// The user count of each of `pools` that exists.
    async fn user_counts(&self, pools: &[PoolId]) -> StoreResult<Vec<(PoolId, u64)>>;
    /// Replaces an app's mutable fields: name, origins, settings (but for the custom-attribute
    /// schema: the stored one is kept, so a change made from an older read loses none), and its
    /// own client's token lifetimes, profile and `updated_at`. `false` if unknown.
    async fn update_app(&self, app: &App) -> StoreResult<bool>;
    /// Changes an app's settings atomically: `change` runs on the settings as stored, with the
    /// app's row locked (PostgreSQL) or the database's write lock held (SQLite) until what it
    /// returns is written, so concurrent changes apply one after the other and none is lost.
    /// Records an `App` change for the app's pool with it.
    async fn change_app_settings(
        &self,
        app_id: &AppId,
        change: &SettingsChange<'_>,
    ) -> StoreResult<SettingsOutcome>;
    /// Deletes an app with its pool, client, keys, users, sessions and codes, and records a
    /// `SigningKeys` change for its pool in the same transaction. `false` if unknown.
    async fn delete_app(&self, app_id: &AppId) -> StoreResult<bool>;
    /// The app that owns client `client_id`, with that client (its own or another).
    async fn get_app_by_client(&self, client_id: &ClientId) -> StoreResult<Option<App>>;
}
