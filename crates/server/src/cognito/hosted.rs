//! `POST /login`, the hosted pages' own calls: sign-in (SRP only), sign-up, confirmation and
//! password recovery. For an app with a client secret the page cannot compute `SECRET_HASH`
//! (the secret never leaves the server), so this endpoint adds it, over the name the call
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
    )
}

/// `body` with the client's `SECRET_HASH` added where the operation carries one, when the
/// client has a secret; unchanged otherwise (a body that does not parse is left for the
/// operation to refuse).
pub async fn with_secret_hash<'a>(
    service: &Service,
    operation: Operation,
    body: &'a [u8],
) -> Result<Cow<'a, [u8]>, CognitoError> {
    let Ok(mut request) = serde_json::from_slice::<Value>(body) else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(client_id) = request.get("ClientId").and_then(Value::as_str) else {
        return Ok(Cow::Borrowed(body));
    };
    let client_id = ClientId::new(client_id);
    // Where the name and the hash go: a parameter map, or the request itself.
    let (container, name_key, hash_key) = match operation {
        Operation::InitiateAuth => ("AuthParameters", "USERNAME", "SECRET_HASH"),
        Operation::RespondToAuthChallenge => ("ChallengeResponses", "USERNAME", "SECRET_HASH"),
        _ => ("", "Username", "SecretHash"),
    };
    let target = if container.is_empty() {
        Some(&mut request)
    } else {
        request.get_mut(container)
    };
    let Some(target) = target.and_then(Value::as_object_mut) else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(username) = target.get(name_key).and_then(Value::as_str) else {
        return Ok(Cow::Borrowed(body));
    };
    let Some(hash) = service.hosted_secret_hash(&client_id, username).await? else {
        return Ok(Cow::Borrowed(body));
    };
    target.insert(hash_key.to_owned(), Value::String(hash));
    serde_json::to_vec(&request)
        .map(Cow::Owned)
        .map_err(|_| CognitoError::internal())
}
