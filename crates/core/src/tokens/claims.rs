//! The exact claim sets of ID and access tokens (docs/cognito-protocol.md §6.2, §6.3).

use crate::model::{Group, Session, Timestamp, User};
use serde_json::{Map, Value, json};

/// The scope every user-pool API token carries.
pub const USER_ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// What both tokens of one issuance share.
pub struct Issuance<'a> {
    /// `<public-url>/<poolId>`.
    pub issuer: &'a str,
    /// The signed-in user.
    pub user: &'a User,
    /// The sign-in session (`origin_jti`, `auth_time`, client).
    pub session: &'a Session,
    /// Issue time.
    pub now: Timestamp,
    /// Lifetime of both tokens in seconds.
    pub lifetime: i64,
    /// The sign-in event this issuance belongs to (`event_id`).
    pub event_id: uuid::Uuid,
    /// The authorization request's `nonce`, for the ID token (OpenID Connect Core §3.1.2.1).
    pub nonce: Option<&'a str>,
    /// The user's groups, by precedence (none last), then name.
    pub groups: &'a [Group],
}

/// `cognito:groups`, `cognito:roles` and `cognito:preferred_role` into `claims` (the roles only
/// `with_roles`, for the ID token), where the user is in a group (docs/cognito-protocol.md §6.2).
fn insert_groups(claims: &mut Map<String, Value>, groups: &[Group], with_roles: bool) {
    if groups.is_empty() {
        return;
    }
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    claims.insert("cognito:groups".into(), json!(names));
    if !with_roles {
        return;
    }
    let roles: Vec<&str> = groups
        .iter()
        .filter_map(|g| g.role_arn.as_deref())
        .collect();
    if !roles.is_empty() {
        claims.insert("cognito:roles".into(), json!(roles));
    }
    // The role of the group that comes first by precedence (a group without one decides none).
    if let Some(preferred) = groups
        .iter()
        .find(|g| g.role_arn.is_some())
        .filter(|g| g.precedence.is_some())
        .and_then(|g| g.role_arn.as_deref())
    {
        claims.insert("cognito:preferred_role".into(), json!(preferred));
    }
}

