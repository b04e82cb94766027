//! Identity providers of a pool.

use super::StoreResult;
use crate::federation::IdentityProvider;
use crate::ids::{PoolId, UserId};
use crate::model::Timestamp;
use async_trait::async_trait;

/// Identity providers. Part of [`super::Store`].
#[async_trait]
pub trait IdentityProviderStore: Send + Sync {
    /// Stores a new provider (`Conflict` when the pool has one by that name). Its pool's app
    /// must exist; the provider goes with it.
    async fn insert_identity_provider(&self, provider: &IdentityProvider) -> StoreResult<()>;
    /// A provider by pool and name (case-sensitive).
    async fn get_identity_provider(
        &self,
        pool_id: &PoolId,
        name: &str,
    ) -> StoreResult<Option<IdentityProvider>>;
    /// Replaces a provider's details, sealed secrets, mapping, identifiers and `updated_at`;
    /// `false` when there is no such provider.
    async fn update_identity_provider(&self, provider: &IdentityProvider) -> StoreResult<bool>;
    /// Deletes a provider; `false` when there was none.
    async fn delete_identity_provider(&self, pool_id: &PoolId, name: &str) -> StoreResult<bool>;
    /// How many providers a pool has.
    async fn count_identity_providers(&self, pool_id: &PoolId) -> StoreResult<u64>;
    /// Up to `limit` of a pool's providers by name (byte order), after `after` when given.
    async fn list_identity_providers(
        &self,
        pool_id: &PoolId,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<IdentityProvider>>;
    /// Links a provider's identity (`provider`, its `subject`) to a user of the pool
    /// (`Conflict` when the identity is linked already). The link goes with its user.
    async fn link_identity(
        &self,
        pool_id: &PoolId,
        provider: &str,
        subject: &str,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// The user a provider's identity is linked to.
    async fn identity_user(
        &self,
        pool_id: &PoolId,
        provider: &str,
        subject: &str,
    ) -> StoreResult<Option<UserId>>;
    /// Removes the link of a provider's identity; `false` when there was none.
    async fn unlink_identity(
        &self,
        pool_id: &PoolId,
        provider: &str,
        subject: &str,
    ) -> StoreResult<bool>;
}
