//! Bounded per-client state for the rate limiters: sharded LRU maps, so a flood of distinct
//! addresses costs a fixed amount of memory and evicts the least recently seen clients (whose
//! buckets were the most likely to be full again anyway).

use governor::nanos::Nanos;
use governor::state::StateStore;
use lru::LruCache;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

/// Shards, so that concurrent requests rarely wait on one lock.
const SHARDS: usize = 16;

/// The theoretical arrival time of each tracked client, at most `capacity` clients in all.
#[derive(Debug)]
pub struct BoundedStateStore {
    shards: Vec<Mutex<LruCache<IpAddr, Nanos>>>,
    hasher: RandomState,
}

impl BoundedStateStore {
    /// A store remembering at most `capacity` clients (at least one per shard).
    pub fn new(capacity: usize) -> Self {
        let per_shard = NonZeroUsize::new(capacity.div_ceil(SHARDS)).unwrap_or(NonZeroUsize::MIN);
        Self {
            shards: (0..SHARDS)
                .map(|_| Mutex::new(LruCache::new(per_shard)))
                .collect(),
            hasher: RandomState::new(),
        }
    }

    /// How many clients are tracked.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    fn shard(&self, key: &IpAddr) -> &Mutex<LruCache<IpAddr, Nanos>> {
        // The hasher's random seed keeps attackers from aiming every address at one shard.
        let index = usize::try_from(self.hasher.hash_one(key) % SHARDS as u64).unwrap_or(0);
        &self.shards[index]
    }
}

impl StateStore for BoundedStateStore {
    type Key = IpAddr;

    fn measure_and_replace<T, F, E>(&self, key: &IpAddr, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        // A panic elsewhere cannot leave a half-written entry: values are plain numbers.
        let mut shard = self
            .shard(key)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (outcome, next) = f(shard.get(key).copied())?;
        shard.put(*key, next);
        Ok(outcome)
    }
}
