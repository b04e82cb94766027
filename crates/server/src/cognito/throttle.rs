//! Which per-client bucket a Cognito operation counts against (see [`crate::limits`]).

use super::operation::Operation;
use crate::limits::Bucket;

/// The bucket of `operation`, or `None` for operations that are not limited per client
/// (token-authenticated and administrator calls: their credentials are the limit). `refresh`
/// says an InitiateAuth asks for a refresh; a body that does not parse counts as a sign-in
/// (the stricter bucket), and the operation itself then reports what is wrong. `code` says a
/// RespondToAuthChallenge answers with a second-factor code: a guess, counted like a password.
pub fn bucket(operation: Operation, refresh: bool, code: bool) -> Option<Bucket> {
    use Operation::*;
    match operation {
        InitiateAuth if refresh => Some(Bucket::Refresh),
        InitiateAuth | ConfirmSignUp | ConfirmForgotPassword | VerifySoftwareToken => {
            Some(Bucket::SignIn)
        }
        RespondToAuthChallenge if code => Some(Bucket::SignIn),
        GetTokensFromRefreshToken => Some(Bucket::Refresh),
        SignUp => Some(Bucket::SignUp),
        ResendConfirmationCode | ForgotPassword | GetUserAttributeVerificationCode => {
            Some(Bucket::CodeDelivery)
        }
        // RespondToAuthChallenge needs the session of a counted InitiateAuth, each answerable
        // once: counting both would halve the sign-ins allowed.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::auth::InitiateAuthRequest;
    use crate::cognito::operation::Shape;

    /// The bucket of an InitiateAuth with `body`, as the dispatcher charges it.
    fn initiate(body: &[u8]) -> Option<Bucket> {
        let refresh = crate::cognito::parse::<InitiateAuthRequest>(body)
            .is_ok_and(|request| request.is_refresh());
        bucket(Operation::InitiateAuth, refresh, false)
    }

    fn named(name: &str) -> Option<Bucket> {
        let target = format!("AWSCognitoIdentityProviderService.{name}");
        match Operation::from_target(&target) {
            Ok(operation) => bucket(operation, false, false),
            Err(_) => panic!("{name} is no operation"),
        }
    }

    #[test]
    fn operations_map_to_their_buckets() {
        let srp = br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"x"}"#;
        let refresh = br#"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"x"}"#;
        assert_eq!(initiate(srp), Some(Bucket::SignIn));
        assert_eq!(initiate(refresh), Some(Bucket::Refresh));
        assert_eq!(
            initiate(br#"{"AuthFlow":"REFRESH_TOKEN"}"#),
            Some(Bucket::Refresh)
        );
        assert_eq!(initiate(b"not json"), Some(Bucket::SignIn));
        assert_eq!(initiate(br#"{"AuthFlow":7}"#), Some(Bucket::SignIn));
        assert_eq!(named("GetTokensFromRefreshToken"), Some(Bucket::Refresh));
        assert_eq!(named("SignUp"), Some(Bucket::SignUp));
        assert_eq!(named("ConfirmSignUp"), Some(Bucket::SignIn));
        assert_eq!(named("ConfirmForgotPassword"), Some(Bucket::SignIn));
        assert_eq!(named("ForgotPassword"), Some(Bucket::CodeDelivery));
        assert_eq!(named("ResendConfirmationCode"), Some(Bucket::CodeDelivery));
        assert_eq!(named("RespondToAuthChallenge"), None);
        assert_eq!(
            bucket(Operation::RespondToAuthChallenge, false, true),
            Some(Bucket::SignIn)
        );
        assert_eq!(named("VerifySoftwareToken"), Some(Bucket::SignIn));
        assert_eq!(named("AssociateSoftwareToken"), None);
        assert_eq!(named("GetUser"), None);
        assert_eq!(named("ListUsers"), None);
    }
}
