//! Pools and clients in Cognito's management API (ListUserPools, DescribeUserPool,
//! DeleteUserPool, ListUserPoolClients, DescribeUserPoolClient): an app seen as Cognito sees a
//! user pool, with its one app client.

use crate::app_listing::{AppCursor, AppPage, AppQuery, AppSummary};
use crate::apps::Actor;
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::ids::{ClientId, PoolId};
use crate::model::App;
use crate::service::Service;
use auth_return_crypto::secret::SecretString;

/// The most pools one ListUserPools page holds (Cognito's bound).
pub const MAX_POOLS_PAGE: i64 = 60;

impl Service {
    /// A page of the pools `actor` may administer, newest first: `max_results` (1–60) of
    /// them after `next_token` (a token the previous page gave).
    pub async fn list_pools(
        &self,
        actor: Actor,
        max_results: i64,
        next_token: Option<&str>,
    ) -> Result<AppPage> {
        let constraint = if max_results < 1 {
            Some(Constraint::AtLeast(1))
        } else if max_results > MAX_POOLS_PAGE {
            Some(Constraint::AtMost(MAX_POOLS_PAGE))
        } else {
            None
        };
        if let Some(constraint) = constraint {
            return Err(Error::Validation(Violation::new(
                Field::MaxResults,
                constraint,
            )));
        }
        let after = next_token.map(AppCursor::decode).transpose()?;
        let query = AppQuery {
            search: None,
            after,
            limit: u32::try_from(max_results).ok(),
        };
        self.find_apps(actor, query).await
    }

    /// The pool `pool_id` with its user count, if `actor` may administer it.
    pub async fn describe_pool(&self, actor: Actor, pool_id: &PoolId) -> Result<AppSummary> {
        let app = self.admin_app(actor, pool_id).await?;
        self.summarize(app).await
    }

    /// DeleteUserPool: deletes the app of `pool_id` (its users, keys and settings with it), as
    /// `DELETE /api/apps/{id}` does.
    pub async fn delete_pool(&self, actor: Actor, pool_id: &PoolId) -> Result<()> {
        let app = self.admin_app(actor, pool_id).await?;
        self.delete_app(actor, &app.id).await
    }

    /// The app of `pool_id` whose client is `client_id`, with the client's secret when it has
    /// one (Cognito's DescribeUserPoolClient answers it to those who may read the pool).
    pub async fn describe_pool_client(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        client_id: &ClientId,
    ) -> Result<(App, Option<SecretString>)> {
        let app = self.pool_client_app(actor, pool_id, client_id).await?;
        let secret = self.client_secret(&app)?.map(SecretString::from);
        Ok((app, secret))
    }

    /// The app of `pool_id`, when `actor` may administer it and `client_id` is its client
    /// (AdminInitiateAuth names both).
    pub async fn pool_client_app(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        client_id: &ClientId,
    ) -> Result<App> {
        let app = self.admin_app(actor, pool_id).await?;
        if &app.client.id != client_id {
            return Err(Error::ClientNotFound(ClientId::new(
                client_id.as_str().chars().take(128).collect::<String>(),
            )));
        }
        Ok(app)
    }
}
