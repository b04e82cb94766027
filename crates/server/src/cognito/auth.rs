//! InitiateAuth, RespondToAuthChallenge and GetTokensFromRefreshToken
//! (docs/cognito-protocol.md §3.5–3.7, §5.1).

use super::flows::{self, FlowName, Refusal};
use super::operation::{Shape, Tenant};
use super::wire::{LenientMap, required};
use super::{Answer, answer};
use crate::error::CognitoError;
use auth_return_core::auth::{AuthStep, AuthTokens, HostedCookie, SignInTarget};
use auth_return_core::events::Caller;
use auth_return_core::{ClientId, Service};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    auth_flow: Option<String>,
    client_id: Option<ClientId>,
    #[serde(default)]
    auth_parameters: LenientMap,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondRequest {
    challenge_name: Option<String>,
    client_id: Option<ClientId>,
    session: Option<String>,
    #[serde(default)]
    challenge_responses: LenientMap,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensRequest {
    refresh_token: Option<String>,
    client_id: Option<ClientId>,
    client_secret: Option<String>,
}

/// `AuthenticationResultType`, plus `RefreshTokenExpiresAt`: when the session ends (epoch
/// seconds), so a client can warn its user before unsaved work is lost. Clients ignore
/// members they do not know.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AuthenticationResult {
    access_token: String,
    expires_in: i64,
    token_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    id_token: String,
    refresh_token_expires_at: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AuthResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    challenge_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    challenge_parameters: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    available_challenges: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_result: Option<AuthenticationResult>,
}

