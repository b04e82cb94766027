//! API keys for services: `ar_` and 32 random bytes (base64url), shown once, stored only as a
//! SHA-256 hash, owned by an app or by one of its users, and checked by any service through
//! [`Service::verify_api_key`].
//!
//! A fast hash is right for these keys (as for refresh tokens): 256 random bits leave nothing
//! to brute-force, so a slow KDF would only spend CPU on every verification. Verification
//! finds the key by the hash of the whole presented string (a unique index), then compares
//! the stored hash in constant time anyway; the short prefix kept beside it is for people.

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{ApiKeyId, AppId, PoolId, UserId};
use crate::model::{ApiKey, Timestamp};
use crate::service::Service;
use crate::tokens::claims::USER_ADMIN_SCOPE;
use auth_return_crypto::hash::{ct_eq, sha256};
use auth_return_crypto::random::token_urlsafe;
use auth_return_crypto::secret::SecretString;

/// Every key starts with this.
pub const KEY_PREFIX: &str = "ar_";
/// Random bytes in a key.
const KEY_BYTES: usize = 32;
/// Characters of a key kept in clear and shown in lists: `ar_` and 7 more (42 bits: enough
/// to tell keys apart, far too few to help anyone guess the other 250).
const DISPLAY_PREFIX_CHARS: usize = 10;
/// Live keys one owner (an app itself, or one user of it) may hold.
pub const MAX_LIVE_KEYS: u64 = 100;
/// `last_used_at` is written at most once per this many seconds per key.
pub const LAST_USED_RESOLUTION_SECS: i64 = 60;
/// Longest key name, in characters.
const MAX_NAME_CHARS: usize = 100;
/// Most scopes on one key.
const MAX_SCOPES: usize = 20;
/// Longest scope, in characters.
const MAX_SCOPE_CHARS: usize = 100;
/// Longest lifetime, in days (about ten years).
const MAX_EXPIRY_DAYS: i64 = 3650;
/// How recent a user's sign-in must be to create a key, in seconds: a key outlives the
/// session, so an access token lifted from a page an hour ago must not be enough.
pub const RECENT_SIGN_IN_SECS: i64 = 300;

/// Who manages API keys, as their credentials prove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyManager {
    /// The operator, or a developer: the keys of the apps that actor may see, the app's own
    /// and its users' alike. Each request names the app (`app_id`).
    Apps(Actor),
    /// A user of an app: only their own keys in that app.
    User {
        /// The user's app.
        app_id: AppId,
        /// That app's pool.
        pool_id: PoolId,
        /// The user.
        user_id: UserId,
        /// When the user signed in (the token's `auth_time`).
        auth_time: Timestamp,
        /// Whether the user lives in the app's provider (`user_id` is their `sub` there).
        external: bool,
    },
}

/// The operator and developers must name the app whose keys they manage.
fn app_id_required() -> Error {
    Error::InvalidParameter(
        "app_id is required with a console access token: it names the app whose keys to manage"
            .into(),
    )
}

/// A user manages their own keys in their own app and names none.
fn app_id_not_for_users() -> Error {
    Error::InvalidParameter(
        "app_id is only for a developer's console access token; an app user's token manages \
         that user's own keys"
            .into(),
    )
}

impl KeyManager {
    /// The app a request names (`app_id` of a body or query), parsed once at the edge. Whether
    /// this manager may name one is checked first, so a user's request naming any app is
    /// refused alike; a malformed id is an app that does not exist.
    pub fn named_app(&self, app_id: Option<&str>) -> Result<Option<AppId>> {
        match (self, app_id) {
            (Self::Apps(_), None) => Err(app_id_required()),
            (Self::User { .. }, Some(_)) => Err(app_id_not_for_users()),
            (_, app_id) => app_id.map(str::parse).transpose(),
        }
    }
}

/// Whose a key is: the app's own (`user_id` `None`), or one of its users'.
struct KeyOwner {
    app_id: AppId,
    pool_id: PoolId,
    user_id: Option<UserId>,
    external_user: bool,
}

