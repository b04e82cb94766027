//! Apps by client id, cached in the process: every Cognito API call and OAuth 2.0 request names
//! its client, and the app behind it changes rarely. A change made here is forgotten at once; a
//! change made by another instance or the CLI arrives through the change feed
//! ([`crate::changes`]), within one poll.

use crate::ids::{ClientId, PoolId};
use crate::model::App;
use crate::store::{Store, StoreResult};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Apps cached at most; past it the cache starts over (a server with more apps than this in
/// active use reads some of them per request, as it would without a cache).
const CAPACITY: usize = 10_000;

/// The cache. Unknown clients are never cached: a stranger's guesses cannot fill it.
#[derive(Default)]
pub struct AppCache {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    apps: HashMap<ClientId, App>,
    /// Bumped by every forget: a load that read the store before it cannot cache what it read,
    /// which may be the app as it was before the change being forgotten.
    generation: u64,
}

impl AppCache {
    /// The app owning `client_id`; `None` for a client that does not exist. Read from the store
    /// only when not cached.
    pub async fn get(&self, store: &dyn Store, client_id: &ClientId) -> StoreResult<Option<App>> {
        let generation = match self.cached(client_id) {
            Ok(app) => return Ok(Some(app)),
            Err(generation) => generation,
        };
        // Seen through the client: its own settings where it has them.
        let app = store
            .get_app_by_client(client_id)
            .await?
            .map(App::through_client);
        if let Some(app) = &app {
            self.offer(generation, app);
        }
        Ok(app)
    }

    /// The cached app of `client_id`, or the generation to offer what the store has.
    fn cached(&self, client_id: &ClientId) -> Result<App, u64> {
        let entries = self.lock();
        entries
            .apps
            .get(client_id)
            .cloned()
            .ok_or(entries.generation)
    }

    /// Caches `app`, read from the store at `generation`, unless something was forgotten since.
    fn offer(&self, generation: u64, app: &App) {
        let mut entries = self.lock();
        if entries.generation != generation {
            return;
        }
        if entries.apps.len() >= CAPACITY {
            entries.apps.clear();
        }
        entries.apps.insert(app.client.id.clone(), app.clone());
    }

    /// Drops the cached app of a pool (after it changed, here or elsewhere).
    pub fn forget(&self, pool_id: &PoolId) {
        let mut entries = self.lock();
        entries.apps.retain(|_, app| app.pool_id != *pool_id);
        entries.generation += 1;
    }

    /// Drops every cached app (the change feed lost track).
    pub fn forget_all(&self) {
        let mut entries = self.lock();
        entries.apps.clear();
        entries.generation += 1;
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AppId;
    use crate::model::Client;
    use crate::settings::AppSettings;

    fn app(n: u32) -> App {
        let pool_id = PoolId::new(format!("local_{n}"));
        App {
            id: AppId::new(format!("app_{n}")),
            name: format!("App {n}"),
            owner: None,
            pool_id: pool_id.clone(),
            client: Client {
                id: ClientId::new(format!("client{n}")),
                pool_id,
                app_id: AppId::new(format!("app_{n}")),
                sealed_secret: None,
                token_validity_secs: 3600,
                refresh_validity_secs: 86_400,
                primary: true,
                profile: Default::default(),
                created_at: 0,
                updated_at: 0,
            },
            origins: Vec::new(),
            settings: AppSettings::default(),
            external: None,
            created_at: 0,
        }
    }

    #[test]
    fn a_forget_drops_one_pool_and_voids_every_read_that_began_before_it() {
        let cache = AppCache::default();
        let (one, two) = (app(1), app(2));
        let generation = cache.cached(&one.client.id).unwrap_err();
        cache.offer(generation, &one);
        cache.offer(generation, &two);
        assert_eq!(cache.cached(&one.client.id), Ok(one.clone()));

        // A read of the store that began before a forget (here, of another pool) may hold the
        // app as it was before that change: it is not cached.
        let read_before = cache.cached(&ClientId::new("client3")).unwrap_err();
        cache.forget(&two.pool_id);
        assert!(cache.cached(&two.client.id).is_err());
        assert_eq!(
            cache.cached(&one.client.id),
            Ok(one.clone()),
            "other pools stay"
        );
        cache.offer(read_before, &app(3));
        assert!(cache.cached(&ClientId::new("client3")).is_err());
        // A read that began after it is.
        let read_after = cache.cached(&two.client.id).unwrap_err();
        cache.offer(read_after, &two);
        assert_eq!(cache.cached(&two.client.id), Ok(two.clone()));

        cache.forget_all();
        assert!(cache.cached(&one.client.id).is_err());
        assert!(cache.cached(&two.client.id).is_err());
    }

    #[test]
    fn a_full_cache_starts_over() {
        let cache = AppCache::default();
        for n in 0..CAPACITY as u32 {
            cache.offer(0, &app(n));
        }
        assert_eq!(cache.lock().apps.len(), CAPACITY);
        cache.offer(0, &app(u32::MAX));
        assert_eq!(cache.lock().apps.len(), 1);
        assert!(cache.cached(&app(u32::MAX).client.id).is_ok());
    }
}
