//! What a signed-in user does with their own account (access-token calls,
//! docs/cognito-protocol.md §5.1): ChangePassword, UpdateUserAttributes,
//! GetUserAttributeVerificationCode, VerifyUserAttribute, DeleteUser.

use super::CodeDelivery;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::mail::mask_email;
use crate::model::{CodePurpose, User};
use crate::policy::normalize_email;
use crate::schema::AttributeWrite;
use crate::service::Service;
use crate::store::StoreError;

impl Service {
    /// ChangePassword: the previous password must be right; sessions stay (as in Cognito).
    pub async fn change_password(
        &self,
        access_token: &str,
        previous: &str,
        proposed: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (_, user) = self.access_token_user(access_token).await?;
        let app = self.app_of_pool(&user.pool_id).await?;
        // Guessing the previous password with a stolen access token counts like sign-ins.
        let streak = self
            .reserve_attempt(&user.pool_id, super::lockout::subject(&user.id.to_string()))
            .await
            .map_err(|e| match e {
                Error::PasswordAttemptsExceeded => Error::AttemptLimitExceeded,
                other => other,
            })?;
        if !self.password_matches(&user, previous).await? {
            self.record_failure(streak);
            return Err(Error::IncorrectCredentials);
        }
        self.clear_failures(streak).await?;
        app.settings.password_policy.check(proposed)?;
        let status = user.status;
        let user = self.set_password(user, proposed, status, None).await?;
        self.record_user_event(&user, EventKind::PasswordChanged, None, caller);
        Ok(())
    }

    /// UpdateUserAttributes. A new email is kept pending (the old one stays active) until it
    /// is verified with the mailed code; other attributes change at once (empty = delete).
    /// Returns where a code went, if one did.
    pub async fn update_user_attributes(
        &self,
        access_token: &str,
        attributes: &[(String, String)],
        caller: &Caller,
    ) -> Result<Option<CodeDelivery>> {
        let (token, mut user) = self.access_token_user(access_token).await?;
        let app = self.app_for_client(&token.client_id).await?;
        let schema = &app.settings.custom_attributes;
        let mut new_email = None;
        let mut email_unchanged = false;
        for (name, value) in attributes {
            match name.as_str() {
                "email" => {
                    let email = normalize_email(value).map_err(|_| {
                        Error::InvalidParameter("Invalid email address format.".into())
                    })?;
                    if email == user.email {
                        email_unchanged = true;
                    } else {
                        new_email = Some(email);
                    }
                }
                "email_verified" | "sub" => {
                    return Err(Error::InvalidParameter(format!(
                        "Cannot modify the non-mutable attribute {name}"
                    )));
                }
                _ => schema.check(name, value, AttributeWrite::Change)?,
            }
        }
        for (name, value) in attributes {
            if name == "email" {
                continue;
            }
            if value.is_empty() {
                user.attributes.remove(name);
            } else {
                user.attributes.insert(name.clone(), value.clone());
            }
        }
        if let Some(email) = &new_email
            && self
                .store
                .get_user_by_email(&user.pool_id, email)
                .await?
                .is_some()
        {
            return Err(Error::AliasExists);
        }
        if let Some(email) = &new_email {
            user.pending_email = Some(email.clone());
        } else if email_unchanged {
            // Setting the current address again withdraws a pending change.
            user.pending_email = None;
        }
        user.updated_at = self.clock.now();
        self.store.update_user(&user).await?;
        if !attributes.is_empty() {
            // The names only: values are the user's data, not the log's.
            let names: Vec<&str> = attributes.iter().map(|(name, _)| name.as_str()).collect();
            let event = NewEvent::new(
                user.pool_id.clone(),
                user.updated_at,
                EventKind::AttributesChanged,
            )
            .about(Some(user.id), Some(&user.email))
            .with("names", &names.join(" "))
            .by(caller);
            self.events.record(event);
        }
        match new_email {
            Some(_) => {
                let app = self.app_of_pool(&user.pool_id).await?;
                let to = self
                    .send_code(&app, &user, CodePurpose::VerifyEmail)
                    .await?;
                Ok(Some(CodeDelivery {
                    destination: mask_email(&to),
                }))
            }
            None => Ok(None),
        }
    }

    /// GetUserAttributeVerificationCode for `email`: to the pending address if there is one.
    pub async fn get_user_attribute_verification_code(
        &self,
        access_token: &str,
        attribute: &str,
    ) -> Result<CodeDelivery> {
        let (_, user) = self.access_token_user(access_token).await?;
        check_verifiable(attribute)?;
        let app = self.app_of_pool(&user.pool_id).await?;
        let to = self
            .send_code(&app, &user, CodePurpose::VerifyEmail)
            .await?;
        Ok(CodeDelivery {
            destination: mask_email(&to),
        })
    }

    /// VerifyUserAttribute for `email`: the pending address becomes the email, verified.
    pub async fn verify_user_attribute(
        &self,
        access_token: &str,
        attribute: &str,
        code: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (_, mut user) = self.access_token_user(access_token).await?;
        check_verifiable(attribute)?;
        self.redeem_code(&user, CodePurpose::VerifyEmail, code)
            .await?;
        let previous = user
            .pending_email
            .take()
            .map(|pending| std::mem::replace(&mut user.email, pending));
        user.email_verified = true;
        user.updated_at = self.clock.now();
        match self.store.update_user(&user).await {
            Err(StoreError::Conflict(_)) => return Err(Error::AliasExists),
            other => other?,
        }
        if let Some(previous) = previous {
            let event = NewEvent::new(
                user.pool_id.clone(),
                user.updated_at,
                EventKind::EmailChanged,
            )
            .about(Some(user.id), Some(&user.email))
            .with("previous", &previous)
            .by(caller);
            self.events.record(event);
        }
        Ok(())
    }

    /// DeleteUser: the account, its sessions and codes are gone.
    pub async fn delete_user(&self, access_token: &str) -> Result<()> {
        let (_, user) = self.access_token_user(access_token).await?;
        self.remove_user(&user).await
    }

    /// Deletes a user and everything of theirs.
    pub(crate) async fn remove_user(&self, user: &User) -> Result<()> {
        self.store
            .delete_user(&user.pool_id, user.id, self.clock.now())
            .await?;
        tracing::info!(pool_id = %user.pool_id, user_id = %user.id, "user deleted");
        Ok(())
    }
}

fn check_verifiable(attribute: &str) -> Result<()> {
    if attribute == "email" {
        Ok(())
    } else {
        Err(Error::InvalidParameter(format!(
            "Invalid attribute name: {}",
            attribute.chars().take(64).collect::<String>()
        )))
    }
}
