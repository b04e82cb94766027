//! Passkeys (WebAuthn Level 2) through Cognito's API (docs/cognito-protocol.md §5.3): a signed-in
//! user registers and removes them (Start/CompleteWebAuthnRegistration, List/Delete
//! WebAuthnCredential[s]), and signs in with one (`USER_AUTH` and the `WEB_AUTHN` challenge).
//! The ceremony checks are webauthn-rs's, behind [`relying_party`] and [`refusal`]; passkeys are
//! sealed at rest, and a ceremony's state waits server-side until its answer takes it.

mod admin;
mod ceremony;
mod manage;
mod register;
mod sign_in;
mod usernameless;

pub use manage::PasskeyView;

use crate::error::{Error, Result};
use crate::ids::{PoolId, UserId};
use crate::model::App;
use crate::passkey_settings::host_within;
use crate::service::Service;
use std::time::Duration;
use webauthn_rs::prelude::{Passkey, Url, Webauthn, WebauthnBuilder, WebauthnError};

/// How long a ceremony may be answered (the browser's `timeout` too).
pub(crate) const CEREMONY_SECS: i64 = 180;
/// Most passkeys one user may have.
pub(crate) const MAX_PASSKEYS: usize = 20;

/// The AAD binding a sealed passkey to its user and credential.
fn passkey_aad(pool_id: &PoolId, user_id: UserId, credential_id: &[u8]) -> Vec<u8> {
    let mut aad = format!("passkey|{pool_id}|{user_id}|").into_bytes();
    aad.extend_from_slice(credential_id);
    aad
}

/// The relying party's id of `app`: its setting, else the host of the public URL.
fn relying_party_id(app: &App, public_url: &str) -> Result<String> {
    match &app.settings.passkeys.relying_party_id {
        Some(id) => Ok(id.clone()),
        None => Url::parse(public_url)
            .ok()
            .and_then(|url| url.domain().map(str::to_owned))
            .ok_or(Error::WebAuthnConfigurationMissing),
    }
}

/// The origins a ceremony of `app` may come from: the public URL's (the hosted pages), the
/// app's own and its passkey origins, those of them on the relying party's domain.
fn allowed_origins(app: &App, public_url: &str, rp_id: &str) -> Vec<Url> {
    let public = Url::parse(public_url)
        .ok()
        .map(|u| u.origin().ascii_serialization());
    let mut origins: Vec<Url> = Vec::new();
    for origin in public
        .iter()
        .chain(&app.origins)
        .chain(&app.settings.passkeys.origins)
    {
        if let Ok(url) = Url::parse(origin)
            && url.domain().is_some_and(|host| host_within(host, rp_id))
            && !origins.contains(&url)
        {
            origins.push(url);
        }
    }
    origins
}

/// The WebAuthn relying party of `app`, when passkeys are on for it.
pub(crate) fn relying_party(app: &App, public_url: &str) -> Result<(Webauthn, String)> {
    if !app.settings.passkeys.enabled {
        return Err(Error::WebAuthnNotEnabled);
    }
    let rp_id = relying_party_id(app, public_url)?;
    let origins = allowed_origins(app, public_url, &rp_id);
    let (first, rest) = origins
        .split_first()
        .ok_or(Error::WebAuthnConfigurationMissing)?;
    let mut builder = WebauthnBuilder::new(&rp_id, first)
        .map_err(|_| Error::WebAuthnConfigurationMissing)?
        .rp_name(&app.name)
        .timeout(Duration::from_secs(CEREMONY_SECS as u64));
    for origin in rest {
        builder = builder.append_allowed_origin(origin);
    }
    let webauthn = builder
        .build()
        .map_err(|_| Error::WebAuthnConfigurationMissing)?;
    Ok((webauthn, rp_id))
}

impl Service {
    /// Whether `app` has passkeys on with a relying party some allowed origin is on: what the
    /// front end and `SELECT_CHALLENGE` offer.
    pub fn passkeys_usable(&self, app: &App) -> bool {
        relying_party(app, &self.config.public_url).is_ok()
    }
}

