//! Identity providers (docs/cognito-protocol.md §5.9): CreateIdentityProvider,
//! DescribeIdentityProvider, UpdateIdentityProvider, DeleteIdentityProvider,
//! ListIdentityProviders and GetIdentityProviderByIdentifier, and the linking of identities
//! (AdminLinkProviderForUser, AdminDisableProviderForUser), authorized like the admin
//! operations ([`Credentials`]). Secret details are never answered.

use super::credentials::{Access, Credentials};
use super::wire::required;
use super::{Answer, answer, empty};
use crate::error::CognitoError;
use auth_return_core::events::Caller;
use auth_return_core::federation::{IdentityProvider, IdentityProviderChange, NewIdentityProvider};
use auth_return_core::{PoolId, Service};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every identity-provider operation's input: the members each reads.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityProviderRequest {
    user_pool_id: Option<PoolId>,
    provider_name: Option<String>,
    provider_type: Option<String>,
    provider_details: Option<BTreeMap<String, String>>,
    attribute_mapping: Option<BTreeMap<String, String>>,
    idp_identifiers: Option<Vec<String>>,
    idp_identifier: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// `IdentityProviderType`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IdentityProviderType {
    user_pool_id: String,
    provider_name: String,
    provider_type: &'static str,
    provider_details: BTreeMap<String, String>,
    attribute_mapping: BTreeMap<String, String>,
    idp_identifiers: Vec<String>,
    last_modified_date: i64,
    creation_date: i64,
}

impl From<IdentityProvider> for IdentityProviderType {
    fn from(provider: IdentityProvider) -> Self {
        Self {
            user_pool_id: provider.pool_id.to_string(),
            provider_name: provider.name,
            provider_type: provider.provider_type.as_str(),
            provider_details: provider.details,
            attribute_mapping: provider.attribute_mapping,
            idp_identifiers: provider.idp_identifiers,
            last_modified_date: provider.updated_at,
            creation_date: provider.created_at,
        }
    }
}

