//! Users of pools that live with another provider, as far as their API keys need them: whether a
//! user may still use their keys (asked there, remembered for [`STATUS_TTL`]), and whose keys an
//! admin call forwarded there ends.

use crate::error::{Error, Result};
use crate::ids::{PoolId, UserId};
use crate::service::Service;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a user's status at the provider is taken as known on one instance: a user
/// disabled or deleted there (not through Auth Return) has their keys refused within this.
pub const STATUS_TTL: Duration = Duration::from_secs(60);
/// Statuses remembered at most; past it the expired ones go, then all.
const CAPACITY: usize = 10_000;

/// The admin operations after which a user's keys end, as after the same action on a user here
/// (sign-out everywhere, a new password, deletion).
const ENDS_KEYS: [&str; 4] = [
    "AdminUserGlobalSignOut",
    "AdminSetUserPassword",
    "AdminResetUserPassword",
    "AdminDeleteUser",
];
/// The admin operations that change whether a user may use their keys.
const CHANGES_STATUS: [&str; 2] = ["AdminDisableUser", "AdminEnableUser"];

/// Users' statuses at the provider, by pool and `sub`, each with when it was asked.
#[derive(Default)]
pub(crate) struct ExternalUserCache {
    entries: Mutex<HashMap<(PoolId, UserId), (bool, Instant)>>,
}

impl ExternalUserCache {
    fn get(&self, pool_id: &PoolId, user_id: UserId) -> Option<bool> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (enabled, at) = entries.get(&(pool_id.clone(), user_id))?;
        (at.elapsed() < STATUS_TTL).then_some(*enabled)
    }

    fn put(&self, pool_id: &PoolId, user_id: UserId, enabled: bool) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < STATUS_TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert((pool_id.clone(), user_id), (enabled, Instant::now()));
    }

    fn forget(&self, pool_id: &PoolId, user_id: UserId) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&(pool_id.clone(), user_id));
    }
}

impl Service {
    /// Whether the user `user_id` (their `sub`) of `pool_id`, a pool that lives elsewhere,
    /// exists there and is enabled. A provider that cannot answer fails the check, so a key is
    /// never taken on a guess.
    pub(crate) async fn external_user_enabled(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
    ) -> Result<bool> {
        if let Some(enabled) = self.external_users.get(pool_id, user_id) {
            return Ok(enabled);
        }
        let app = self.app_of_pool(pool_id).await?;
        let Some(external) = &app.external else {
            return Err(Error::Internal(format!("pool {pool_id} lives here")));
        };
        let found = self
            .provider(external.provider)?
            .find_user(pool_id.as_str(), &user_id.to_string())
            .await
            .map_err(Error::Provider)?;
        let enabled = found.is_some_and(|user| user.enabled);
        self.external_users.put(pool_id, user_id, enabled);
        Ok(enabled)
    }

    /// Before an admin call about one user is forwarded: that user's `sub` when the call
    /// changes what their API keys may do (`None` for other calls, and for a name the pool does
    /// not know, which the provider will refuse by itself).
    pub(crate) async fn forwarded_call_subject(
        &self,
        pool_id: &PoolId,
        provider: &dyn crate::provider::PoolProvider,
        operation: &str,
        body: &[u8],
    ) -> Result<Option<UserId>> {
        if !ENDS_KEYS.contains(&operation) && !CHANGES_STATUS.contains(&operation) {
            return Ok(None);
        }
        let username = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|body| body.get("Username")?.as_str().map(str::to_owned));
        let Some(username) = username.filter(|name| !name.is_empty()) else {
            return Ok(None);
        };
        let found = provider
            .find_user(pool_id.as_str(), &username)
            .await
            .map_err(Error::Provider)?;
        Ok(found.and_then(|user| UserId::parse(&user.sub)))
    }

    /// After a forwarded admin call about `subject` succeeded: their keys end when the call
    /// ends their sessions or account, and their remembered status goes either way.
    pub(crate) async fn after_forwarded_call(
        &self,
        pool_id: &PoolId,
        operation: &str,
        subject: UserId,
    ) -> Result<()> {
        self.external_users.forget(pool_id, subject);
        if ENDS_KEYS.contains(&operation) {
            self.revoke_user_api_keys(pool_id, subject).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_remembered_per_pool_and_user_until_forgotten() {
        let cache = ExternalUserCache::default();
        let (pool, other) = (PoolId::new("us-east-1_a"), PoolId::new("us-east-1_b"));
        let user = UserId::generate();
        assert_eq!(cache.get(&pool, user), None);
        cache.put(&pool, user, false);
        assert_eq!(cache.get(&pool, user), Some(false));
        assert_eq!(cache.get(&other, user), None);
        cache.put(&pool, user, true);
        assert_eq!(cache.get(&pool, user), Some(true));
        cache.forget(&pool, user);
        assert_eq!(cache.get(&pool, user), None);
    }

    #[test]
    fn a_full_cache_makes_room() {
        let cache = ExternalUserCache::default();
        let pool = PoolId::new("us-east-1_a");
        for _ in 0..CAPACITY + 5 {
            cache.put(&pool, UserId::generate(), true);
        }
        let len = cache.entries.lock().map(|e| e.len()).unwrap_or_default();
        assert!(len <= CAPACITY, "{len}");
    }
}
