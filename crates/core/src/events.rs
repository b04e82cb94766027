//! Per-app audit events: what happened in a pool, to whom, by whom and from where. Recorded in
//! batches through [`crate::store::EventStore`], read back newest first, pruned by age.
//!
//! An event never holds a secret: no password, code, token, key or verifier, in any field or in
//! its `detail`. Free text that arrives from outside (the email, the client address, the user
//! agent) is capped by the store when it records it ([`EMAIL_MAX_CHARS`],
//! [`CLIENT_IP_MAX_CHARS`], [`USER_AGENT_MAX_CHARS`], with [`cap`]), so a hostile header cannot
//! bloat the table.

use crate::ids::{PoolId, UserId};
use crate::model::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The longest email an event keeps, in characters (RFC 5321's 64 + 1 + 255, rounded up).
pub const EMAIL_MAX_CHARS: usize = 320;
/// The longest client address an event keeps, in characters (an IPv6 address with a zone fits).
pub const CLIENT_IP_MAX_CHARS: usize = 64;
/// The longest user agent an event keeps, in characters.
pub const USER_AGENT_MAX_CHARS: usize = 512;

/// `text` cut to its first `max_chars` characters (never inside a character).
pub fn cap(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// What happened. Each kind has a stable snake_case code: stored, filtered on and served as
/// that code, so a code is never renamed or reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A user signed up (`sign_up`).
    SignUp,
    /// A user confirmed their sign-up (`sign_up_confirmed`).
    SignUpConfirmed,
    /// A user signed in (`sign_in`).
    SignIn,
    /// A sign-in failed (`sign_in_failed`); `detail.reason` says why.
    SignInFailed,
    /// Too many failures locked a sign-in name out (`locked_out`).
    LockedOut,
    /// A user changed their password (`password_changed`).
    PasswordChanged,
    /// A password reset was requested (`password_reset_requested`).
    PasswordResetRequested,
    /// A password was reset with a code (`password_reset`).
    PasswordReset,
    /// A user's attributes changed (`attributes_changed`).
    AttributesChanged,
    /// A user's email changed (`email_changed`).
    EmailChanged,
    /// A user signed out (`signed_out`).
    SignedOut,
    /// A session was revoked (`session_revoked`).
    SessionRevoked,
    /// A superseded refresh token was presented again (`refresh_token_reuse`).
    RefreshTokenReuse,
    /// A developer or the operator acted on a user (`admin_action`); `detail.action` says how.
    AdminAction,
    /// An API key was created (`api_key_created`).
    ApiKeyCreated,
    /// An API key was revoked (`api_key_revoked`).
    ApiKeyRevoked,
    /// A developer's access key was created (`access_key_created`), in the console pool.
    AccessKeyCreated,
    /// A developer's access key was revoked (`access_key_revoked`), in the console pool.
    AccessKeyRevoked,
    /// The app's settings changed (`settings_changed`).
    SettingsChanged,
    /// The pool's signing key was rotated (`signing_key_rotated`).
    SigningKeyRotated,
    /// A user turned on a second factor (`mfa_enabled`); `detail.factor` names it.
    MfaEnabled,
    /// A second factor was turned off, by the user or an administrator (`mfa_disabled`).
    MfaDisabled,
    /// A wrong code while setting up an authenticator app (`mfa_setup_failed`).
    MfaSetupFailed,
    /// A user registered a passkey (`passkey_added`); `detail.credential` names it.
    PasskeyAdded,
    /// A passkey was removed (`passkey_removed`); `detail.credential` names it.
    PasskeyRemoved,
    /// A passkey registration was refused (`passkey_failed`); `detail.reason` says why.
    PasskeyFailed,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [EventKind] = &[
        Self::SignUp,
        Self::SignUpConfirmed,
        Self::SignIn,
        Self::SignInFailed,
        Self::LockedOut,
        Self::PasswordChanged,
        Self::PasswordResetRequested,
        Self::PasswordReset,
        Self::AttributesChanged,
        Self::EmailChanged,
        Self::SignedOut,
        Self::SessionRevoked,
        Self::RefreshTokenReuse,
        Self::AdminAction,
        Self::ApiKeyCreated,
        Self::ApiKeyRevoked,
        Self::AccessKeyCreated,
        Self::AccessKeyRevoked,
        Self::SettingsChanged,
        Self::SigningKeyRotated,
        Self::MfaEnabled,
        Self::MfaDisabled,
        Self::MfaSetupFailed,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::PasskeyFailed,
    ];

    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::SignUpConfirmed => "sign_up_confirmed",
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::LockedOut => "locked_out",
            Self::PasswordChanged => "password_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::AttributesChanged => "attributes_changed",
            Self::EmailChanged => "email_changed",
            Self::SignedOut => "signed_out",
            Self::SessionRevoked => "session_revoked",
            Self::RefreshTokenReuse => "refresh_token_reuse",
            Self::AdminAction => "admin_action",
            Self::ApiKeyCreated => "api_key_created",
            Self::ApiKeyRevoked => "api_key_revoked",
            Self::AccessKeyCreated => "access_key_created",
            Self::AccessKeyRevoked => "access_key_revoked",
            Self::SettingsChanged => "settings_changed",
            Self::SigningKeyRotated => "signing_key_rotated",
            Self::MfaEnabled => "mfa_enabled",
            Self::MfaDisabled => "mfa_disabled",
            Self::MfaSetupFailed => "mfa_setup_failed",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::PasskeyFailed => "passkey_failed",
        }
    }

    /// The kind with this code; `None` for a code this version does not know.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == code)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code that names no [`EventKind`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown event kind")]