/// What creating a key takes.
#[derive(Clone, Debug, Default)]
pub struct NewApiKey {
    /// A label (1–100 characters).
    pub name: String,
    /// Lifetime in days (1–3650); `None` = until revoked.
    pub expires_in_days: Option<i64>,
    /// Scopes for the verifying service (at most 20, each 1–100 RFC 6749 scope characters).
    pub scopes: Vec<String>,
}

/// A key just created: the secret is here this once and nowhere else, ever.
pub struct CreatedApiKey {
    /// The key itself.
    pub key: SecretString,
    /// What is stored about it.
    pub record: ApiKey,
}

impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("key", &"[redacted]")
            .field("record", &self.record.id)
            .finish()
    }
}

/// What verifying a presented key found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiKeyVerdict {
    /// A live key of an enabled owner.
    Valid(Box<ApiKey>),
    /// Anything else: unknown, malformed, revoked, expired, or its user disabled.
    Invalid,
}

/// A new key and the hash to store.
fn new_secret() -> (String, Vec<u8>) {
    let key = format!("{KEY_PREFIX}{}", token_urlsafe(KEY_BYTES));
    let hash = sha256(key.as_bytes()).to_vec();
    (key, hash)
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(Error::InvalidParameter(format!(
            "name is required: 1 to {MAX_NAME_CHARS} printable characters"
        )));
    }
    Ok(name.to_owned())
}

/// A scope-token of RFC 6749 §3.3: printable ASCII but space, `"` and `\`.
pub(crate) fn is_scope_char(c: char) -> bool {
    matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E')
}

