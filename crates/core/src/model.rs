//! The records the domain keeps: apps, clients, users and their second factors, sign-in
//! sessions, codes, signing keys and API keys, and the feed of changes to what servers cache.

use crate::ids::{AccessKeyId, ApiKeyId, AppId, ClientId, PoolId, SessionId, UserId};
use crate::settings::AppSettings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// A registered application: one user pool and its own app client (other clients of the pool
/// are loaded on their own, each as the app seen through it: [`App::through_client`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    /// The app's id.
    pub id: AppId,
    /// A display name, used in mail.
    pub name: String,
    /// The developer (a user of the console pool) who owns it; `None` for operator-created apps.
    pub owner: Option<UserId>,
    /// The app's dedicated user pool.
    pub pool_id: PoolId,
    /// The app's own client, or the client it was loaded through.
    pub client: Client,
    /// Origins allowed to call the app from a browser (empty = any).
    pub origins: Vec<String>,
    /// Password policy, refresh rotation, mail templates.
    pub settings: AppSettings,
    /// Where the pool lives when not here (AWS Cognito); `None` for a built-in pool.
    pub external: Option<crate::provider::ExternalPool>,
    /// When it was created.
    pub created_at: Timestamp,
}

/// An app client: the tenant key on unauthenticated Cognito calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// The client id.
    pub id: ClientId,
    /// The pool the client belongs to.
    pub pool_id: PoolId,
    /// The app the client belongs to.
    pub app_id: AppId,
    /// The client secret, sealed under the master key; `None` for public clients.
    pub sealed_secret: Option<Vec<u8>>,
    /// ID and access token lifetime in seconds.
    pub token_validity_secs: i64,
    /// Refresh token lifetime in seconds.
    pub refresh_validity_secs: i64,
    /// Whether this is the app's own client, made with it: the one its public config names.
    pub primary: bool,
    /// What the client keeps for itself: name, allowed sign-in flows, its own OAuth settings.
    pub profile: crate::clients::ClientProfile,
    /// When it was made.
    pub created_at: Timestamp,
    /// When its settings last changed.
    pub updated_at: Timestamp,
}

/// A user's lifecycle state, named as Cognito names it (`UserStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserStatus {
    /// Signed up, email not yet confirmed.
    Unconfirmed,
    /// Confirmed; may sign in.
    Confirmed,
    /// Created by an administrator; must choose a new password at first sign-in.
    ForceChangePassword,
    /// An administrator reset the password; the user must use ForgotPassword.
    ResetRequired,
}

impl UserStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [
        Self::Unconfirmed,
        Self::Confirmed,
        Self::ForceChangePassword,
        Self::ResetRequired,
    ];

    /// The Cognito wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }

    /// Parses the Cognito wire name.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "UNCONFIRMED" => Self::Unconfirmed,
            "CONFIRMED" => Self::Confirmed,
            "FORCE_CHANGE_PASSWORD" => Self::ForceChangePassword,
            "RESET_REQUIRED" => Self::ResetRequired,
            _ => return None,
        })
    }
}

/// A user of one pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The pool the user belongs to.
    pub pool_id: PoolId,
    /// `sub`, and the internal username.
    pub id: UserId,
    /// The sign-in email, lowercased.
    pub email: String,
    /// Whether the email has been confirmed.
    pub email_verified: bool,
    /// Lifecycle state.
    pub status: UserStatus,
    /// Disabled users can neither sign in nor refresh.
    pub enabled: bool,
    /// The SRP salt as canonical padHex (docs/cognito-protocol.md §3.4).
    pub salt_hex: String,
    /// The SRP verifier, sealed under the master key.
    pub sealed_verifier: Vec<u8>,
    /// Other attributes (`name`, `given_name`, `custom:*`, …).
    pub attributes: BTreeMap<String, String>,
    /// A new email waiting for verification; the current one stays active until then.
    pub pending_email: Option<String>,
    /// When a temporary (admin-set) password stops working; `None` for ordinary passwords.
    pub password_expires_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// What a one-time code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    /// ConfirmSignUp.
    SignUp,
    /// ConfirmForgotPassword.
    ForgotPassword,
    /// VerifyUserAttribute for the email.
    VerifyEmail,
    /// The second factor of a sign-in (`EMAIL_OTP`).
    MfaEmail,
}

impl CodePurpose {
    /// Storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::ForgotPassword => "forgot_password",
            Self::VerifyEmail => "verify_email",
            Self::MfaEmail => "mfa_email",
        }
    }
}

