//! SignUp, ConfirmSignUp, ResendConfirmationCode and AdminConfirmSignUp
//! (docs/cognito-protocol.md §5.1).

use super::{CodeDelivery, find_user};
use crate::apps::Actor;
use crate::config::ConsoleSignup;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind};
use crate::ids::{ClientId, PoolId, UserId};
use crate::mail::mask_email;
use crate::model::{App, CodePurpose, User, UserStatus};
use crate::policy::normalize_email;
use crate::schema::AttributeWrite;
use crate::service::Service;
use crate::store::StoreError;
use std::collections::BTreeMap;

/// What SignUp answers.
#[derive(Clone, Debug)]
pub struct SignUpOutput {
    /// The new user's `sub`.
    pub user_sub: UserId,
    /// Whether the account is confirmed already (by the app's pre sign-up hook); else the
    /// email must be confirmed with the mailed code.
    pub confirmed: bool,
    /// Where the code went (none for an account confirmed already).
    pub delivery: Option<CodeDelivery>,
}

/// What a sign-up request carries besides the credentials: the user attributes to store, and
/// for the app's pre sign-up hook alone Cognito's `ClientMetadata` and `ValidationData` (never
/// stored).
#[derive(Clone, Debug, Default)]
pub struct SignUpContext {
    /// `UserAttributes`, as given (checked here).
    pub attributes: Vec<(String, String)>,
    /// `ClientMetadata`: the client's own key-value pairs.
    pub client_metadata: BTreeMap<String, String>,
    /// `ValidationData`: name-value pairs for the hook to judge the sign-up by.
    pub validation_data: BTreeMap<String, String>,
    /// The identity provider the user signs up through (`None`: with a password).
    pub provider: Option<String>,
}

impl Service {
    /// Registers a user in the client's pool and mails a confirmation code.
    pub async fn sign_up(
        &self,
        client_id: &ClientId,
        username: &str,
        password: &str,
        secret_hash: Option<&str>,
        context: &SignUpContext,
        caller: &Caller,
    ) -> Result<SignUpOutput> {
        let app = self.app_for_client(client_id).await?;
        self.check_secret_hash(&app, secret_hash, &[username])?;
        // Refused before anything about the name is looked at, so that a refusal never says
        // whether someone is a developer.
        let first_only = self.console_signup_rule(&app).await?;
        let email = normalize_email(username)?;
        app.settings.password_policy.check(password)?;
        let mut extra = BTreeMap::new();
        for (name, value) in &context.attributes {
            match name.as_str() {
                // The username is the email; an `email` attribute must agree with it.
                "email" if value.trim().eq_ignore_ascii_case(&email) => {}
                "email" => {
                    return Err(Error::InvalidParameter(
                        "The email attribute must match the username.".into(),
                    ));
                }
                _ => {
                    app.settings
                        .custom_attributes
                        .check(name, value, AttributeWrite::Creation)?;
                    if !value.is_empty() {
                        extra.insert(name.clone(), value.clone());
                    }
                }
            }
        }
        if let Some(existing) = self.store.get_user_by_email(&app.pool_id, &email).await? {
            return self.sign_up_taken(&app, existing, password).await;
        }
        let decision = self.pre_sign_up(&app, &email, &extra, context).await?;
        let id = UserId::generate();
        let (salt_hex, sealed_verifier) = self.new_verifier(&app.pool_id, id, password).await?;
        let now = self.clock.now();
        let user = User {
            pool_id: app.pool_id.clone(),
            id,
            email,
            email_verified: decision.auto_verify_email,
            status: if decision.auto_confirm {
                UserStatus::Confirmed
            } else {
                UserStatus::Unconfirmed
            },
            enabled: true,
            salt_hex,
            sealed_verifier,
            attributes: extra,
            pending_email: None,
            password_expires_at: None,
            created_at: now,
            updated_at: now,
        };
        let inserted = if first_only {
            self.store.insert_first_user(&user).await
        } else {
            self.store.insert_user(&user).await.map(|()| true)
        };
        match inserted {
            Ok(true) => {}
            // Someone else became the first developer meanwhile.
            Ok(false) => return Err(Error::SignUpNotPermitted),
            Err(StoreError::Conflict(_)) => {
                // Someone signed up with this email a moment ago.
                let existing = self
                    .store
                    .get_user_by_email(&app.pool_id, &user.email)
                    .await?;
                return match existing {
                    Some(existing) => self.sign_up_taken(&app, existing, password).await,
                    None => Err(Error::UsernameExists),
                };
            }
            Err(e) => return Err(e.into()),
        }
        if decision.auto_confirm {
            tracing::info!(pool_id = %app.pool_id, user_id = %user.id, "user signed up, confirmed by the pre sign-up hook");
            self.record_user_event(&user, EventKind::SignUp, None, caller);
            let mut confirmed = crate::events::NewEvent::new(
                user.pool_id.clone(),
                self.clock.now(),
                EventKind::SignUpConfirmed,
            )
            .about(Some(user.id), Some(&user.email))
            .with("by", "pre_sign_up")
            .by(caller);
            confirmed.actor = None;
            self.events.record(confirmed);
            return Ok(SignUpOutput {
                user_sub: user.id,
                confirmed: true,
                delivery: None,
            });
        }
        if let Err(e) = self.send_code(&app, &user, CodePurpose::SignUp).await {
            // No half-made user: without the code the account could never be confirmed.
            self.store
                .delete_user(&app.pool_id, user.id, self.clock.now())
                .await?;
            return Err(e);
        }
        tracing::info!(pool_id = %app.pool_id, user_id = %user.id, "user signed up");
        self.record_user_event(&user, EventKind::SignUp, None, caller);
        Ok(SignUpOutput {
            user_sub: user.id,
            confirmed: false,
            delivery: Some(CodeDelivery {
                destination: mask_email(&user.email),
            }),
        })
    }

