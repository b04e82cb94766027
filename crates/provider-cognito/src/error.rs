//! The crate's one error type: what kind of failure an AWS call met, with AWS's own reason.

use auth_return_core::PoolId;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::RequestId;
use std::error::Error as StdError;
use std::fmt;

/// Why a provider operation did not succeed. The messages name the AWS operation and AWS's
/// error code and message, so an operator can act on them; they never contain credentials or
/// client secrets.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider's own settings are unusable (no region, a malformed endpoint URL) or a pool
    /// spec is outside what Cognito accepts; nothing was sent to AWS.
    #[error("{0}")]
    Invalid(String),
    /// AWS throttled the calls and the retries ran out (`TooManyRequestsException`,
    /// `ThrottlingException`).
    #[error("AWS is throttling Auth Return's Cognito calls; try again in a moment ({0})")]
    Throttled(AwsFailure),
    /// A Cognito quota of the AWS account is reached, such as its number of user pools
    /// (`LimitExceededException`).
    #[error(
        "the AWS account has reached a Cognito quota: delete unused user pools or ask AWS for a higher limit ({0})"
    )]
    QuotaExceeded(AwsFailure),
    /// AWS refused the credentials or the IAM policy does not allow the call
    /// (`AccessDeniedException`, `NotAuthorizedException`, `UnrecognizedClientException`,
    /// `InvalidClientTokenId`, signature errors, expired tokens).
    #[error(
        "AWS did not permit the call: check Auth Return's AWS credentials and IAM policy ({0})"
    )]
    NotPermitted(AwsFailure),
    /// No AWS credentials could be found or loaded.
    #[error("no usable AWS credentials for {operation}: {reason}")]
    NoCredentials {
        /// The AWS operation that needed them.
        operation: &'static str,
        /// What the credential chain said.
        reason: String,
    },
    /// The pool or client does not exist (`ResourceNotFoundException`).
    #[error("not found in Cognito ({0})")]
    NotFound(AwsFailure),
    /// Cognito could not be reached: connection refused, DNS, TLS, or a timeout.
    #[error("could not reach Cognito at {endpoint} for {operation}: {reason}")]
    Unreachable {
        /// The AWS operation.
        operation: &'static str,
        /// The endpoint called.
        endpoint: String,
        /// What went wrong, innermost cause last.
        reason: String,
    },
    /// Any other refusal or failure, with AWS's code and message.
    #[error("Cognito refused the call ({0})")]
    Other(AwsFailure),
    /// Creating an app's pool failed part-way, and deleting the half-made pool failed too: it is
    /// left in AWS and must be deleted by hand.
    #[error(
        "creating the user pool failed part-way ({cause}), and deleting the half-made pool {pool_id} failed too ({cleanup}): delete it in AWS by hand"
    )]
    LeftBehind {
        /// The pool left in AWS.
        pool_id: PoolId,
        /// Why creation failed.
        cause: Box<ProviderError>,
        /// Why the clean-up failed.
        cleanup: Box<ProviderError>,
    },
}

/// An AWS answer that refused a call: the operation, AWS's error code and message, and the
/// request id AWS support asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsFailure {
    /// The AWS operation (`CreateUserPool`).
    pub operation: &'static str,
    /// AWS's error code (`AccessDeniedException`), or the HTTP status when the answer has none.
    pub code: String,
    /// AWS's message, possibly empty.
    pub message: String,
    /// AWS's request id, when the answer has one.
    pub request_id: Option<String>,
}

impl fmt::Display for AwsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl ProviderError {
    /// The AWS failure behind this error, when AWS answered.
    pub fn aws_failure(&self) -> Option<&AwsFailure> {
        match self {
            Self::Throttled(failure)
            | Self::QuotaExceeded(failure)
            | Self::NotPermitted(failure)
            | Self::NotFound(failure)
            | Self::Other(failure) => Some(failure),
            Self::LeftBehind { cause, .. } => cause.aws_failure(),
            Self::Invalid(_) | Self::NoCredentials { .. } | Self::Unreachable { .. } => None,
        }
    }

    /// Classifies a failed SDK call of `operation` sent to `endpoint`.
    pub(crate) fn from_sdk<E>(operation: &'static str, endpoint: &str, err: SdkError<E>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        if let Some(reason) = credentials_problem(&err) {
            return Self::NoCredentials { operation, reason };
        }
        match &err {
            SdkError::ServiceError(service) => {
                let raw = service.raw();
                let code = err
                    .code()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("HTTP {}", raw.status().as_u16()));
                let failure = AwsFailure {
                    operation,
                    message: err.message().unwrap_or_default().to_owned(),
                    request_id: err.request_id().map(str::to_owned),
                    code,
                };
                classify(failure)
            }
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => Self::Unreachable {
                operation,
                endpoint: endpoint.to_owned(),
                reason: causes(&err),
            },
            SdkError::ResponseError(_) => Self::Other(AwsFailure {
                operation,
                code: "ResponseError".into(),
                message: format!("the answer could not be read: {}", causes(&err)),
                request_id: None,
            }),
            _ => Self::Other(AwsFailure {
                operation,
                code: "ConstructionFailure".into(),
                message: format!("the request could not be built: {}", causes(&err)),
                request_id: None,
            }),
        }
    }
}

