//! Identity providers of a pool, for both dialects.

/// Columns of `identity_providers p`.
macro_rules! select_identity_provider {
    () => {
        "SELECT p.pool_id, p.provider_name, p.provider_type, p.details, p.sealed_secrets, \
         p.attribute_mapping, p.idp_identifiers, p.created_at, p.updated_at \
         FROM identity_providers p"
    };
}

/// Implements `IdentityProviderStore` for `$store`.
macro_rules! identity_provider_store {
    ($store:ty) => {
        const _: () = {
            use $crate::convert::to_json_text;
            use $crate::error::{backend, conflict};
            use $crate::sql::identity_providers::select_identity_provider;
            use auth_return_core::federation::IdentityProvider;
            use auth_return_core::ids::{PoolId, UserId};
            use auth_return_core::model::Timestamp;
            use auth_return_core::store::{IdentityProviderStore, StoreResult};

            #[async_trait::async_trait]
            impl IdentityProviderStore for $store {
                async fn insert_identity_provider(
                    &self,
                    provider: &IdentityProvider,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO identity_providers (pool_id, provider_name, provider_type, \
                         details, sealed_secrets, attribute_mapping, idp_identifiers, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(&provider.pool_id)
                    .bind(&provider.name)
                    .bind(provider.provider_type.as_str())
                    .bind(to_json_text(&provider.details, "details")?)
                    .bind(provider.sealed_secrets.as_deref())
                    .bind(to_json_text(&provider.attribute_mapping, "attribute mapping")?)
                    .bind(to_json_text(&provider.idp_identifiers, "identifiers")?)
                    .bind(provider.created_at)
                    .bind(provider.updated_at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("identity provider already exists"))?;
                    Ok(())
                }

                async fn get_identity_provider(
                    &self,
                    pool_id: &PoolId,
                    name: &str,
                ) -> StoreResult<Option<IdentityProvider>> {
                    let row = sqlx::query(concat!(
                        select_identity_provider!(),
                        " WHERE p.pool_id = $1 AND p.provider_name = $2"
                    ))
                    .bind(pool_id)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    row.as_ref().map(rows::identity_provider).transpose()
                }

                async fn update_identity_provider(
                    &self,
                    provider: &IdentityProvider,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE identity_providers SET details = $1, sealed_secrets = $2, \
                         attribute_mapping = $3, idp_identifiers = $4, updated_at = $5 \
                         WHERE pool_id = $6 AND provider_name = $7",
                    )
                    .bind(to_json_text(&provider.details, "details")?)
                    .bind(provider.sealed_secrets.as_deref())
                    .bind(to_json_text(&provider.attribute_mapping, "attribute mapping")?)
                    .bind(to_json_text(&provider.idp_identifiers, "identifiers")?)
                    .bind(provider.updated_at)
                    .bind(&provider.pool_id)
                    .bind(&provider.name)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_identity_provider(
                    &self,
                    pool_id: &PoolId,
                    name: &str,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM identity_providers WHERE pool_id = $1 AND provider_name = $2",
                    )
                    .bind(pool_id)
                    .bind(name)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn count_identity_providers(&self, pool_id: &PoolId) -> StoreResult<u64> {
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM identity_providers WHERE pool_id = $1",
                    )
                    .bind(pool_id)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(u64::try_from(count).unwrap_or(0))
                }

                async fn list_identity_providers(
                    &self,
                    pool_id: &PoolId,
                    after: Option<&str>,
                    limit: u32,
                ) -> StoreResult<Vec<IdentityProvider>> {
                    let found = sqlx::query(concat!(
                        select_identity_provider!(),
                        " WHERE p.pool_id = $1 AND p.provider_name > $2 \
                         ORDER BY p.provider_name LIMIT $3"
                    ))
                    .bind(pool_id)
                    .bind(after.unwrap_or(""))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    found.iter().map(rows::identity_provider).collect()
                }

                async fn link_identity(
                    &self,
                    pool_id: &PoolId,
                    provider: &str,
                    subject: &str,
                    user_id: UserId,
                    at: Timestamp,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO federated_identities (pool_id, provider_name, subject, \
                         user_id, created_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(pool_id)
                    .bind(provider)
                    .bind(subject)
                    .bind(user_id)
                    .bind(at)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict("identity already linked"))?;
                    Ok(())
                }

                async fn identity_user(
                    &self,
                    pool_id: &PoolId,
                    provider: &str,
                    subject: &str,
                ) -> StoreResult<Option<UserId>> {
                    sqlx::query_scalar(
                        "SELECT user_id FROM federated_identities \
                         WHERE pool_id = $1 AND provider_name = $2 AND subject = $3",
                    )
                    .bind(pool_id)
                    .bind(provider)
                    .bind(subject)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)
                }

                async fn unlink_identity(
                    &self,
                    pool_id: &PoolId,
                    provider: &str,
                    subject: &str,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "DELETE FROM federated_identities \
                         WHERE pool_id = $1 AND provider_name = $2 AND subject = $3",
                    )
                    .bind(pool_id)
                    .bind(provider)
                    .bind(subject)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }
            }
        };
    };
}
pub(crate) use {identity_provider_store, select_identity_provider};
