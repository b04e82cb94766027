//! Each pool's RS256 keys, unsealed and parsed once, then cached: a leaked key of one pool
//! cannot forge tokens for another. A pool may publish several keys during a rotation; the
//! newest one whose activation time has come signs.
//!
//! A cached key set is kept until the change feed ([`crate::changes`]) says the pool's keys
//! changed, in this process or any other sharing the database.

use crate::compute::ComputePool;
use crate::error::{Error, Result};
use crate::ids::PoolId;
use crate::keyring::KeyRing;
use crate::model::{SigningKeyRecord, Timestamp};
use crate::store::Store;
use auth_return_crypto::jws::{Jwk, SigningKey, VerifyingKey};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// A pool's keys in signing order: the latest activation first (a rotated-in key may have
/// been created in the same second as the one it replaces).
pub(crate) async fn ordered_keys(
    store: &dyn Store,
    pool_id: &PoolId,
) -> Result<Vec<SigningKeyRecord>> {
    let mut keys = store.signing_keys(pool_id).await?;
    keys.sort_by_key(|k| signing_order(k.activates_at, k.created_at));
    Ok(keys)
}

/// The sort key of signing order: the latest activation first, then the latest creation.
pub(crate) fn signing_order(
    activates_at: Timestamp,
    created_at: Timestamp,
) -> (std::cmp::Reverse<Timestamp>, std::cmp::Reverse<Timestamp>) {
    (
        std::cmp::Reverse(activates_at),
        std::cmp::Reverse(created_at),
    )
}

/// One published key.
pub struct PoolKey {
    /// The private key (parsed once).
    pub signing: SigningKey,
    /// When it starts signing.
    pub activates_at: Timestamp,
}

/// A pool's keys, ready to use.
pub struct PoolKeys {
    /// Every published key, newest first.
    pub keys: Vec<PoolKey>,
    /// Their `kid`s, in the same order.
    kids: Vec<String>,
    /// Every published key, by `kid`.
    pub verifying: HashMap<String, VerifyingKey>,
    /// The public JWKS document's keys (RFC 7517 §5).
    pub jwks: Vec<Jwk>,
}

impl PoolKeys {
    /// The key set of `keys`, each published under its `kid`, newest first.
    pub fn from_keys(keys: Vec<(String, PoolKey)>) -> Result<Self> {
        let mut verifying = HashMap::new();
        let mut jwks = Vec::with_capacity(keys.len());
        let mut kids = Vec::with_capacity(keys.len());
        let mut pool_keys = Vec::with_capacity(keys.len());
        for (kid, key) in keys {
            let jwk = key.signing.public_jwk();
            let verifier = VerifyingKey::from_jwk(&jwk)
                .map_err(|e| Error::Internal(format!("signing key {kid}: {e}")))?;
            verifying.insert(kid.clone(), verifier);
            jwks.push(jwk);
            kids.push(kid);
            pool_keys.push(key);
        }
        Ok(Self {
            keys: pool_keys,
            kids,
            verifying,
            jwks,
        })
    }

    /// The key that signs at `now`: the newest active one (the oldest key if, oddly, none is).
    pub fn signing_at(&self, now: Timestamp) -> Option<&SigningKey> {
        self.keys
            .iter()
            .find(|k| k.activates_at <= now)
            .or_else(|| self.keys.last())
            .map(|k| &k.signing)
    }
}

/// Parsed keys per pool, loaded from the store on first use and kept until forgotten or, past
/// [`KeyCache::CAPACITY`] pools, until room is needed for another pool.
pub struct KeyCache {
    entries: RwLock<Entries>,
    /// Key sets parsed from the store since the cache was made (first loads and reloads).
    loads: AtomicU64,
    /// Pools cached at most.
    capacity: usize,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self::with_capacity(Self::CAPACITY)
    }
}