/// The variant an AWS error code belongs to.
fn classify(failure: AwsFailure) -> ProviderError {
    match failure.code.as_str() {
        "TooManyRequestsException"
        | "ThrottlingException"
        | "Throttling"
        | "ThrottledException"
        | "RequestLimitExceeded" => ProviderError::Throttled(failure),
        "LimitExceededException" => ProviderError::QuotaExceeded(failure),
        "AccessDeniedException"
        | "AccessDenied"
        | "NotAuthorizedException"
        | "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "RequestExpired" => ProviderError::NotPermitted(failure),
        "ResourceNotFoundException" => ProviderError::NotFound(failure),
        _ => ProviderError::Other(failure),
    }
}

/// What the credential chain said, when the call failed for want of credentials.
fn credentials_problem(err: &(dyn StdError + 'static)) -> Option<String> {
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(current) = next {
        if let Some(problem) = current.downcast_ref::<CredentialsError>() {
            return Some(causes(problem));
        }
        next = current.source();
    }
    None
}

/// An error and its causes, outermost first, each said once.
fn causes(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(current) = next {
        let text = current.to_string();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = current.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: &str) -> AwsFailure {
        AwsFailure {
            operation: "CreateUserPool",
            code: code.into(),
            message: "why".into(),
            request_id: Some("r-1".into()),
        }
    }

    #[test]
    fn codes_are_classified_by_what_the_operator_can_do() {
        assert!(matches!(
            classify(failure("TooManyRequestsException")),
            ProviderError::Throttled(_)
        ));
        assert!(matches!(
            classify(failure("LimitExceededException")),
            ProviderError::QuotaExceeded(_)
        ));
        for code in [
            "AccessDeniedException",
            "NotAuthorizedException",
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
        ] {
            assert!(
                matches!(classify(failure(code)), ProviderError::NotPermitted(_)),
                "{code}"
            );
        }
        assert!(matches!(
            classify(failure("ResourceNotFoundException")),
            ProviderError::NotFound(_)
        ));
        assert!(matches!(
            classify(failure("InvalidParameterException")),
            ProviderError::Other(_)
        ));
    }

    #[test]
    fn messages_name_the_operation_and_aws_reason() {
        let err = classify(failure("LimitExceededException"));
        let text = err.to_string();
        assert!(text.contains("quota"), "{text}");
        assert!(
            text.contains("CreateUserPool: LimitExceededException: why (request id r-1)"),
            "{text}"
        );
        assert_eq!(
            err.aws_failure().map(|f| f.code.as_str()),
            Some("LimitExceededException")
        );
    }

    #[test]
    fn missing_credentials_are_told_apart_from_an_unreachable_endpoint() {
        use aws_sdk_cognitoidentityprovider::error::ConnectorError;
        use aws_sdk_cognitoidentityprovider::operation::create_user_pool::CreateUserPoolError;

        let no_credentials =
            SdkError::<CreateUserPoolError>::dispatch_failure(ConnectorError::other(
                Box::new(CredentialsError::not_loaded(
                    "no providers in chain provided credentials",
                )),
                None,
            ));
        let err = ProviderError::from_sdk("CreateUserPool", "https://x", no_credentials);
        assert!(
            matches!(&err, ProviderError::NoCredentials { operation: "CreateUserPool", reason } if reason.contains("no providers in chain")),
            "{err:?}"
        );

        let refused = SdkError::<CreateUserPoolError>::dispatch_failure(ConnectorError::io(
            Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        ));
        let err = ProviderError::from_sdk("CreateUserPool", "https://x", refused);
        assert!(
            matches!(&err, ProviderError::Unreachable { endpoint, .. } if endpoint == "https://x"),
            "{err:?}"
        );
    }

    #[test]
    fn a_pool_left_behind_is_named_with_both_reasons() {
        let err = ProviderError::LeftBehind {
            pool_id: PoolId::new("eu-west-1_abc"),
            cause: Box::new(classify(failure("AccessDeniedException"))),
            cleanup: Box::new(ProviderError::Unreachable {
                operation: "DeleteUserPool",
                endpoint: "http://127.0.0.1:1".into(),
                reason: "connection refused".into(),
            }),
        };
        let text = err.to_string();
        assert!(text.contains("eu-west-1_abc"), "{text}");
        assert!(text.contains("AccessDeniedException"), "{text}");
        assert!(text.contains("connection refused"), "{text}");
        assert_eq!(
            err.aws_failure().map(|f| f.code.as_str()),
            Some("AccessDeniedException")
        );
    }
}