/// The answer of a sign-in step, as InitiateAuth and RespondToAuthChallenge (and their Admin…
/// forms) give it.
pub(super) fn step_answer(step: AuthStep) -> Answer {
    let response = match step {
        AuthStep::PasswordVerifier(c) => AuthResponse {
            challenge_name: Some("PASSWORD_VERIFIER"),
            session: None,
            challenge_parameters: BTreeMap::from([
                ("SALT", c.salt_hex),
                ("SRP_B", c.srp_b_hex),
                ("SECRET_BLOCK", c.secret_block),
                ("USERNAME", c.user_id_for_srp.clone()),
                ("USER_ID_FOR_SRP", c.user_id_for_srp),
            ]),
            available_challenges: None,
            authentication_result: None,
        },
        // identity-js JSON.parses both attribute members, so both are always valid JSON.
        AuthStep::NewPasswordRequired(c) => AuthResponse {
            challenge_name: Some("NEW_PASSWORD_REQUIRED"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from([
                ("USER_ID_FOR_SRP", c.user_id_for_srp),
                ("requiredAttributes", "[]".to_owned()),
                ("userAttributes", c.user_attributes_json),
            ]),
            available_challenges: None,
            authentication_result: None,
        },
        AuthStep::SoftwareTokenMfa(c) => AuthResponse {
            challenge_name: Some("SOFTWARE_TOKEN_MFA"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from([("USER_ID_FOR_SRP", c.user_id_for_srp)]),
            available_challenges: None,
            authentication_result: None,
        },
        AuthStep::EmailOtp(c, delivery) => AuthResponse {
            challenge_name: Some("EMAIL_OTP"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from([
                ("CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL".to_owned()),
                ("CODE_DELIVERY_DESTINATION", delivery.destination),
                ("USER_ID_FOR_SRP", c.user_id_for_srp),
            ]),
            available_challenges: None,
            authentication_result: None,
        },
        AuthStep::SelectMfaType(c) => AuthResponse {
            challenge_name: Some("SELECT_MFA_TYPE"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from([
                (
                    "MFAS_CAN_CHOOSE",
                    r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#.to_owned(),
                ),
                ("USER_ID_FOR_SRP", c.user_id_for_srp),
            ]),
            available_challenges: None,
            authentication_result: None,
        },
        // MFAS_CAN_SETUP and MFAS_CAN_CHOOSE are JSON arrays in strings, as Cognito sends them.
        AuthStep::MfaSetup(c, email) => AuthResponse {
            challenge_name: Some("MFA_SETUP"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from([
                (
                    "MFAS_CAN_SETUP",
                    if email {
                        r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#
                    } else {
                        r#"["SOFTWARE_TOKEN_MFA"]"#
                    }
                    .to_owned(),
                ),
                ("USER_ID_FOR_SRP", c.user_id_for_srp),
            ]),
            available_challenges: None,
            authentication_result: None,
        },
        AuthStep::SelectChallenge(c, available) => AuthResponse {
            challenge_name: Some("SELECT_CHALLENGE"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from([("USERNAME", c.user_id_for_srp)]),
            available_challenges: Some(available),
            authentication_result: None,
        },
        // CREDENTIAL_REQUEST_OPTIONS is a JSON object in a string, as Cognito sends it.
        AuthStep::WebAuthn(c) => AuthResponse {
            challenge_name: Some("WEB_AUTHN"),
            session: Some(c.session),
            challenge_parameters: BTreeMap::from_iter(
                [("CREDENTIAL_REQUEST_OPTIONS", Some(c.request_options))]
                    .into_iter()
                    .chain([("USERNAME", c.user_id_for_srp)])
                    .filter_map(|(name, value)| Some((name, value?))),
            ),
            available_challenges: None,
            authentication_result: None,
        },
        AuthStep::Tokens(t) => AuthResponse {
            challenge_name: None,
            session: None,
            challenge_parameters: BTreeMap::new(),
            available_challenges: None,
            authentication_result: Some(result(t)),
        },
        // Only the hosted pages' endpoint gets here, and answers it itself.
        AuthStep::SignedIn(_) => return answer(&serde_json::json!({ "SignedIn": true })),
    };
    answer(&response)
}

fn result(t: AuthTokens) -> AuthenticationResult {
    AuthenticationResult {
        access_token: t.access_token,
        expires_in: t.expires_in,
        token_type: "Bearer",
        refresh_token: t.refresh_token,
        id_token: t.id_token,
        refresh_token_expires_at: t.refresh_expires_at,
    }
}

pub async fn initiate_auth(service: &Service, caller: &Caller, req: InitiateAuthRequest) -> Answer {
    initiate(service, caller, req, SignInTarget::Tokens).await
}

/// InitiateAuth on the hosted pages (`POST /login`): SRP, or `USER_AUTH` with a passkey.
pub async fn hosted_initiate_auth(
    service: &Service,
    caller: &Caller,
    req: InitiateAuthRequest,
) -> Answer {
    initiate(service, caller, req, SignInTarget::Hosted).await
}

async fn initiate(
    service: &Service,
    caller: &Caller,
    req: InitiateAuthRequest,
    target: SignInTarget,
) -> Answer {
    let flow = required(&req.auth_flow, "authFlow")?;
    let client_id = required(&req.client_id, "clientId")?;
    let flow = match flows::auth_flow(flow, req.auth_parameters.into_map()) {
        Ok(flow) => flow,
        Err(refusal) => return refuse(service, client_id, refusal).await,
    };
    let step = match target {
        SignInTarget::Tokens => service.initiate_auth(client_id, flow, caller).await?,
        SignInTarget::Hosted => {
            service
                .hosted_initiate_auth(client_id, flow, caller)
                .await?
        }
    };
    step_answer(step)
}

pub async fn respond_to_auth_challenge(
    service: &Service,
    caller: &Caller,
    req: RespondRequest,
) -> Answer {
    respond(service, caller, req, SignInTarget::Tokens)
        .await
        .map(|(body, _)| body)
}

/// RespondToAuthChallenge on the hosted pages: a completed sign-in answers `{"SignedIn":true}`
/// and hands back the hosted session's cookie for the endpoint to set.
pub async fn hosted_respond_to_auth_challenge(
    service: &Service,
    caller: &Caller,
    req: RespondRequest,
) -> Result<(Vec<u8>, Option<HostedCookie>), CognitoError> {
    respond(service, caller, req, SignInTarget::Hosted).await
}

async fn respond(
    service: &Service,
    caller: &Caller,
    req: RespondRequest,
    target: SignInTarget,
) -> Result<(Vec<u8>, Option<HostedCookie>), CognitoError> {
    let challenge = required(&req.challenge_name, "challengeName")?;
    let client_id = required(&req.client_id, "clientId")?;
    let responses = req.challenge_responses.into_map();
    let answer = match flows::challenge_answer(challenge, req.session, responses) {
        Ok(answer) => answer,
        Err(refusal) => return refuse(service, client_id, refusal).await.map(|b| (b, None)),
    };
    let step = match target {
        SignInTarget::Tokens => {
            service
                .respond_to_auth_challenge(client_id, answer, caller)
                .await?
        }
        SignInTarget::Hosted => {
            service
                .hosted_respond_to_auth_challenge(client_id, answer, caller)
                .await?
        }
    };
    let cookie = match &step {
        AuthStep::SignedIn(cookie) => Some(cookie.clone()),
        _ => None,
    };
    Ok((step_answer(step)?, cookie))
}

/// Answers a refusal, after checking the client when the refusal waits for that.
pub(super) async fn refuse(service: &Service, client_id: &ClientId, refusal: Refusal) -> Answer {
    match refusal {
        Refusal::Now(e) => Err(e),
        Refusal::OnceClientKnown(e) => {
            service.require_client(client_id).await?;
            Err(e)
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetTokensResponse {
    authentication_result: AuthenticationResult,
}

pub async fn get_tokens_from_refresh_token(
    service: &Service,
    caller: &Caller,
    req: GetTokensRequest,
) -> Answer {
    let token = required(&req.refresh_token, "refreshToken")?;
    let client_id = required(&req.client_id, "clientId")?;
    let tokens = service
        .get_tokens_from_refresh_token(client_id, token, req.client_secret.as_deref(), caller)
        .await?;
    answer(&GetTokensResponse {
        authentication_result: result(tokens),
    })
}

impl Shape for InitiateAuthRequest {
    fn tenant(&self) -> Tenant {
        Tenant::client_id(&self.client_id)
    }

    fn is_refresh(&self) -> bool {
        self.auth_flow.as_deref().and_then(FlowName::parse) == Some(FlowName::Refresh)
    }
}

impl Shape for RespondRequest {
    fn tenant(&self) -> Tenant {
        Tenant::client_id(&self.client_id)
    }

    fn answers_with_code(&self) -> bool {
        matches!(
            self.challenge_name.as_deref(),
            Some("SOFTWARE_TOKEN_MFA" | "EMAIL_OTP")
        )
    }
}

super::operation::shape!(client_id => client_id: GetTokensRequest);
