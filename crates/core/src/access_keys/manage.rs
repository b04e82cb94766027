//! Creating, listing and revoking access keys, by their developer or the operator.

use super::MAX_LIVE_ACCESS_KEYS;
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind, NewEvent};
use crate::ids::{AccessKeyId, AppId, PoolId, UserId};
use crate::model::AccessKey;
use crate::service::Service;
use auth_return_crypto::secret::SecretString;

/// Longest key name, in characters.
const MAX_NAME_CHARS: usize = 100;
/// Characters of a secret: AWS's length, from `[0-9A-Za-z]` (about 238 bits).
const SECRET_CHARS: usize = 40;

/// What creating an access key takes.
#[derive(Clone, Debug, Default)]
pub struct NewAccessKey {
    /// A label (1–100 characters).
    pub name: String,
    /// The one app the key may act on; `None`: every app its developer may.
    pub app_id: Option<AppId>,
    /// Whether the key may only read.
    pub read_only: bool,
}

/// An access key just created: the secret is here this once and nowhere else, ever.
pub struct CreatedAccessKey {
    /// The secret access key.
    pub secret: SecretString,
    /// What is stored about it (the secret sealed).
    pub record: AccessKey,
}

impl std::fmt::Debug for CreatedAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedAccessKey")
            .field("secret", &"[redacted]")
            .field("record", &self.record.id)
            .finish()
    }
}

/// The AAD of a sealed secret: its key's id, so no secret opens under another key.
pub(super) fn secret_aad(id: &AccessKeyId) -> Vec<u8> {
    format!("access-key|{id}").into_bytes()
}

impl Service {
    /// The console pool, whose users are the developers.
    pub(super) async fn console_pool(&self) -> Result<PoolId> {
        Ok(self
            .store
            .get_app(&AppId::console())
            .await?
            .ok_or(Error::AppNotFound)?
            .pool_id)
    }

    /// The developer whose email is `email` (for the operator's CLI, which names them so).
    pub async fn developer_by_email(&self, email: &str) -> Result<UserId> {
        let pool_id = self.console_pool().await?;
        let normalized = email.trim().to_lowercase();
        self.store
            .get_user_by_email(&pool_id, &normalized)
            .await?
            .map(|user| user.id)
            .ok_or_else(|| {
                Error::InvalidParameter(format!("no developer has the email {normalized}"))
            })
    }

    /// Whether `by` may manage `developer`'s keys: the developer themself, or the operator.
    fn may_manage(by: Actor, developer: UserId) -> bool {
        match by {
            Actor::Operator => true,
            Actor::Developer(id) => id == developer,
        }
    }

    /// Creates an access key for `developer` (an enabled developer), made by `by`. A key limited
    /// to an app needs the developer to see that app.
    pub async fn create_access_key(
        &self,
        developer: UserId,
        new: NewAccessKey,
        by: Actor,
        caller: &Caller,
    ) -> Result<CreatedAccessKey> {
        if !Self::may_manage(by, developer) {
            return Err(Error::AccessKeyNotFound);
        }
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(Error::InvalidParameter(format!(
                "name must be 1 to {MAX_NAME_CHARS} characters"
            )));
        }
        let pool_id = self.console_pool().await?;
        let enabled = self
            .store
            .get_user(&pool_id, developer)
            .await?
            .is_some_and(|user| user.enabled);
        if !enabled {
            return Err(Error::InvalidParameter(
                "access keys belong to an enabled developer".into(),
            ));
        }
        if let Some(app_id) = &new.app_id {
            self.get_app(Actor::Developer(developer), app_id).await?;
        }
        let id = AccessKeyId::generate();
        let secret = auth_return_crypto::random::alphanumeric(SECRET_CHARS);
        let record = AccessKey {
            sealed_secret: self
                .keyring
                .access_keys
                .seal(secret.as_bytes(), &secret_aad(&id)),
            id,
            pool_id,
            developer_id: developer,
            app_id: new.app_id,
            read_only: new.read_only,
            name: name.to_owned(),
            created_at: self.clock.now(),
            last_used_at: None,
            revoked_at: None,
        };
        if !self
            .store
            .insert_access_key(&record, MAX_LIVE_ACCESS_KEYS)
            .await?
        {
            return Err(Error::AccessKeyLimitExceeded(MAX_LIVE_ACCESS_KEYS));
        }
        self.record_access_key_event(EventKind::AccessKeyCreated, &record, by, caller);
        Ok(CreatedAccessKey {
            secret: SecretString::from(secret),
            record,
        })
    }

    /// `developer`'s access keys, revoked ones too, oldest first.
    pub async fn list_access_keys(&self, developer: UserId, by: Actor) -> Result<Vec<AccessKey>> {
        if !Self::may_manage(by, developer) {
            return Ok(Vec::new());
        }
        let pool_id = self.console_pool().await?;
        Ok(self.store.list_access_keys(&pool_id, developer).await?)
    }

    /// Revokes an access key (its developer's or, for the operator, anyone's); revoking a
    /// revoked key changes nothing and records nothing. Another developer's key is not found.
    pub async fn revoke_access_key(
        &self,
        key_id: &AccessKeyId,
        by: Actor,
        caller: &Caller,
    ) -> Result<AccessKey> {
        let key = self
            .store
            .get_access_key(key_id)
            .await?
            .filter(|key| Self::may_manage(by, key.developer_id))
            .ok_or(Error::AccessKeyNotFound)?;
        let now = self.clock.now();
        if self.store.revoke_access_key(key_id, now).await? {
            self.record_access_key_event(EventKind::AccessKeyRevoked, &key, by, caller);
        }
        self.store
            .get_access_key(key_id)
            .await?
            .ok_or(Error::AccessKeyNotFound)
    }

    fn record_access_key_event(
        &self,
        kind: EventKind,
        key: &AccessKey,
        by: Actor,
        caller: &Caller,
    ) {
        let mut event = NewEvent::new(key.pool_id.clone(), self.clock.now(), kind)
            .about(Some(key.developer_id), None)
            .with("access_key_id", key.id.as_str())
            .with("name", &key.name)
            .with(
                "app_id",
                key.app_id.as_ref().map_or("", |app_id| app_id.as_str()),
            )
            .with("read_only", if key.read_only { "true" } else { "false" })
            .by(caller);
        event.actor = Some(by.audit_name());
        self.events.record(event);
    }
}
