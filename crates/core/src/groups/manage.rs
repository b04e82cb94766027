//! Creating, reading, changing, listing and deleting groups.

use super::{MAX_GROUPS_PAGE, MAX_GROUPS_PER_POOL, validate};
use crate::admin::name_pages::{decode_token, encode_token, page_end, page_size};
use crate::apps::Actor;
use crate::error::{Error, Field, Result};
use crate::ids::PoolId;
use crate::model::Group;
use crate::service::Service;
use crate::store::StoreError;

/// CreateGroup's members.
#[derive(Clone, Debug, Default)]
pub struct NewGroup {
    /// The name (1–128 characters, case-sensitive).
    pub name: String,
    /// A description (at most 2,048 characters).
    pub description: Option<String>,
    /// 0 or more; lower first in `cognito:groups`.
    pub precedence: Option<i64>,
    /// An IAM role ARN for the ID token's `cognito:roles`.
    pub role_arn: Option<String>,
}

/// UpdateGroup's members: those given replace, the others stay.
#[derive(Clone, Debug, Default)]
pub struct GroupChange {
    /// A new description.
    pub description: Option<String>,
    /// A new precedence.
    pub precedence: Option<i64>,
    /// A new role ARN.
    pub role_arn: Option<String>,
}

fn check_members(
    description: Option<&str>,
    precedence: Option<i64>,
    role: Option<&str>,
) -> Result<()> {
    if let Some(description) = description {
        validate::description(description)?;
    }
    if let Some(precedence) = precedence {
        validate::precedence(precedence)?;
    }
    if let Some(role) = role {
        validate::role_arn(role)?;
    }
    Ok(())
}

impl Service {
    /// The group `name` of a pool `actor` administers.
    pub(super) async fn pool_group(&self, pool_id: &PoolId, name: &str) -> Result<Group> {
        self.store
            .get_group(pool_id, name)
            .await?
            .ok_or(Error::GroupNotFound)
    }

    /// CreateGroup.
    pub async fn create_group(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        new: NewGroup,
    ) -> Result<Group> {
        let app = self.admin_app(actor, pool_id).await?;
        validate::name(&new.name)?;
        check_members(
            new.description.as_deref(),
            new.precedence,
            new.role_arn.as_deref(),
        )?;
        // Checked before the insert: creations racing each other may overshoot the pool's cap
        // by a few, which a cap against runaway scripts can live with (a user's groups, which
        // reach their tokens, are held exactly: `add_group_member`).
        if self.store.count_groups(&app.pool_id).await? >= MAX_GROUPS_PER_POOL {
            return Err(Error::GroupLimitExceeded(format!(
                "A user pool has at most {MAX_GROUPS_PER_POOL} groups."
            )));
        }
        let now = self.clock.now();
        let group = Group {
            pool_id: app.pool_id,
            name: new.name,
            description: new.description,
            precedence: new.precedence,
            role_arn: new.role_arn,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_group(&group).await {
            Ok(()) => Ok(group),
            Err(StoreError::Conflict(_)) => Err(Error::GroupExists(group.name)),
            Err(e) => Err(e.into()),
        }
    }

    /// GetGroup.
    pub async fn get_group(&self, actor: Actor, pool_id: &PoolId, name: &str) -> Result<Group> {
        let app = self.admin_app(actor, pool_id).await?;
        self.pool_group(&app.pool_id, name).await
    }

    /// UpdateGroup: the members given replace the group's; the others stay.
    pub async fn update_group(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        name: &str,
        change: GroupChange,
    ) -> Result<Group> {
        let app = self.admin_app(actor, pool_id).await?;
        check_members(
            change.description.as_deref(),
            change.precedence,
            change.role_arn.as_deref(),
        )?;
        let mut group = self.pool_group(&app.pool_id, name).await?;
        if let Some(description) = change.description {
            group.description = Some(description);
        }
        if let Some(precedence) = change.precedence {
            group.precedence = Some(precedence);
        }
        if let Some(role_arn) = change.role_arn {
            group.role_arn = Some(role_arn);
        }
        group.updated_at = self.clock.now();
        if !self.store.update_group(&group).await? {
            return Err(Error::GroupNotFound);
        }
        Ok(group)
    }

    /// DeleteGroup: its members stay users, out of it.
    pub async fn delete_group(&self, actor: Actor, pool_id: &PoolId, name: &str) -> Result<()> {
        let app = self.admin_app(actor, pool_id).await?;
        if !self.store.delete_group(&app.pool_id, name).await? {
            return Err(Error::GroupNotFound);
        }
        Ok(())
    }

    /// ListGroups: a page of the pool's groups by name, and the token of the next.
    pub async fn list_groups(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        limit: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Group>, Option<String>)> {
        let app = self.admin_app(actor, pool_id).await?;
        let limit = page_size(limit, MAX_GROUPS_PAGE, Field::Limit)?;
        let after = next_token.map(decode_token).transpose()?;
        let mut groups = self
            .store
            .list_groups(&app.pool_id, after.as_deref(), limit + 1)
            .await?;
        let next = page_end(&mut groups, limit).map(|last| encode_token(&last.name));
        Ok((groups, next))
    }
}
