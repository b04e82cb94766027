//! Requests signed with an access key (AWS Signature Version 4): the key found and live, its
//! developer enabled, the clock within AWS's 5 minutes, the signature the key's secret makes.

use super::manage::secret_aad;
use super::{LAST_USED_RESOLUTION_SECS, MAX_CLOCK_SKEW_SECS, SIGNING_SERVICE};
use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::ids::{AccessKeyId, AppId, PoolId};
use crate::service::Service;
use auth_return_crypto::sigv4::{
    self, SigV4Error, SignedRequest, parse_amz_date, parse_authorization,
};

/// A signed request's parts, as they arrived.
pub struct SignedParts<'a> {
    /// The `Authorization` header's value.
    pub authorization: &'a str,
    /// The `X-Amz-Date` header's value, if sent.
    pub amz_date: Option<&'a str>,
    /// The request itself (method, path, query, headers, body).
    pub request: SignedRequest<'a>,
}

/// What a valid signature grants: acting as its developer, within the key's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKeyGrant {
    /// The developer the key belongs to.
    pub actor: Actor,
    /// The key that signed.
    pub key_id: AccessKeyId,
    /// The one app the key may act on, if limited.
    pub app_id: Option<AppId>,
    /// Whether the key may only read.
    pub read_only: bool,
}

impl From<SigV4Error> for Error {
    fn from(e: SigV4Error) -> Self {
        match e {
            SigV4Error::Incomplete(message) => Self::IncompleteSignature(message),
            SigV4Error::Mismatch => Self::InvalidSignature(e.to_string()),
        }
    }
}

impl Service {
    /// Checks a request signed with an access key. An unknown or revoked key, or one whose
    /// developer is gone or disabled, is `UnrecognizedAccessKey` (AWS's answer to an invalid
    /// token); a date more than 5 minutes off, or a signature the secret does not make,
    /// `InvalidSignature`; a malformed header or date, `IncompleteSignature`. Any region is
    /// accepted (the signature covers it); the service must be `cognito-idp`.
    pub async fn authenticate_signed(&self, parts: &SignedParts<'_>) -> Result<AccessKeyGrant> {
        let authorization = parse_authorization(parts.authorization)?;
        let amz_date = parts.amz_date.ok_or_else(|| {
            Error::IncompleteSignature(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                    .into(),
            )
        })?;
        if authorization.service != SIGNING_SERVICE {
            return Err(Error::InvalidSignature(format!(
                "Credential should be scoped to correct service: '{SIGNING_SERVICE}'."
            )));
        }
        let key_id: AccessKeyId = authorization
            .access_key_id
            .parse()
            .map_err(|_| Error::UnrecognizedAccessKey)?;
        let key = self
            .store
            .get_access_key(&key_id)
            .await?
            .filter(|key| key.revoked_at.is_none())
            .ok_or(Error::UnrecognizedAccessKey)?;
        let enabled = self
            .store
            .get_user(&key.pool_id, key.developer_id)
            .await?
            .is_some_and(|developer| developer.enabled);
        if !enabled {
            return Err(Error::UnrecognizedAccessKey);
        }
        self.check_signing_time(amz_date)?;
        let secret = self
            .keyring
            .access_keys
            .open(&key.sealed_secret, &secret_aad(&key.id))
            .map_err(|_| Error::Internal(format!("access key {} does not open", key.id)))?;
        sigv4::verify(&parts.request, &authorization, amz_date, secret.expose())?;
        let now = self.clock.now();
        let stale_at = now - LAST_USED_RESOLUTION_SECS;
        // Most signed requests come in runs: the row read above says whether a write is due.
        if key.last_used_at.is_none_or(|at| at <= stale_at) {
            self.store.touch_access_key(&key.id, now, stale_at).await?;
        }
        Ok(AccessKeyGrant {
            actor: Actor::Developer(key.developer_id),
            key_id: key.id,
            app_id: key.app_id,
            read_only: key.read_only,
        })
    }

    /// Whether `grant` may act on `pool_id`: a key limited to an app only on that app's pool,
    /// a read-only key only to read (`write` false). Refusals are `AccessKeyDenied`, naming the
    /// limit (the key's own developer made it).
    pub async fn permit(
        &self,
        grant: &AccessKeyGrant,
        pool_id: &PoolId,
        write: bool,
    ) -> Result<()> {
        if let Some(app_id) = &grant.app_id {
            let app = self.store.get_app_by_pool(pool_id).await?;
            if app.is_none_or(|app| &app.id != app_id) {
                return Err(Error::AccessKeyDenied(format!(
                    "Access key {} may act on app {app_id} only.",
                    grant.key_id
                )));
            }
        }
        if write && grant.read_only {
            return Err(Error::AccessKeyDenied(format!(
                "Access key {} may only read.",
                grant.key_id
            )));
        }
        Ok(())
    }

    /// Refuses a request time more than [`MAX_CLOCK_SKEW_SECS`] from ours, in AWS's words.
    fn check_signing_time(&self, amz_date: &str) -> Result<()> {
        let signed_at = parse_amz_date(amz_date)?;
        let now = self.clock.now();
        let format = auth_return_crypto::sigv4::format_amz_date;
        if signed_at < now - MAX_CLOCK_SKEW_SECS {
            return Err(Error::InvalidSignature(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
                format(now - MAX_CLOCK_SKEW_SECS),
                format(now)
            )));
        }
        if signed_at > now + MAX_CLOCK_SKEW_SECS {
            return Err(Error::InvalidSignature(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
                format(now + MAX_CLOCK_SKEW_SECS),
                format(now)
            )));
        }
        Ok(())
    }
}
