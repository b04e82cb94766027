//! StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials and
//! DeleteWebAuthnCredential (issue 15; the shapes of Cognito's API reference,
//! docs/cognito-protocol.md §5.3).

use super::wire::required;
use super::{Answer, answer, empty};
use auth_return_core::Service;
use auth_return_core::auth::PasskeyView;
use auth_return_core::events::Caller;
use serde::{Deserialize, Serialize};

/// StartWebAuthnRegistration.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartRegistrationRequest {
    access_token: Option<String>,
}

/// CompleteWebAuthnRegistration: `Credential` is the browser's `PublicKeyCredential` as a
/// JSON object.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompleteRegistrationRequest {
    access_token: Option<String>,
    credential: Option<serde_json::Value>,
}

/// ListWebAuthnCredentials.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListCredentialsRequest {
    access_token: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// DeleteWebAuthnCredential.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteCredentialRequest {
    access_token: Option<String>,
    credential_id: Option<String>,
}

super::operation::shape!(access_token => access_token: StartRegistrationRequest, CompleteRegistrationRequest, ListCredentialsRequest, DeleteCredentialRequest);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StartRegistrationResponse {
    credential_creation_options: serde_json::Value,
}

pub async fn start_webauthn_registration(
    service: &Service,
    req: StartRegistrationRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let options = service.start_webauthn_registration(token).await?;
    answer(&StartRegistrationResponse {
        credential_creation_options: options,
    })
}

pub async fn complete_webauthn_registration(
    service: &Service,
    caller: &Caller,
    req: CompleteRegistrationRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let credential = required(&req.credential, "credential")?;
    service
        .complete_webauthn_registration(token, credential, caller)
        .await?;
    empty()
}

/// `WebAuthnCredentialDescription`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CredentialDescription {
    credential_id: String,
    friendly_credential_name: String,
    relying_party_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    authenticator_attachment: Option<String>,
    authenticator_transports: Vec<String>,
    created_at: i64,
}

impl From<PasskeyView> for CredentialDescription {
    fn from(p: PasskeyView) -> Self {
        Self {
            credential_id: p.credential_id,
            friendly_credential_name: p.name,
            relying_party_id: p.relying_party_id,
            authenticator_attachment: p.attachment,
            authenticator_transports: p.transports,
            created_at: p.created_at,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListCredentialsResponse {
    credentials: Vec<CredentialDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub async fn list_webauthn_credentials(service: &Service, req: ListCredentialsRequest) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let (page, next_token) = service
        .list_webauthn_credentials(token, req.max_results, req.next_token.as_deref())
        .await?;
    answer(&ListCredentialsResponse {
        credentials: page.into_iter().map(CredentialDescription::from).collect(),
        next_token,
    })
}

pub async fn delete_webauthn_credential(
    service: &Service,
    caller: &Caller,
    req: DeleteCredentialRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    let credential_id = required(&req.credential_id, "credentialId")?;
    service
        .delete_webauthn_credential(token, credential_id, caller)
        .await?;
    empty()
}
