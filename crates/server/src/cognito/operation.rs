//! The operations of `POST /` (docs/cognito-protocol.md §1, §5): each `X-Amz-Target` name,
//! written once, and what a request shape says about the client it acts for.

use auth_return_core::ClientId;
use auth_return_crypto::secret::SecretString;
use serde::de::DeserializeOwned;

/// The target prefix every operation name carries.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// An operation of `POST /`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `SignUp`.
    SignUp,
    /// `ConfirmSignUp`.
    ConfirmSignUp,
    /// `ResendConfirmationCode`.
    ResendConfirmationCode,
    /// `InitiateAuth`.
    InitiateAuth,
    /// `RespondToAuthChallenge`.
    RespondToAuthChallenge,
    /// `GetTokensFromRefreshToken`.
    GetTokensFromRefreshToken,
    /// `ForgotPassword`.
    ForgotPassword,
    /// `ConfirmForgotPassword`.
    ConfirmForgotPassword,
    /// `GetUser`.
    GetUser,
    /// `GlobalSignOut`.
    GlobalSignOut,
    /// `RevokeToken`.
    RevokeToken,
    /// `ChangePassword`.
    ChangePassword,
    /// `UpdateUserAttributes`.
    UpdateUserAttributes,
    /// `GetUserAttributeVerificationCode`.
    GetUserAttributeVerificationCode,
    /// `VerifyUserAttribute`.
    VerifyUserAttribute,
    /// `DeleteUser`.
    DeleteUser,
    /// `AdminConfirmSignUp`.
    AdminConfirmSignUp,
    /// `AdminCreateUser`.
    AdminCreateUser,
    /// `AdminGetUser`.
    AdminGetUser,
    /// `AdminDeleteUser`.
    AdminDeleteUser,
    /// `AdminDisableUser`.
    AdminDisableUser,
    /// `AdminEnableUser`.
    AdminEnableUser,
    /// `AdminSetUserPassword`.
    AdminSetUserPassword,
    /// `AdminResetUserPassword`.
    AdminResetUserPassword,
    /// `AdminUserGlobalSignOut`.
    AdminUserGlobalSignOut,
    /// `ListUsers`.
    ListUsers,
    /// `CreateUserPool`.
    CreateUserPool,
    /// `UpdateUserPool`.
    UpdateUserPool,
    /// `AddCustomAttributes`.
    AddCustomAttributes,
    /// `ListUserPools`.
    ListUserPools,
    /// `DescribeUserPool`.
    DescribeUserPool,
    /// `DeleteUserPool`.
    DeleteUserPool,
    /// `ListUserPoolClients`.
    ListUserPoolClients,
    /// `DescribeUserPoolClient`.
    DescribeUserPoolClient,
    /// `CreateUserPoolClient`.
    CreateUserPoolClient,
    /// `UpdateUserPoolClient`.
    UpdateUserPoolClient,
    /// `DeleteUserPoolClient`.
    DeleteUserPoolClient,
    /// `CreateGroup`.
    CreateGroup,
    /// `GetGroup`.
    GetGroup,
    /// `UpdateGroup`.
    UpdateGroup,
    /// `DeleteGroup`.
    DeleteGroup,
    /// `ListGroups`.
    ListGroups,
    /// `AdminAddUserToGroup`.
    AdminAddUserToGroup,
    /// `AdminRemoveUserFromGroup`.
    AdminRemoveUserFromGroup,
    /// `AdminListGroupsForUser`.
    AdminListGroupsForUser,
    /// `ListUsersInGroup`.
    ListUsersInGroup,
    /// `CreateIdentityProvider`.
    CreateIdentityProvider,
    /// `DescribeIdentityProvider`.
    DescribeIdentityProvider,
    /// `UpdateIdentityProvider`.
    UpdateIdentityProvider,
    /// `DeleteIdentityProvider`.
    DeleteIdentityProvider,
    /// `ListIdentityProviders`.
    ListIdentityProviders,
    /// `GetIdentityProviderByIdentifier`.
    GetIdentityProviderByIdentifier,
    /// `AdminLinkProviderForUser`.
    AdminLinkProviderForUser,
    /// `AdminDisableProviderForUser`.
    AdminDisableProviderForUser,
    /// `AdminUpdateUserAttributes`.
    AdminUpdateUserAttributes,
    /// `AdminDeleteUserAttributes`.
    AdminDeleteUserAttributes,
    /// `AdminListUserAuthEvents`.
    AdminListUserAuthEvents,
    /// `AdminInitiateAuth`.
    AdminInitiateAuth,
    /// `AdminRespondToAuthChallenge`.
    AdminRespondToAuthChallenge,
    /// `GetUserPoolMfaConfig`.
    GetUserPoolMfaConfig,
    /// `SetUserPoolMfaConfig`.
    SetUserPoolMfaConfig,
    /// `AssociateSoftwareToken`.
    AssociateSoftwareToken,
    /// `VerifySoftwareToken`.
    VerifySoftwareToken,
    /// `SetUserMFAPreference`.
    SetUserMfaPreference,
    /// `AdminSetUserMFAPreference`.
    AdminSetUserMfaPreference,
    /// `StartWebAuthnRegistration`.
    StartWebAuthnRegistration,
    /// `CompleteWebAuthnRegistration`.
    CompleteWebAuthnRegistration,
    /// `ListWebAuthnCredentials`.
    ListWebAuthnCredentials,
    /// `DeleteWebAuthnCredential`.
    DeleteWebAuthnCredential,
}

