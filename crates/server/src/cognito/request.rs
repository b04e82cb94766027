//! A request of `POST /` as the dispatcher takes it: the operation `X-Amz-Target` names and the
//! body parsed, once, into that operation's shape ([`Request`]). Pure: no store, no clock, so
//! [`parse_request`] can be fuzzed on the very path the server takes (`fuzz/`).

use super::operation::{BadTarget, Operation, Shape, Tenant};
use super::{
    admin, admin_auth, auth, clients, groups, identity_providers, mfa, passkeys, pool_writes, pools,
};
use super::{profile, recovery, schema, session, signup};
use crate::error::CognitoError;

/// Declares [`Request`] from the list of operations and their shapes, written once: each
/// `Operation(shape)` is parsed by [`Request::parse`]; each `whole` operation reads its body
/// itself, whole, after its caller is authenticated.
macro_rules! requests {
    ($($op:ident($shape:ty)),+; whole: $($whole:ident),+ $(,)?) => {
        /// A request of `POST /`, its body parsed into its operation's shape.
        pub enum Request {
            $(
                #[doc = concat!("`", stringify!($op), "`.")]
                $op($shape),
            )+
            $(
                #[doc = concat!("`", stringify!($whole), "`: the body is read by the operation.")]
                $whole,
            )+
        }

        impl Request {
            /// Parses `body` as `operation`'s shape; an empty body counts as `{}`.
            pub(super) fn parse(operation: Operation, body: &[u8]) -> Result<Self, CognitoError> {
                Ok(match operation {
                    $(Operation::$op => Self::$op(super::parse(body)?),)+
                    $(Operation::$whole => Self::$whole,)+
                })
            }

            /// Where the request names the client it acts for (the CORS grant follows it).
            pub(super) fn tenant(&self) -> Tenant {
                match self {
                    $(Self::$op(shape) => shape.tenant(),)+
                    $(Self::$whole => Tenant::Unnamed,)+
                }
            }

            /// Whether the request asks to refresh (counted in the refresh bucket).
            pub(super) fn is_refresh(&self) -> bool {
                match self {
                    $(Self::$op(shape) => shape.is_refresh(),)+
                    $(Self::$whole => false,)+
                }
            }

            /// Whether the request answers a challenge with a second-factor code.
            pub(super) fn answers_with_code(&self) -> bool {
                match self {
                    $(Self::$op(shape) => shape.answers_with_code(),)+
                    $(Self::$whole => false,)+
                }
            }
        }
    };
}

requests! {
    SignUp(signup::SignUpRequest),
    ConfirmSignUp(signup::ConfirmSignUpRequest),
    ResendConfirmationCode(signup::ResendRequest),
    InitiateAuth(auth::InitiateAuthRequest),
    RespondToAuthChallenge(auth::RespondRequest),
    GetTokensFromRefreshToken(auth::GetTokensRequest),
    ForgotPassword(recovery::ForgotPasswordRequest),
    ConfirmForgotPassword(recovery::ConfirmForgotPasswordRequest),
    GetUser(session::AccessTokenRequest),
    GlobalSignOut(session::AccessTokenRequest),
    RevokeToken(session::RevokeTokenRequest),
    ChangePassword(profile::ChangePasswordRequest),
    UpdateUserAttributes(profile::UpdateAttributesRequest),
    GetUserAttributeVerificationCode(profile::AttributeCodeRequest),
    VerifyUserAttribute(profile::AttributeCodeRequest),
    DeleteUser(profile::DeleteUserRequest),
    AdminConfirmSignUp(admin::AdminUserRequest),
    AdminCreateUser(admin::AdminCreateUserRequest),
    AdminGetUser(admin::AdminUserRequest),
    AdminDeleteUser(admin::AdminUserRequest),
    AdminDisableUser(admin::AdminUserRequest),
    AdminEnableUser(admin::AdminUserRequest),
    AdminSetUserPassword(admin::AdminUserRequest),
    AdminResetUserPassword(admin::AdminUserRequest),
    AdminUserGlobalSignOut(admin::AdminUserRequest),
    ListUsers(admin::ListUsersRequest),
    AddCustomAttributes(schema::AddCustomAttributesRequest),
    ListUserPools(pools::ListUserPoolsRequest),
    DescribeUserPool(pools::DescribeUserPoolRequest),
    DeleteUserPool(pools::DescribeUserPoolRequest),
    ListUserPoolClients(clients::ListClientsRequest),
    DescribeUserPoolClient(clients::ClientRequest),
    DeleteUserPoolClient(clients::ClientRequest),
    CreateGroup(groups::GroupRequest),
    GetGroup(groups::GroupRequest),
    UpdateGroup(groups::GroupRequest),
    DeleteGroup(groups::GroupRequest),
    ListGroups(groups::GroupRequest),
    AdminAddUserToGroup(groups::GroupRequest),
    AdminRemoveUserFromGroup(groups::GroupRequest),
    AdminListGroupsForUser(groups::GroupRequest),
    ListUsersInGroup(groups::GroupRequest),
    CreateIdentityProvider(identity_providers::IdentityProviderRequest),
    DescribeIdentityProvider(identity_providers::IdentityProviderRequest),
    UpdateIdentityProvider(identity_providers::IdentityProviderRequest),
    DeleteIdentityProvider(identity_providers::IdentityProviderRequest),
    ListIdentityProviders(identity_providers::IdentityProviderRequest),
    GetIdentityProviderByIdentifier(identity_providers::IdentityProviderRequest),
    AdminLinkProviderForUser(identity_providers::ProviderUserRequest),
    AdminDisableProviderForUser(identity_providers::ProviderUserRequest),
    AdminUpdateUserAttributes(admin::AdminUpdateAttributesRequest),
    AdminDeleteUserAttributes(admin::AdminDeleteAttributesRequest),
    AdminListUserAuthEvents(admin::AdminListUserAuthEventsRequest),
    AdminInitiateAuth(admin_auth::AdminInitiateAuthRequest),
    AdminRespondToAuthChallenge(admin_auth::AdminRespondRequest),
    GetUserPoolMfaConfig(admin::GetUserPoolMfaConfigRequest),
    SetUserPoolMfaConfig(admin::SetUserPoolMfaConfigRequest),
    AssociateSoftwareToken(mfa::SoftwareTokenRequest),
    VerifySoftwareToken(mfa::SoftwareTokenRequest),
    SetUserMfaPreference(mfa::PreferenceRequest),
    AdminSetUserMfaPreference(mfa::PreferenceRequest),
    StartWebAuthnRegistration(passkeys::StartRegistrationRequest),
    CompleteWebAuthnRegistration(passkeys::CompleteRegistrationRequest),
    ListWebAuthnCredentials(passkeys::ListCredentialsRequest),
    DeleteWebAuthnCredential(passkeys::DeleteCredentialRequest);
    whole: CreateUserPool, UpdateUserPool, CreateUserPoolClient, UpdateUserPoolClient,
}

