//! `AuthFlow` + `AuthParameters` and `ChallengeName` + `ChallengeResponses` parsed into the
//! domain's [`AuthFlow`] and [`ChallengeAnswer`] (docs/cognito-protocol.md §3.5, §3.7, §5.1).

use super::validation;
use crate::error::CognitoError;
use auth_return_core::auth::{
    AuthFlow, ChallengeAnswer, FirstFactor, FirstFactorAnswer, MfaCodeAnswer, MfaSelectAnswer,
    MfaSetupAnswer, NewPasswordAnswer, PasswordClaim, SrpPublic, SrpTimestamp, WebAuthnAnswer,
};
use std::collections::HashMap;

/// The `AuthFlow`s InitiateAuth accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowName {
    /// `USER_SRP_AUTH`.
    UserSrp,
    /// `USER_PASSWORD_AUTH`.
    UserPassword,
    /// `USER_AUTH`: choice-based sign-in.
    UserAuth,
    /// `REFRESH_TOKEN_AUTH`, or its alias `REFRESH_TOKEN`.
    Refresh,
}

impl FlowName {
    /// The flow `name` asks for, if it is one we accept.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "USER_SRP_AUTH" => Some(Self::UserSrp),
            "USER_PASSWORD_AUTH" => Some(Self::UserPassword),
            "USER_AUTH" => Some(Self::UserAuth),
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => Some(Self::Refresh),
            _ => None,
        }
    }
}

/// Why a flow or challenge does not parse, and when to say so.
pub enum Refusal {
    /// Before anything else.
    Now(CognitoError),
    /// Only for a client that exists: an unknown client is reported first.
    OnceClientKnown(CognitoError),
}

/// An entry that must be present and not empty.
fn take(params: &mut HashMap<String, String>, name: &str) -> Result<String, CognitoError> {
    params
        .remove(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CognitoError::invalid(validation::missing(name)))
}

/// InitiateAuth's flow. Every refusal waits for the client check.
pub fn auth_flow(name: &str, mut params: HashMap<String, String>) -> Result<AuthFlow, Refusal> {
    let flow = match FlowName::parse(name) {
        Some(flow) => flow,
        None if name.is_empty() => {
            return Err(Refusal::OnceClientKnown(CognitoError::invalid(
                validation::null("authFlow"),
            )));
        }
        None => {
            return Err(Refusal::OnceClientKnown(CognitoError::invalid(
                "Initiate Auth method not supported.",
            )));
        }
    };
    let params = &mut params;
    let parsed = match flow {
        FlowName::UserSrp => take(params, "USERNAME").and_then(|username| {
            let srp_a = take(params, "SRP_A")?;
            let srp_a = SrpPublic::from_hex(&srp_a).ok_or_else(|| {
                CognitoError::invalid("Invalid SRP_A: not a valid SRP public value")
            })?;
            Ok(AuthFlow::UserSrp {
                username,
                srp_a,
                secret_hash: params.remove("SECRET_HASH"),
            })
        }),
        FlowName::UserPassword => take(params, "USERNAME").and_then(|username| {
            Ok(AuthFlow::UserPassword {
                username,
                password: take(params, "PASSWORD")?.into(),
                secret_hash: params.remove("SECRET_HASH"),
            })
        }),
        // Our extension (docs/cognito-protocol.md §5.3, usernameless `WEB_AUTHN`): a passkey with no name given.
        FlowName::UserAuth
            if params.get("USERNAME").is_none_or(String::is_empty)
                && params.get("PREFERRED_CHALLENGE").map(String::as_str) == Some("WEB_AUTHN") =>
        {
            Ok(AuthFlow::UsernamelessPasskey)
        }
        FlowName::UserAuth => take(params, "USERNAME").and_then(|username| {
            let preferred = match params.remove("PREFERRED_CHALLENGE").as_deref() {
                None | Some("") => None,
                Some(name) => Some(first_factor(name, params)?),
            };
            Ok(AuthFlow::UserAuth {
                username,
                preferred,
                secret_hash: params.remove("SECRET_HASH"),
            })
        }),
        FlowName::Refresh => take(params, "REFRESH_TOKEN").map(|token| AuthFlow::Refresh {
            token: token.into(),
            secret_hash: params.remove("SECRET_HASH"),
        }),
    };
    parsed.map_err(Refusal::OnceClientKnown)
}

