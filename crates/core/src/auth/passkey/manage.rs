//! A signed-in user's passkeys: ListWebAuthnCredentials and DeleteWebAuthnCredential.

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind};
use crate::model::{StoredPasskey, User};
use crate::service::Service;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Most credentials one page lists (Cognito's `MaxResults` ceiling).
const MAX_PAGE: usize = 20;

/// A passkey as ListWebAuthnCredentials (and the console) shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyView {
    /// `CredentialId`: the credential id, base64url.
    pub credential_id: String,
    /// `FriendlyCredentialName`.
    pub name: String,
    /// `RelyingPartyId`.
    pub relying_party_id: String,
    /// `AuthenticatorAttachment`, when known.
    pub attachment: Option<String>,
    /// `AuthenticatorTransports`.
    pub transports: Vec<String>,
    /// `CreatedAt`, epoch seconds.
    pub created_at: i64,
    /// When it last signed in, epoch seconds.
    pub last_used_at: Option<i64>,
}

impl From<StoredPasskey> for PasskeyView {
    fn from(p: StoredPasskey) -> Self {
        let name = p.name.unwrap_or_else(|| match p.attachment.as_deref() {
            Some("platform") => "Passkey on this device".to_owned(),
            Some("cross-platform") => "Security key".to_owned(),
            _ => "Passkey".to_owned(),
        });
        Self {
            credential_id: URL_SAFE_NO_PAD.encode(&p.credential_id),
            name,
            relying_party_id: p.relying_party_id,
            attachment: p.attachment,
            transports: p.transports,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        }
    }
}

impl Service {
    /// ListWebAuthnCredentials: a page of the user's passkeys, oldest first, and the
    /// `NextToken` of the next page when there is one.
    pub async fn list_webauthn_credentials(
        &self,
        access_token: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<PasskeyView>, Option<String>)> {
        let (_, user) = self.access_token_user(access_token).await?;
        let limit = match max_results {
            None => MAX_PAGE,
            Some(n) if (1..=MAX_PAGE as i64).contains(&n) => n as usize,
            Some(_) => {
                return Err(Error::InvalidParameter(format!(
                    "MaxResults must be 1 to {MAX_PAGE}."
                )));
            }
        };
        let start = match next_token {
            None => 0,
            Some(token) => token
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= super::MAX_PASSKEYS)
                .ok_or_else(|| Error::InvalidParameter("Invalid NextToken.".into()))?,
        };
        let all = self.store.list_passkeys(&user.pool_id, user.id).await?;
        let total = all.len();
        let page: Vec<PasskeyView> = all
            .into_iter()
            .skip(start)
            .take(limit)
            .map(PasskeyView::from)
            .collect();
        let next = (start + limit < total).then(|| (start + limit).to_string());
        Ok((page, next))
    }

    /// DeleteWebAuthnCredential: removes one of the user's passkeys (`credential_id` as
    /// ListWebAuthnCredentials shows it).
    pub async fn delete_webauthn_credential(
        &self,
        access_token: &str,
        credential_id: &str,
        caller: &Caller,
    ) -> Result<()> {
        let (_, user) = self.access_token_user(access_token).await?;
        self.remove_passkey(&user, credential_id, None, caller)
            .await
    }

    /// Removes one of `user`'s passkeys (`credential_id` base64url, as listed) and records it,
    /// with the developer who did it when one did.
    pub(super) async fn remove_passkey(
        &self,
        user: &User,
        credential_id: &str,
        actor: Option<Actor>,
        caller: &Caller,
    ) -> Result<()> {
        let raw = URL_SAFE_NO_PAD
            .decode(credential_id.trim_end_matches('='))
            .map_err(|_| Error::PasskeyNotFound)?;
        if !self
            .store
            .delete_passkey(&user.pool_id, user.id, &raw)
            .await?
        {
            return Err(Error::PasskeyNotFound);
        }
        self.record_passkey_event(
            user,
            EventKind::PasskeyRemoved,
            ("credential", credential_id),
            actor,
            caller,
        );
        Ok(())
    }
}
