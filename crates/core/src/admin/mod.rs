//! Administration of a pool's users by the developer who owns it (docs/cognito-protocol.md §5.2):
//! the `Admin*` operations and ListUsers, and the pool's multi-factor configuration.

mod attributes;
mod auth_events;
mod filter;
mod mfa;
pub(crate) mod name_pages;
mod page_token;
mod pools;
mod schema;
mod users;

pub use filter::parse_filter;
pub use mfa::{PoolMfaChange, PoolMfaConfig, WebAuthnChange};
pub use pools::{MAX_POOLS_PAGE, PoolSettings};
pub use users::NewUser;

use crate::apps::Actor;
use crate::auth::find_user;
use crate::error::{Error, Result};
use crate::ids::PoolId;
use crate::model::{App, User};
use crate::service::Service;

impl Service {
    /// The app of `pool_id` if `actor` may administer it (otherwise the pool does not exist
    /// for them) and its users are here.
    pub(crate) async fn admin_app(&self, actor: Actor, pool_id: &PoolId) -> Result<App> {
        crate::service::external_refused(self.owned_pool_app(actor, pool_id).await?)
    }

    /// The app of `pool_id` if `actor` may administer it, wherever its pool lives.
    pub(crate) async fn owned_pool_app(&self, actor: Actor, pool_id: &PoolId) -> Result<App> {
        // A pool id has at most 55 characters: a longer one is cut to that before it is looked
        // up and echoed.
        let pool_id = PoolId::new(pool_id.as_str().chars().take(55).collect::<String>());
        self.store
            .get_app_by_pool(&pool_id)
            .await?
            .filter(|app| actor.may_see(app))
            .ok_or(Error::PoolNotFound(pool_id))
    }

    /// The app and the user an admin call is about.
    pub(crate) async fn admin_target(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
    ) -> Result<(App, User)> {
        let app = self.admin_app(actor, pool_id).await?;
        let user = find_user(self, &app.pool_id, username)
            .await?
            .ok_or(Error::UserNotFound)?;
        Ok((app, user))
    }
}
