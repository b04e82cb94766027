//! `POST /login`, the hosted pages' own calls: sign-in (SRP or a passkey, never a password, and
//! the `MFA_SETUP` steps with the challenge's `Session`), sign-up, confirmation and password recovery. For an app
//! with a client secret the page cannot compute `SECRET_HASH`
//! (the secret never leaves the server): the sign-in steps do without it (the domain's
//! `SignInTarget::Hosted`), and for the others this endpoint adds it, over the name the call
//! carries, before the call is dispatched like any other.

use super::operation::Operation;
use crate::error::CognitoError;
use auth_return_core::{ClientId, Service};
use serde_json::Value;
use std::borrow::Cow;

/// Whether the hosted pages may make `operation`.
pub fn allowed(operation: Operation) -> bool {
    use Operation::*;
    matches!(
        operation,
        InitiateAuth
            | RespondToAuthChallenge
            | SignUp
            | ConfirmSignUp
            | ResendConfirmationCode
            | ForgotPassword
            | ConfirmForgotPassword
            | AssociateSoftwareToken
            | VerifySoftwareToken
    )
}

/// Refuses an `AccessToken` where the hosted pages may only send the sign-in's `Session`
/// (setting up an authenticator app at `MFA_SETUP`): the pages never hold a user's tokens.
pub fn session_only(operation: Operation, body: &[u8]) -> Result<(), CognitoError> {
    if !matches!(
        operation,
        Operation::AssociateSoftwareToken | Operation::VerifySoftwareToken
    ) {
        return Ok(());
    }
    let token = serde_json::from_slice::<Value>(body)
        .ok()
        .is_some_and(|request| request.get("AccessToken").is_some());
    if token {
        return Err(CognitoError::invalid(format!(
            "{operation:?} takes the sign-in's Session on the hosted pages, not an AccessToken."
        )));
    }
    Ok(())
}

/// `body` with the client's `SECRET_HASH` added where the operation carries one, when the
/// client has a secret; unchanged otherwise (a body that does not parse is left for the
/// operation to refuse).
pub async fn with_secret_hash<'a>(
    service: &Service,
    operation: Operation,
    body: &'a [u8],
) -> Result<Cow<'a, [u8]>, CognitoError> {
    if matches!(
        operation,
        Operation::InitiateAuth | Operation::RespondToAuthChallenge
    ) {
        return Ok(Cow::Borrowed(body));
    }
    let Ok(mut request) = serde_json::from_slice::<Value>(body) else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(client_id) = request.get("ClientId").and_then(Value::as_str) else {
        return Ok(Cow::Borrowed(body));
    };
    let client_id = ClientId::new(client_id);
    let Some(fields) = request.as_object_mut() else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(username) = fields.get("Username").and_then(Value::as_str) else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(hash) = service.hosted_secret_hash(&client_id, username).await? else {
        return Ok(Cow::Borrowed(body));
    };
    fields.insert("SecretHash".to_owned(), Value::String(hash));
    serde_json::to_vec(&request)
        .map(Cow::Owned)
        .map_err(|_| CognitoError::internal())
}
