//! Which per-client bucket a Cognito operation counts against (see [`crate::limits`]).

use crate::limits::Bucket;
use serde::Deserialize;

/// The bucket of `operation`, or `None` for operations that are not limited per client
/// (token-authenticated and administrator calls: their credentials are the limit).
pub fn bucket(operation: &str, body: &[u8]) -> Option<Bucket> {
    match operation {
        "InitiateAuth" if is_refresh(body) => Some(Bucket::Refresh),
        "InitiateAuth" | "ConfirmSignUp" | "ConfirmForgotPassword" => Some(Bucket::SignIn),
        "GetTokensFromRefreshToken" => Some(Bucket::Refresh),
        "SignUp" => Some(Bucket::SignUp),
        "ResendConfirmationCode" | "ForgotPassword" | "GetUserAttributeVerificationCode" => {
            Some(Bucket::CodeDelivery)
        }
        // RespondToAuthChallenge needs the session of a counted InitiateAuth, each answerable
        // once: counting both would halve the sign-ins allowed.
        _ => None,
    }
}

/// Whether an InitiateAuth body asks for a refresh. A body that does not parse counts as a
/// sign-in (the stricter bucket); the operation itself then reports what is wrong.
fn is_refresh(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Flow<'a> {
        #[serde(rename = "AuthFlow", borrow)]
        auth_flow: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<Flow<'_>>(body)
        .ok()
        .and_then(|f| f.auth_flow)
        .is_some_and(|flow| matches!(flow.as_ref(), "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_to_their_buckets() {
        let srp = br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"x"}"#;
        let refresh = br#"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"x"}"#;
        assert_eq!(bucket("InitiateAuth", srp), Some(Bucket::SignIn));
        assert_eq!(bucket("InitiateAuth", refresh), Some(Bucket::Refresh));
        assert_eq!(
            bucket("InitiateAuth", br#"{"AuthFlow":"REFRESH_TOKEN"}"#),
            Some(Bucket::Refresh)
        );
        assert_eq!(bucket("InitiateAuth", b"not json"), Some(Bucket::SignIn));
        assert_eq!(
            bucket("InitiateAuth", br#"{"AuthFlow":7}"#),
            Some(Bucket::SignIn)
        );
        assert_eq!(
            bucket("GetTokensFromRefreshToken", b"{}"),
            Some(Bucket::Refresh)
        );
        assert_eq!(bucket("SignUp", b"{}"), Some(Bucket::SignUp));
        assert_eq!(bucket("ConfirmSignUp", b"{}"), Some(Bucket::SignIn));
        assert_eq!(bucket("ConfirmForgotPassword", b"{}"), Some(Bucket::SignIn));
        assert_eq!(bucket("ForgotPassword", b"{}"), Some(Bucket::CodeDelivery));
        assert_eq!(
            bucket("ResendConfirmationCode", b"{}"),
            Some(Bucket::CodeDelivery)
        );
        assert_eq!(bucket("RespondToAuthChallenge", b"{}"), None);
        assert_eq!(bucket("GetUser", b"{}"), None);
        assert_eq!(bucket("ListUsers", b"{}"), None);
    }
}