/// What is wrong with an `X-Amz-Target`.
pub enum BadTarget<'a> {
    /// Not `AWSCognitoIdentityProviderService.<operation>`.
    Unsupported(&'a str),
    /// The service's, but no operation we serve.
    UnknownOperation(&'a str),
}

impl Operation {
    /// The operation an `X-Amz-Target` header names.
    pub fn from_target(target: &str) -> Result<Self, BadTarget<'_>> {
        let name = target
            .strip_prefix(TARGET_PREFIX)
            .ok_or(BadTarget::Unsupported(target))?;
        Self::from_name(name).ok_or(BadTarget::UnknownOperation(name))
    }

    /// The name of the operation an `X-Amz-Target` names, when it is one we serve.
    pub fn served_name(target: &str) -> Option<&str> {
        let name = target.strip_prefix(TARGET_PREFIX)?;
        Self::from_name(name).map(|_| name)
    }

    /// The operation called `name`.
    fn from_name(name: &str) -> Option<Self> {
        use Operation::*;
        Some(match name {
            "SignUp" => SignUp,
            "ConfirmSignUp" => ConfirmSignUp,
            "ResendConfirmationCode" => ResendConfirmationCode,
            "InitiateAuth" => InitiateAuth,
            "RespondToAuthChallenge" => RespondToAuthChallenge,
            "GetTokensFromRefreshToken" => GetTokensFromRefreshToken,
            "ForgotPassword" => ForgotPassword,
            "ConfirmForgotPassword" => ConfirmForgotPassword,
            "GetUser" => GetUser,
            "GlobalSignOut" => GlobalSignOut,
            "RevokeToken" => RevokeToken,
            "ChangePassword" => ChangePassword,
            "UpdateUserAttributes" => UpdateUserAttributes,
            "GetUserAttributeVerificationCode" => GetUserAttributeVerificationCode,
            "VerifyUserAttribute" => VerifyUserAttribute,
            "DeleteUser" => DeleteUser,
            "AdminConfirmSignUp" => AdminConfirmSignUp,
            "AdminCreateUser" => AdminCreateUser,
            "AdminGetUser" => AdminGetUser,
            "AdminDeleteUser" => AdminDeleteUser,
            "AdminDisableUser" => AdminDisableUser,
            "AdminEnableUser" => AdminEnableUser,
            "AdminSetUserPassword" => AdminSetUserPassword,
            "AdminResetUserPassword" => AdminResetUserPassword,
            "AdminUserGlobalSignOut" => AdminUserGlobalSignOut,
            "ListUsers" => ListUsers,
            "CreateUserPool" => CreateUserPool,
            "UpdateUserPool" => UpdateUserPool,
            "AddCustomAttributes" => AddCustomAttributes,
            "ListUserPools" => ListUserPools,
            "DescribeUserPool" => DescribeUserPool,
            "DeleteUserPool" => DeleteUserPool,
            "ListUserPoolClients" => ListUserPoolClients,
            "DescribeUserPoolClient" => DescribeUserPoolClient,
            "CreateUserPoolClient" => CreateUserPoolClient,
            "UpdateUserPoolClient" => UpdateUserPoolClient,
            "DeleteUserPoolClient" => DeleteUserPoolClient,
            "CreateGroup" => CreateGroup,
            "GetGroup" => GetGroup,
            "UpdateGroup" => UpdateGroup,
            "DeleteGroup" => DeleteGroup,
            "ListGroups" => ListGroups,
            "AdminAddUserToGroup" => AdminAddUserToGroup,
            "AdminRemoveUserFromGroup" => AdminRemoveUserFromGroup,
            "AdminListGroupsForUser" => AdminListGroupsForUser,
            "ListUsersInGroup" => ListUsersInGroup,
            "CreateIdentityProvider" => CreateIdentityProvider,
            "DescribeIdentityProvider" => DescribeIdentityProvider,
            "UpdateIdentityProvider" => UpdateIdentityProvider,
            "DeleteIdentityProvider" => DeleteIdentityProvider,
            "ListIdentityProviders" => ListIdentityProviders,
            "GetIdentityProviderByIdentifier" => GetIdentityProviderByIdentifier,
            "AdminLinkProviderForUser" => AdminLinkProviderForUser,
            "AdminDisableProviderForUser" => AdminDisableProviderForUser,
            "AdminUpdateUserAttributes" => AdminUpdateUserAttributes,
            "AdminDeleteUserAttributes" => AdminDeleteUserAttributes,
            "AdminListUserAuthEvents" => AdminListUserAuthEvents,
            "AdminInitiateAuth" => AdminInitiateAuth,
            "AdminRespondToAuthChallenge" => AdminRespondToAuthChallenge,
            "GetUserPoolMfaConfig" => GetUserPoolMfaConfig,
            "SetUserPoolMfaConfig" => SetUserPoolMfaConfig,
            "AssociateSoftwareToken" => AssociateSoftwareToken,
            "VerifySoftwareToken" => VerifySoftwareToken,
            "SetUserMFAPreference" => SetUserMfaPreference,
            "AdminSetUserMFAPreference" => AdminSetUserMfaPreference,
            "StartWebAuthnRegistration" => StartWebAuthnRegistration,
            "CompleteWebAuthnRegistration" => CompleteWebAuthnRegistration,
            "ListWebAuthnCredentials" => ListWebAuthnCredentials,
            "DeleteWebAuthnCredential" => DeleteWebAuthnCredential,
            _ => return None,
        })
    }
}

