//! Admin calls about a pool that lives in AWS Cognito (provider mode, issue 16): the caller is
//! authenticated and held to its limits here, as for any pool of ours, then the call goes on to
//! Cognito as it came and Cognito's answer comes back (docs/cognito-protocol.md §5.8).

use super::credentials::{Access, Credentials};
use super::operation::Operation;
use crate::error::CognitoError;
use auth_return_core::events::Caller;
use auth_return_core::provider::reads_only;
use auth_return_core::{PoolId, Service};
use serde_json::Value;

/// Cognito's exception names (its API model's error shapes, and AWS's signature errors): an
/// answer naming another comes back as an internal error of ours.
const EXCEPTIONS: &[&str] = &[
    "AccessDeniedException",
    "AliasExistsException",
    "CodeDeliveryFailureException",
    "CodeMismatchException",
    "ConcurrentModificationException",
    "DeviceKeyExistsException",
    "DuplicateProviderException",
    "EnableSoftwareTokenMFAException",
    "ExpiredCodeException",
    "ExpiredTokenException",
    "FeatureUnavailableInTierException",
    "ForbiddenException",
    "GroupExistsException",
    "IncompleteSignature",
    "InternalErrorException",
    "InternalServerException",
    "InvalidEmailRoleAccessPolicyException",
    "InvalidLambdaResponseException",
    "InvalidOAuthFlowException",
    "InvalidParameterException",
    "InvalidPasswordException",
    "InvalidSignatureException",
    "InvalidSmsRoleAccessPolicyException",
    "InvalidSmsRoleTrustRelationshipException",
    "InvalidUserPoolConfigurationException",
    "LimitExceededException",
    "MFAMethodNotFoundException",
    "ManagedLoginBrandingExistsException",
    "MissingAuthenticationTokenException",
    "NotAuthorizedException",
    "OperationNotEnabledException",
    "PasswordHistoryPolicyViolationException",
    "PasswordResetRequiredException",
    "PreconditionNotMetException",
    "RefreshTokenReuseException",
    "ResourceNotFoundException",
    "ScopeDoesNotExistException",
    "ServiceQuotaExceededException",
    "SoftwareTokenMFANotFoundException",
    "TermsExistsException",
    "ThrottlingException",
    "TierChangeNotAllowedException",
    "TooManyFailedAttemptsException",
    "TooManyRequestsException",
    "UnauthorizedException",
    "UnexpectedLambdaException",
    "UnrecognizedClientException",
    "UnsupportedIdentityProviderException",
    "UnsupportedOperationException",
    "UnsupportedTokenTypeException",
    "UnsupportedUserStateException",
    "UserImportInProgressException",
    "UserLambdaValidationException",
    "UserNotConfirmedException",
    "UserNotFoundException",
    "UserPoolAddOnNotEnabledException",
    "UserPoolTaggingException",
    "UsernameExistsException",
    "WebAuthnChallengeNotFoundException",
    "WebAuthnClientMismatchException",
    "WebAuthnConfigurationMissingException",
    "WebAuthnCredentialNotSupportedException",
    "WebAuthnNotEnabledException",
    "WebAuthnOriginNotAllowedException",
    "WebAuthnRelyingPartyMismatchException",
];

/// Whether `operation` is about one pool's users, groups, clients or settings, and so goes to
/// where that pool lives. Not DeleteUserPool: deleting the app deletes the pool there.
fn forwarded(operation: Operation) -> bool {
    use Operation::*;
    matches!(
        operation,
        AdminConfirmSignUp
            | AdminCreateUser
            | AdminGetUser
            | AdminDeleteUser
            | AdminDisableUser
            | AdminEnableUser
            | AdminSetUserPassword
            | AdminResetUserPassword
            | AdminUserGlobalSignOut
            | ListUsers
            | UpdateUserPool
            | DescribeUserPool
            | ListUserPoolClients
            | DescribeUserPoolClient
            | CreateUserPoolClient
            | UpdateUserPoolClient
            | DeleteUserPoolClient
            | CreateGroup
            | GetGroup
            | UpdateGroup
            | DeleteGroup
            | ListGroups
            | AdminAddUserToGroup
            | AdminRemoveUserFromGroup
            | AdminListGroupsForUser
            | ListUsersInGroup
            | AdminUpdateUserAttributes
            | AdminDeleteUserAttributes
            | AdminListUserAuthEvents
            | AdminInitiateAuth
            | AdminRespondToAuthChallenge
            | GetUserPoolMfaConfig
            | SetUserPoolMfaConfig
            | AdminSetUserMfaPreference
            | AddCustomAttributes
    )
}

/// Cognito's answer to the call, when `body` names a pool that lives there; `None` otherwise
/// (the call is this server's to answer).
pub async fn forward(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    operation: Operation,
    name: &str,
    body: &[u8],
) -> Result<Option<Vec<u8>>, CognitoError> {
    if !forwarded(operation) {
        return Ok(None);
    }
    let Ok(parsed) = serde_json::from_slice::<Value>(body) else {
        return Ok(None);
    };
    let Some(pool_id) = parsed
        .get("UserPoolId")
        .and_then(Value::as_str)
        .map(PoolId::new)
    else {
        return Ok(None);
    };
    if !service.is_external_pool(&pool_id).await? {
        return Ok(None);
    }
    let authority = credentials.authenticate(service).await?;
    let access = if reads_only(name) {
        Access::Read
    } else {
        Access::Write
    };
    let actor = authority.permit(service, &pool_id, access).await?;
    // What goes on is the request as parsed here, written anew: Cognito's parser then reads the
    // very pool id that was authorized (a body naming `UserPoolId` twice cannot name another).
    let canonical = serde_json::to_vec(&parsed).map_err(|_| CognitoError::internal())?;
    let answer = service
        .forward_admin_call(actor, &pool_id, name, &canonical, caller)
        .await?;
    if answer.status == 200 {
        return Ok(Some(answer.body));
    }
    Err(refusal(answer.status, &answer.body))
}

/// Cognito's refusal, in its own words where it names one of its exceptions.
fn refusal(status: u16, body: &[u8]) -> CognitoError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let named = parsed.as_ref().and_then(|v| v.get("__type")?.as_str());
    // `__type` may be qualified (`com.amazonaws…#NotAuthorizedException`).
    let kind = named
        .map(|t| t.rsplit('#').next().unwrap_or(t))
        .and_then(|t| EXCEPTIONS.iter().find(|known| **known == t).copied());
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message").or_else(|| v.get("Message"))?.as_str())
        .unwrap_or_default()
        .to_owned();
    match kind {
        Some(kind) if status < 500 => CognitoError::client(kind, message),
        _ => CognitoError {
            message: format!(
                "AWS Cognito answered HTTP {status}{}",
                named
                    .map(|t| format!(" {}", t.chars().take(128).collect::<String>()))
                    .unwrap_or_default()
            ),
            ..CognitoError::internal()
        },
    }
}
