//! Admin calls forwarded to Cognito as they came (provider mode): the caller speaks Cognito's
//! own protocol about a pool that lives there, so the body goes on untouched under this
//! service's credentials — signed with AWS Signature Version 4 by the SDK's own signer — and
//! Cognito's answer comes back as it is.

use crate::error::ProviderError;
use crate::provider::CognitoProvider;
use auth_return_core::provider::ForwardedAnswer;
use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use std::time::SystemTime;

/// What the errors of a forwarded call name as its operation.
const FORWARDED: &str = "a forwarded admin call";

impl CognitoProvider {
    /// Sends `body` to Cognito as the operation `operation` (a name of Cognito's API), signed
    /// with this provider's credentials; the answer as it came.
    pub async fn forward_call(
        &self,
        operation: &str,
        body: &[u8],
    ) -> Result<ForwardedAnswer, ProviderError> {
        let provider = self
            .credentials
            .as_ref()
            .ok_or_else(|| ProviderError::NoCredentials {
                operation: FORWARDED,
                reason: "no credentials provider is configured".into(),
            })?;
        let credentials =
            provider
                .provide_credentials()
                .await
                .map_err(|e| ProviderError::NoCredentials {
                    operation: FORWARDED,
                    reason: e.to_string(),
                })?;
        let identity = credentials.into();
        let url = format!("{}/", self.endpoint());
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let host = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_owned();
        let mut headers = vec![
            ("host".to_owned(), host),
            (
                "content-type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            ),
            ("x-amz-target".to_owned(), target),
        ];
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region())
            .name("cognito-idp")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| ProviderError::Invalid(format!("signing {FORWARDED}: {e}")))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &url,
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(body),
        )
        .map_err(|e| ProviderError::Invalid(format!("signing {FORWARDED}: {e}")))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| ProviderError::Invalid(format!("signing {FORWARDED}: {e}")))?
            .into_parts();
        for (name, value) in instructions.headers() {
            headers.push((name.to_owned(), value.to_owned()));
        }
        let mut request = self.http.post(&url).body(body.to_vec());
        for (name, value) in headers.iter().filter(|(name, _)| name != "host") {
            request = request.header(name.as_str(), value.as_str());
        }
        let unreachable = |e: reqwest::Error| ProviderError::Unreachable {
            operation: FORWARDED,
            endpoint: self.endpoint().to_owned(),
            reason: e.to_string(),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(unreachable)?.to_vec();
        Ok(ForwardedAnswer { status, body })
    }
}