/// How the cache has been used, for metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyCacheUse {
    /// Pools whose keys are cached now.
    pub pools: usize,
    /// Key sets parsed from the store since the cache was made.
    pub loads: u64,
}

#[derive(Default)]
struct Entries {
    pools: HashMap<PoolId, Arc<PoolKeys>>,
    /// Bumped by every forget: a load that read the store before it cannot cache what it read,
    /// which may be the keys as they were before the change being forgotten.
    generation: u64,
}

/// The AAD binding a sealed private key to its pool and kid.
fn key_aad(pool_id: &PoolId, kid: &str) -> Vec<u8> {
    format!("signing-key|{pool_id}|{kid}").into_bytes()
}

impl KeyCache {
    /// Pools whose keys a default cache holds at most (about 7 KB each, measured by
    /// `bench/scale.sh`: about 15 MB in all; a server with more pools than this in use at once
    /// unseals and parses some keys again rather than keep every pool it ever saw).
    pub const CAPACITY: usize = 2_000;

    /// An empty cache that holds at most `capacity` pools' keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: RwLock::default(),
            loads: AtomicU64::new(0),
            capacity: capacity.max(1),
        }
    }

    /// Generates a fresh key for `pool_id`, to sign from `activates_at`, sealed for storage.
    pub async fn new_key_record(
        keyring: &KeyRing,
        compute: &ComputePool,
        pool_id: &PoolId,
        now: Timestamp,
        activates_at: Timestamp,
    ) -> Result<SigningKeyRecord> {
        let key = compute
            .run(SigningKey::generate)
            .await?
            .map_err(|e| Error::Internal(format!("key generation: {e}")))?;
        Ok(Self::key_record(keyring, pool_id, &key, now, activates_at))
    }

    /// `key` as `pool_id`'s key record, sealed for storage (bound to the pool and its kid).
    pub fn key_record(
        keyring: &KeyRing,
        pool_id: &PoolId,
        key: &SigningKey,
        now: Timestamp,
        activates_at: Timestamp,
    ) -> SigningKeyRecord {
        let kid = key.kid().to_owned();
        SigningKeyRecord {
            sealed_private_key: keyring
                .signing_keys
                .seal(key.to_pkcs8().expose(), &key_aad(pool_id, &kid)),
            kid,
            pool_id: pool_id.clone(),
            created_at: now,
            activates_at,
        }
    }

    /// The pool's keys; `None` when the pool does not exist (or has no key). Read from the
    /// store only when not cached.
    pub async fn get(
        &self,
        store: &dyn Store,
        keyring: &KeyRing,
        pool_id: &PoolId,
    ) -> Result<Option<Arc<PoolKeys>>> {
        let generation = {
            let entries = self.read();
            if let Some(keys) = entries.pools.get(pool_id) {
                return Ok(Some(Arc::clone(keys)));
            }
            entries.generation
        };
        let records = ordered_keys(store, pool_id).await?;
        self.build(keyring, pool_id, &records, generation)
    }

    /// The pool's keys as the store has them now: one cheap query, and the keys are parsed
    /// again only if they differ from the cached ones. For tokens naming a `kid` the cache
    /// does not know (a key rotated in elsewhere a moment ago).
    pub async fn current(
        &self,
        store: &dyn Store,
        keyring: &KeyRing,
        pool_id: &PoolId,
    ) -> Result<Option<Arc<PoolKeys>>> {
        let generation = self.read().generation;
        let records = ordered_keys(store, pool_id).await?;
        let cached = self.read().pools.get(pool_id).cloned();
        match cached {
            Some(keys) if keys.kids.iter().eq(records.iter().map(|r| &r.kid)) => Ok(Some(keys)),
            _ => self.build(keyring, pool_id, &records, generation),
        }
    }

    /// Parses `records` and caches them, unless a forget came after they were read.
    fn build(
        &self,
        keyring: &KeyRing,
        pool_id: &PoolId,
        records: &[SigningKeyRecord],
        generation: u64,
    ) -> Result<Option<Arc<PoolKeys>>> {
        if records.is_empty() {
            self.write().pools.remove(pool_id);
            return Ok(None);
        }
        let mut keys = Vec::with_capacity(records.len());
        for record in records {
            let der = keyring
                .signing_keys
                .open(&record.sealed_private_key, &key_aad(pool_id, &record.kid))
                .map_err(|_| {
                    Error::Internal(format!("signing key {} does not unseal", record.kid))
                })?;
            let signing = SigningKey::from_pkcs8(der.expose())
                .map_err(|e| Error::Internal(format!("signing key {}: {e}", record.kid)))?;
            let key = PoolKey {
                signing,
                activates_at: record.activates_at,
            };
            keys.push((record.kid.clone(), key));
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        let keys = Arc::new(PoolKeys::from_keys(keys)?);
        let mut entries = self.write();
        if entries.generation == generation {
            if entries.pools.len() >= self.capacity && !entries.pools.contains_key(pool_id) {
                // Full: one other pool makes room, whichever the map yields first (its order
                // follows the per-process random hash, so no caller can aim at a pool).
                let victim = entries.pools.keys().next().cloned();
                if let Some(victim) = victim {
                    entries.pools.remove(&victim);
                }
            }
            entries.pools.insert(pool_id.clone(), Arc::clone(&keys));
        }
        Ok(Some(keys))
    }

    /// Drops a pool's cached keys (after they changed, here or elsewhere).
    pub fn forget(&self, pool_id: &PoolId) {
        let mut entries = self.write();
        entries.pools.remove(pool_id);
        entries.generation += 1;
    }

    /// Drops every cached key set (when changes may have been missed).
    pub fn forget_all(&self) {
        let mut entries = self.write();
        entries.pools.clear();
        entries.generation += 1;
    }

    /// How the cache has been used.
    pub fn usage(&self) -> KeyCacheUse {
        KeyCacheUse {
            pools: self.read().pools.len(),
            loads: self.loads.load(Ordering::Relaxed),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Entries> {
        self.entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries> {
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(keyring: &KeyRing, pool_id: &PoolId) -> SigningKeyRecord {
        KeyCache::key_record(keyring, pool_id, &SigningKey::generate().unwrap(), 0, 0)
    }

    #[test]
    fn a_full_cache_makes_room_and_stays_within_its_capacity() {
        let keyring = KeyRing::new(&[7; 32]);
        let cache = KeyCache::with_capacity(2);
        let pools: Vec<PoolId> = (0..5)
            .map(|i| PoolId::new(format!("eu-west-1_p{i}")))
            .collect();
        let records: Vec<_> = pools.iter().map(|p| record(&keyring, p)).collect();
        for (pool, record) in pools.iter().zip(&records) {
            let keys = cache
                .build(&keyring, pool, std::slice::from_ref(record), 0)
                .unwrap()
                .unwrap();
            assert_eq!(keys.kids, vec![record.kid.clone()]);
            assert!(cache.usage().pools <= 2);
            assert!(
                cache.read().pools.contains_key(pool),
                "the newest pool is cached"
            );
        }
        assert_eq!(cache.usage(), KeyCacheUse { pools: 2, loads: 5 });
        // Building a cached pool again replaces it, evicting nobody.
        let cached: Vec<PoolId> = cache.read().pools.keys().cloned().collect();
        let again = pools.iter().position(|p| p == &cached[0]).unwrap();
        cache
            .build(
                &keyring,
                &pools[again],
                std::slice::from_ref(&records[again]),
                0,
            )
            .unwrap();
        let mut now: Vec<PoolId> = cache.read().pools.keys().cloned().collect();
        let mut before = cached;
        now.sort_by_key(ToString::to_string);
        before.sort_by_key(ToString::to_string);
        assert_eq!(now, before);
    }
}