/// `ProviderDescription`: a listing's entry.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProviderDescription {
    provider_name: String,
    provider_type: &'static str,
    last_modified_date: i64,
    creation_date: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IdentityProviderResponse {
    identity_provider: IdentityProviderType,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProvidersResponse {
    providers: Vec<ProviderDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Which identity-provider operation a request is.
#[derive(Clone, Copy, Debug)]
pub enum IdentityProviderOperation {
    /// `CreateIdentityProvider`.
    Create,
    /// `DescribeIdentityProvider`.
    Describe,
    /// `UpdateIdentityProvider`.
    Update,
    /// `DeleteIdentityProvider`.
    Delete,
    /// `ListIdentityProviders`.
    List,
    /// `GetIdentityProviderByIdentifier`.
    ByIdentifier,
}

impl IdentityProviderOperation {
    fn access(self) -> Access {
        match self {
            Self::Describe | Self::List | Self::ByIdentifier => Access::Read,
            Self::Create | Self::Update | Self::Delete => Access::Write,
        }
    }
}

fn provider_answer(provider: IdentityProvider) -> Answer {
    answer(&IdentityProviderResponse {
        identity_provider: provider.into(),
    })
}

/// Runs an identity-provider operation.
pub async fn identity_provider_operation(
    service: &Service,
    credentials: &Credentials<'_>,
    operation: IdentityProviderOperation,
    req: IdentityProviderRequest,
) -> Answer {
    use IdentityProviderOperation as Op;
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority
        .permit(service, pool_id, operation.access())
        .await?;
    let name = || required(&req.provider_name, "providerName").map(String::as_str);
    match operation {
        Op::Create => {
            let new = NewIdentityProvider {
                name: name()?.to_owned(),
                provider_type: required(&req.provider_type, "providerType")?.clone(),
                details: required(&req.provider_details, "providerDetails")?.clone(),
                attribute_mapping: req.attribute_mapping.clone().unwrap_or_default(),
                idp_identifiers: req.idp_identifiers.clone().unwrap_or_default(),
            };
            provider_answer(
                service
                    .create_identity_provider(actor, pool_id, new)
                    .await?,
            )
        }
        Op::Describe => provider_answer(
            service
                .describe_identity_provider(actor, pool_id, name()?)
                .await?,
        ),
        Op::ByIdentifier => {
            let identifier = required(&req.idp_identifier, "idpIdentifier")?;
            provider_answer(
                service
                    .identity_provider_by_identifier(actor, pool_id, identifier)
                    .await?,
            )
        }
        Op::Update => {
            let change = IdentityProviderChange {
                details: req.provider_details.clone(),
                attribute_mapping: req.attribute_mapping.clone(),
                idp_identifiers: req.idp_identifiers.clone(),
            };
            provider_answer(
                service
                    .update_identity_provider(actor, pool_id, name()?, change)
                    .await?,
            )
        }
        Op::Delete => {
            service
                .delete_identity_provider(actor, pool_id, name()?)
                .await?;
            empty()
        }
        Op::List => {
            let (providers, next_token) = service
                .list_identity_providers(actor, pool_id, req.max_results, req.next_token.as_deref())
                .await?;
            answer(&ProvidersResponse {
                providers: providers
                    .into_iter()
                    .map(|p| ProviderDescription {
                        provider_name: p.name,
                        provider_type: p.provider_type.as_str(),
                        last_modified_date: p.updated_at,
                        creation_date: p.created_at,
                    })
                    .collect(),
                next_token,
            })
        }
    }
}

/// `ProviderUserIdentifierType`: a user named by a provider and one of its attributes.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderUser {
    provider_name: Option<String>,
    provider_attribute_name: Option<String>,
    provider_attribute_value: Option<String>,
}

/// AdminLinkProviderForUser's and AdminDisableProviderForUser's input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderUserRequest {
    user_pool_id: Option<PoolId>,
    destination_user: Option<ProviderUser>,
    source_user: Option<ProviderUser>,
    user: Option<ProviderUser>,
}

/// The provider, attribute name and value of a source user (`member` names it in errors).
fn source_of<'a>(
    user: &'a Option<ProviderUser>,
    member: &str,
) -> Result<(&'a str, &'a str, &'a str), CognitoError> {
    let user = required(user, member)?;
    Ok((
        required(&user.provider_name, &format!("{member}.providerName"))?,
        required(
            &user.provider_attribute_name,
            &format!("{member}.providerAttributeName"),
        )?,
        required(
            &user.provider_attribute_value,
            &format!("{member}.providerAttributeValue"),
        )?,
    ))
}

/// AdminLinkProviderForUser: `DestinationUser` (`ProviderName` `Cognito`, the username in
/// `ProviderAttributeValue`) signs in through `SourceUser`'s identity too.
pub async fn link_provider_for_user(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: ProviderUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    let destination = required(&req.destination_user, "destinationUser")?;
    if destination.provider_name.as_deref() != Some("Cognito") {
        return Err(CognitoError::invalid(
            "DestinationUser ProviderName must be Cognito (a user of the pool's own).",
        ));
    }
    let username = required(
        &destination.provider_attribute_value,
        "destinationUser.providerAttributeValue",
    )?;
    let (provider, attribute, subject) = source_of(&req.source_user, "sourceUser")?;
    service
        .link_provider_for_user(
            actor, pool_id, username, provider, attribute, subject, caller,
        )
        .await?;
    empty()
}

/// AdminDisableProviderForUser: `User`'s identity no longer signs in.
pub async fn disable_provider_for_user(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: ProviderUserRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    let (provider, attribute, subject) = source_of(&req.user, "user")?;
    service
        .disable_provider_for_user(actor, pool_id, provider, attribute, subject, caller)
        .await?;
    empty()
}

super::operation::shape!(bearer: IdentityProviderRequest, ProviderUserRequest);
