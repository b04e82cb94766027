//! Who an admin call of the Cognito endpoint comes from: a developer's console access token
//! (`Authorization: Bearer`), or a request signed with one of their access keys (AWS Signature
//! Version 4, as boto3, the AWS CLI and the AWS SDKs sign), then held to the key's limits.

use crate::extract::bearer_token;
use auth_return_core::access_keys::{AccessKeyGrant, SignedParts};
use auth_return_core::{Actor, AppId, Error, PoolId, Service};
use auth_return_crypto::sigv4::SignedRequest;
use axum::http::{HeaderMap, header};

/// What an admin call does to its pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Only reads it (AdminGetUser, ListUsers, GetUserPoolMfaConfig).
    Read,
    /// Changes it.
    Write,
}

/// A request's credentials, as it arrived: headers, path, query and body (a signature covers
/// all of them).
pub struct Credentials<'a> {
    /// The request's headers.
    pub headers: &'a HeaderMap,
    /// The path as sent.
    pub path: &'a str,
    /// The query as sent, without `?`.
    pub query: &'a str,
    /// The body.
    pub body: &'a [u8],
}

/// A proven developer, and the access key's limits when a key signed the request.
pub struct Authority {
    actor: Actor,
    grant: Option<AccessKeyGrant>,
}

impl Credentials<'_> {
    /// The developer behind the bearer token or the SigV4 signature; neither is
    /// `MissingCredentials`.
    pub async fn authenticate(&self, service: &Service) -> Result<Authority, Error> {
        if let Some(token) = bearer_token(self.headers) {
            let actor = service.authenticate_developer(token).await?;
            return Ok(Authority { actor, grant: None });
        }
        let authorization = match self.headers.get(header::AUTHORIZATION) {
            None => return Err(Error::MissingCredentials),
            Some(value) => value.to_str().map_err(|_| {
                Error::IncompleteSignature("The Authorization header is not text.".into())
            })?,
        };
        let headers: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
            .collect();
        let parts = SignedParts {
            authorization,
            amz_date: self
                .headers
                .get("x-amz-date")
                .and_then(|value| value.to_str().ok()),
            request: SignedRequest {
                method: "POST",
                path: self.path,
                query: self.query,
                headers: &headers,
                body: self.body,
            },
        };
        let grant = service.authenticate_signed(&parts).await?;
        Ok(Authority {
            actor: grant.actor,
            grant: Some(grant),
        })
    }
}

impl Authority {
    /// The developer, and the one app a key limited to one may list (listings show only it).
    pub fn listing(&self) -> (Actor, Option<&AppId>) {
        (
            self.actor,
            self.grant.as_ref().and_then(|grant| grant.app_id.as_ref()),
        )
    }

    /// The developer, once the access key (if one signed) may create a pool: not a key
    /// limited to one app, nor a read-only one.
    pub fn permit_new_pool(self) -> Result<Actor, Error> {
        if let Some(grant) = &self.grant {
            if let Some(app_id) = &grant.app_id {
                return Err(Error::AccessKeyDenied(format!(
                    "Access key {} may act on app {app_id} only.",
                    grant.key_id
                )));
            }
            if grant.read_only {
                return Err(Error::AccessKeyDenied(format!(
                    "Access key {} may only read.",
                    grant.key_id
                )));
            }
        }
        Ok(self.actor)
    }

    /// The developer, once the access key (if one signed) may do `access` on `pool_id`.
    pub async fn permit(
        self,
        service: &Service,
        pool_id: &PoolId,
        access: Access,
    ) -> Result<Actor, Error> {
        if let Some(grant) = &self.grant {
            service
                .permit(grant, pool_id, access == Access::Write)
                .await?;
        }
        Ok(self.actor)
    }
}
