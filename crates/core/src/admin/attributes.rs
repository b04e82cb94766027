//! AdminUpdateUserAttributes and AdminDeleteUserAttributes (docs/cognito-protocol.md §5.2): a
//! developer changes a user's attributes directly, the email too (no code: the developer
//! vouches for it, and says whether it is verified).

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::Caller;
use crate::ids::PoolId;
use crate::policy::normalize_email;
use crate::schema::AttributeWrite;
use crate::service::Service;

/// Attributes nobody changes.
const IMMUTABLE: &[&str] = &["sub"];

impl Service {
    /// AdminUpdateUserAttributes: each given attribute replaces the user's. A new `email`
    /// replaces the address at once (unverified unless `email_verified` is given `true` too,
    /// and withdrawing any pending change); `email_verified` is `true` or `false`.
    pub async fn admin_update_user_attributes(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        attributes: &[(String, String)],
        caller: &Caller,
    ) -> Result<()> {
        let (app, mut user) = self.admin_target(actor, pool_id, username).await?;
        let schema = &app.settings.custom_attributes;
        let mut new_email = None;
        let mut verified = None;
        for (name, value) in attributes {
            match name.as_str() {
                "email" => {
                    let email = normalize_email(value).map_err(|_| {
                        Error::InvalidParameter("Invalid email address format.".into())
                    })?;
                    if email != user.email {
                        new_email = Some(email);
                    }
                }
                "email_verified" => {
                    verified = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(Error::InvalidParameter(
                                "email_verified must be true or false.".into(),
                            ));
                        }
                    });
                }
                name if IMMUTABLE.contains(&name) => {
                    return Err(Error::InvalidParameter(format!(
                        "Cannot modify the non-mutable attribute {name}"
                    )));
                }
                _ => schema.check(name, value, AttributeWrite::Change)?,
            }
        }
        if let Some(email) = &new_email {
            if self
                .store
                .get_user_by_email(&user.pool_id, email)
                .await?
                .is_some()
            {
                return Err(Error::AliasExists);
            }
            user.email = email.clone();
            user.email_verified = false;
            user.pending_email = None;
        }
        if let Some(verified) = verified {
            user.email_verified = verified;
        }
        for (name, value) in attributes {
            if !matches!(name.as_str(), "email" | "email_verified") {
                user.attributes.insert(name.clone(), value.clone());
            }
        }
        user.updated_at = self.clock.now();
        self.store.update_user(&user).await?;
        self.record_admin_action(&user, "update_attributes", actor, caller);
        Ok(())
    }

    /// AdminDeleteUserAttributes: the named attributes go (`email` and `sub` cannot).
    pub async fn admin_delete_user_attributes(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        names: &[String],
        caller: &Caller,
    ) -> Result<()> {
        let (app, mut user) = self.admin_target(actor, pool_id, username).await?;
        for name in names {
            if matches!(name.as_str(), "email" | "email_verified" | "sub") {
                return Err(Error::InvalidParameter(format!(
                    "Cannot delete the required attribute {name}"
                )));
            }
            app.settings
                .custom_attributes
                .check(name, "", AttributeWrite::Change)?;
        }
        for name in names {
            user.attributes.remove(name);
        }
        user.updated_at = self.clock.now();
        self.store.update_user(&user).await?;
        self.record_admin_action(&user, "delete_attributes", actor, caller);
        Ok(())
    }
}
