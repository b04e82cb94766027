//! The developer's linking of identities (Cognito's AdminLinkProviderForUser and
//! AdminDisableProviderForUser): a user of the pool's own signs in through a provider's identity
//! too, or an identity stops signing in.

use super::identity::{IDENTITIES, federated_username};
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::Caller;
use crate::ids::PoolId;
use crate::service::Service;
use serde_json::Value;

/// The only source attribute this service links by: the provider's `sub`.
pub const SUBJECT_ATTRIBUTE: &str = "Cognito_Subject";

/// Checks a `ProviderAttributeName` and value.
fn check_subject(attribute: &str, subject: &str) -> Result<()> {
    if attribute != SUBJECT_ATTRIBUTE {
        return Err(Error::InvalidParameter(format!(
            "ProviderAttributeName must be {SUBJECT_ATTRIBUTE}."
        )));
    }
    if subject.is_empty() || subject.chars().count() > 255 {
        return Err(Error::InvalidParameter(
            "ProviderAttributeValue must be 1 to 255 characters.".into(),
        ));
    }
    Ok(())
}

impl Service {
    /// AdminLinkProviderForUser: `destination`, a user of the pool's own (by email or `sub`),
    /// signs in through the identity `subject` of the provider `provider_name` too. Linking
    /// the same again changes nothing; an identity linked to another user is refused.
    #[allow(clippy::too_many_arguments)]
    pub async fn link_provider_for_user(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        destination: &str,
        provider_name: &str,
        attribute: &str,
        subject: &str,
        caller: &Caller,
    ) -> Result<()> {
        check_subject(attribute, subject)?;
        let (app, user) = self.admin_target(actor, pool_id, destination).await?;
        if federated_username(&user).is_some() {
            return Err(Error::InvalidParameter(
                "DestinationUser must be a user of the pool's own, not one a provider's sign-in made."
                    .into(),
            ));
        }
        let provider = self
            .store
            .get_identity_provider(&app.pool_id, provider_name)
            .await?
            .ok_or_else(|| {
                Error::IdentityProviderNotFound(provider_name.chars().take(32).collect())
            })?;
        match self
            .store
            .identity_user(&app.pool_id, &provider.name, subject)
            .await?
        {
            Some(linked) if linked == user.id => return Ok(()),
            Some(_) => {
                return Err(Error::InvalidParameter(
                    "Merging is not currently supported, provide a SourceUser that has not been merged previously."
                        .into(),
                ));
            }
            None => {}
        }
        let user = self
            .link_to_user(user, &provider, subject, self.clock.now())
            .await?;
        self.record_admin_action(&user, "link_provider", actor, caller);
        Ok(())
    }

    /// AdminDisableProviderForUser: the identity `subject` of the provider `provider_name` no
    /// longer signs in. A user of the pool's own it was linked to keeps its password and loses
    /// the link; a user that identity's sign-in made is disabled (its sessions ended), as
    /// Cognito does.
    pub async fn disable_provider_for_user(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        provider_name: &str,
        attribute: &str,
        subject: &str,
        caller: &Caller,
    ) -> Result<()> {
        check_subject(attribute, subject)?;
        let app = self.admin_app(actor, pool_id).await?;
        let user_id = self
            .store
            .identity_user(&app.pool_id, provider_name, subject)
            .await?
            .ok_or(Error::UserNotFound)?;
        let mut user = self
            .store
            .get_user(&app.pool_id, user_id)
            .await?
            .ok_or(Error::UserNotFound)?;
        let now = self.clock.now();
        let made_by_it = federated_username(&user)
            .is_some_and(|name| name == format!("{provider_name}_{subject}"));
        self.store
            .unlink_identity(&app.pool_id, provider_name, subject)
            .await?;
        if made_by_it {
            user.enabled = false;
            self.store
                .revoke_user_sessions(&user.pool_id, user.id, now)
                .await?;
            self.store
                .delete_user_hosted_sessions(&user.pool_id, user.id)
                .await?;
        } else {
            let identities: Vec<Value> = user
                .attributes
                .get(IDENTITIES)
                .and_then(|text| serde_json::from_str::<Vec<Value>>(text).ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|entry| {
                    entry.get("providerName").and_then(Value::as_str) != Some(provider_name)
                        || entry.get("userId").and_then(Value::as_str) != Some(subject)
                })
                .collect();
            if identities.is_empty() {
                user.attributes.remove(IDENTITIES);
            } else {
                user.attributes
                    .insert(IDENTITIES.into(), Value::Array(identities).to_string());
            }
        }
        user.updated_at = now;
        self.store.update_user(&user).await?;
        self.record_admin_action(&user, "disable_provider", actor, caller);
        Ok(())
    }
}