/// The operation an `X-Amz-Target` header names, or Cognito's answer to a missing or unknown
/// one.
pub(super) fn operation(target: Option<&str>) -> Result<Operation, CognitoError> {
    let target = target.ok_or_else(|| CognitoError::invalid("Missing X-Amz-Target header"))?;
    Operation::from_target(target).map_err(|e| match e {
        BadTarget::Unsupported(target) => {
            CognitoError::invalid(format!("Unsupported target {}", super::truncate(target)))
        }
        BadTarget::UnknownOperation(name) => CognitoError::invalid(format!(
            "Operation {} is not supported.",
            super::truncate(name)
        )),
    })
}

/// Everything the endpoint reads from a request's target and body before it looks anything
/// up: the operation, the body parsed into its shape ([`Request::parse`], as the dispatcher
/// does) and, for the operations that read their body whole after authenticating the caller,
/// that reading too (their own functions, as they call them). Any fault is Cognito's
/// `InvalidParameterException`, never a panic; for fuzzing (`fuzz/`).
pub fn parse_request(target: Option<&str>, body: &[u8]) -> Result<Request, CognitoError> {
    let operation = operation(target)?;
    let request = Request::parse(operation, body)?;
    match request {
        Request::CreateUserPool => drop(pool_writes::read_create(body)?),
        Request::UpdateUserPool => drop(pool_writes::read_update(body)?),
        Request::CreateUserPoolClient => drop(clients::read_create(body)?),
        Request::UpdateUserPoolClient => drop(clients::read_update(body)?),
        _ => {}
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(target: &str, body: &[u8]) -> CognitoError {
        match parse_request(Some(target), body) {
            Ok(_) => panic!("{target} took {}", String::from_utf8_lossy(body)),
            Err(e) => e,
        }
    }

    // Found by the fuzzer (fuzz/corpus/cognito_request/long-string-body): serde quotes the
    // offending value, so a body of one long string came back whole in the message.
    #[test]
    fn a_malformed_body_is_not_echoed_whole() {
        let body = format!("\"{}\"", "\u{7f}".repeat(60_000));
        let e = refusal("AWSCognitoIdentityProviderService.SignUp", body.as_bytes());
        assert_eq!(e.kind, "InvalidParameterException");
        assert!(
            e.message
                .starts_with("Malformed request body: invalid type: string")
        );
        assert!(
            e.message.chars().count() < 200,
            "{} characters",
            e.message.len()
        );
        assert!(
            e.message.ends_with("… at line 1 column 60002"),
            "{}",
            e.message
        );
    }

    #[test]
    fn short_messages_keep_their_words_and_position() {
        let e = refusal(
            "AWSCognitoIdentityProviderService.SignUp",
            b"{\"ClientId\": 7}",
        );
        assert_eq!(
            e.message,
            "Malformed request body: invalid type: integer `7`, expected a string at line 1 column 14"
        );
        let e = refusal("AWSCognitoIdentityProviderService.SignUp", b"{");
        assert_eq!(
            e.message,
            "Malformed request body: EOF while parsing an object at line 1 column 1"
        );
    }

    #[test]
    fn targets_name_an_operation_we_serve() {
        let e = refusal("AWSCognitoIdentityProviderService.Nope", b"{}");
        assert_eq!(e.message, "Operation Nope is not supported.");
        let e = refusal("Other.SignUp", b"{}");
        assert_eq!(e.message, "Unsupported target Other.SignUp");
        assert!(parse_request(None, b"{}").is_err());
        assert!(matches!(
            parse_request(Some("AWSCognitoIdentityProviderService.SignUp"), b" "),
            Ok(Request::SignUp(_))
        ));
    }
}