/// RespondToAuthChallenge's answer. A challenge we do not offer waits for the client check;
/// a missing name or parameter does not.
pub fn challenge_answer(
    name: &str,
    session: Option<String>,
    mut responses: HashMap<String, String>,
) -> Result<ChallengeAnswer, Refusal> {
    let responses = &mut responses;
    match name {
        "PASSWORD_VERIFIER" => password_claim(responses).map(ChallengeAnswer::PasswordVerifier),
        "NEW_PASSWORD_REQUIRED" => {
            new_password(session, responses).map(ChallengeAnswer::NewPassword)
        }
        "SOFTWARE_TOKEN_MFA" => mfa_code(session, responses, "SOFTWARE_TOKEN_MFA_CODE")
            .map(ChallengeAnswer::SoftwareTokenMfa),
        "EMAIL_OTP" => {
            mfa_code(session, responses, "EMAIL_OTP_CODE").map(ChallengeAnswer::EmailOtp)
        }
        "SELECT_MFA_TYPE" => mfa_select(session, responses).map(ChallengeAnswer::SelectMfaType),
        "MFA_SETUP" => mfa_setup(session, responses).map(ChallengeAnswer::MfaSetup),
        "SELECT_CHALLENGE" => {
            select_challenge(session, responses).map(ChallengeAnswer::SelectChallenge)
        }
        "WEB_AUTHN" => web_authn(session, responses).map(ChallengeAnswer::WebAuthn),
        "" => Err(CognitoError::invalid(validation::null("challengeName"))),
        other => {
            return Err(Refusal::OnceClientKnown(CognitoError::invalid(format!(
                "Challenge {} is not supported.",
                super::truncate(other)
            ))));
        }
    }
    .map_err(Refusal::Now)
}

