//! AdminCreateUser, AdminGetUser, AdminDeleteUser, AdminDisableUser / AdminEnableUser,
//! AdminSetUserPassword, AdminResetUserPassword, AdminUserGlobalSignOut, ListUsers.

use super::filter::parse_filter;
use super::page_token;
use crate::apps::Actor;
use crate::auth::UserView;
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::events::Caller;
use crate::ids::{PoolId, UserId};
use crate::model::{CodePurpose, User, UserStatus};
use crate::policy::{PasswordPolicy, normalize_email};
use crate::schema::AttributeWrite;
use crate::service::Service;
use crate::store::StoreError;
use std::collections::BTreeMap;

/// Most users one ListUsers page returns (Cognito's limit).
const MAX_PAGE: i64 = 60;

/// What AdminCreateUser needs (no `Debug`: it carries a temporary password).
#[derive(Clone, Default)]
pub struct NewUser {
    /// The email to sign in with.
    pub username: String,
    /// Attributes; `email_verified` may be set to "true" by an administrator.
    pub attributes: Vec<(String, String)>,
    /// The temporary password; generated when absent.
    pub temporary_password: Option<String>,
    /// `RESEND` (new temporary password for an invited user) or `SUPPRESS` (no mail).
    pub message_action: Option<String>,
}

/// A random temporary password that satisfies `policy`.
fn temporary_password(policy: &PasswordPolicy) -> String {
    use auth_return_crypto::random;
    let len = policy.min_length.max(12);
    let pick = |set: &str| {
        let chars: Vec<char> = set.chars().collect();
        let index: usize = random::digits(4).parse::<usize>().unwrap_or(0) % chars.len();
        chars[index]
    };
    let mut password = random::alphanumeric(len - 4);
    password.push(pick("ABCDEFGHJKLMNPQRSTUVWXYZ"));
    password.push(pick("abcdefghijkmnopqrstuvwxyz"));
    password.push(pick("23456789"));
    password.push(pick("!#%+-=?@^_"));
    password
}

impl Service {
    /// AdminCreateUser: a user in `FORCE_CHANGE_PASSWORD` with a temporary password that
    /// expires, invited by mail unless `SUPPRESS`. `RESEND` re-invites an invited user.
    pub async fn admin_create_user(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        new: NewUser,
        caller: &Caller,
    ) -> Result<UserView> {
        let app = self.admin_app(actor, pool_id).await?;
        let email = normalize_email(&new.username)?;
        let action = new.message_action.as_deref();
        if !matches!(action, None | Some("RESEND") | Some("SUPPRESS")) {
            return Err(Error::Validation(Violation::new(
                Field::MessageAction,
                Constraint::OneOf(&["RESEND", "SUPPRESS"]),
            )));
        }
        let policy = &app.settings.password_policy;
        let password = match &new.temporary_password {
            Some(p) => {
                policy.check(p)?;
                p.clone()
            }
            None => temporary_password(policy),
        };
        let sends_mail = action != Some("SUPPRESS");
        let existing = self.store.get_user_by_email(&app.pool_id, &email).await?;
        let now = self.clock.now();
        let expires = Some(now + self.config.temporary_password_ttl_secs);
        let user = match (existing, action) {
            (Some(user), Some("RESEND")) => {
                if user.status != UserStatus::ForceChangePassword {
                    return Err(Error::UnsupportedUserState(
                        "User is not in FORCE_CHANGE_PASSWORD state.",
                    ));
                }
                self.reserve_invitation(actor).await?;
                self.set_password(user, &password, UserStatus::ForceChangePassword, expires)
                    .await?
            }
            (Some(_), _) => return Err(Error::UserAccountExists),
            (None, Some("RESEND")) => return Err(Error::UserNotFound),
            (None, _) => {
                let mut attributes = BTreeMap::new();
                let mut email_verified = false;
                for (name, value) in &new.attributes {
                    match name.as_str() {
                        "email" if value.trim().eq_ignore_ascii_case(&email) => {}
                        "email" => {
                            return Err(Error::InvalidParameter(
                                "The email attribute must match the username.".into(),
                            ));
                        }
                        "email_verified" => email_verified = value == "true",
                        _ => {
                            app.settings.custom_attributes.check(
                                name,
                                value,
                                AttributeWrite::Creation,
                            )?;
                            if !value.is_empty() {
                                attributes.insert(name.clone(), value.clone());
                            }
                        }
                    }
                }
                if sends_mail {
                    self.reserve_invitation(actor).await?;
                }
                let id = UserId::generate();
                let (salt_hex, sealed_verifier) =
                    self.new_verifier(&app.pool_id, id, &password).await?;
                let user = User {
                    pool_id: app.pool_id.clone(),
                    id,
                    email: email.clone(),
                    email_verified,
                    status: UserStatus::ForceChangePassword,
                    enabled: true,
                    salt_hex,
                    sealed_verifier,
                    attributes,
                    pending_email: None,
                    password_expires_at: expires,
                    created_at: now,
                    updated_at: now,
                };
                match self.store.insert_user(&user).await {
                    Err(StoreError::Conflict(_)) => return Err(Error::UserAccountExists),
                    other => other?,
                }
                user
            }
        };
        if sends_mail {
            let days = self.config.temporary_password_ttl_secs / 86_400;
            let message = crate::auth::messages::invitation(
                &app,
                &self.config.mail_from_name,
                &user.email,
                &user.email,
                &password,
                days,
            );
            if let Err(e) = self.deliver(&message).await {
                if new.message_action.is_none() {
                    // No half-made user: nobody could ever learn the temporary password.
                    self.store
                        .delete_user(&app.pool_id, user.id, self.clock.now())
                        .await?;
                }
                return Err(e);
            }
        }
        tracing::info!(pool_id = %app.pool_id, user_id = %user.id, "user created by administrator");
        let done = if action == Some("RESEND") {
            "resend_invitation"
        } else {
            "create_user"
        };
        self.record_admin_action(&user, done, actor, caller);
        Ok(UserView::of(&user))
    }

