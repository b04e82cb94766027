//! Pools and clients in Cognito's management API (ListUserPools, DescribeUserPool,
//! DeleteUserPool): an app seen as Cognito sees a user pool (its clients: `crate::clients`).

use crate::app_listing::{AppCursor, AppPage, AppQuery, AppSummary};
use crate::apps::{Actor, AppUpdate, NewApp};
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::events::Caller;
use crate::ids::PoolId;
use crate::schema::{SchemaEntry, declare_schema};
use crate::service::Service;
use crate::settings::{MfaPatch, PolicyPatch};

/// The most pools one ListUserPools page holds (Cognito's bound).
pub const MAX_POOLS_PAGE: i64 = 60;

/// A pool's settings as CreateUserPool and UpdateUserPool give them: the password policy and
/// the MFA mode (Cognito's names).
#[derive(Clone, Debug, Default)]
pub struct PoolSettings {
    /// The password policy's members given (absent ones: Cognito's defaults, which are ours).
    pub password_policy: PolicyPatch,
    /// `OFF`, `OPTIONAL` or `ON` (absent: `OFF`).
    pub mfa_mode: Option<String>,
    /// CreateUserPool's `Schema`: standard attributes as they are here, and custom ones to
    /// declare (docs/cognito-protocol.md §5.7). UpdateUserPool has none.
    pub schema: Vec<SchemaEntry>,
}

impl PoolSettings {
    /// The app change that makes a pool's settings exactly these: what is not given goes back
    /// to the default, as Cognito's UpdateUserPool does.
    fn as_update(&self) -> AppUpdate {
        let defaults = crate::policy::PasswordPolicy::default();
        let given = &self.password_policy;
        AppUpdate {
            password_policy: Some(PolicyPatch {
                min_length: Some(given.min_length.unwrap_or(defaults.min_length)),
                require_uppercase: Some(
                    given
                        .require_uppercase
                        .unwrap_or(defaults.require_uppercase),
                ),
                require_lowercase: Some(
                    given
                        .require_lowercase
                        .unwrap_or(defaults.require_lowercase),
                ),
                require_numbers: Some(given.require_numbers.unwrap_or(defaults.require_numbers)),
                require_symbols: Some(given.require_symbols.unwrap_or(defaults.require_symbols)),
            }),
            mfa: Some(MfaPatch {
                mode: Some(self.mfa_mode.clone().unwrap_or_else(|| "OFF".into())),
                email_otp: None,
            }),
            ..AppUpdate::default()
        }
    }
}

impl Service {
    /// CreateUserPool: registers an app named `name` for `actor`, with `settings`; all or
    /// nothing (settings refused, the app is gone again).
    pub async fn create_pool(
        &self,
        actor: Actor,
        name: &str,
        settings: &PoolSettings,
        caller: &Caller,
    ) -> Result<AppSummary> {
        let custom = declare_schema(&settings.schema)?;
        let new = NewApp {
            name: name.to_owned(),
            ..NewApp::default()
        };
        let created = self.create_app(actor, new).await?;
        let configured = match self
            .update_app(actor, &created.app.id, settings.as_update(), caller)
            .await
        {
            Ok(app) if custom.is_empty() => Ok(app),
            Ok(mut app) => self.grow_schema(&app, &custom).await.map(|settings| {
                app.settings = settings;
                app
            }),
            Err(e) => Err(e),
        };
        match configured {
            Ok(app) => self.summarize(app).await,
            Err(e) => {
                self.delete_app(actor, &created.app.id).await?;
                Err(e)
            }
        }
    }

    /// UpdateUserPool: the pool's password policy and MFA mode become `settings`, members not
    /// given going back to their defaults, as in Cognito.
    pub async fn update_pool(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        settings: &PoolSettings,
        caller: &Caller,
    ) -> Result<()> {
        let app = self.admin_app(actor, pool_id).await?;
        self.update_app(actor, &app.id, settings.as_update(), caller)
            .await?;
        Ok(())
    }

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
        let app = self.owned_pool_app(actor, pool_id).await?;
        self.summarize(app).await
    }

    /// DeleteUserPool: deletes the app of `pool_id` (its users, keys and settings with it), as
    /// `DELETE /api/apps/{id}` does.
    pub async fn delete_pool(&self, actor: Actor, pool_id: &PoolId) -> Result<()> {
        let app = self.owned_pool_app(actor, pool_id).await?;
        self.delete_app(actor, &app.id).await
    }
}
