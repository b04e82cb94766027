//! The pool user of a provider's identity: found by the link made at its first sign-in, or
//! made then, with the provider's claims mapped onto attributes and the `identities`
//! attribute written as Cognito writes it. An identity whose email a user of the pool has
//! already is never joined to that user here: linking is the developer's call.

use super::IdentityProvider;
use super::upstream::Failure;
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::UserId;
use crate::model::{App, User, UserStatus};
use crate::schema::AttributeWrite;
use crate::service::Service;
use crate::store::StoreError;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The `identities` attribute of a user made by a provider's sign-in.
pub const IDENTITIES: &str = "identities";

/// A claim's value as an attribute's text: strings as they are, booleans and numbers written
/// out; anything else is not mapped.
fn claim_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Whether the provider vouches for the email (`email_verified`, a boolean or Apple's
/// `"true"`).
fn email_verified(claims: &Map<String, Value>) -> bool {
    matches!(claims.get("email_verified"), Some(Value::Bool(true)))
        || claims.get("email_verified").and_then(Value::as_str) == Some("true")
}

/// The `cognito:username` of a user a provider's sign-in made (`<provider>_<sub>`, from its
/// primary identity), `None` for the pool's own users.
pub fn federated_username(user: &User) -> Option<String> {
    let identities: Value = serde_json::from_str(user.attributes.get(IDENTITIES)?).ok()?;
    identities.as_array()?.iter().find_map(|identity| {
        if identity.get("primary").and_then(Value::as_str) != Some("true") {
            return None;
        }
        let provider = identity.get("providerName")?.as_str()?;
        let sub = identity.get("userId")?.as_str()?;
        Some(format!("{provider}_{sub}"))
    })
}

/// One entry of the `identities` attribute, as Cognito writes it (its flags and time as text).
fn identity_entry(provider: &IdentityProvider, sub: &str, primary: bool, now: i64) -> Value {
    json!({
        "userId": sub,
        "providerName": provider.name,
        "providerType": provider.provider_type.as_str(),
        "issuer": null,
        "primary": primary.to_string(),
        "dateCreated": (now * 1000).to_string(),
    })
}

impl Service {
    /// The user the identity (`provider`, `sub`) is linked to, if it is and the user exists.
    pub(crate) async fn linked_user(
        &self,
        pool_id: &crate::ids::PoolId,
        provider: &str,
        sub: &str,
    ) -> crate::store::StoreResult<Option<User>> {
        match self.store.identity_user(pool_id, provider, sub).await? {
            Some(id) => self.store.get_user(pool_id, id).await,
            None => Ok(None),
        }
    }

    /// Links the identity (`provider`, `sub`) to `user`, the pool's own user, and adds it to
    /// the user's `identities`: the user keeps its name, and signs in through the provider too.
    pub(crate) async fn link_to_user(
        &self,
        mut user: User,
        provider: &IdentityProvider,
        sub: &str,
        now: i64,
    ) -> crate::error::Result<User> {
        match self
            .store
            .link_identity(&user.pool_id, &provider.name, sub, user.id, now)
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(crate::error::Error::InvalidParameter(
                    "The identity is linked to a user of the pool already.".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let mut identities: Vec<Value> = user
            .attributes
            .get(IDENTITIES)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        identities.push(identity_entry(provider, sub, false, now));
        user.attributes
            .insert(IDENTITIES.into(), Value::Array(identities).to_string());
        user.updated_at = now;
        self.store.update_user(&user).await?;
        tracing::info!(pool_id = %user.pool_id, user_id = %user.id, provider = %provider.name, "identity linked");
        Ok(user)
    }

    /// The user of the identity `claims` describe: the one linked to it, or a new one.
    pub(crate) async fn federated_user(
        &self,
        app: &App,
        provider: &IdentityProvider,
        claims: &Map<String, Value>,
        caller: &Caller,
    ) -> Result<User, Failure> {
        let name = provider.name.as_str();
        let backend = |e: StoreError| Failure::unavailable(e);
        let sub = claims
            .get("sub")
            .and_then(Value::as_str)
            .ok_or_else(|| Failure::new("The provider named no user.", "no sub"))?;
        if let Some(user) = self
            .linked_user(&app.pool_id, name, sub)
            .await
            .map_err(backend)?
        {
            return Ok(user);
        }
        let mut attributes = BTreeMap::new();
        for (attribute, claim) in &provider.attribute_mapping {
            if attribute == "username" {
                continue;
            }
            let Some(value) = claims.get(claim).and_then(claim_text) else {
                continue;
            };
            if attribute == "email"
                || app
                    .settings
                    .custom_attributes
                    .check(attribute, &value, AttributeWrite::Creation)
                    .is_ok()
            {
                attributes.insert(attribute.clone(), value);
            } else {
                tracing::warn!(
                    provider = name,
                    attribute,
                    "a mapped claim's value is not valid for the attribute: left out"
                );
            }
        }
        let email = attributes
            .remove("email")
            .or_else(|| claims.get("email").and_then(Value::as_str).map(str::to_owned))
            .map(|email| email.trim().to_lowercase())
            .filter(|email| email.contains('@') && email.len() <= 256)
            .ok_or_else(|| {
                Failure::new(
                    format!("{name} did not share your email address, which this app needs to sign you in."),
                    "no email claim",
                )
            })?;
        let taken = || {
            Failure::new(
                "An account with your email address exists already. Sign in with your password instead.",
                "the email belongs to a user of the pool; not linked",
            )
        };
        let now = self.clock.now();
        if let Some(existing) = self
            .store
            .get_user_by_email(&app.pool_id, &email)
            .await
            .map_err(backend)?
        {
            // Joined only when both sides vouch for the address (see `link_identities_by_email`).
            let joinable = app.settings.link_identities_by_email
                && email_verified(claims)
                && existing.email_verified
                && existing.status == UserStatus::Confirmed;
            if !joinable {
                return Err(taken());
            }
            let linked = self
                .link_to_user(existing, provider, sub, now)
                .await
                .map_err(Failure::unavailable)?;
            let event = NewEvent::new(app.pool_id.clone(), now, EventKind::SignIn)
                .about(Some(linked.id), Some(&linked.email))
                .with("provider", name)
                .with("linked_by", "email")
                .by(caller);
            self.events.record(event);
            return Ok(linked);
        }
        // The app's pre sign-up hook judges these sign-ups too (Cognito's
        // PreSignUp_ExternalProvider), told the provider.
        let context = crate::auth::SignUpContext {
            provider: Some(name.to_owned()),
            ..Default::default()
        };
        match self.pre_sign_up(app, &email, &attributes, &context).await {
            Ok(_) => {}
            Err(crate::error::Error::HookDenied { message, .. }) => {
                return Err(Failure::new(
                    format!("Your account could not be made: {message}"),
                    "the pre sign-up hook refused",
                ));
            }
            Err(e) => {
                return Err(Failure::new(
                    "Your account could not be made. Please try again later.",
                    e.to_string(),
                ));
            }
        }
        let identity = Value::Array(vec![identity_entry(provider, sub, true, now)]);
        attributes.insert(IDENTITIES.into(), identity.to_string());
        let id = UserId::generate();
        // No password signs in as this user: the verifier is of a random one nobody holds.
        let unusable = auth_return_crypto::random::token_urlsafe(32);
        let (salt_hex, sealed_verifier) = self
            .new_verifier(&app.pool_id, id, &unusable)
            .await
            .map_err(Failure::unavailable)?;
        let user = User {
            pool_id: app.pool_id.clone(),
            id,
            email,
            email_verified: email_verified(claims),
            status: UserStatus::Confirmed,
            enabled: true,
            salt_hex,
            sealed_verifier,
            attributes,
            pending_email: None,
            password_expires_at: None,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_user(&user).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                // The same identity's first sign-in twice at once (a double click): the other
                // one made the user with this email and linked it.
                return self
                    .linked_user(&app.pool_id, name, sub)
                    .await
                    .map_err(backend)?
                    .ok_or_else(taken);
            }
            Err(e) => return Err(backend(e)),
        }
        match self
            .store
            .link_identity(&app.pool_id, name, sub, id, now)
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                // The same identity's first sign-in, twice at once: the other one made the user.
                let _ = self.store.delete_user(&app.pool_id, id, now).await;
                return self
                    .linked_user(&app.pool_id, name, sub)
                    .await
                    .map_err(backend)?
                    .ok_or_else(|| backend(StoreError::Conflict("identity raced")));
            }
            Err(e) => return Err(backend(e)),
        }
        tracing::info!(pool_id = %app.pool_id, user_id = %id, provider = name, "user made by a federated sign-in");
        let event = NewEvent::new(app.pool_id.clone(), now, EventKind::SignUp)
            .about(Some(id), Some(&user.email))
            .with("provider", name)
            .by(caller);
        self.events.record(event);
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_federated_user_is_named_after_its_primary_identity() {
        let mut user = crate::model::User {
            pool_id: crate::ids::PoolId::new("local_x"),
            id: UserId::generate(),
            email: "a@example.com".into(),
            email_verified: true,
            status: UserStatus::Confirmed,
            enabled: true,
            salt_hex: String::new(),
            sealed_verifier: vec![],
            attributes: BTreeMap::new(),
            pending_email: None,
            password_expires_at: None,
            created_at: 0,
            updated_at: 0,
        };
        assert_eq!(federated_username(&user), None);
        user.attributes.insert(
            IDENTITIES.into(),
            r#"[{"userId":"123","providerName":"Okta","primary":"true"}]"#.into(),
        );
        assert_eq!(federated_username(&user).as_deref(), Some("Okta_123"));
        user.attributes.insert(
            IDENTITIES.into(),
            r#"[{"userId":"1","providerName":"X","primary":"false"}]"#.into(),
        );
        assert_eq!(federated_username(&user), None);
    }

    #[test]
    fn apple_says_true_as_a_string() {
        let claims = |v: Value| {
            let mut map = Map::new();
            map.insert("email_verified".into(), v);
            map
        };
        assert!(email_verified(&claims(json!(true))));
        assert!(email_verified(&claims(json!("true"))));
        assert!(!email_verified(&claims(json!(false))));
        assert!(!email_verified(&claims(json!("false"))));
        assert!(!email_verified(&Map::new()));
    }
}
