//! The audit events of the account flows, and of a sign-in attempt: what the attempt learnt on its way (the pool, the
//! user, the name given) is gathered in [`SignInFacts`], and the outcome becomes one event —
//! `sign_in`, or `sign_in_failed` with the reason the client is never told (docs/cognito-protocol.md
//! §7: every credential failure answers alike).

use super::AuthStep;
use super::lockout::Lock;
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{PoolId, UserId};
use crate::model::User;
use crate::policy::normalize_email;
use crate::service::Service;

/// What one sign-in attempt found out, for its event.
#[derive(Debug, Default)]
pub(crate) struct SignInFacts {
    /// The pool, once the client was found.
    pool: Option<PoolId>,
    /// The account the name belongs to, once found.
    user: Option<(UserId, String)>,
    /// The name the client gave, when it is an email.
    name: Option<String>,
    /// The lock the attempt's failure set on the name, if it set one.
    lock: Option<Lock>,
}

impl SignInFacts {
    /// The attempt is in `pool`, for the name `name`. The name is kept only when it is an
    /// email: people type their password into the name field, and an event must never hold one.
    pub(crate) fn attempt(&mut self, pool: &PoolId, name: &str) {
        self.pool = Some(pool.clone());
        self.name = normalize_email(name).ok();
    }

    /// The name belongs to `user`.
    pub(crate) fn found(&mut self, user: &User) {
        self.user = Some((user.id, user.email.clone()));
    }

    /// The attempt's failure set `lock` (or none).
    pub(crate) fn failed(&mut self, lock: Option<Lock>) {
        self.lock = lock;
    }
}

/// Why a sign-in failed, as the event says it; `None` for failures that are not about the
/// credentials (malformed requests, an expired challenge), which make no event.
fn failure_reason(error: &Error, user_known: bool) -> Option<&'static str> {
    Some(match error {
        Error::IncorrectCredentials if user_known => "wrong_password",
        Error::IncorrectCredentials => "unknown_user",
        Error::PasswordAttemptsExceeded => "locked",
        Error::UserDisabled => "disabled",
        Error::UserNotConfirmed => "unconfirmed",
        Error::PasswordResetRequired => "reset_required",
        Error::TemporaryPasswordExpired => "temporary_password_expired",
        Error::MfaCodeMismatch => "wrong_mfa_code",
        Error::PasskeyRefused if user_known => "passkey_refused",
        Error::PasskeyRefused => "unknown_user",
        _ => return None,
    })
}

impl Service {
    /// Records `kind` about `user`, done by `actor` when it was not the user, for `caller`.
    pub(crate) fn record_user_event(
        &self,
        user: &User,
        kind: EventKind,
        actor: Option<Actor>,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(user.pool_id.clone(), self.clock.now(), kind)
            .about(Some(user.id), Some(&user.email))
            .by(caller);
        event.actor = actor.map(|actor| actor.audit_name());
        self.events.record(event);
    }

    /// The email of a user an event is about, when only the id is at hand: best effort, as
    /// the event is (a failed lookup leaves the event without it, never fails the request).
    pub(crate) async fn email_of(&self, pool_id: &PoolId, user_id: UserId) -> Option<String> {
        self.store
            .get_user(pool_id, user_id)
            .await
            .ok()
            .flatten()
            .map(|user| user.email)
    }

    /// Records `admin_action` about `user`: `actor` did `action` (a snake_case verb such as
    /// `disable_user`, in `detail.action`).
    pub(crate) fn record_admin_action(
        &self,
        user: &User,
        action: &str,
        actor: Actor,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(
            user.pool_id.clone(),
            self.clock.now(),
            EventKind::AdminAction,
        )
        .about(Some(user.id), Some(&user.email))
        .with("action", action)
        .by(caller);
        event.actor = Some(actor.audit_name());
        self.events.record(event);
    }

    /// Records the event of a sign-in attempt that ended with `outcome`: tokens for a user
    /// are `sign_in`; a credential failure is `sign_in_failed` with its reason; a challenge
    /// (the attempt goes on) and a refresh make none.
    pub(crate) fn record_sign_in(
        &self,
        caller: &Caller,
        facts: SignInFacts,
        outcome: &Result<AuthStep>,
    ) {
        let Some(pool) = facts.pool else { return };
        let user_id = facts.user.as_ref().map(|(id, _)| *id);
        let email = facts.user.as_ref().map(|(_, email)| email.as_str());
        match outcome {
            Ok(AuthStep::Tokens(_) | AuthStep::SignedIn(_)) if facts.user.is_some() => {
                self.metrics.sign_in("success")
            }
            Err(error) => {
                if let Some(reason) = failure_reason(error, facts.user.is_some()) {
                    self.metrics.sign_in(reason)
                }
            }
            Ok(_) => {}
        }
        let event = match outcome {
            Ok(AuthStep::Tokens(_)) if facts.user.is_some() => {
                NewEvent::new(pool, self.clock.now(), EventKind::SignIn).about(user_id, email)
            }
            Ok(AuthStep::SignedIn(_)) if facts.user.is_some() => {
                NewEvent::new(pool, self.clock.now(), EventKind::SignIn)
                    .about(user_id, email)
                    .with("via", "hosted")
            }
            Ok(_) => return,
            Err(error) => {
                let Some(reason) = failure_reason(error, facts.user.is_some()) else {
                    return;
                };
                if let Some(lock) = facts.lock {
                    // The failure that locked the name: the name's lockout, beside the failure.
                    let mut locked =
                        NewEvent::new(pool.clone(), self.clock.now(), EventKind::LockedOut)
                            .about(user_id, email.or(facts.name.as_deref()))
                            .by(caller);
                    locked
                        .detail
                        .insert("failures".into(), lock.failures.into());
                    locked.detail.insert("locked_secs".into(), lock.secs.into());
                    self.events.record(locked);
                }
                NewEvent::new(pool, self.clock.now(), EventKind::SignInFailed)
                    .about(user_id, email.or(facts.name.as_deref()))
                    .with("reason", reason)
            }
        };
        self.events.record(event.by(caller));
    }
}
