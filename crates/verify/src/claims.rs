//! Typed claims of a verified token (RFC 7519 §4 registered claims plus Cognito's own), with
//! access to every raw claim.

use serde_json::{Map, Value};

use crate::error::VerifyError;

/// Which kind of token (`token_use`): Cognito's ID and access tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// An ID token: `token_use: "id"`, audience in `aud`.
    Id,
    /// An access token: `token_use: "access"`, audience in `client_id`, scopes in `scope`.
    Access,
}

impl TokenUse {
    /// The claim value: `"id"` or `"access"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Access => "access",
        }
    }
}

impl std::fmt::Display for TokenUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The claims of a token that passed every check.
///
/// The common claims are typed fields; everything else (custom attributes such as
/// `custom:tenant`, `cognito:roles`, …) is reachable through [`Claims::get`] and [`Claims::raw`].
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    /// `sub`: the user's stable id.
    pub sub: String,
    /// `iss`: the issuer, `<public url>/<poolId>`.
    pub iss: String,
    /// `token_use`: ID or access token.
    pub token_use: TokenUse,
    /// `exp`: expiry, seconds since the epoch (RFC 7519 §4.1.4).
    pub exp: i64,
    /// `iat`: issue time, seconds since the epoch (RFC 7519 §4.1.6).
    pub iat: Option<i64>,
    /// `nbf`: not-before, seconds since the epoch (RFC 7519 §4.1.5).
    pub nbf: Option<i64>,
    /// `auth_time`: when the user authenticated.
    pub auth_time: Option<i64>,
    /// `jti`: this token's id (RFC 7519 §4.1.7).
    pub jti: Option<String>,
    /// `origin_jti`: the id of the session (sign-in) this token belongs to; what revocation
    /// names.
    pub origin_jti: Option<String>,
    /// `client_id` (access tokens): the app client the token was issued to.
    pub client_id: Option<String>,
    /// `aud` (ID tokens): the audience(s); for Auth Return, the client id (RFC 7519 §4.1.3
    /// allows a string or an array; both are accepted).
    pub aud: Vec<String>,
    /// `username` (access token) or `cognito:username` (ID token).
    pub username: Option<String>,
    /// `email` (ID token).
    pub email: Option<String>,
    /// `email_verified` (ID token); `"true"`/`"false"` strings are accepted as well.
    pub email_verified: Option<bool>,
    /// `scope` split on spaces (access token); empty for ID tokens.
    pub scope: Vec<String>,
    /// `cognito:groups`.
    pub groups: Vec<String>,
    raw: Map<String, Value>,
}

impl Claims {
    /// Reads the typed claims out of a JSON claims set. Checks types only, not values.
    pub(crate) fn from_map(raw: Map<String, Value>) -> Result<Self, VerifyError> {
        let sub = req_str(&raw, "sub")?;
        let iss = req_str(&raw, "iss")?;
        let token_use = match raw.get("token_use") {
            Some(Value::String(s)) if s == "id" => TokenUse::Id,
            Some(Value::String(s)) if s == "access" => TokenUse::Access,
            Some(Value::String(s)) => {
                return Err(VerifyError::WrongTokenUse {
                    expected: "id or access",
                    found: crate::error::sanitize(s),
                });
            }
            Some(_) => return Err(VerifyError::InvalidClaim("token_use")),
            None => return Err(VerifyError::MissingClaim("token_use")),
        };
        let exp = numeric_date(&raw, "exp")?.ok_or(VerifyError::MissingClaim("exp"))?;
        let aud = match raw.get("aud") {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or(VerifyError::InvalidClaim("aud"))?,
            Some(_) => return Err(VerifyError::InvalidClaim("aud")),
        };
        let scope = opt_str(&raw, "scope")?
            .map(|s| {
                s.split(' ')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let groups = match raw.get("cognito:groups") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or(VerifyError::InvalidClaim("cognito:groups"))?,
            Some(_) => return Err(VerifyError::InvalidClaim("cognito:groups")),
        };
        let email_verified = match raw.get("email_verified") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s == "true" => Some(true),
            Some(Value::String(s)) if s == "false" => Some(false),
            Some(_) => return Err(VerifyError::InvalidClaim("email_verified")),
        };
        let username = match opt_str(&raw, "username")? {
            Some(u) => Some(u),
            None => opt_str(&raw, "cognito:username")?,
        };
        Ok(Self {
            sub,
            iss,
            token_use,
            exp,
            iat: numeric_date(&raw, "iat")?,
            nbf: numeric_date(&raw, "nbf")?,
            auth_time: numeric_date(&raw, "auth_time")?,
            jti: opt_str(&raw, "jti")?,
            origin_jti: opt_str(&raw, "origin_jti")?,
            client_id: opt_str(&raw, "client_id")?,
            aud,
            username,
            email: opt_str(&raw, "email")?,
            email_verified,
            scope,
            groups,
            raw,
        })
    }

    /// Any claim by name, as JSON (custom attributes included).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.raw.get(name)
    }

    /// All claims as they were in the token.
    #[must_use]
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    /// Consumes the claims, giving all of them as JSON.
    #[must_use]
    pub fn into_raw(self) -> Map<String, Value> {
        self.raw
    }

    /// True when the token carries `scope` (access tokens only).
    #[must_use]
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.iter().any(|s| s == scope)
    }

    /// True when the user is in `group` (`cognito:groups`).
    #[must_use]
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

fn req_str(raw: &Map<String, Value>, name: &'static str) -> Result<String, VerifyError> {
    opt_str(raw, name)?.ok_or(VerifyError::MissingClaim(name))
}

fn opt_str(raw: &Map<String, Value>, name: &'static str) -> Result<Option<String>, VerifyError> {
    match raw.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(VerifyError::InvalidClaim(name)),
    }
}

/// A NumericDate (RFC 7519 §2): seconds since the epoch, possibly with a fraction (floored).
fn numeric_date(raw: &Map<String, Value>, name: &'static str) -> Result<Option<i64>, VerifyError> {
    match raw.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else {
                match n.as_f64() {
                    #[allow(clippy::cast_possible_truncation)]
                    Some(f) if f.is_finite() && f.abs() < 1e15 => Ok(Some(f.floor() as i64)),
                    _ => Err(VerifyError::InvalidClaim(name)),
                }
            }
        }
        Some(_) => Err(VerifyError::InvalidClaim(name)),
    }
}
