//! The one error type of the domain: each variant says what happened, not how to answer it.
//! `auth-return-server` maps these once to Cognito `__type`s and REST error bodies, and words
//! [`Violation`]s as AWS does (docs/cognito-protocol.md §7).

use crate::ids::{ClientId, PoolId};
use crate::store::StoreError;

/// Why a domain operation did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed or missing input; the message is safe to show.
    #[error("{0}")]
    InvalidParameter(String),
    /// A settings change with one or more invalid members; nothing was changed. Each problem
    /// names its member by its dotted path in the change (`password_policy.min_length`).
    #[error("{}", SettingProblem::join(.0))]
    InvalidSettings(Vec<SettingProblem>),
    /// An input breaks a constraint of its shape (length, pattern, value set, range).
    #[error("invalid {0}")]
    Validation(Violation),
    /// The password does not satisfy the pool's policy; the reason is Cognito's wording.
    #[error("Password did not conform with policy: {0}")]
    InvalidPassword(&'static str),
    /// Unknown app client.
    #[error("User pool client {0} does not exist.")]
    ClientNotFound(ClientId),
    /// Unknown (or not visible) user pool.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(PoolId),
    /// Unknown (or not visible) app.
    #[error("app not found")]
    AppNotFound,
    /// Mail is delivered (SMTP), so no development inbox keeps it.
    #[error("mail is delivered by SMTP on this server: there is no development inbox")]
    InboxUnavailable,
    /// Unknown API key, or one the caller may not see.
    #[error("API key not found")]
    ApiKeyNotFound,
    /// The owner already has the most live API keys allowed.
    #[error("at most {0} live API keys per owner: revoke one first")]
    ApiKeyLimitExceeded(u64),
    /// Unknown access key, or one the caller may not see.
    #[error("access key not found")]
    AccessKeyNotFound,
    /// The developer already has the most live access keys allowed.
    #[error("at most {0} live access keys per developer: revoke one first")]
    AccessKeyLimitExceeded(u64),
    /// An app's hook refused the request, with its message (Cognito's wording for a Lambda
    /// trigger that refused).
    #[error("{hook} failed with error {message}.")]
    HookDenied {
        /// The hook, as Cognito names its trigger (`PreSignUp`, `PreTokenGeneration`).
        hook: &'static str,
        /// What the hook said.
        message: String,
    },
    /// An app's hook could not be called or did not answer as it must, and fails closed.
    #[error("{hook} invocation failed due to error {reason}.")]
    HookFailed {
        /// The hook, as Cognito names its trigger.
        hook: &'static str,
        /// Why.
        reason: String,
    },
    /// Unknown webhook endpoint, or one of an app the caller may not see.
    #[error("webhook endpoint not found")]
    WebhookNotFound,
    /// The app already has the most webhook endpoints allowed.
    #[error("at most {0} webhook endpoints per app: delete one first")]
    WebhookLimitExceeded(u64),
    /// A SigV4 request names an access key that does not exist, is revoked, or whose
    /// developer is disabled (AWS's `UnrecognizedClientException`).
    #[error("The security token included in the request is invalid.")]
    UnrecognizedAccessKey,
    /// A SigV4 signature that does not match, or is too old or too new
    /// (`InvalidSignatureException`); the message says which.
    #[error("{0}")]
    InvalidSignature(String),
    /// A valid access key used beyond its limits (another app, or a write by a read-only key):
    /// AWS's `AccessDeniedException`; the message says which limit.
    #[error("{0}")]
    AccessKeyDenied(String),
    /// A SigV4 `Authorization` header or date that is malformed or misses a part
    /// (`IncompleteSignature`); the message says which.
    #[error("{0}")]
    IncompleteSignature(String),
    /// The app does not let its users create API keys.
    #[error("this app does not let its users create API keys (user_api_keys is off)")]
    UserApiKeysDisabled,
    /// The operation needs a recent sign-in, and the token's is older.
    #[error("sign in again: creating an API key needs a sign-in less than {0} seconds old")]
    RecentSignInRequired(i64),
    /// Wrong username or password, or unknown user during sign-in (never distinguished).
    #[error("Incorrect username or password.")]
    IncorrectCredentials,
    /// The user is disabled.
    #[error("User is disabled.")]
    UserDisabled,
    /// SECRET_HASH missing or wrong.
    #[error("Unable to verify secret hash for client {0}")]
    BadSecretHash(ClientId),
    /// GetTokensFromRefreshToken without the right client secret.
    #[error("Unable to verify client secret for client {0}")]
    BadClientSecret(ClientId),
    /// The SRP challenge is unknown, expired, already answered or for another client.
    #[error("Invalid session for the user, session is expired.")]
    ChallengeExpired,
    /// The access token is malformed, badly signed, of another kind or from another issuer.
    #[error("Invalid Access Token")]
    InvalidAccessToken,
    /// The access token has expired.
    #[error("Access Token has expired")]
    AccessTokenExpired,
    /// The access token's session was signed out.
    #[error("Access Token has been revoked")]
    AccessTokenRevoked,
    /// The refresh token is unknown or belongs to another client.
    #[error("Invalid Refresh Token")]
    InvalidRefreshToken,
    /// The refresh token has expired.
    #[error("Refresh Token has expired")]
    RefreshTokenExpired,
    /// The refresh token's session was signed out.
    #[error("Refresh Token has been revoked")]
    RefreshTokenRevoked,
    /// A rotated-out refresh token came back after its grace period: the session is revoked.
    #[error("Refresh token has already been used; the session has been revoked.")]
    RefreshTokenReused,
    /// The administrator-set temporary password is too old.
    #[error("Temporary password has expired and must be reset by an administrator.")]
    TemporaryPasswordExpired,
    /// The email is already some other user's in this pool (attribute change).
    #[error("An account with the given email already exists.")]
    AliasExists,
    /// AdminCreateUser for a username that is taken.
    #[error("User account already exists")]
    UserAccountExists,
    /// Not allowed in the user's current state (Cognito answers NotAuthorizedException).
    #[error("{0}")]
    NotAuthorizedState(&'static str),
    /// The operation does not apply to the user's current state.
    #[error("{0}")]
    UnsupportedUserState(&'static str),
    /// Too many failed sign-ins: the name is locked for a while.
    #[error("Password attempts exceeded")]
    PasswordAttemptsExceeded,
    /// Too many wrong previous passwords on ChangePassword.
    #[error("Attempt limit exceeded, please try after some time.")]
    AttemptLimitExceeded,
    /// SignUp in a pool whose users only an administrator creates (the console app outside
    /// `--console-signup open`); Cognito's answer with `AllowAdminCreateUserOnly`.
    #[error("SignUp is not permitted for this user pool")]
    SignUpNotPermitted,
    /// The developer has had as many invitation and reset mails sent today as allowed.
    #[error(
        "Exceeded daily email limit for the operation or the account: at most {0} invitation and password reset emails per developer per day."
    )]
    InvitationLimitExceeded(u32),
    /// The user exists but has not confirmed the account.
    #[error("User is not confirmed.")]
    UserNotConfirmed,
    /// An administrator reset the password.
    #[error("Password reset required for the user")]
    PasswordResetRequired,
    /// ConfirmSignUp on an account that is already confirmed.
    #[error("User cannot be confirmed. Current status is {0}")]
    CannotConfirm(&'static str),
    /// The pool lives with another provider: its users are served there.
    #[error("User pool {pool_id} lives in {}: call {endpoint}", provider.as_str())]
    ExternalPool {
        /// The pool.
        pool_id: PoolId,
        /// Where it lives.
        provider: crate::provider::ProviderKind,
        /// The endpoint that serves it.
        endpoint: String,
    },
    /// What an app whose pool lives with another provider cannot do here.
    #[error("The app's user pool lives in {}: {what}", provider.as_str())]
    NotForExternalPool {
        /// Where it lives.
        provider: crate::provider::ProviderKind,
        /// What cannot be done, and why.
        what: String,
    },
    /// No provider of that kind is configured on this server.
    #[error("this server has no {} provider: start it with the provider's settings (see the README's provider mode)", .0.as_str())]
    ProviderNotConfigured(crate::provider::ProviderKind),
    /// The provider refused or failed.
    #[error("{0}")]
    Provider(crate::provider::ProviderFailure),
    /// The pool has as many app clients as it may.
    #[error("The user pool has reached its limit of {0} app clients.")]
    ClientLimitExceeded(u32),
    /// A group of that name exists in the pool already.
    #[error("A group with the name {0} already exists.")]
    GroupExists(String),
    /// No group of that name in the pool.
    #[error("Group not found.")]
    GroupNotFound,
    /// No identity provider of that name (or identifier) in the pool.
    #[error("Identity provider {0} does not exist.")]
    IdentityProviderNotFound(String),
    /// A provider of that name, or one with that identifier, exists in the pool already (the
    /// message says which).
    #[error("{0}")]
    DuplicateProvider(String),
    /// A sign-in through an identity provider could not be completed; the text is for the
    /// person signing in (the details are logged).
    #[error("{0}")]
    FederatedSignInFailed(String),
    /// The pool has as many identity providers as it may.
    #[error("A user pool has at most {0} identity providers.")]
    IdentityProviderLimitExceeded(u64),
    /// A pool or user limit on groups reached (the message names it).
    #[error("{0}")]
    GroupLimitExceeded(String),
    /// AddCustomAttributes or CreateUserPool would give a pool more custom attributes than
    /// allowed (docs/cognito-protocol.md §5.7).
    #[error("A user pool can have at most {0} custom attributes.")]
    CustomAttributeLimitExceeded(usize),
    /// The user does not exist (only where Cognito reveals it: token-authenticated and admin calls).
    #[error("User does not exist.")]
    UserNotFound,
    /// The email is already registered in this pool.
    #[error("An account with the given email already exists.")]
    UsernameExists,
    /// Wrong confirmation code.
    #[error("Invalid verification code provided, please try again.")]
    CodeMismatch,
    /// No pending code, or it expired.
    #[error("Invalid code provided, please request a code again.")]
    CodeExpired,
    /// A wrong, replayed or malformed code at a multi-factor sign-in step.
    #[error("Invalid code or auth state for the user.")]
    MfaCodeMismatch,
    /// A wrong code confirming a newly associated authenticator app (VerifySoftwareToken).
    #[error("Code mismatch and fail enable Software Token MFA")]
    SoftwareTokenMismatch,
    /// No authenticator app was associated to verify or turn on.
    #[error("Software token MFA has not been associated with this user.")]
    SoftwareTokenNotFound,
    /// Passkeys are off for this app.
    #[error("Passkeys are not enabled for this app.")]
    WebAuthnNotEnabled,
    /// No origin the app allows is within its relying party id: no browser could use a passkey.
    #[error("No origin of this app is within its passkey relying party id.")]
    WebAuthnConfigurationMissing,
    /// No registration is under way for the user (none started, expired, or answered already).
    #[error("No passkey registration is under way: start a new one.")]
    WebAuthnChallengeNotFound,
    /// The ceremony ran on an origin the app does not allow.
    #[error("The passkey's origin is not allowed for this app.")]
    WebAuthnOriginNotAllowed,
    /// The credential was made for another relying party.
    #[error("The passkey was made for another relying party.")]
    WebAuthnRelyingPartyMismatch,
    /// The credential answers another ceremony (another challenge, or a sign-in for a
    /// registration).
    #[error("The credential does not answer this passkey ceremony.")]
    WebAuthnClientMismatch,
    /// The credential is malformed, or not one we accept.
    #[error("The passkey credential is not supported: {0}")]
    WebAuthnCredentialNotSupported(&'static str),
    /// The passkey is registered already (in this pool).
    #[error("This passkey is already registered.")]
    WebAuthnCredentialExists,
    /// The user has as many passkeys as allowed.
    #[error("A user may have at most {0} passkeys: remove one first.")]
    PasskeyLimitExceeded(usize),
    /// The user has no passkey with that id.
    #[error("Credential not found.")]
    PasskeyNotFound,
    /// A passkey sign-in that did not verify (whatever the reason: the answer does not tell
    /// whether the account exists).
    #[error("The passkey could not be verified.")]
    PasskeyRefused,
    /// Too many wrong codes: a new one must be requested.
    #[error("Attempt limit exceeded, please try after some time.")]
    CodeAttemptsExceeded,
    /// RevokeToken was given something that is not a refresh token.
    #[error("Unsupported token type")]
    UnsupportedTokenType,
    /// RevokeToken for a token of another client, or with a wrong client secret.
    #[error("Invalid client for the token")]
    ClientUnauthorized,
    /// An authenticated (admin/console) call came without credentials.
    #[error("Missing Authentication Token")]
    MissingCredentials,
    /// An authenticated (admin/console) call came with credentials we do not accept.
    #[error("The security token included in the request is invalid.")]
    BadCredentials,
    /// The mail could not be delivered; nothing was kept.
    #[error("Unable to deliver the verification code.")]
    DeliveryFailed,
    /// OAuth 2.0: the client could not be authenticated (RFC 6749 §5.2 `invalid_client`).
    #[error("Client authentication failed.")]
    InvalidClient,
    /// OAuth 2.0: the code or refresh token is not valid for this request (RFC 6749 §5.2
    /// `invalid_grant`); the message is safe to show.
    #[error("{0}")]
    InvalidGrant(&'static str),
    /// OAuth 2.0: a requested scope is unknown or not allowed (RFC 6749 §5.2 `invalid_scope`).
    #[error("{0}")]
    InvalidScope(String),
    /// OAuth 2.0: the app does not allow this flow (RFC 6749 §5.2 `unauthorized_client`).
    #[error("{0}")]
    UnauthorizedClient(&'static str),
    /// OAuth 2.0: a `grant_type` this server does not know (RFC 6749 §5.2).
    #[error("Unsupported grant_type {0}.")]
    UnsupportedGrantType(String),
    /// OAuth 2.0: a `response_type` this server does not know (RFC 6749 §4.1.2.1).
    #[error("Unsupported response_type {0}.")]
    UnsupportedResponseType(String),
    /// `prompt=none` and nobody is signed in (OpenID Connect Core §3.1.2.6 `login_required`).
    #[error("The user is not signed in.")]
    LoginRequired,
    /// The `redirect_uri` is not one of the app's callback URLs (or is missing): never
    /// redirected to (RFC 6749 §4.1.2.1, §10.15).
    #[error("The redirect_uri is not registered for this app.")]
    RedirectUriNotRegistered,
    /// The service is saturated; the client should retry.
    #[error("Too many requests")]
    Overloaded,
    /// Storage failed; logged, never shown.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else that is our fault; logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

/// One invalid member of a settings change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingProblem {
    /// The member's dotted path in the change, e.g. `templates.verification_message`.
    pub field: String,
    /// What is wrong with it, safe to show.
    pub message: String,
}

impl SettingProblem {
    /// `field` is wrong as `message` says.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    fn join(problems: &[Self]) -> String {
        problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// An input member and the constraint it breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field:?}: {constraint:?}")]
pub struct Violation {
    /// Which input.
    pub field: Field,
    /// What it fails to satisfy.
    pub constraint: Constraint,
}

impl Violation {
    /// `field` breaks `constraint`.
    pub fn new(field: Field, constraint: Constraint) -> Self {
        Self { field, constraint }
    }
}

/// An input of a domain operation that can be out of shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// The app client id.
    ClientId,
    /// A password (new, proposed or temporary).
    Password,
    /// What to do about the invitation mail of a created user.
    MessageAction,
    /// The page size of a listing.
    Limit,
    /// The page size of a listing of pools or clients (`MaxResults`).
    MaxResults,
    /// A group's name.
    GroupName,
    /// A group's description.
    Description,
    /// A group's precedence.
    Precedence,
    /// A group's IAM role ARN.
    RoleArn,
    /// A pool's multi-factor mode (`MfaConfiguration`).
    MfaConfiguration,
    /// The value of the named user attribute.
    AttributeValue(String),
}

/// A constraint an input fails to satisfy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// Between `min` and `max` characters long.
    Length {
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
    },
    /// At most this many characters long.
    MaxLength(usize),
    /// No white space at either end (and at least two characters).
    NoSurroundingWhitespace,
    /// One of these values.
    OneOf(&'static [&'static str]),
    /// A number no greater than this.
    AtMost(i64),
    /// A number no less than this.
    AtLeast(i64),
    /// Matching AWS's regular expression, quoted in the message.
    Pattern(&'static str),
}

/// Result of a domain call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
