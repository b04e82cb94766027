//! Each pool's RS256 keys, unsealed and parsed once, then cached: a leaked key of one pool
//! cannot forge tokens for another.

use crate::compute::ComputePool;
use crate::error::{Error, Result};
use crate::ids::PoolId;
use crate::keyring::KeyRing;
use crate::model::{SigningKeyRecord, Timestamp};
use crate::store::Store;
use auth_return_crypto::jws::{Jwk, SigningKey, VerifyingKey};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A pool's keys, ready to use.
pub struct PoolKeys {
    /// The key that signs new tokens.
    pub signing: SigningKey,
    /// Every published key, by `kid`.
    pub verifying: HashMap<String, VerifyingKey>,
    /// The public JWKS document's keys (RFC 7517 §5).
    pub jwks: Vec<Jwk>,
}

/// Parsed keys per pool, loaded from the store on first use.
#[derive(Default)]
pub struct KeyCache {
    pools: RwLock<HashMap<PoolId, Arc<PoolKeys>>>,
}

/// The AAD binding a sealed private key to its pool and kid.
fn key_aad(pool_id: &PoolId, kid: &str) -> Vec<u8> {
    format!("signing-key|{pool_id}|{kid}").into_bytes()
}

impl KeyCache {
    /// Generates a fresh key for `pool_id` and seals it for storage.
    pub async fn new_key_record(
        keyring: &KeyRing,
        compute: &ComputePool,
        pool_id: &PoolId,
        now: Timestamp,
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
            activates_at: now,
        })
    }

    /// The pool's keys; `None` when the pool does not exist (or has no key).
    pub async fn get(
        &self,
        store: &dyn Store,
        keyring: &KeyRing,
        pool_id: &PoolId,
    ) -> Result<Option<Arc<PoolKeys>>> {
        if let Some(keys) = self.read().get(pool_id) {
            return Ok(Some(Arc::clone(keys)));
        }
        let records = store.signing_keys(pool_id).await?;
        let Some(newest) = records.first() else {
            return Ok(None);
        };
        let mut verifying = HashMap::new();
        let mut jwks = Vec::new();
        let mut signing = None;
        for record in &records {
            let der = keyring
                .signing_keys
                .open(&record.sealed_private_key, &key_aad(pool_id, &record.kid))
                .map_err(|_| {
                    Error::Internal(format!("signing key {} does not unseal", record.kid))
                })?;
            let key = SigningKey::from_pkcs8(der.expose())
                .map_err(|e| Error::Internal(format!("signing key {}: {e}", record.kid)))?;
            let jwk = key.public_jwk();
            let verifier = VerifyingKey::from_jwk(&jwk)
                .map_err(|e| Error::Internal(format!("signing key {}: {e}", record.kid)))?;
            verifying.insert(record.kid.clone(), verifier);
            jwks.push(jwk);
            if record.kid == newest.kid {
                signing = Some(key);
            }
        }
        let signing = signing.ok_or_else(|| Error::Internal("no signing key".into()))?;
        let keys = Arc::new(PoolKeys {
            signing,
            verifying,
            jwks,
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
