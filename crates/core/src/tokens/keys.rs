//! Each pool's RS256 keys, unsealed and parsed once, then cached: a leaked key of one pool
//! cannot forge tokens for another. A pool may publish several keys during a rotation; the
//! newest one whose activation time has come signs.

use crate::compute::ComputePool;
use crate::error::{Error, Result};
use crate::ids::PoolId;
use crate::keyring::KeyRing;
use crate::model::{SigningKeyRecord, Timestamp};
use crate::store::Store;
use auth_return_crypto::jws::{Jwk, SigningKey, VerifyingKey};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// How long (seconds) a cached key set is used before it is read again, so that keys rotated
/// by another instance or the CLI are picked up.
const CACHE_TTL_SECS: i64 = 60;

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
    loaded_at: Timestamp,
}

impl PoolKeys {
    /// The key that signs at `now`: the newest active one (the oldest key if, oddly, none is).
    pub fn signing_at(&self, now: Timestamp) -> Option<&SigningKey> {
        self.keys
            .iter()
            .find(|k| k.activates_at <= now)
            .or_else(|| self.keys.last())
            .map(|k| &k.signing)
    }
}

/// Parsed keys per pool, loaded from the store on first use and re-read every minute.
#[derive(Default)]
pub struct KeyCache {
    pools: RwLock<HashMap<PoolId, Arc<PoolKeys>>>,
}

/// The AAD binding a sealed private key to its pool and kid.
fn key_aad(pool_id: &PoolId, kid: &str) -> Vec<u8> {
    format!("signing-key|{pool_id}|{kid}").into_bytes()
}

impl KeyCache {
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
        let kid = key.kid().to_owned();
        let der = key.to_pkcs8();
        Ok(SigningKeyRecord {
            sealed_private_key: keyring
                .signing_keys
                .seal(der.expose(), &key_aad(pool_id, &kid)),
            kid,
            pool_id: pool_id.clone(),
            created_at: now,
            activates_at,
        })
    }

    /// The pool's keys; `None` when the pool does not exist (or has no key). Cached for a
    /// minute: enough for signing, since a rotated-in key waits longer than that to sign.
    pub async fn get(
        &self,
        store: &dyn Store,
        keyring: &KeyRing,
        pool_id: &PoolId,
        now: Timestamp,
    ) -> Result<Option<Arc<PoolKeys>>> {
        if let Some(keys) = self
            .read()
            .get(pool_id)
            .filter(|k| now - k.loaded_at < CACHE_TTL_SECS)
        {
            return Ok(Some(Arc::clone(keys)));
        }
        let records = crate::key_rotation::ordered_keys(store, pool_id).await?;
        self.build(keyring, pool_id, &records, now)
    }

    /// The pool's keys as the store has them now: one cheap query, and the keys are parsed
    /// again only if another process (the CLI, another instance) changed them. For the JWKS
    /// document and for tokens naming a `kid` the cache does not know.
    pub async fn current(
        &self,
        store: &dyn Store,
        keyring: &KeyRing,
        pool_id: &PoolId,
        now: Timestamp,
    ) -> Result<Option<Arc<PoolKeys>>> {
        let records = crate::key_rotation::ordered_keys(store, pool_id).await?;
        let cached = self.read().get(pool_id).cloned();
        match cached {
            Some(keys) if keys.kids.iter().eq(records.iter().map(|r| &r.kid)) => Ok(Some(keys)),
            _ => self.build(keyring, pool_id, &records, now),
        }
    }

    fn build(
        &self,
        keyring: &KeyRing,
        pool_id: &PoolId,
        records: &[SigningKeyRecord],
        now: Timestamp,
    ) -> Result<Option<Arc<PoolKeys>>> {
        if records.is_empty() {
            self.forget(pool_id);
            return Ok(None);
        }
        let mut keys = Vec::with_capacity(records.len());
        let mut verifying = HashMap::new();
        let mut jwks = Vec::new();
        for record in records {
            let der = keyring
                .signing_keys
                .open(&record.sealed_private_key, &key_aad(pool_id, &record.kid))
                .map_err(|_| {
                    Error::Internal(format!("signing key {} does not unseal", record.kid))
                })?;
            let signing = SigningKey::from_pkcs8(der.expose())
                .map_err(|e| Error::Internal(format!("signing key {}: {e}", record.kid)))?;
            let jwk = signing.public_jwk();
            let verifier = VerifyingKey::from_jwk(&jwk)
                .map_err(|e| Error::Internal(format!("signing key {}: {e}", record.kid)))?;
            verifying.insert(record.kid.clone(), verifier);
            jwks.push(jwk);
            keys.push(PoolKey {
                signing,
                activates_at: record.activates_at,
            });
        }
        let kids = records.iter().map(|r| r.kid.clone()).collect();
        let keys = Arc::new(PoolKeys {
            keys,
            kids,
            verifying,
            jwks,
            loaded_at: now,
        });
        self.write().insert(pool_id.clone(), Arc::clone(&keys));
        Ok(Some(keys))
    }

    /// Drops a pool's cached keys (after the app is deleted or its keys change).
    pub fn forget(&self, pool_id: &PoolId) {
        self.write().remove(pool_id);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<PoolId, Arc<PoolKeys>>> {
        self.pools
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<PoolId, Arc<PoolKeys>>> {
        self.pools
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