    /// Counts one invitation or reset mail against a developer's daily allowance (the
    /// operator's are not counted) before anything is stored or sent, in the database, so the
    /// allowance holds across instances and bursts. A mail whose delivery then fails still
    /// counts: what is limited is what a developer makes us try to send.
    async fn reserve_invitation(&self, actor: Actor) -> Result<()> {
        const DAY: i64 = 86_400;
        let Actor::Developer(developer) = actor else {
            return Ok(());
        };
        let limit = self.config.invitations_per_day;
        if limit == 0 {
            return Ok(());
        }
        let window_ends_at = (self.clock.now().div_euclid(DAY) + 1) * DAY;
        let subject = format!("invitations:{developer}");
        if self
            .store
            .reserve_mail_quota(&subject, window_ends_at, i64::from(limit))
            .await?
        {
            Ok(())
        } else {
            tracing::warn!(%developer, limit, "daily invitation limit reached");
            Err(Error::InvitationLimitExceeded(limit))
        }
    }

    /// AdminGetUser.
    pub async fn admin_get_user(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
    ) -> Result<UserView> {
        let (_, user) = self.admin_target(actor, pool_id, username).await?;
        self.user_view_with_mfa(&user).await
    }

    /// AdminDeleteUser.
    pub async fn admin_delete_user(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (_, user) = self.admin_target(actor, pool_id, username).await?;
        self.remove_user(&user).await?;
        self.record_admin_action(&user, "delete_user", actor, caller);
        Ok(())
    }

    /// AdminDisableUser (also revokes every session, as Cognito does) / AdminEnableUser.
    pub async fn admin_set_user_enabled(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        enabled: bool,
        caller: &Caller,
    ) -> Result<()> {
        let (_, mut user) = self.admin_target(actor, pool_id, username).await?;
        let now = self.clock.now();
        user.enabled = enabled;
        user.updated_at = now;
        self.store.update_user(&user).await?;
        if !enabled {
            self.store
                .revoke_user_sessions(&user.pool_id, user.id, now)
                .await?;
            self.store
                .delete_user_hosted_sessions(&user.pool_id, user.id)
                .await?;
        }
        tracing::info!(pool_id = %user.pool_id, user_id = %user.id, enabled, "user enabled flag set");
        let done = if enabled {
            "enable_user"
        } else {
            "disable_user"
        };
        self.record_admin_action(&user, done, actor, caller);
        Ok(())
    }