/// Where a request names the client it acts for: the CORS grant follows it
/// (docs/cognito-protocol.md §1.4).
#[derive(Clone, Debug, Default)]
pub enum Tenant {
    /// `ClientId` in the body.
    ClientId(ClientId),
    /// The client the `AccessToken` in the body was issued to (read only when the answer goes
    /// to a browser origin; the token prints redacted).
    AccessToken(SecretString),
    /// The client of the administrator's `Authorization: Bearer` token (the console's).
    Bearer,
    /// The client a multi-factor challenge's sealed `Session` names (AssociateSoftwareToken
    /// and VerifySoftwareToken during `MFA_SETUP` name no other).
    ChallengeSession(String),
    /// Nowhere (the member is absent, or the body did not parse).
    #[default]
    Unnamed,
}

impl Tenant {
    /// The client a `ClientId` member names.
    pub fn client_id(client_id: &Option<ClientId>) -> Self {
        client_id.clone().map_or(Self::Unnamed, Self::ClientId)
    }

    /// The client an `AccessToken` member was issued to.
    pub fn access_token(token: &Option<String>) -> Self {
        token
            .clone()
            .map_or(Self::Unnamed, |t| Self::AccessToken(t.into()))
    }
}

/// A request shape of `POST /`.
pub trait Shape: DeserializeOwned {
    /// The member the operation finds its client by.
    fn tenant(&self) -> Tenant;

    /// Whether the request asks to refresh (counted in the refresh bucket).
    fn is_refresh(&self) -> bool {
        false
    }

    /// Whether the request answers a challenge with a second-factor code (counted like a
    /// sign-in: it is a guess).
    fn answers_with_code(&self) -> bool {
        false
    }
}

/// Implements [`Shape`] for request shapes: `shape!(client_id => client_id: A, B)` for shapes
/// that name their client by a member (the second name is the [`Tenant`] constructor that reads
/// it), `shape!(bearer: C)` for administrator shapes (the bearer token names the client).
macro_rules! shape {
    (bearer: $($shape:ty),+) => {$(
        impl $crate::cognito::operation::Shape for $shape {
            fn tenant(&self) -> $crate::cognito::operation::Tenant {
                $crate::cognito::operation::Tenant::Bearer
            }
        }
    )+};
    ($member:ident => $reader:ident: $($shape:ty),+) => {$(
        impl $crate::cognito::operation::Shape for $shape {
            fn tenant(&self) -> $crate::cognito::operation::Tenant {
                $crate::cognito::operation::Tenant::$reader(&self.$member)
            }
        }
    )+};
}

pub(crate) use shape;