/// The scopes, each checked, repeats dropped (first occurrence kept).
pub(crate) fn check_scopes(scopes: Vec<String>) -> Result<Vec<String>> {
    if scopes.len() > MAX_SCOPES {
        return Err(Error::InvalidParameter(format!(
            "scopes: at most {MAX_SCOPES}"
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let valid =
            !scope.is_empty() && scope.len() <= MAX_SCOPE_CHARS && scope.chars().all(is_scope_char);
        if !valid {
            return Err(Error::InvalidParameter(format!(
                "scopes: each must be 1 to {MAX_SCOPE_CHARS} printable ASCII characters \
                 without spaces, quotes or backslashes"
            )));
        }
        if !out.contains(&scope) {
            out.push(scope);
        }
    }
    Ok(out)
}

fn check_expiry(days: i64, now: Timestamp) -> Result<Timestamp> {
    if !(1..=MAX_EXPIRY_DAYS).contains(&days) {
        return Err(Error::InvalidParameter(format!(
            "expires_in_days must be 1 to {MAX_EXPIRY_DAYS}"
        )));
    }
    Ok(now.saturating_add(days * 86_400))
}

impl Service {
    /// Who an access token lets manage API keys: a token of the console pool is a developer's
    /// (their apps' keys), a token of any other pool a user's of that app (their own keys).
    /// The token's pool decides, never the request, so one token always means one thing.
    pub async fn authenticate_key_manager(&self, access_token: &str) -> Result<KeyManager> {
        let (token, user) = match self.access_token_user(access_token).await {
            Ok(found) => found,
            Err(Error::InvalidAccessToken | Error::UserNotFound) => {
                return self
                    .external_key_manager(access_token)
                    .await?
                    .ok_or(Error::InvalidAccessToken);
            }
            Err(e) => return Err(e),
        };
        let app = self.app_of_pool(&user.pool_id).await.map_err(|e| match e {
            Error::PoolNotFound(_) => Error::InvalidAccessToken,
            e => e,
        })?;
        Ok(if app.id.is_console() {
            KeyManager::Apps(Actor::Developer(user.id))
        } else {
            KeyManager::User {
                app_id: app.id,
                pool_id: app.pool_id,
                user_id: user.id,
                auth_time: token
                    .claims
                    .get("auth_time")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or(0),
                external: false,
            }
        })
    }

    /// The user an access token of a pool that lives elsewhere stands for, verified there, as
    /// a [`KeyManager`] of their own keys; `None` when it claims no such pool of ours. As for
    /// our own tokens, only an access token for the user's own API
    /// (`aws.cognito.signin.user.admin`) will do.
    async fn external_key_manager(&self, access_token: &str) -> Result<Option<KeyManager>> {
        let Some((app, claims)) = self.verify_external_token(access_token).await? else {
            return Ok(None);
        };
        let own_api = claims.scopes.iter().any(|s| s == USER_ADMIN_SCOPE);
        let user_id = UserId::parse(&claims.sub);
        let (true, "access", Some(user_id)) = (own_api, claims.token_use, user_id) else {
            return Err(Error::InvalidAccessToken);
        };
        Ok(Some(KeyManager::User {
            app_id: app.id,
            pool_id: app.pool_id,
            user_id,
            auth_time: claims.auth_time.unwrap_or(0),
            external: true,
        }))
    }

    /// The app `manager` acts on and the owner it stands for. The operator and developers
    /// must name the app; users act in their own and must not.
    async fn key_target(&self, manager: &KeyManager, app_id: Option<&AppId>) -> Result<KeyOwner> {
        match (manager, app_id) {
            (KeyManager::Apps(actor), Some(app_id)) => {
                let app = self.get_app(*actor, app_id).await?;
                Ok(KeyOwner {
                    app_id: app.id,
                    pool_id: app.pool_id,
                    user_id: None,
                    external_user: false,
                })
            }
            (KeyManager::Apps(_), None) => Err(app_id_required()),
            (
                KeyManager::User {
                    app_id,
                    pool_id,
                    user_id,
                    external,
                    ..
                },
                None,
            ) => Ok(KeyOwner {
                app_id: app_id.clone(),
                pool_id: pool_id.clone(),
                user_id: Some(*user_id),
                external_user: *external,
            }),
            (KeyManager::User { .. }, Some(_)) => Err(app_id_not_for_users()),
        }
    }

    /// Creates a key: for the app `app_id` (operator, developer) or for the calling user.
    pub async fn create_api_key(
        &self,
        manager: &KeyManager,
        app_id: Option<&AppId>,
        new: NewApiKey,
        caller: &Caller,
    ) -> Result<CreatedApiKey> {
        let KeyOwner {
            app_id,
            pool_id,
            user_id,
            external_user,
        } = self.key_target(manager, app_id).await?;
        let name = check_name(&new.name)?;
        let scopes = check_scopes(new.scopes)?;
        let now = self.clock.now();
        if let KeyManager::User { auth_time, .. } = manager {
            self.check_user_may_create_key(&app_id, *auth_time, &scopes, now)
                .await?;
        }
        let expires_at = new
            .expires_in_days
            .map(|days| check_expiry(days, now))
            .transpose()?;
        // Checked before the insert: creations racing each other may overshoot by a few, which
        // a cap against runaway scripts can live with.
        if self
            .store
            .count_live_api_keys(&app_id, user_id, now)
            .await?
            >= MAX_LIVE_KEYS
        {
            return Err(Error::ApiKeyLimitExceeded(MAX_LIVE_KEYS));
        }
        let (key, hash) = new_secret();
        let record = ApiKey {
            id: ApiKeyId::generate(),
            app_id,
            pool_id,
            user_id,
            external_user,
            name,
            prefix: key.chars().take(DISPLAY_PREFIX_CHARS).collect(),
            hash,
            scopes,
            created_at: now,
            expires_at,
            last_used_at: None,
            revoked_at: None,
        };
        self.store.insert_api_key(&record).await?;
        tracing::info!(
            key_id = %record.id,
            app_id = %record.app_id,
            user_id = ?record.user_id.map(|u| u.to_string()),
            "API key created"
        );
        self.record_key_event(EventKind::ApiKeyCreated, &record, manager, caller);
        Ok(CreatedApiKey {
            key: SecretString::new(key),
            record,
        })
    }

    /// A user may create a key only when the app lets its users have keys, their sign-in is
    /// recent, and every scope is one the developer defined for user keys.
    async fn check_user_may_create_key(
        &self,
        app_id: &AppId,
        auth_time: Timestamp,
        scopes: &[String],
        now: Timestamp,
    ) -> Result<()> {
        let app = self
            .store
            .get_app(app_id)
            .await?
            .ok_or(Error::AppNotFound)?;
        let allowed = &app.settings.user_api_keys;
        if !allowed.enabled {
            return Err(Error::UserApiKeysDisabled);
        }
        if now - auth_time > RECENT_SIGN_IN_SECS {
            return Err(Error::RecentSignInRequired(RECENT_SIGN_IN_SECS));
        }
        if let Some(other) = scopes.iter().find(|s| !allowed.scopes.contains(s)) {
            return Err(Error::InvalidParameter(format!(
                "scopes: {other} is not one of the scopes this app allows on its users' keys ({})",
                allowed.scopes.join(" ")
            )));
        }
        Ok(())
    }

    /// Revokes every live key of a user (sign-out everywhere, a new password): a key must not
    /// outlive what ended the user's sessions.
    pub(crate) async fn revoke_user_api_keys(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
    ) -> Result<()> {
        let revoked = self
            .store
            .revoke_user_api_keys(pool_id, user_id, self.clock.now())
            .await?;
        if revoked > 0 {
            tracing::info!(pool_id = %pool_id, user_id = %user_id, revoked, "user's API keys revoked");
        }
        Ok(())
    }

    /// The keys `manager` may see: all of app `app_id`'s (operator, developer), or the calling
    /// user's own. Revoked and expired keys are included; secrets never are (only hashes exist).
    pub async fn list_api_keys(
        &self,
        manager: &KeyManager,
        app_id: Option<&AppId>,
    ) -> Result<Vec<ApiKey>> {
        let owner = self.key_target(manager, app_id).await?;
        Ok(self
            .store
            .list_api_keys(&owner.app_id, owner.user_id)
            .await?)
    }

    /// Revokes a key `manager` may see; revoking it again is fine. A key they may not see does
    /// not exist for them.
    pub async fn revoke_api_key(
        &self,
        manager: &KeyManager,
        key_id: &ApiKeyId,
        caller: &Caller,
    ) -> Result<()> {
        let key = self
            .store
            .get_api_key(key_id)
            .await?
            .ok_or(Error::ApiKeyNotFound)?;
        let visible = match manager {
            KeyManager::User {
                app_id,
                user_id,
                external,
                ..
            } => {
                key.app_id == *app_id
                    && key.user_id == Some(*user_id)
                    && key.external_user == *external
            }
            KeyManager::Apps(actor) => self
                .store
                .get_app(&key.app_id)
                .await?
                .is_some_and(|app| actor.may_see(&app)),
        };
        if !visible {
            return Err(Error::ApiKeyNotFound);
        }
        if self.store.revoke_api_key(&key.id, self.clock.now()).await? {
            tracing::info!(key_id = %key.id, app_id = %key.app_id, "API key revoked");
            self.record_key_event(EventKind::ApiKeyRevoked, &key, manager, caller);
        }
        Ok(())
    }

    /// Records `kind` about `key`: its id, name and scopes (never the secret or its hash),
    /// its user when it is a user's, and the developer or operator when they acted.
    fn record_key_event(
        &self,
        kind: EventKind,
        key: &ApiKey,
        manager: &KeyManager,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(key.pool_id.clone(), self.clock.now(), kind)
            .about(key.user_id, None)
            .with("key_id", &key.id.to_string())
            .with("name", &key.name)
            .with("scopes", &key.scopes.join(" "))
            .by(caller);
        if let KeyManager::Apps(actor) = manager {
            event.actor = Some(actor.audit_name());
        }
        self.events.record(event);
    }

    /// Checks a presented key. Whatever it is — unknown, malformed, revoked, expired — the
    /// work is the same (one SHA-256, one indexed read) and so is the verdict, `Invalid`.
    /// A valid key's `last_used_at` is refreshed when it is a minute old or more.
    pub async fn verify_api_key(&self, presented: &str) -> Result<ApiKeyVerdict> {
        // No format check first: it would answer malformed keys faster than unknown ones.
        let hash = sha256(presented.as_bytes());
        let found = self.store.get_api_key_by_hash(&hash).await?;
        let now = self.clock.now();
        let Some((key, owner_enabled)) = found else {
            return Ok(ApiKeyVerdict::Invalid);
        };
        if !(ct_eq(&key.hash, &hash) && owner_enabled && key.is_live(now)) {
            return Ok(ApiKeyVerdict::Invalid);
        }
        if key.external_user
            && let Some(user_id) = key.user_id
            && !self.external_user_enabled(&key.pool_id, user_id).await?
        {
            return Ok(ApiKeyVerdict::Invalid);
        }
        let stale_at = now.saturating_sub(LAST_USED_RESOLUTION_SECS);
        if key.last_used_at.is_none_or(|at| at <= stale_at) {
            // A lost timestamp must not fail a valid key.
            if let Err(e) = self.store.touch_api_key(&key.id, now, stale_at).await {
                tracing::warn!(key_id = %key.id, error = %e, "recording API key use failed");
            }
        }
        Ok(ApiKeyVerdict::Valid(Box::new(key)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_base64url_and_hash_to_what_is_stored() {
        let (key, hash) = new_secret();
        assert!(key.starts_with(KEY_PREFIX));
        assert_eq!(key.len(), 3 + 43);
        assert!(
            key[3..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(hash, sha256(key.as_bytes()).to_vec());
        assert_ne!(new_secret().0, key);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  CI deploy ").unwrap(), "CI deploy");
        assert_eq!(check_name(&"é".repeat(100)).unwrap().chars().count(), 100);
        for bad in ["", "   ", &"x".repeat(101), "tab\there"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scopes_are_scope_tokens_without_repeats() {
        let ok = check_scopes(vec![
            "read".into(),
            "orders:write".into(),
            "api/admin".into(),
            "read".into(),
        ])
        .unwrap();
        assert_eq!(ok, ["read", "orders:write", "api/admin"]);
        assert_eq!(check_scopes(Vec::new()).unwrap(), Vec::<String>::new());
        for bad in [
            "",
            "two words",
            "quote\"",
            "back\\slash",
            "é",
            &"s".repeat(101),
        ] {
            assert!(check_scopes(vec![bad.to_owned()]).is_err(), "{bad:?}");
        }
        assert!(check_scopes((0..21).map(|i| format!("s{i}")).collect()).is_err());
        assert!(check_scopes((0..20).map(|i| format!("s{i}")).collect()).is_ok());
    }

    #[test]
    fn expiry_is_one_day_to_ten_years() {
        assert_eq!(check_expiry(1, 1_000).unwrap(), 1_000 + 86_400);
        assert_eq!(check_expiry(3650, 0).unwrap(), 3650 * 86_400);
        for bad in [0, -1, 3651, i64::MAX] {
            assert!(check_expiry(bad, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn created_keys_do_not_print_their_secret() {
        let (key, hash) = new_secret();
        let created = CreatedApiKey {
            key: SecretString::new(key.clone()),
            record: ApiKey {
                id: ApiKeyId::generate(),
                app_id: AppId::new("app_x"),
                pool_id: PoolId::new("local_x"),
                user_id: None,
                external_user: false,
                name: "n".into(),
                prefix: key[..10].to_owned(),
                hash,
                scopes: Vec::new(),
                created_at: 0,
                expires_at: None,
                last_used_at: None,
                revoked_at: None,
            },
        };
        assert!(!format!("{created:?}").contains(&key[10..]));
    }
}
