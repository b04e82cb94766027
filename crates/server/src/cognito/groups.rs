//! Groups (docs/cognito-protocol.md §5.5): CreateGroup, GetGroup, UpdateGroup, DeleteGroup,
//! ListGroups, AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser and
//! ListUsersInGroup, authorized like the admin operations ([`Credentials`]).

use super::admin::{UserType, user_type};
use super::credentials::{Access, Credentials};
use super::wire::required;
use super::{Answer, answer, empty};
use auth_return_core::groups::{GroupChange, NewGroup};
use auth_return_core::model::Group;
use auth_return_core::{PoolId, Service};
use serde::{Deserialize, Serialize};

/// Every group operation's input: the members each reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupRequest {
    user_pool_id: Option<PoolId>,
    group_name: Option<String>,
    username: Option<String>,
    description: Option<String>,
    role_arn: Option<String>,
    precedence: Option<i64>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// `GroupType`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupType {
    group_name: String,
    user_pool_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precedence: Option<i64>,
    last_modified_date: i64,
    creation_date: i64,
}

impl From<Group> for GroupType {
    fn from(group: Group) -> Self {
        Self {
            group_name: group.name,
            user_pool_id: group.pool_id.to_string(),
            description: group.description,
            role_arn: group.role_arn,
            precedence: group.precedence,
            last_modified_date: group.updated_at,
            creation_date: group.created_at,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupResponse {
    group: GroupType,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupsResponse {
    groups: Vec<GroupType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UsersResponse {
    users: Vec<UserType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Which group operation a request is.
#[derive(Clone, Copy, Debug)]
pub enum GroupOperation {
    /// `CreateGroup`.
    Create,
    /// `GetGroup`.
    Get,
    /// `UpdateGroup`.
    Update,
    /// `DeleteGroup`.
    Delete,
    /// `ListGroups`.
    List,
    /// `AdminAddUserToGroup`.
    AddUser,
    /// `AdminRemoveUserFromGroup`.
    RemoveUser,
    /// `AdminListGroupsForUser`.
    ListForUser,
    /// `ListUsersInGroup`.
    ListUsers,
}

impl GroupOperation {
    fn access(self) -> Access {
        match self {
            Self::Get | Self::List | Self::ListForUser | Self::ListUsers => Access::Read,
            Self::Create | Self::Update | Self::Delete | Self::AddUser | Self::RemoveUser => {
                Access::Write
            }
        }
    }
}

/// Runs a group operation.
pub async fn group_operation(
    service: &Service,
    credentials: &Credentials<'_>,
    operation: GroupOperation,
    req: GroupRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority
        .permit(service, pool_id, operation.access())
        .await?;
    let group_name = || required(&req.group_name, "groupName").map(String::as_str);
    let username = || required(&req.username, "username").map(String::as_str);
    let limit = req.limit;
    let next = req.next_token.as_deref();
    match operation {
        GroupOperation::Create => {
            let new = NewGroup {
                name: group_name()?.to_owned(),
                description: req.description.clone(),
                precedence: req.precedence,
                role_arn: req.role_arn.clone(),
            };
            let group = service.create_group(actor, pool_id, new).await?;
            answer(&GroupResponse {
                group: group.into(),
            })
        }
        GroupOperation::Get => {
            let group = service.get_group(actor, pool_id, group_name()?).await?;
            answer(&GroupResponse {
                group: group.into(),
            })
        }
        GroupOperation::Update => {
            let change = GroupChange {
                description: req.description.clone(),
                precedence: req.precedence,
                role_arn: req.role_arn.clone(),
            };
            let group = service
                .update_group(actor, pool_id, group_name()?, change)
                .await?;
            answer(&GroupResponse {
                group: group.into(),
            })
        }
        GroupOperation::Delete => {
            service.delete_group(actor, pool_id, group_name()?).await?;
            empty()
        }
        GroupOperation::List => {
            let (groups, next_token) = service.list_groups(actor, pool_id, limit, next).await?;
            answer(&GroupsResponse {
                groups: groups.into_iter().map(GroupType::from).collect(),
                next_token,
            })
        }
        GroupOperation::AddUser => {
            let (user, group) = (username()?, group_name()?);
            service
                .add_user_to_group(actor, pool_id, user, group)
                .await?;
            empty()
        }
        GroupOperation::RemoveUser => {
            let (user, group) = (username()?, group_name()?);
            service
                .remove_user_from_group(actor, pool_id, user, group)
                .await?;
            empty()
        }
        GroupOperation::ListForUser => {
            let (groups, next_token) = service
                .list_groups_for_user(actor, pool_id, username()?, limit, next)
                .await?;
            answer(&GroupsResponse {
                groups: groups.into_iter().map(GroupType::from).collect(),
                next_token,
            })
        }
        GroupOperation::ListUsers => {
            let (users, next_token) = service
                .list_users_in_group(actor, pool_id, group_name()?, limit, next)
                .await?;
            answer(&UsersResponse {
                users: users
                    .into_iter()
                    .map(|u| user_type(u, true, None))
                    .collect(),
                next_token,
            })
        }
    }
}

super::operation::shape!(bearer: GroupRequest);