/// A pending one-time code; only its keyed hash is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRecord {
    /// HMAC of the code under the code key.
    pub code_hash: Vec<u8>,
    /// When it stops being accepted.
    pub expires_at: Timestamp,
    /// Wrong guesses so far.
    pub failed_attempts: i64,
}

/// One refresh token of a session, stored as its hash. Rotation adds tokens to a session and
/// marks the presented one superseded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the token.
    pub hash: Vec<u8>,
    /// The session (`origin_jti`) it belongs to.
    pub session_id: SessionId,
    /// When it was issued.
    pub created_at: Timestamp,
    /// When a rotation replaced it, if one did.
    pub superseded_at: Option<Timestamp>,
}

/// A sign-in session: one refresh token and every token minted from it share its `origin_jti`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// `origin_jti`.
    pub id: SessionId,
    /// The pool.
    pub pool_id: PoolId,
    /// The client that signed in.
    pub client_id: ClientId,
    /// The user.
    pub user_id: UserId,
    /// SHA-256 of the session's first refresh token (later ones are `RefreshTokenRecord`s).
    pub refresh_hash: Vec<u8>,
    /// The original sign-in time (`auth_time`).
    pub auth_time: Timestamp,
    /// When the refresh token expires.
    pub expires_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// The scopes granted, space-separated, for a session opened by the OAuth 2.0 endpoints;
    /// `None` for a sign-in through the user-pool API (its tokens carry
    /// `aws.cognito.signin.user.admin`).
    pub scope: Option<String>,
}

/// What spending an authorization code found (see
/// [`AuthorizationCodeStore`](crate::store::AuthorizationCodeStore)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeSpend {
    /// The first use: the code is now spent.
    First,
    /// Spent before, and now marked replayed.
    Again {
        /// The session the first exchange opened, to revoke; `None` when it failed its checks.
        session_id: Option<SessionId>,
    },
}

/// A sign-in on the hosted pages (the cookie a second authorization request signs in with):
/// only the SHA-256 of the cookie's value is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedSession {
    /// The pool.
    pub pool_id: PoolId,
    /// SHA-256 of the cookie value; unique.
    pub hash: Vec<u8>,
    /// The signed-in user.
    pub user_id: UserId,
    /// When they entered their password.
    pub auth_time: Timestamp,
    /// When the cookie stops signing in.
    pub expires_at: Timestamp,
}

/// A second factor of sign-in, named as Cognito names it (`ChallengeName`, `MFAOptions`); the
/// name is also what is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaFactor {
    /// A code from an authenticator app (TOTP, RFC 6238).
    SoftwareToken,
    /// A code sent by email.
    EmailOtp,
}

impl MfaFactor {
    /// The Cognito name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SoftwareToken => "SOFTWARE_TOKEN_MFA",
            Self::EmailOtp => "EMAIL_OTP",
        }
    }

    /// Parses the Cognito name.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "SOFTWARE_TOKEN_MFA" => Self::SoftwareToken,
            "EMAIL_OTP" => Self::EmailOtp,
            _ => return None,
        })
    }
}

/// A user's second factors: at most one record per user, gone with the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserMfa {
    /// The pool.
    pub pool_id: PoolId,
    /// The user.
    pub user_id: UserId,
    /// The TOTP secret from AssociateSoftwareToken, sealed under the master key; `None` when
    /// no authenticator app was associated.
    pub sealed_totp_secret: Option<Vec<u8>>,
    /// A secret associated since, sealed, waiting for its first code: it replaces
    /// `sealed_totp_secret` only once verified, so associating again never switches MFA off.
    pub sealed_pending_totp_secret: Option<Vec<u8>>,
    /// Whether a code from that secret was verified (VerifySoftwareToken).
    pub totp_verified: bool,
    /// Whether TOTP is asked for at sign-in.
    pub totp_enabled: bool,
    /// Whether email codes are asked for at sign-in.
    pub email_otp_enabled: bool,
    /// The factor asked for when more than one is enabled.
    pub preferred: Option<MfaFactor>,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A user's passkey (a WebAuthn credential) as stored: the credential itself sealed under the
/// master key, beside what ListWebAuthnCredentials shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPasskey {
    /// The pool.
    pub pool_id: PoolId,
    /// Its user.
    pub user_id: UserId,
    /// The credential id the authenticator chose (raw bytes), unique in the pool.
    pub credential_id: Vec<u8>,
    /// The credential (public key, counter, flags), sealed.
    pub sealed_credential: Vec<u8>,
    /// A name the user may recognise it by (`FriendlyCredentialName`).
    pub name: Option<String>,
    /// The relying party it was registered for.
    pub relying_party_id: String,
    /// `platform` or `cross-platform`, when the browser said.
    pub attachment: Option<String>,
    /// How the authenticator is reached (`internal`, `usb`, `hybrid`, ...).
    pub transports: Vec<String>,
    /// When it was registered.
    pub created_at: Timestamp,
    /// When it last signed in.
    pub last_used_at: Option<Timestamp>,
}