    /// SignUp with an email that has an account: Cognito's `UsernameExistsException`, or, when
    /// the app hides existing accounts, the answer of a new sign-up — a stable id that is no
    /// user's (the name's decoy id) and the masked address — after the same verifier work. An
    /// unconfirmed account gets a fresh confirmation code (the person is probably signing up
    /// again); nothing else is stored or sent.
    async fn sign_up_taken(
        &self,
        app: &App,
        existing: User,
        password: &str,
    ) -> Result<SignUpOutput> {
        if !app.settings.hide_existing_accounts {
            return Err(Error::UsernameExists);
        }
        let decoy = self.decoy_id(&app.pool_id, &existing.email);
        self.new_verifier(&app.pool_id, existing.id, password)
            .await?;
        if existing.status == UserStatus::Unconfirmed {
            self.send_code(app, &existing, CodePurpose::SignUp).await?;
        }
        Ok(SignUpOutput {
            user_sub: UserId::parse(&decoy).ok_or_else(|| Error::Internal("decoy id".into()))?,
            confirmed: false,
            delivery: Some(CodeDelivery {
                destination: mask_email(&existing.email),
            }),
        })
    }

    /// Whether SignUp may go on in `app`, and if so whether only as the pool's first user:
    /// `--console-signup` governs the console app (whose users are the developers); every
    /// other app is open.
    async fn console_signup_rule(&self, app: &App) -> Result<bool> {
        if !app.id.is_console() {
            return Ok(false);
        }
        match self.config.console_signup {
            ConsoleSignup::Open => Ok(false),
            ConsoleSignup::Closed => Err(Error::SignUpNotPermitted),
            ConsoleSignup::Invite => {
                // A cheap early answer; the insert decides for real (insert_first_user).
                let any = self.store.list_users(&app.pool_id, None, None, 1).await?;
                if any.is_empty() {
                    Ok(true)
                } else {
                    Err(Error::SignUpNotPermitted)
                }
            }
        }
    }

    /// Confirms an account with the mailed code.
    pub async fn confirm_sign_up(
        &self,
        client_id: &ClientId,
        username: &str,
        code: &str,
        secret_hash: Option<&str>,
        caller: &Caller,
    ) -> Result<()> {
        let app = self.app_for_client(client_id).await?;
        self.check_secret_hash(&app, secret_hash, &[username])?;
        // Unknown users get the same answer as a wrong code (no account enumeration).
        let Some(user) = find_user(self, &app.pool_id, username).await? else {
            return Err(Error::CodeMismatch);
        };
        if user.status != UserStatus::Unconfirmed {
            return Err(if app.settings.hide_existing_accounts {
                Error::CodeMismatch
            } else {
                Error::CannotConfirm(user.status.as_str())
            });
        }
        self.redeem_code(&user, CodePurpose::SignUp, code).await?;
        self.mark_confirmed(user, None, caller).await
    }

    /// Mails a new confirmation code. Unknown users get a simulated delivery.
    pub async fn resend_confirmation_code(
        &self,
        client_id: &ClientId,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<CodeDelivery> {
        let app = self.app_for_client(client_id).await?;
        self.check_secret_hash(&app, secret_hash, &[username])?;
        let Some(user) = find_user(self, &app.pool_id, username).await? else {
            let destination =
                mask_email(&normalize_email(username).unwrap_or_else(|_| username.to_owned()));
            return Ok(CodeDelivery { destination });
        };
        if user.status != UserStatus::Unconfirmed {
            if app.settings.hide_existing_accounts {
                return Ok(CodeDelivery {
                    destination: mask_email(&user.email),
                });
            }
            return Err(Error::InvalidParameter("User is already confirmed.".into()));
        }
        self.send_code(&app, &user, CodePurpose::SignUp).await?;
        Ok(CodeDelivery {
            destination: mask_email(&user.email),
        })
    }

    /// Confirms a user without a code, for the developer who owns the pool.
    pub async fn admin_confirm_sign_up(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        if user.status != UserStatus::Unconfirmed {
            return Err(Error::CannotConfirm(user.status.as_str()));
        }
        self.store
            .delete_code(&app.pool_id, user.id, CodePurpose::SignUp)
            .await?;
        self.mark_confirmed(user, Some(actor), caller).await
    }

    /// Confirms `user` (by their code, or by `actor`) and records it.
    pub(crate) async fn mark_confirmed(
        &self,
        mut user: User,
        actor: Option<Actor>,
        caller: &Caller,
    ) -> Result<()> {
        user.status = UserStatus::Confirmed;
        user.email_verified = true;
        user.updated_at = self.clock.now();
        self.store.update_user(&user).await?;
        tracing::info!(pool_id = %user.pool_id, user_id = %user.id, "user confirmed");
        self.record_user_event(&user, EventKind::SignUpConfirmed, actor, caller);
        Ok(())
    }
}
