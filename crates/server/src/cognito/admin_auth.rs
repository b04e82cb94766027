//! Server-side sign-in (docs/cognito-protocol.md §5.6): AdminInitiateAuth and
//! AdminRespondToAuthChallenge, for a backend holding the developer's credentials (an access
//! key or the console token) — `ADMIN_USER_PASSWORD_AUTH` (the password from a trusted server),
//! `ADMIN_USER_SRP_AUTH` and `REFRESH_TOKEN_AUTH`, then the challenges as the user-facing
//! operations answer them.

use super::Answer;
use super::auth::{refuse, step_answer};
use super::credentials::{Access, Credentials};
use super::flows;
use super::wire::{LenientMap, required};
use crate::error::CognitoError;
use auth_return_core::events::Caller;
use auth_return_core::{ClientId, PoolId, Service};
use serde::Deserialize;

/// AdminInitiateAuth input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminInitiateAuthRequest {
    user_pool_id: Option<PoolId>,
    client_id: Option<ClientId>,
    auth_flow: Option<String>,
    #[serde(default)]
    auth_parameters: LenientMap,
}

/// AdminRespondToAuthChallenge input.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminRespondRequest {
    user_pool_id: Option<PoolId>,
    client_id: Option<ClientId>,
    challenge_name: Option<String>,
    session: Option<String>,
    #[serde(default)]
    challenge_responses: LenientMap,
}

/// The user-facing flow an admin flow runs as.
fn user_flow(admin_flow: &str) -> Result<&str, CognitoError> {
    match admin_flow {
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => Ok("USER_PASSWORD_AUTH"),
        "ADMIN_USER_SRP_AUTH" => Ok("USER_SRP_AUTH"),
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => Ok(admin_flow),
        _ => Err(CognitoError::invalid("Initiate Auth method not supported.")),
    }
}

pub async fn admin_initiate_auth(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminInitiateAuthRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let client_id = required(&req.client_id, "clientId")?;
    let admin_flow = required(&req.auth_flow, "authFlow")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service.pool_client_app(actor, pool_id, client_id).await?;
    let flow = match flows::auth_flow(user_flow(admin_flow)?, req.auth_parameters.into_map()) {
        Ok(flow) => flow,
        Err(refusal) => return refuse(service, client_id, refusal).await,
    };
    step_answer(service.admin_initiate_auth(client_id, flow, caller).await?)
}

pub async fn admin_respond_to_auth_challenge(
    service: &Service,
    credentials: &Credentials<'_>,
    caller: &Caller,
    req: AdminRespondRequest,
) -> Answer {
    let authority = credentials.authenticate(service).await?;
    let pool_id = required(&req.user_pool_id, "userPoolId")?;
    let client_id = required(&req.client_id, "clientId")?;
    let challenge = required(&req.challenge_name, "challengeName")?;
    let actor = authority.permit(service, pool_id, Access::Write).await?;
    service.pool_client_app(actor, pool_id, client_id).await?;
    let responses = req.challenge_responses.into_map();
    let answer = match flows::challenge_answer(challenge, req.session, responses) {
        Ok(answer) => answer,
        Err(refusal) => return refuse(service, client_id, refusal).await,
    };
    step_answer(
        service
            .respond_to_auth_challenge(client_id, answer, caller)
            .await?,
    )
}

super::operation::shape!(bearer: AdminInitiateAuthRequest, AdminRespondRequest);