/// `at_hash`: base64url of the left half of the SHA-256 of the access token's ASCII (OpenID
/// Connect Core §3.1.3.6, for RS256).
pub fn at_hash(access_token: &str) -> String {
    use base64::Engine;
    let digest = auth_return_crypto::hash::sha256(access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// The user's name in tokens: `<provider>_<sub>` for a user a provider's sign-in made, else
/// the user's id.
fn username(user: &crate::model::User) -> String {
    crate::federation::federated_username(user).unwrap_or_else(|| user.id.to_string())
}

/// ID token claims: identity for the client (`aud` = client id).
pub fn id_token(i: &Issuance<'_>) -> Value {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(i.user.id.to_string()));
    claims.insert("aud".into(), json!(i.session.client_id.as_str()));
    claims.insert("email_verified".into(), json!(i.user.email_verified));
    claims.insert("token_use".into(), json!("id"));
    claims.insert("auth_time".into(), json!(i.session.auth_time));
    claims.insert("iss".into(), json!(i.issuer));
    claims.insert("cognito:username".into(), json!(username(i.user)));
    claims.insert("exp".into(), json!(i.now + i.lifetime));
    claims.insert("iat".into(), json!(i.now));
    claims.insert("email".into(), json!(i.user.email));
    for (name, value) in &i.user.attributes {
        claims.entry(name.clone()).or_insert_with(|| json!(value));
    }
    // Cognito's ID tokens carry a federated user's identities as an array, not as text.
    if let Some(identities) = i
        .user
        .attributes
        .get(crate::federation::IDENTITIES)
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
    {
        claims.insert(crate::federation::IDENTITIES.into(), identities);
    }
    claims.insert("event_id".into(), json!(i.event_id.to_string()));
    if let Some(nonce) = i.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    claims.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    claims.insert("origin_jti".into(), json!(i.session.id.to_string()));
    insert_groups(&mut claims, i.groups, true);
    Value::Object(claims)
}

/// Access token claims: authorization for the user-pool API (no `aud`,
/// docs/cognito-protocol.md §6.3), or for what the OAuth 2.0 grant's scopes name.
pub fn access_token(i: &Issuance<'_>) -> Value {
    let scope = i.session.scope.as_deref().unwrap_or(USER_ADMIN_SCOPE);
    let mut claims = json!({
        "sub": i.user.id.to_string(),
        "iss": i.issuer,
        "client_id": i.session.client_id.as_str(),
        "origin_jti": i.session.id.to_string(),
        "event_id": i.event_id.to_string(),
        "token_use": "access",
        "scope": scope,
        "auth_time": i.session.auth_time,
        "exp": i.now + i.lifetime,
        "iat": i.now,
        "jti": uuid::Uuid::new_v4().to_string(),
        "username": username(i.user),
    });
    if let Some(object) = claims.as_object_mut() {
        insert_groups(object, i.groups, false);
    }
    claims
}

/// Claims of a `client_credentials` access token: the client acts for itself, so `sub` is the
/// client id and no user or session is named (RFC 6749 §4.4).
pub fn client_access_token(
    issuer: &str,
    client_id: &str,
    scope: &str,
    now: Timestamp,
    lifetime: i64,
) -> Value {
    json!({
        "sub": client_id,
        "iss": issuer,
        "client_id": client_id,
        "token_use": "access",
        "scope": scope,
        "auth_time": now,
        "exp": now + lifetime,
        "iat": now,
        "jti": uuid::Uuid::new_v4().to_string(),
        "version": 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ClientId, PoolId, UserId};
    use crate::model::UserStatus;
    use std::collections::BTreeMap;

    fn fixture() -> (User, Session) {
        let pool_id = PoolId::new("local_abcdefghi");
        let user = User {
            pool_id: pool_id.clone(),
            id: UserId::generate(),
            email: "alice@example.com".into(),
            email_verified: true,
            status: UserStatus::Confirmed,
            enabled: true,
            salt_hex: "00".into(),
            sealed_verifier: vec![],
            attributes: BTreeMap::from([
                ("name".into(), "Alice".into()),
                ("sub".into(), "forged".into()),
            ]),
            pending_email: None,
            password_expires_at: None,
            created_at: 1,
            updated_at: 1,
        };
        let session = Session {
            id: crate::ids::SessionId::generate(),
            pool_id,
            client_id: ClientId::new("c1"),
            user_id: user.id,
            refresh_hash: vec![],
            auth_time: 100,
            expires_at: 1000,
            revoked_at: None,
            scope: None,
        };
        (user, session)
    }

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    }

    #[test]
    fn id_token_has_exactly_the_spec_claims() {
        let (user, session) = fixture();
        let i = Issuance {
            issuer: "http://x/local_abcdefghi",
            user: &user,
            session: &session,
            now: 200,
            lifetime: 3600,
            event_id: uuid::Uuid::new_v4(),
            nonce: None,
            groups: &[],
        };
        let c = id_token(&i);
        assert_eq!(
            keys(&c),
            [
                "aud",
                "auth_time",
                "cognito:username",
                "email",
                "email_verified",
                "event_id",
                "exp",
                "iat",
                "iss",
                "jti",
                "name",
                "origin_jti",
                "sub",
                "token_use"
            ]
        );
        assert_eq!(
            c["sub"],
            json!(user.id.to_string()),
            "attributes never override standard claims"
        );
        assert_eq!(c["aud"], json!("c1"));
        assert_eq!(c["exp"], json!(3800));
        assert_eq!(c["auth_time"], json!(100));
        assert_eq!(c["email_verified"], json!(true));
    }

    #[test]
    fn groups_are_named_in_both_tokens_and_roles_in_the_id_token() {
        let (user, session) = fixture();
        let group = |name: &str, precedence: Option<i64>, role: Option<&str>| Group {
            pool_id: user.pool_id.clone(),
            name: name.into(),
            description: None,
            precedence,
            role_arn: role.map(str::to_owned),
            created_at: 0,
            updated_at: 0,
        };
        let groups = [
            group("admins", Some(0), None),
            group("editors", Some(2), Some("arn:aws:iam::1:role/editor")),
            group("readers", None, Some("arn:aws:iam::1:role/reader")),
        ];
        let i = Issuance {
            issuer: "http://x/local_abcdefghi",
            user: &user,
            session: &session,
            now: 200,
            lifetime: 60,
            event_id: uuid::Uuid::new_v4(),
            nonce: None,
            groups: &groups,
        };
        let id = id_token(&i);
        assert_eq!(
            id["cognito:groups"],
            json!(["admins", "editors", "readers"])
        );
        assert_eq!(
            id["cognito:roles"],
            json!(["arn:aws:iam::1:role/editor", "arn:aws:iam::1:role/reader"])
        );
        assert_eq!(
            id["cognito:preferred_role"],
            json!("arn:aws:iam::1:role/editor")
        );
        let access = access_token(&i);
        assert_eq!(
            access["cognito:groups"],
            json!(["admins", "editors", "readers"])
        );
        assert!(access.get("cognito:roles").is_none());
        // Only a group with a precedence decides the preferred role.
        let unranked = [group("readers", None, Some("arn:aws:iam::1:role/reader"))];
        let i = Issuance {
            groups: &unranked,
            ..i
        };
        assert!(id_token(&i).get("cognito:preferred_role").is_none());
    }

    #[test]
    fn access_token_has_no_audience() {
        let (user, session) = fixture();
        let i = Issuance {
            issuer: "http://x/local_abcdefghi",
            user: &user,
            session: &session,
            now: 200,
            lifetime: 60,
            event_id: uuid::Uuid::new_v4(),
            nonce: None,
            groups: &[],
        };
        let c = access_token(&i);
        assert_eq!(
            keys(&c),
            [
                "auth_time",
                "client_id",
                "event_id",
                "exp",
                "iat",
                "iss",
                "jti",
                "origin_jti",
                "scope",
                "sub",
                "token_use",
                "username"
            ]
        );
        assert_eq!(c["token_use"], json!("access"));
        assert_eq!(c["scope"], json!(USER_ADMIN_SCOPE));
        assert_eq!(c["origin_jti"], json!(session.id.to_string()));
    }
}
