//! Tokens of pools in Cognito, verified here as `auth-return-verify` verifies ours: against the
//! pool's published JWKS (fetched once, cached, refetched for an unknown `kid`), the issuer and
//! the app's client, and the expiry (RFC 7519 §4.1.4).

use auth_return_core::provider::{
    ExternalClaims, ExternalPool, ExternalTokenError, ProviderFailure, ProviderFailureKind,
};
use auth_return_verify::{Verifier, VerifyError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Most verifiers kept; past it the map starts over (each refetches its keys once).
const CAPACITY: usize = 10_000;

/// One verifier per pool and client, shared by clones of the provider.
#[derive(Clone, Debug, Default)]
pub struct Verifiers {
    by_client: Arc<Mutex<HashMap<(String, String), Verifier>>>,
}

impl Verifiers {
    /// The verifier of `external`'s tokens for `client_id`, made on first use.
    fn get(
        &self,
        external: &ExternalPool,
        client_id: &str,
    ) -> Result<Verifier, ExternalTokenError> {
        let key = (external.issuer.clone(), client_id.to_owned());
        let mut map = self
            .by_client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(verifier) = map.get(&key) {
            return Ok(verifier.clone());
        }
        let verifier = Verifier::from_jwks(&external.jwks_url, &external.issuer, client_id)
            .map_err(|e| {
                ExternalTokenError::Failed(ProviderFailure {
                    kind: ProviderFailureKind::Unavailable,
                    message: format!("AWS Cognito: the pool's keys at {}: {e}", external.jwks_url),
                })
            })?;
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, verifier.clone());
        Ok(verifier)
    }

    /// Verifies `token` of `external`'s pool, issued to `client_id`.
    pub async fn verify(
        &self,
        external: &ExternalPool,
        client_id: &str,
        token: &str,
    ) -> Result<ExternalClaims, ExternalTokenError> {
        let verifier = self.get(external, client_id)?;
        let claims = verifier.verify(token).await.map_err(|e| match e {
            VerifyError::Expired { .. } => ExternalTokenError::Expired,
            e if e.is_unavailable() => ExternalTokenError::Failed(ProviderFailure {
                kind: ProviderFailureKind::Unavailable,
                message: format!("AWS Cognito: {e}"),
            }),
            _ => ExternalTokenError::Invalid,
        })?;
        Ok(ExternalClaims {
            sub: claims.sub,
            username: claims.username,
            email: claims.email,
            token_use: claims.token_use.as_str(),
            expires_at: claims.exp,
            auth_time: claims.auth_time,
            scopes: claims.scope,
        })
    }
}
