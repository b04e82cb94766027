//! OAuth 2.0 and OpenID Connect, shaped like Cognito's endpoints: the authorization request,
//! hosted-page sessions, sealed authorization codes with PKCE, the token endpoint's grants and
//! userinfo (RFC 6749, RFC 7636, OpenID Connect Core 1.0). Pure domain: the HTTP shapes are
//! `auth-return-server`'s.

mod authorize;
mod code;
mod grants;
mod hosted;
mod pkce;
mod scopes;
mod userinfo;

pub use authorize::{AuthorizationParams, AuthorizationRequest, Authorized, Prompt, ResponseType};
pub use grants::{ClientAuth, OAuthTokens};
pub use scopes::Scopes;

/// How long an authorization code is accepted (RFC 6749 §4.1.2 recommends at most 10 minutes).
pub const CODE_TTL_SECS: i64 = 5 * 60;
