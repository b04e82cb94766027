//! `/oauth2/userInfo` (OpenID Connect Core §5.3): the signed-in user's claims, as far as the
//! access token's scopes reach (§5.4).

use super::scopes::Scopes;
use crate::error::Result;
use crate::service::Service;
use crate::tokens::claims::USER_ADMIN_SCOPE;
use serde_json::{Map, Value, json};

/// Attributes each scope discloses (OpenID Connect Core §5.4).
const PROFILE: [&str; 14] = [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
];
const PHONE: [&str; 2] = ["phone_number", "phone_number_verified"];

impl Service {
    /// The claims of the user an access token with `openid` (or the user-pool API scope, which
    /// sees every attribute) belongs to. `sub` always; email, profile and phone claims with
    /// their scopes; custom attributes only with the user-pool API scope.
    pub async fn user_info(&self, access_token: &str) -> Result<Map<String, Value>> {
        let (verified, user) = self
            .scoped_token_user(access_token, &["openid", USER_ADMIN_SCOPE])
            .await?;
        let granted = Scopes::parse_stored(
            verified
                .claims
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let everything = granted.contains(USER_ADMIN_SCOPE);
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(user.id.to_string()));
        if everything || granted.contains("email") {
            claims.insert("email".into(), json!(user.email));
            claims.insert(
                "email_verified".into(),
                json!(user.email_verified.to_string()),
            );
        }
        for (name, value) in &user.attributes {
            let shown = everything
                || (granted.contains("profile") && PROFILE.contains(&name.as_str()))
                || (granted.contains("phone") && PHONE.contains(&name.as_str()));
            if shown {
                claims.entry(name.clone()).or_insert_with(|| json!(value));
            }
        }
        claims.insert("username".into(), json!(user.id.to_string()));
        Ok(claims)
    }
}