pub struct UnknownEventKind;

impl FromStr for EventKind {
    type Err = UnknownEventKind;

    fn from_str(code: &str) -> Result<Self, UnknownEventKind> {
        Self::parse(code).ok_or(UnknownEventKind)
    }
}

/// An event to record. Never holds a password, code, token or key — not in `detail` either.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    /// The pool it happened in.
    pub pool_id: PoolId,
    /// When it happened (seconds since the epoch, like every `Timestamp`).
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
    /// The user it happened to, if one is known.
    pub user_id: Option<UserId>,
    /// The email involved (the name a failed sign-in gave, the new address of a change…);
    /// kept to its first [`EMAIL_MAX_CHARS`] characters.
    pub email: Option<String>,
    /// Who acted, when it was not the user: a developer's user id or `operator`.
    pub actor: Option<String>,
    /// The caller's address; kept to its first [`CLIENT_IP_MAX_CHARS`] characters.
    pub client_ip: Option<String>,
    /// The caller's `User-Agent`; kept to its first [`USER_AGENT_MAX_CHARS`] characters.
    pub user_agent: Option<String>,
    /// Kind-specific facts, e.g. `{"reason": "wrong_password"}` or
    /// `{"action": "disable_user"}`.
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl NewEvent {
    /// An event of `kind` in `pool_id` at `at`, with no user, actor, caller or detail yet.
    pub fn new(pool_id: PoolId, at: Timestamp, kind: EventKind) -> Self {
        Self {
            pool_id,
            at,
            kind,
            user_id: None,
            email: None,
            actor: None,
            client_ip: None,
            user_agent: None,
            detail: serde_json::Map::new(),
        }
    }
}

/// Who made a request, as the transport saw it: recorded with the events the request causes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Caller {
    /// The client's address (the socket peer, or what a trusted proxy said).
    pub ip: Option<std::net::IpAddr>,
    /// The request's `User-Agent`, if it was text.
    pub user_agent: Option<String>,
}

impl Caller {
    /// A caller nothing is known of (the CLI, background work).
    pub fn unknown() -> Self {
        Self::default()
    }
}

impl NewEvent {
    /// This event, made by `caller`.
    pub fn by(mut self, caller: &Caller) -> Self {
        self.client_ip = caller.ip.map(|ip| ip.to_string());
        self.user_agent.clone_from(&caller.user_agent);
        self
    }

    /// This event, about `user_id` (and `email`, when known).
    pub fn about(mut self, user_id: Option<UserId>, email: Option<&str>) -> Self {
        self.user_id = user_id;
        self.email = email.map(str::to_owned);
        self
    }

    /// This event, with `detail[key] = value`.
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }
}

/// A recorded event, as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Its sequence number: increasing in the order events were inserted, never reused, and the
    /// cursor for paging ([`EventQuery::before`]).
    pub id: i64,
    /// The pool it happened in.
    pub pool_id: PoolId,
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
    /// The user it happened to.
    pub user_id: Option<UserId>,
    /// The email involved.
    pub email: Option<String>,
    /// Who acted, when it was not the user.
    pub actor: Option<String>,
    /// The caller's address.
    pub client_ip: Option<String>,
    /// The caller's user agent.
    pub user_agent: Option<String>,
    /// Kind-specific facts.
    pub detail: serde_json::Map<String, serde_json::Value>,
}

/// Which of a pool's events to list: newest first, filters combined.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Only events of this kind.
    pub kind: Option<EventKind>,
    /// Only events of this user.
    pub user_id: Option<UserId>,
    /// Only events with an id below this (the last id of the previous page).
    pub before: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn codes_are_unique_stable_and_parse_back() {
        let mut codes: Vec<_> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(codes.len(), 26);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EventKind::ALL.len(), "codes are unique");
        for &kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
            // serde speaks the same code.
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<EventKind>(&json).unwrap(), kind);
        }
        assert_eq!(EventKind::SignUpConfirmed.as_str(), "sign_up_confirmed");
        assert_eq!(EventKind::RefreshTokenReuse.as_str(), "refresh_token_reuse");
        for unknown in ["", "SIGN_IN", "signIn", "sign_in ", "mfa_failed"] {
            assert_eq!(EventKind::parse(unknown), None, "{unknown:?}");
            assert_eq!(unknown.parse::<EventKind>(), Err(UnknownEventKind));
            assert!(serde_json::from_str::<EventKind>(&format!("\"{unknown}\"")).is_err());
        }
    }

    #[test]
    fn caps_count_characters_not_bytes() {
        assert_eq!(cap("abc", 5), "abc");
        assert_eq!(cap("abc", 3), "abc");
        assert_eq!(cap("abcdef", 3), "abc");
        assert_eq!(cap("", 0), "");
        assert_eq!(cap("ab", 0), "");
        let wide = "é".repeat(600);
        let capped = cap(&wide, USER_AGENT_MAX_CHARS);
        assert_eq!(capped.chars().count(), USER_AGENT_MAX_CHARS);
        assert_eq!(capped.len(), 2 * USER_AGENT_MAX_CHARS);
    }

    #[test]
    fn a_new_event_starts_bare() {
        let event = NewEvent::new(PoolId::new("local_abc"), 7, EventKind::SignIn);
        assert_eq!(event.user_id, None);
        assert!(event.detail.is_empty());
        assert_eq!(EventQuery::default().limit, 0);
    }
}