fn password_claim(responses: &mut HashMap<String, String>) -> Result<PasswordClaim, CognitoError> {
    let signature = take(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let secret_block = take(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let timestamp = take(responses, "TIMESTAMP")?;
    let username = take(responses, "USERNAME")?;
    let timestamp = SrpTimestamp::parse(&timestamp).ok_or_else(|| {
        CognitoError::invalid("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
    })?;
    Ok(PasswordClaim {
        username,
        secret_block,
        signature,
        timestamp,
        secret_hash: responses.remove("SECRET_HASH"),
    })
}

/// The `Session` a challenge answer must carry.
fn session_of(session: Option<String>) -> Result<String, CognitoError> {
    session
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CognitoError::invalid(validation::missing("Session")))
}

/// `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`, the code in `code_member` (amazon-cognito-identity-js
/// also sends it as `SMS_MFA_CODE`, which is ignored).
fn mfa_code(
    session: Option<String>,
    responses: &mut HashMap<String, String>,
    code_member: &str,
) -> Result<MfaCodeAnswer, CognitoError> {
    let session = session_of(session)?;
    Ok(MfaCodeAnswer {
        session,
        username: take(responses, "USERNAME")?,
        code: take(responses, code_member)?,
        secret_hash: responses.remove("SECRET_HASH"),
    })
}

/// `SELECT_MFA_TYPE`: the factor chosen, in `ANSWER`.
fn mfa_select(
    session: Option<String>,
    responses: &mut HashMap<String, String>,
) -> Result<MfaSelectAnswer, CognitoError> {
    let session = session_of(session)?;
    Ok(MfaSelectAnswer {
        session,
        username: take(responses, "USERNAME")?,
        factor: take(responses, "ANSWER")?,
        secret_hash: responses.remove("SECRET_HASH"),
    })
}

/// A first factor of `USER_AUTH` by its name (`PREFERRED_CHALLENGE`, or `SELECT_CHALLENGE`'s
/// `ANSWER`), with the parameter it needs.
fn first_factor(
    name: &str,
    params: &mut HashMap<String, String>,
) -> Result<FirstFactor, CognitoError> {
    match name {
        "PASSWORD" => Ok(FirstFactor::Password(take(params, "PASSWORD")?.into())),
        "PASSWORD_SRP" => {
            let srp_a = take(params, "SRP_A")?;
            SrpPublic::from_hex(&srp_a)
                .map(FirstFactor::PasswordSrp)
                .ok_or_else(|| CognitoError::invalid("Invalid SRP_A: not a valid SRP public value"))
        }
        "WEB_AUTHN" => Ok(FirstFactor::WebAuthn),
        "EMAIL_OTP" | "SMS_OTP" => Err(CognitoError::invalid(format!(
            "{name} is not a first factor this user pool offers."
        ))),
        other => Err(CognitoError::invalid(format!(
            "Invalid challenge {}: expected WEB_AUTHN, PASSWORD_SRP or PASSWORD.",
            super::truncate(other)
        ))),
    }
}

/// `SELECT_CHALLENGE`: the first factor chosen, in `ANSWER`.
fn select_challenge(
    session: Option<String>,
    responses: &mut HashMap<String, String>,
) -> Result<FirstFactorAnswer, CognitoError> {
    let session = session_of(session)?;
    let username = take(responses, "USERNAME")?;
    let answer = take(responses, "ANSWER")?;
    Ok(FirstFactorAnswer {
        session,
        username,
        factor: first_factor(&answer, responses)?,
        secret_hash: responses.remove("SECRET_HASH"),
    })
}

/// `WEB_AUTHN`: the passkey's assertion, in `CREDENTIAL`.
fn web_authn(
    session: Option<String>,
    responses: &mut HashMap<String, String>,
) -> Result<WebAuthnAnswer, CognitoError> {
    let session = session_of(session)?;
    Ok(WebAuthnAnswer {
        session,
        // Optional after a usernameless challenge; the domain asks for it after a named one.
        username: responses.remove("USERNAME").filter(|name| !name.is_empty()),
        credential: take(responses, "CREDENTIAL")?,
        secret_hash: responses.remove("SECRET_HASH"),
    })
}

fn mfa_setup(
    session: Option<String>,
    responses: &mut HashMap<String, String>,
) -> Result<MfaSetupAnswer, CognitoError> {
    let session = session_of(session)?;
    Ok(MfaSetupAnswer {
        session,
        username: take(responses, "USERNAME")?,
        email: responses.remove("EMAIL").filter(|e| !e.is_empty()),
        secret_hash: responses.remove("SECRET_HASH"),
    })
}

fn new_password(
    session: Option<String>,
    responses: &mut HashMap<String, String>,
) -> Result<NewPasswordAnswer, CognitoError> {
    let session = session_of(session)?;
    let new_password = take(responses, "NEW_PASSWORD")?.into();
    let username = take(responses, "USERNAME")?;
    let secret_hash = responses.remove("SECRET_HASH");
    let attributes = responses
        .drain()
        .filter_map(|(key, value)| {
            key.strip_prefix("userAttributes.")
                .map(|name| (name.to_owned(), value))
        })
        .collect();
    Ok(NewPasswordAnswer {
        session,
        username,
        new_password,
        secret_hash,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn refusal(result: Result<impl Sized, Refusal>) -> (bool, String) {
        match result {
            Ok(_) => (false, "parsed".into()),
            Err(Refusal::Now(e)) => (true, e.message),
            Err(Refusal::OnceClientKnown(e)) => (false, e.message),
        }
    }

    #[test]
    fn flows_are_named_and_their_parameters_required() {
        assert_eq!(FlowName::parse("REFRESH_TOKEN"), Some(FlowName::Refresh));
        assert_eq!(FlowName::parse("CUSTOM_AUTH"), None);
        let refresh = auth_flow("REFRESH_TOKEN_AUTH", params(&[("REFRESH_TOKEN", "t")]));
        assert!(
            matches!(refresh, Ok(AuthFlow::Refresh { token, secret_hash: None }) if token.expose() == "t")
        );
        assert_eq!(
            refusal(auth_flow(
                "USER_PASSWORD_AUTH",
                params(&[("USERNAME", "a"), ("PASSWORD", "")])
            )),
            (false, "Missing required parameter PASSWORD".into())
        );
        assert_eq!(
            refusal(auth_flow(
                "USER_SRP_AUTH",
                params(&[("USERNAME", "a"), ("SRP_A", "00")])
            )),
            (false, "Invalid SRP_A: not a valid SRP public value".into())
        );
        assert_eq!(
            refusal(auth_flow("CUSTOM_AUTH", HashMap::new())),
            (false, "Initiate Auth method not supported.".into())
        );
    }

    #[test]
    fn user_auth_needs_a_name_unless_it_prefers_a_passkey() {
        for passkey in [
            params(&[("PREFERRED_CHALLENGE", "WEB_AUTHN")]),
            params(&[("PREFERRED_CHALLENGE", "WEB_AUTHN"), ("USERNAME", "")]),
        ] {
            assert!(matches!(
                auth_flow("USER_AUTH", passkey),
                Ok(AuthFlow::UsernamelessPasskey)
            ));
        }
        let named = auth_flow(
            "USER_AUTH",
            params(&[("PREFERRED_CHALLENGE", "WEB_AUTHN"), ("USERNAME", "a")]),
        );
        assert!(matches!(named, Ok(AuthFlow::UserAuth { username, .. }) if username == "a"));
        for unnamed in [
            params(&[]),
            params(&[("PREFERRED_CHALLENGE", "PASSWORD_SRP"), ("SRP_A", "02")]),
            params(&[("PREFERRED_CHALLENGE", "web_authn")]),
        ] {
            assert_eq!(
                refusal(auth_flow("USER_AUTH", unnamed)),
                (false, "Missing required parameter USERNAME".into())
            );
        }
    }

    #[test]
    fn challenge_answers_are_parsed_with_their_attributes() {
        let answer = challenge_answer(
            "NEW_PASSWORD_REQUIRED",
            Some("s".into()),
            params(&[
                ("NEW_PASSWORD", "p"),
                ("USERNAME", "u"),
                ("userAttributes.name", "Alice"),
                ("OTHER", "x"),
            ]),
        );
        let Ok(ChallengeAnswer::NewPassword(answer)) = answer else {
            panic!("NEW_PASSWORD_REQUIRED does not parse");
        };
        assert_eq!(
            answer.attributes,
            vec![("name".to_owned(), "Alice".to_owned())]
        );
        assert_eq!(
            refusal(challenge_answer(
                "NEW_PASSWORD_REQUIRED",
                None,
                HashMap::new()
            )),
            (true, "Missing required parameter Session".into())
        );
        assert_eq!(
            refusal(challenge_answer("SMS_MFA", None, HashMap::new())),
            (false, "Challenge SMS_MFA is not supported.".into())
        );
        assert!(refusal(challenge_answer("", None, HashMap::new())).0);
    }
}