/// The error a refused registration answers, by Cognito's names.
pub(crate) fn refusal(e: &WebauthnError) -> Error {
    match e {
        WebauthnError::InvalidRPOrigin | WebauthnError::CredentialCrossOrigin => {
            Error::WebAuthnOriginNotAllowed
        }
        WebauthnError::InvalidRPIDHash => Error::WebAuthnRelyingPartyMismatch,
        WebauthnError::InvalidClientDataType | WebauthnError::MismatchedChallenge => {
            Error::WebAuthnClientMismatch
        }
        WebauthnError::UserNotVerified | WebauthnError::UserNotPresent => {
            Error::WebAuthnCredentialNotSupported("the authenticator did not verify the user")
        }
        WebauthnError::CredentialExcludedFromRequest | WebauthnError::CredentialAlreadyExists => {
            Error::WebAuthnCredentialExists
        }
        WebauthnError::CredentialInsecureCryptography
        | WebauthnError::COSEKeyInvalidAlgorithm
        | WebauthnError::CredentialAlteredAlgFromRequest => {
            Error::WebAuthnCredentialNotSupported("its algorithm is not one we accept")
        }
        _ => Error::WebAuthnCredentialNotSupported("it is malformed or does not verify"),
    }
}

impl Service {
    /// Seals a passkey for storage.
    fn seal_passkey(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        passkey: &Passkey,
    ) -> Result<Vec<u8>> {
        let plain =
            serde_json::to_vec(passkey).map_err(|e| Error::Internal(format!("passkey: {e}")))?;
        let aad = passkey_aad(pool_id, user_id, passkey.cred_id().as_ref());
        Ok(self.keyring.passkeys.seal(&plain, &aad))
    }

    /// Opens a stored passkey.
    fn open_passkey(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        credential_id: &[u8],
        sealed: &[u8],
    ) -> Result<Passkey> {
        let plain = self
            .keyring
            .passkeys
            .open(sealed, &passkey_aad(pool_id, user_id, credential_id))
            .map_err(|_| Error::Internal("a passkey does not unseal".into()))?;
        serde_json::from_slice(plain.expose())
            .map_err(|e| Error::Internal(format!("a stored passkey does not parse: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passkey_settings::PasskeySettings;

    fn app(passkeys: PasskeySettings, origins: &[&str]) -> App {
        use crate::ids::{AppId, ClientId};
        let pool_id = PoolId::new("local_1".to_owned());
        let settings = crate::settings::AppSettings {
            passkeys,
            ..Default::default()
        };
        App {
            id: AppId::new("app_1".to_owned()),
            name: "App".into(),
            owner: None,
            pool_id: pool_id.clone(),
            client: crate::model::Client {
                id: ClientId::new("client1".to_owned()),
                pool_id,
                app_id: AppId::new("app_1".to_owned()),
                sealed_secret: None,
                token_validity_secs: 3600,
                refresh_validity_secs: 86_400,
                primary: true,
                profile: Default::default(),
                created_at: 0,
                updated_at: 0,
            },
            origins: origins.iter().map(|o| o.to_string()).collect(),
            settings,
            external: None,
            created_at: 0,
        }
    }

    #[test]
    fn the_relying_party_defaults_to_the_public_host_and_keeps_origins_on_its_domain() {
        let on = PasskeySettings {
            enabled: true,
            ..PasskeySettings::default()
        };
        let app = app(on, &["https://app.example.com", "https://other.org"]);
        let (_, rp_id) = relying_party(&app, "https://auth.example.com").expect("configured");
        assert_eq!(rp_id, "auth.example.com");
        let origins = allowed_origins(&app, "https://auth.example.com", "example.com");
        let origins: Vec<_> = origins
            .iter()
            .map(|u| u.origin().ascii_serialization())
            .collect();
        assert_eq!(
            origins,
            ["https://auth.example.com", "https://app.example.com"]
        );
    }

    #[test]
    fn passkeys_off_or_without_a_usable_origin_are_refused() {
        let app_off = app(PasskeySettings::default(), &[]);
        assert!(matches!(
            relying_party(&app_off, "https://auth.example.com"),
            Err(Error::WebAuthnNotEnabled)
        ));
        let on = PasskeySettings {
            enabled: true,
            ..PasskeySettings::default()
        };
        // An address is no relying party id.
        assert!(matches!(
            relying_party(&app(on.clone(), &[]), "http://127.0.0.1:8080"),
            Err(Error::WebAuthnConfigurationMissing)
        ));
        let elsewhere = PasskeySettings {
            relying_party_id: Some("example.org".into()),
            ..on
        };
        assert!(matches!(
            relying_party(&app(elsewhere, &[]), "https://auth.example.com"),
            Err(Error::WebAuthnConfigurationMissing)
        ));
    }
}