/// When one of a pool's signing keys was published and starts signing, with the app the pool
/// belongs to (not the key itself): what key maintenance judges, every pool in one read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyDates {
    /// The app whose pool the key signs for.
    pub app_id: AppId,
    /// The pool.
    pub pool_id: PoolId,
    /// The JWK `kid`.
    pub kid: String,
    /// When it was published.
    pub created_at: Timestamp,
    /// When it starts (or started) signing.
    pub activates_at: Timestamp,
}

/// A pool's RS256 signing key as stored: the private key sealed under the master key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// The JWK `kid`.
    pub kid: String,
    /// The pool it signs for.
    pub pool_id: PoolId,
    /// PKCS#8 DER, sealed.
    pub sealed_private_key: Vec<u8>,
    /// When it was created (and first published in the JWKS).
    pub created_at: Timestamp,
    /// When it starts signing: later than `created_at` for a rotated-in key, so verifiers'
    /// JWKS caches learn it before any token needs it.
    pub activates_at: Timestamp,
}

/// What a recorded change touched: every instance drops what it cached of it (see
/// [`crate::changes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeSubject {
    /// A pool's signing keys (a key added or withdrawn, or the pool deleted).
    SigningKeys(PoolId),
    /// A pool's app: its settings, origins, name or client (updated, or the app deleted).
    App(PoolId),
    /// A kind this version does not know (written by a newer instance): nothing it caches.
    Other(String),
}

impl ChangeSubject {
    /// The stored `(kind, subject)` pair.
    pub fn to_parts(&self) -> (&str, &str) {
        match self {
            Self::SigningKeys(pool) => ("signing_keys", pool.as_str()),
            Self::App(pool) => ("app", pool.as_str()),
            Self::Other(kind) => (kind.as_str(), ""),
        }
    }

    /// The subject of a stored `(kind, subject)` pair.
    pub fn from_parts(kind: &str, subject: &str) -> Self {
        match kind {
            "signing_keys" => Self::SigningKeys(PoolId::new(subject)),
            "app" => Self::App(PoolId::new(subject)),
            other => Self::Other(other.to_owned()),
        }
    }
}

/// One entry of the change feed: numbered in commit order, without gaps except where old
/// entries were pruned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Its position in the feed (1, 2, 3, …).
    pub seq: i64,
    /// What changed.
    pub subject: ChangeSubject,
}

/// A signed-out session, for the revocation feed: tokens with this `origin_jti` are void.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// The pool.
    pub pool_id: PoolId,
    /// The session's `origin_jti`.
    pub origin_jti: SessionId,
    /// When it was revoked.
    pub revoked_at: Timestamp,
    /// After this, every token of the session has expired anyway and the entry no longer matters.
    pub expires_at: Timestamp,
}

/// A user attribute ListUsers can filter on (docs/cognito-protocol.md §5.2 ListUsers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserField {
    /// `username` / `sub`: the user id, case-sensitive.
    Id,
    /// `email`, compared lowercased.
    Email,
    /// `cognito:user_status`, case-insensitive (`CONFIRMED`, …).
    Status,
    /// `status`: `Enabled` or `Disabled` (equality only).
    Enabled,
    /// Another standard attribute kept in `attributes` (`name`, `given_name`, …).
    Attribute(String),
}

/// The attributes besides `email` that ListUsers filters on (Cognito's searchable standard
/// attributes); each has an index of its own in the store.
pub const FILTERABLE_ATTRIBUTES: [&str; 5] = [
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "phone_number",
];

/// How a filter compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    /// `=`
    Equals,
    /// `^=`
    StartsWith,
}

/// One ListUsers filter: `field op "value"`. The value is already normalized for the field
/// (email lowercased, status uppercased; `Enabled` is "true"/"false").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFilter {
    /// What to compare.
    pub field: UserField,
    /// How.
    pub op: MatchOp,
    /// With what.
    pub value: String,
}

impl UserFilter {
    /// Whether matches are listed in the order of the compared value, then id: a prefix of the
    /// email or of an attribute, so that a page is a range of that value's index however many
    /// users match. Other filters list in id order.
    pub fn orders_by_value(&self) -> bool {
        self.op == MatchOp::StartsWith
            && matches!(self.field, UserField::Email | UserField::Attribute(_))
    }

