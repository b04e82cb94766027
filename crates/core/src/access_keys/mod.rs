//! Developers' access keys: an AWS-style access key id (`AKAR…`) and a 40-character secret,
//! shown once, for signing requests with AWS Signature Version 4 as boto3, the AWS CLI and the
//! AWS SDKs do. The secret is sealed, not hashed (checking an HMAC needs it back), under a
//! purpose key of its own. A key acts for its developer; it may be limited to one app and to
//! reading. Requests signed with one are checked by [`Service::authenticate_signed`].

mod manage;
mod signed;

pub use manage::{CreatedAccessKey, NewAccessKey};
pub use signed::{AccessKeyGrant, SignedParts};

/// Live access keys one developer may hold.
pub const MAX_LIVE_ACCESS_KEYS: u64 = 10;
/// `last_used_at` is written at most once per this many seconds per key.
pub const LAST_USED_RESOLUTION_SECS: i64 = 60;
/// How far a request's `X-Amz-Date` may be from our clock, either way (AWS's 5 minutes).
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// The service name SigV4 scopes our signatures to: Cognito's.
pub const SIGNING_SERVICE: &str = "cognito-idp";