    /// AdminSetUserPassword: permanent (CONFIRMED) or temporary (FORCE_CHANGE_PASSWORD, expiring).
    pub async fn admin_set_user_password(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        password: &str,
        permanent: bool,
        caller: &Caller,
    ) -> Result<()> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        app.settings.password_policy.check(password)?;
        let (status, expires) = if permanent {
            (UserStatus::Confirmed, None)
        } else {
            (
                UserStatus::ForceChangePassword,
                Some(self.clock.now() + self.config.temporary_password_ttl_secs),
            )
        };
        let user = self.set_password(user, password, status, expires).await?;
        let done = if permanent {
            "set_password"
        } else {
            "set_temporary_password"
        };
        self.record_admin_action(&user, done, actor, caller);
        Ok(())
    }

    /// AdminResetUserPassword: the password stops working (`RESET_REQUIRED`) and, when the
    /// email is verified, a reset code is mailed for ConfirmForgotPassword.
    pub async fn admin_reset_user_password(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (app, mut user) = self.admin_target(actor, pool_id, username).await?;
        if user.status == UserStatus::Unconfirmed {
            return Err(Error::NotAuthorizedState(
                "User password cannot be reset in the current state.",
            ));
        }
        if user.email_verified {
            self.reserve_invitation(actor).await?;
        }
        user.status = UserStatus::ResetRequired;
        user.updated_at = self.clock.now();
        self.store.update_user(&user).await?;
        self.record_admin_action(&user, "reset_password", actor, caller);
        if user.email_verified {
            self.send_code(&app, &user, CodePurpose::ForgotPassword)
                .await?;
        }
        Ok(())
    }

    /// AdminUserGlobalSignOut.
    pub async fn admin_user_global_sign_out(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (_, user) = self.admin_target(actor, pool_id, username).await?;
        self.store
            .revoke_user_sessions(&user.pool_id, user.id, self.clock.now())
            .await?;
        self.store
            .delete_user_hosted_sessions(&user.pool_id, user.id)
            .await?;
        self.revoke_user_api_keys(&user.pool_id, user.id).await?;
        self.record_admin_action(&user, "global_sign_out", actor, caller);
        Ok(())
    }

    /// ListUsers: one page of a pool's users (filter syntax of docs/cognito-protocol.md §5.2) and
    /// the token of the next page, if there may be one.
    pub async fn list_users(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        filter: Option<&str>,
        limit: Option<i64>,
        pagination_token: Option<&str>,
    ) -> Result<(Vec<UserView>, Option<String>)> {
        let app = self.admin_app(actor, pool_id).await?;
        let limit = limit.unwrap_or(MAX_PAGE);
        if !(0..=MAX_PAGE).contains(&limit) {
            return Err(Error::Validation(Violation::new(
                Field::Limit,
                Constraint::AtMost(MAX_PAGE),
            )));
        }
        let filter = filter.map(parse_filter).transpose()?.flatten();
        let after = pagination_token
            .map(|token| page_token::decode(filter.as_ref(), token))
            .transpose()?;
        // `limit` is at most 60; fetch one more to learn whether another page exists.
        let want = usize::try_from(limit).unwrap_or(0);
        let mut users = self
            .store
            .list_users(&app.pool_id, filter.as_ref(), after.as_ref(), want + 1)
            .await?;
        let next = if users.len() > want {
            users.truncate(want);
            users
                .last()
                .map(|last| page_token::encode(filter.as_ref(), last))
        } else {
            None
        };
        Ok((users.iter().map(UserView::of).collect(), next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_temporary_passwords_satisfy_the_policy() {
        let strict = PasswordPolicy {
            min_length: 20,
            ..PasswordPolicy::default()
        };
        for policy in [PasswordPolicy::default(), strict] {
            for _ in 0..50 {
                let password = temporary_password(&policy);
                assert!(policy.check(&password).is_ok(), "{password}");
            }
        }
        assert_ne!(
            temporary_password(&PasswordPolicy::default()),
            temporary_password(&PasswordPolicy::default())
        );
    }
}
