//! A group's members: added and removed by username, listed both ways.

use super::MAX_GROUPS_PER_USER;
use crate::admin::name_pages::{decode_token, encode_token, page_end, page_size};
use crate::apps::Actor;
use crate::auth::UserView;
use crate::error::{Error, Result};
use crate::ids::{PoolId, UserId};
use crate::model::Group;
use crate::service::Service;
use crate::store::Membership;

impl Service {
    /// AdminAddUserToGroup: adding a member again changes nothing.
    pub async fn add_user_to_group(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        group: &str,
    ) -> Result<()> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        self.pool_group(&app.pool_id, group).await?;
        let limit = u64::try_from(MAX_GROUPS_PER_USER).unwrap_or(u64::MAX);
        let now = self.clock.now();
        match self
            .store
            .add_group_member(&app.pool_id, group, user.id, now, limit)
            .await?
        {
            Membership::Member => Ok(()),
            Membership::Full => Err(Error::GroupLimitExceeded(format!(
                "A user may be in at most {MAX_GROUPS_PER_USER} groups."
            ))),
            // The group or the user went meanwhile.
            Membership::Missing => Err(Error::GroupNotFound),
        }
    }

    /// AdminRemoveUserFromGroup: removing a user who is not in it changes nothing.
    pub async fn remove_user_from_group(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        group: &str,
    ) -> Result<()> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        self.pool_group(&app.pool_id, group).await?;
        self.store
            .remove_group_member(&app.pool_id, group, user.id)
            .await?;
        Ok(())
    }

    /// AdminListGroupsForUser: a page of the user's groups by precedence, then name.
    pub async fn list_groups_for_user(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        limit: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Group>, Option<String>)> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        let limit = page_size(limit, super::MAX_GROUPS_PAGE, crate::error::Field::Limit)?;
        let all = self.store.list_user_groups(&app.pool_id, user.id).await?;
        // A user has at most 100 groups: paged in memory, the token being the index.
        let start = match next_token {
            Some(token) => decode_token(token)?
                .parse::<usize>()
                .map_err(|_| Error::InvalidParameter("Invalid pagination token.".into()))?,
            None => 0,
        };
        let mut page: Vec<Group> = all.into_iter().skip(start).collect();
        let next =
            page_end(&mut page, limit).map(|_| encode_token(&(start + page.len()).to_string()));
        Ok((page, next))
    }

    /// ListUsersInGroup: a page of the group's members by user id.
    pub async fn list_users_in_group(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        group: &str,
        limit: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<UserView>, Option<String>)> {
        let app = self.admin_app(actor, pool_id).await?;
        self.pool_group(&app.pool_id, group).await?;
        let limit = page_size(limit, super::MAX_GROUPS_PAGE, crate::error::Field::Limit)?;
        let after = next_token
            .map(|token| {
                decode_token(token).and_then(|id| {
                    UserId::parse(&id)
                        .ok_or_else(|| Error::InvalidParameter("Invalid pagination token.".into()))
                })
            })
            .transpose()?;
        let mut users = self
            .store
            .list_group_members(&app.pool_id, group, after, limit + 1)
            .await?;
        let next = page_end(&mut users, limit).map(|last| encode_token(&last.id.to_string()));
        Ok((users.iter().map(UserView::of).collect(), next))
    }
}
