//! App clients beyond an app's own: added under a cap, listed, changed and deleted one by one.

use super::StoreResult;
use crate::ids::{AppId, ClientId};
use crate::model::{Client, Timestamp};
use async_trait::async_trait;

/// What adding a client came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientInsert {
    /// The client was added.
    Added,
    /// The app has `max` clients already; nothing was written.
    AtLimit,
    /// The app does not exist (any more).
    AppGone,
}

/// An app's clients. Part of [`super::Store`]. Every write records an `App` change for the
/// client's pool in its transaction, so every instance forgets what it cached of the pool.
#[async_trait]
pub trait ClientStore: Send + Sync {
    /// Adds `client` (not primary) to its app unless the app has `max` clients already,
    /// counted in the same transaction with the app held, so a burst cannot pass the cap.
    async fn insert_client(&self, client: &Client, max: u32) -> StoreResult<ClientInsert>;
    /// The clients of `app_id`: its own first, then the others oldest first.
    async fn list_clients(&self, app_id: &AppId) -> StoreResult<Vec<Client>>;
    /// Rewrites a client's lifetimes, profile and `updated_at`; `false` if it is not a client
    /// of its app.
    async fn update_client(&self, client: &Client) -> StoreResult<bool>;
    /// Deletes a client that is not its app's own, revoking its sessions at `at` (their
    /// access tokens join the revocation feed); `false` if there is no such client.
    async fn delete_client(
        &self,
        app_id: &AppId,
        client_id: &ClientId,
        at: Timestamp,
    ) -> StoreResult<bool>;
}
