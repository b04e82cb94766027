//! Verifying tokens we issued: signature by the issuing pool's key, exact issuer, expiry, kind.

use crate::ids::{ClientId, PoolId, SessionId, UserId};
use crate::model::Timestamp;
use crate::tokens::keys::PoolKeys;
use auth_return_crypto::jws;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// Longest token we are willing to parse.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// `token_use`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenUse {
    /// An ID token.
    Id,
    /// An access token.
    Access,
}

impl TokenUse {
    /// The claim value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Access => "access",
        }
    }
}

/// A token whose signature, issuer and expiry have been checked.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    /// The issuing pool.
    pub pool_id: PoolId,
    /// `sub`.
    pub user_id: UserId,
    /// `aud` (ID token) or `client_id` (access token).
    pub client_id: ClientId,
    /// The sign-in session.
    pub origin_jti: SessionId,
    /// ID or access.
    pub token_use: TokenUse,
    /// `exp`.
    pub expires_at: Timestamp,
    /// All claims.
    pub claims: Map<String, Value>,
}

/// Why a token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenRejection {
    /// Not a token of ours, badly signed, or malformed.
    Invalid,
    /// Signed by us but past `exp`.
    Expired,
}

/// The unverified claims of a token, only for choosing a key or a CORS answer.
pub(crate) fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    if token.len() > MAX_TOKEN_LEN {
        return None;
    }
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// The pool a token claims to come from, read from its unverified `iss` (only to pick the key).
pub fn claimed_pool(token: &str, issuer_prefix: &str) -> Option<PoolId> {
    let claims = unverified_claims(token)?;
    let pool = claims
        .get("iss")?
        .as_str()?
        .strip_prefix(issuer_prefix)?
        .strip_prefix('/')?;
    PoolId::is_well_formed(pool).then(|| PoolId::new(pool))
}

/// The client a token claims to be for (`client_id` or `aud`), unverified.
pub fn claimed_client(token: &str) -> Option<ClientId> {
    let claims = unverified_claims(token)?;
    let client = claims
        .get("client_id")
        .or_else(|| claims.get("aud"))?
        .as_str()?;
    Some(ClientId::new(client))
}

/// Verifies `token` against the pool's keys and checks `iss` is exactly `issuer`.
pub fn verify(
    token: &str,
    keys: &PoolKeys,
    pool_id: &PoolId,
    issuer: &str,
    now: Timestamp,
) -> Result<VerifiedToken, TokenRejection> {
    let kid = jws::peek_kid(token).map_err(|_| TokenRejection::Invalid)?;
    let key = keys.verifying.get(&kid).ok_or(TokenRejection::Invalid)?;
    let claims = jws::verify(token, key).map_err(|_| TokenRejection::Invalid)?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("iss") != Some(issuer) {
        return Err(TokenRejection::Invalid);
    }
    let token_use = match text("token_use") {
        Some("id") => TokenUse::Id,
        Some("access") => TokenUse::Access,
        _ => return Err(TokenRejection::Invalid),
    };
    let client = match token_use {
        TokenUse::Id => text("aud"),
        TokenUse::Access => text("client_id"),
    };
    let user_id = text("sub").and_then(UserId::parse);
    let origin_jti = text("origin_jti").and_then(SessionId::parse);
    let expires_at = claims.get("exp").and_then(Value::as_i64);
    let (Some(client), Some(user_id), Some(origin_jti), Some(expires_at)) =
        (client, user_id, origin_jti, expires_at)
    else {
        return Err(TokenRejection::Invalid);
    };
    if expires_at <= now {
        return Err(TokenRejection::Expired);
    }
    Ok(VerifiedToken {
        pool_id: pool_id.clone(),
        user_id,
        client_id: ClientId::new(client),
        origin_jti,
        token_use,
        expires_at,
        claims,
    })
}