    /// The value this filter compares, as `user` has it (`None` for a missing attribute, and
    /// for fields that do not order by value).
    pub fn value_of<'u>(&self, user: &'u User) -> Option<&'u str> {
        match &self.field {
            UserField::Email => Some(&user.email),
            UserField::Attribute(name) => user.attributes.get(name).map(String::as_str),
            UserField::Id | UserField::Status | UserField::Enabled => None,
        }
    }
}

/// Where a ListUsers page starts: after the user `id`, who had `value` in a listing ordered by
/// value ([`UserFilter::orders_by_value`]); `value` is `None` in id order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserCursor {
    /// The compared value of the last user listed, in a listing ordered by value.
    pub value: Option<String>,
    /// The last user listed.
    pub id: UserId,
}

/// Failed sign-ins of one sign-in name in a pool (a real user's id, or a hash of a name that is
/// no user, so lockouts do not reveal which accounts exist).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockoutRecord {
    /// Failures in the current streak.
    pub failures: i64,
    /// When the last one happened.
    pub last_failure_at: Timestamp,
    /// Every attempt before this (Unix epoch milliseconds: a lock of 1 s lasts 1 s, not
    /// "until the next second") is refused, even with the right password.
    pub locked_until_ms: i64,
}

/// A group of a pool's users (Cognito's `GroupType`): its members' tokens name it in
/// `cognito:groups`, ordered by precedence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The pool.
    pub pool_id: PoolId,
    /// The name, unique in the pool (case-sensitive, as Cognito's).
    pub name: String,
    /// A description.
    pub description: Option<String>,
    /// Lower comes first in `cognito:groups` and decides `cognito:preferred_role`; `None` last.
    pub precedence: Option<i64>,
    /// An IAM role's ARN, passed on in the ID token's `cognito:roles` (nothing here assumes it).
    pub role_arn: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A user with every group they are in, by precedence (none last) then name: what tokens are
/// made from, read in one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The user.
    pub user: User,
    /// Their groups, in the order of `cognito:groups`.
    pub groups: Vec<Group>,
}

impl Member {
    /// The user, if one was found, and their groups (none when no user was).
    pub fn split(member: Option<Member>) -> (Option<User>, Vec<Group>) {
        match member {
            Some(Member { user, groups }) => (Some(user), groups),
            None => (None, Vec::new()),
        }
    }
}

/// A refresh token found by its hash, with what refreshing needs in the same read: its
/// session, and the session's user with their groups (`None` once the user is deleted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshGrant {
    /// The session the token belongs to.
    pub session: Session,
    /// The token.
    pub token: RefreshTokenRecord,
    /// The session's user and their groups.
    pub member: Option<Member>,
}

/// A developer's AWS-style access key as stored (SigV4, for boto3 and the AWS CLI): the
/// secret sealed, since checking an HMAC needs it back; limited to one app and to reading when
/// its developer chose so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key id (`AKAR…`), public.
    pub id: AccessKeyId,
    /// The console pool the developer is a user of.
    pub pool_id: PoolId,
    /// The developer who owns it (a key goes when its developer does).
    pub developer_id: UserId,
    /// The one app it may act on, if limited (it goes with the app).
    pub app_id: Option<AppId>,
    /// Whether it may only read.
    pub read_only: bool,
    /// A label chosen by its developer.
    pub name: String,
    /// The secret access key, sealed under the `access_keys` purpose key (AAD: the id).
    pub sealed_secret: Vec<u8>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last signed a request (to the minute: writes are coalesced).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// An API key as stored: never the key itself, only its SHA-256. Owned by an app, and by one of
/// its users when `user_id` is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    /// The public id.
    pub id: ApiKeyId,
    /// The app the key belongs to.
    pub app_id: AppId,
    /// That app's pool (a user-owned key goes when its user does).
    pub pool_id: PoolId,
    /// The owning user, or `None` for a key of the app itself.
    pub user_id: Option<UserId>,
    /// Whether that user lives in the app's provider (`user_id` is their Cognito `sub`), not
    /// here: their status is the provider's to tell.
    pub external_user: bool,
    /// A label chosen by its creator.
    pub name: String,
    /// The first characters of the key (`ar_` and 7 more), for people to recognise it.
    pub prefix: String,
    /// SHA-256 of the whole key; unique.
    pub hash: Vec<u8>,
    /// Free-form scopes the verifying service interprets.
    pub scopes: Vec<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops verifying, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it last verified (to the minute: writes are coalesced).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

impl ApiKey {
    /// Whether it still verifies at `now`: not revoked and not expired.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}
