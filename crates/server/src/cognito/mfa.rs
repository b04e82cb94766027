//! AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference and
//! AdminSetUserMFAPreference (issue 15; the shapes of Cognito's API reference).

use super::credentials::{Access, Credentials};
use super::operation::{Shape, Tenant};
use super::wire::required;
use super::{Answer, answer, empty};
use crate::error::CognitoError;
use auth_return_core::auth::{MfaPreferenceChange, SoftwareTokenCaller};
use auth_return_core::events::Caller;
use auth_return_core::{PoolId, Service};
use serde::{Deserialize, Serialize};

/// AssociateSoftwareToken and VerifySoftwareToken name their user by one of these.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftwareTokenRequest {
    access_token: Option<String>,
    session: Option<String>,
    user_code: Option<String>,
}

impl SoftwareTokenRequest {
    fn caller(&self) -> Result<SoftwareTokenCaller<'_>, CognitoError> {
        match (self.access_token.as_deref(), self.session.as_deref()) {
            (Some(token), _) if !token.is_empty() => Ok(SoftwareTokenCaller::AccessToken(token)),
            (_, Some(session)) if !session.is_empty() => Ok(SoftwareTokenCaller::Session(session)),
            _ => Err(CognitoError::invalid(
                "Either AccessToken or Session must be given.",
            )),
        }
    }
}

impl Shape for SoftwareTokenRequest {
    fn tenant(&self) -> Tenant {
        match (&self.access_token, &self.session) {
            (Some(_), _) => Tenant::access_token(&self.access_token),
            (None, Some(session)) => Tenant::ChallengeSession(session.clone()),
            (None, None) => Tenant::Unnamed,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AssociateResponse {
    secret_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
}

pub async fn associate_software_token(service: &Service, req: SoftwareTokenRequest) -> Answer {
    let associated = service.associate_software_token(req.caller()?).await?;
    answer(&AssociateResponse {
        secret_code: associated.secret_code,
        session: associated.session,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct VerifyResponse {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
}

pub async fn verify_software_token(
    service: &Service,
    caller: &Caller,
    req: SoftwareTokenRequest,
) -> Answer {
    let code = required(&req.user_code, "userCode")?;
    let session = service
        .verify_software_token(req.caller()?, code, caller)
        .await?;
    answer(&VerifyResponse {
        status: "SUCCESS",
        session,
    })
}

/// `SoftwareTokenMfaSettings`, `EmailMfaSettings`, `SMSMfaSettings`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FactorSettings {
    enabled: Option<bool>,
    preferred_mfa: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PreferenceRequest {
    access_token: Option<String>,
    user_pool_id: Option<PoolId>,
    username: Option<String>,
    software_token_mfa_settings: Option<FactorSettings>,
    email_mfa_settings: Option<FactorSettings>,
    #[serde(rename = "SMSMfaSettings")]
    sms_mfa_settings: Option<FactorSettings>,
}

impl PreferenceRequest {
    fn change(&self) -> MfaPreferenceChange {
        let totp = self.software_token_mfa_settings.as_ref();
        let email = self.email_mfa_settings.as_ref();
        let sms = self.sms_mfa_settings.as_ref();
        MfaPreferenceChange {
            totp_enabled: totp.and_then(|s| s.enabled),
            totp_preferred: totp.and_then(|s| s.preferred_mfa),
            email_enabled: email.and_then(|s| s.enabled),
            email_preferred: email.and_then(|s| s.preferred_mfa),
            sms_enabled: sms.and_then(|s| s.enabled),
            sms_preferred: sms.and_then(|s| s.preferred_mfa),
        }
    }
}

pub async fn set_user_mfa_preference(
    service: &Service,
    caller: &Caller,
    req: PreferenceRequest,
) -> Answer {
    let token = required(&req.access_token, "accessToken")?;
    service
        .set_user_mfa_preference(token, &req.change(), caller)
        .await?;
    empty()
}

pub async fn admin_set_user_mfa_preference(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: PreferenceRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    let username = required(&req.username, "username")?;
    service
        .admin_set_user_mfa_preference(actor, pool_id, username, &req.change(), caller)
        .await?;
    empty()
}

impl Shape for PreferenceRequest {
    fn tenant(&self) -> Tenant {
        match &self.access_token {
            Some(_) => Tenant::access_token(&self.access_token),
            None => Tenant::Bearer,
        }
    }
}
