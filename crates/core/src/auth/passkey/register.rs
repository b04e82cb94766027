//! Registering a passkey: StartWebAuthnRegistration hands out creation options and keeps the
//! ceremony's state (one per user: a new start replaces it); CompleteWebAuthnRegistration
//! verifies the browser's answer against it (taken, so a second answer finds none) and stores
//! the passkey sealed.

use super::ceremony::registration_key;
use super::{MAX_PASSKEYS, refusal, relying_party};
use crate::error::{Error, Result};
use crate::events::{Caller, EventKind};
use crate::model::{App, StoredPasskey, User};
use crate::service::Service;
use crate::store::StoreError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use webauthn_rs::prelude::{
    CredentialID, PasskeyRegistration, RegisterPublicKeyCredential, WebauthnError,
};

impl Service {
    /// The signed-in user of `access_token` and their app, where the app has passkeys on.
    pub(super) async fn passkey_token_user(&self, access_token: &str) -> Result<(App, User)> {
        let (_, user) = self.access_token_user(access_token).await?;
        let app = self.app_of_pool(&user.pool_id).await?;
        if !app.settings.passkeys.enabled {
            return Err(Error::WebAuthnNotEnabled);
        }
        Ok((app, user))
    }

    /// StartWebAuthnRegistration: `CredentialCreationOptions` (the `publicKey` member of
    /// `navigator.credentials.create`'s argument, binary members base64url), excluding the
    /// user's passkeys so an authenticator never registers twice.
    pub async fn start_webauthn_registration(
        &self,
        access_token: &str,
    ) -> Result<serde_json::Value> {
        let (app, user) = self.passkey_token_user(access_token).await?;
        let (webauthn, _) = relying_party(&app, &self.config.public_url)?;
        let existing = self.store.list_passkeys(&app.pool_id, user.id).await?;
        if existing.len() >= MAX_PASSKEYS {
            return Err(Error::PasskeyLimitExceeded(MAX_PASSKEYS));
        }
        let exclude: Vec<CredentialID> = existing
            .into_iter()
            .map(|p| CredentialID::from(p.credential_id))
            .collect();
        let (options, ceremony) = webauthn
            .start_passkey_registration(user.id.as_uuid(), &user.email, &user.email, Some(exclude))
            .map_err(|e| Error::Internal(format!("starting a passkey registration: {e}")))?;
        self.put_ceremony_state(&registration_key(&app.pool_id, user.id), &ceremony)
            .await?;
        let mut options = serde_json::to_value(&options.public_key)
            .map_err(|e| Error::Internal(format!("creation options: {e}")))?;
        require_discoverable(&mut options);
        Ok(options)
    }

    /// CompleteWebAuthnRegistration: verifies `credential` (the browser's `PublicKeyCredential`
    /// as JSON) against the registration under way and stores the new passkey.
    pub async fn complete_webauthn_registration(
        &self,
        access_token: &str,
        credential: &serde_json::Value,
        caller: &Caller,
    ) -> Result<()> {
        let (app, user) = self.passkey_token_user(access_token).await?;
        let (webauthn, rp_id) = relying_party(&app, &self.config.public_url)?;
        let parsed: RegisterPublicKeyCredential = serde_json::from_value(credential.clone())
            .map_err(|_| {
                Error::InvalidParameter(
                    "Credential is not the JSON of a PublicKeyCredential.".into(),
                )
            })?;
        let Some(ceremony) = self
            .take_ceremony_state::<PasskeyRegistration>(&registration_key(&app.pool_id, user.id))
            .await?
        else {
            return Err(Error::WebAuthnChallengeNotFound);
        };
        let passkey = match webauthn.finish_passkey_registration(&parsed, &ceremony) {
            Ok(passkey) => passkey,
            Err(e) => {
                let error = match e {
                    // webauthn-rs 0.5 refuses one of the user's own credentials (the options
                    // excluded it) as an altered algorithm: say what it is.
                    WebauthnError::CredentialAlteredAlgFromRequest
                        if self
                            .store
                            .list_passkeys(&app.pool_id, user.id)
                            .await?
                            .iter()
                            .any(|p| p.credential_id == parsed.raw_id.as_slice()) =>
                    {
                        Error::WebAuthnCredentialExists
                    }
                    _ => refusal(&e),
                };
                tracing::info!(pool_id = %app.pool_id, user_id = %user.id, error = %e, "passkey registration refused");
                self.record_passkey_event(
                    &user,
                    EventKind::PasskeyFailed,
                    ("reason", &error.to_string()),
                    None,
                    caller,
                );
                return Err(error);
            }
        };
        let credential_id = passkey.cred_id().as_ref().to_vec();
        let stored = StoredPasskey {
            pool_id: app.pool_id.clone(),
            user_id: user.id,
            sealed_credential: self.seal_passkey(&app.pool_id, user.id, &passkey)?,
            name: None,
            relying_party_id: rp_id,
            attachment: attachment(credential),
            transports: transports(&parsed),
            created_at: self.clock.now(),
            last_used_at: None,
            credential_id,
        };
        match self.store.insert_passkey(&stored).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(Error::WebAuthnCredentialExists),
            Err(e) => return Err(e.into()),
        }
        let id = URL_SAFE_NO_PAD.encode(&stored.credential_id);
        self.record_passkey_event(
            &user,
            EventKind::PasskeyAdded,
            ("credential", &id),
            None,
            caller,
        );
        Ok(())
    }

    /// Records a passkey event about `user`, with one detail, and the developer who acted.
    pub(super) fn record_passkey_event(
        &self,
        user: &User,
        kind: EventKind,
        (detail, value): (&str, &str),
        actor: Option<crate::apps::Actor>,
        caller: &Caller,
    ) {
        let mut event = crate::events::NewEvent::new(user.pool_id.clone(), self.clock.now(), kind)
            .about(Some(user.id), Some(&user.email))
            .with(detail, value)
            .by(caller);
        event.actor = actor.map(|actor| actor.audit_name());
        self.events.record(event);
    }
}

/// Asks for a discoverable credential (WebAuthn Level 2 §5.4.4 `residentKey` "required"), as
/// Cognito does: a passkey then names its user, so it signs in with no name typed and shows in
/// the email field's autofill. webauthn-rs asks for none and checks nothing that depends on it.
fn require_discoverable(options: &mut serde_json::Value) {
    if let Some(selection) = options
        .get_mut("authenticatorSelection")
        .and_then(serde_json::Value::as_object_mut)
    {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
}

/// `authenticatorAttachment`, when the browser said (WebAuthn Level 3 §5.1).
fn attachment(credential: &serde_json::Value) -> Option<String> {
    credential
        .get("authenticatorAttachment")
        .and_then(serde_json::Value::as_str)
        .filter(|a| matches!(*a, "platform" | "cross-platform"))
        .map(str::to_owned)
}

/// The transports the authenticator named, by their WebAuthn names.
fn transports(credential: &RegisterPublicKeyCredential) -> Vec<String> {
    credential
        .response
        .transports
        .iter()
        .flatten()
        .filter_map(|t| serde_json::to_value(t).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}
