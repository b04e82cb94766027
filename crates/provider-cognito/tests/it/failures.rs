//! Failures injected at each step of a pool's creation: each is reported by kind with AWS's
//! reason, and leaves no pool behind — or, when even the clean-up fails, names the pool left.

use crate::common::http::{Fault, FaultProxy};
use crate::common::{self, REGION, emulator, iam_user, spec};
use auth_return_core::settings::MfaMode;
use auth_return_provider_cognito::{
    CognitoProvider, CredentialSource, PoolSpec, ProviderConfig, ProviderError,
};
use std::time::{Duration, Instant};

async fn provider_with(endpoint: &str, key: &str, secret: &str) -> CognitoProvider {
    CognitoProvider::new(common::config(endpoint, key, secret))
        .await
        .unwrap()
}

#[tokio::test]
async fn client_creation_refused_by_iam_deletes_the_pool_again() {
    let Some(url) = emulator() else { return };
    let (key, secret) = iam_user(
        &url,
        &["cognito-idp:CreateUserPool", "cognito-idp:DeleteUserPool"],
    )
    .await;
    let provider = provider_with(&url, &key, &secret).await;
    let spec = spec();

    let err = provider.create_pool(&spec).await.unwrap_err();

    assert!(matches!(err, ProviderError::NotPermitted(_)), "{err:?}");
    let failure = err.aws_failure().unwrap();
    assert_eq!(failure.operation, "CreateUserPoolClient");
    assert_eq!(failure.code, "AccessDeniedException");
    let text = err.to_string();
    assert!(text.contains("IAM policy"), "{text}");
    assert!(text.contains("cognito-idp:CreateUserPoolClient"), "{text}");
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn when_the_clean_up_is_refused_too_the_pool_left_behind_is_named() {
    let Some(url) = emulator() else { return };
    let (key, secret) = iam_user(&url, &["cognito-idp:CreateUserPool"]).await;
    let provider = provider_with(&url, &key, &secret).await;
    let spec = spec();

    let err = provider.create_pool(&spec).await.unwrap_err();

    let ProviderError::LeftBehind {
        pool_id,
        cause,
        cleanup,
    } = &err
    else {
        panic!("expected LeftBehind, got {err:?}");
    };
    assert_eq!(
        cause.aws_failure().unwrap().operation,
        "CreateUserPoolClient"
    );
    assert!(matches!(**cleanup, ProviderError::NotPermitted(_)));
    assert_eq!(cleanup.aws_failure().unwrap().operation, "DeleteUserPool");
    let text = err.to_string();
    assert!(text.contains(pool_id.as_str()), "{text}");
    assert!(text.contains("by hand"), "{text}");
    assert_eq!(
        common::pools_named(&url, &spec.name).await,
        [pool_id.to_string()]
    );

    // What the operator would do.
    common::root(&url).await.delete_pool(pool_id).await.unwrap();
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn credentials_the_emulator_does_not_know_are_refused_before_anything_is_made() {
    let Some(url) = emulator() else { return };
    let provider = provider_with(&url, "AKIAUNKNOWNKEY000000", "not-a-secret").await;
    let spec = spec();

    let err = provider.create_pool(&spec).await.unwrap_err();

    assert!(matches!(err, ProviderError::NotPermitted(_)), "{err:?}");
    let failure = err.aws_failure().unwrap();
    assert_eq!(failure.operation, "CreateUserPool");
    assert_eq!(failure.code, "UnrecognizedClientException");
    assert!(!err.to_string().contains("not-a-secret"));
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn a_wrong_secret_key_is_refused_as_a_bad_signature() {
    let Some(url) = emulator() else { return };
    let (key, _) = iam_user(&url, &["cognito-idp:*"]).await;
    let provider = provider_with(&url, &key, "wrong-secret-key").await;
    let spec = spec();

    let err = provider.create_pool(&spec).await.unwrap_err();

    assert!(matches!(err, ProviderError::NotPermitted(_)), "{err:?}");
    assert_eq!(err.aws_failure().unwrap().code, "InvalidSignatureException");
    assert!(!err.to_string().contains("wrong-secret-key"));
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn the_accounts_pool_quota_is_reported_as_such() {
    let Some(url) = emulator() else { return };
    let proxy = FaultProxy::start(
        &url,
        &[(
            "CreateUserPool",
            Fault::Answer(
                400,
                "LimitExceededException",
                "The account has reached its user pool limit.",
            ),
        )],
    )
    .await;
    let provider = provider_with(&proxy.url, common::ROOT_KEY, common::ROOT_KEY).await;
    let spec = spec();

    let err = provider.create_pool(&spec).await.unwrap_err();

    assert!(matches!(err, ProviderError::QuotaExceeded(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("quota"), "{text}");
    assert!(
        text.contains(
            "CreateUserPool: LimitExceededException: The account has reached its user pool limit."
        ),
        "{text}"
    );
    assert!(text.contains("request id fault-CreateUserPool"), "{text}");
    // The SDK's retry classifier counts LimitExceededException as throttling, so it tries
    // again (here twice in all, the tests' max_attempts) before giving up.
    assert_eq!(proxy.seen(), ["CreateUserPool", "CreateUserPool"]);
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn throttled_client_creation_is_retried_then_undone() {
    let Some(url) = emulator() else { return };
    let proxy = FaultProxy::start(
        &url,
        &[(
            "CreateUserPoolClient",
            Fault::Answer(400, "TooManyRequestsException", "Rate exceeded"),
        )],
    )
    .await;
    let provider = provider_with(&proxy.url, common::ROOT_KEY, common::ROOT_KEY).await;
    let spec = spec();

    let err = provider.create_pool(&spec).await.unwrap_err();

    assert!(matches!(err, ProviderError::Throttled(_)), "{err:?}");
    assert_eq!(err.aws_failure().unwrap().operation, "CreateUserPoolClient");
    // Two attempts (the tests' max_attempts), then the pool is deleted again.
    assert_eq!(
        proxy.seen(),
        [
            "CreateUserPool",
            "CreateUserPoolClient",
            "CreateUserPoolClient",
            "DeleteUserPool"
        ]
    );
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn cognito_going_away_while_mfa_is_set_up_leaves_nothing_behind() {
    let Some(url) = emulator() else { return };
    let proxy = FaultProxy::start(&url, &[("SetUserPoolMfaConfig", Fault::Hang)]).await;
    let provider = provider_with(&proxy.url, common::ROOT_KEY, common::ROOT_KEY).await;
    let spec = PoolSpec {
        mfa: MfaMode::On,
        ..spec()
    };

    let err = provider.create_pool(&spec).await.unwrap_err();

    let ProviderError::Unreachable {
        operation,
        endpoint,
        ..
    } = &err
    else {
        panic!("expected Unreachable, got {err:?}");
    };
    assert_eq!(*operation, "SetUserPoolMfaConfig");
    assert_eq!(endpoint, &proxy.url);
    assert_eq!(
        proxy.seen().first().map(String::as_str),
        Some("CreateUserPool")
    );
    assert_eq!(
        proxy.seen().last().map(String::as_str),
        Some("DeleteUserPool")
    );
    assert!(!proxy.seen().contains(&"CreateUserPoolClient".to_owned()));
    assert!(common::pools_named(&url, &spec.name).await.is_empty());
}

#[tokio::test]
async fn a_stopped_emulator_is_unreachable_and_said_so_quickly() {
    // A port nothing listens on: as if the emulator had stopped.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    // The default retries and timeouts, but for the connect timeout.
    let provider = CognitoProvider::new(ProviderConfig {
        region: Some(REGION.into()),
        endpoint_url: Some(closed.clone()),
        credentials: CredentialSource::fixed(common::ROOT_KEY, common::ROOT_KEY),
        connect_timeout: Duration::from_secs(1),
        ..ProviderConfig::default()
    })
    .await
    .unwrap();

    let started = Instant::now();
    let err = provider.create_pool(&spec()).await.unwrap_err();
    let took = started.elapsed();

    let ProviderError::Unreachable {
        operation,
        endpoint,
        reason,
    } = &err
    else {
        panic!("expected Unreachable, got {err:?}");
    };
    assert_eq!(*operation, "CreateUserPool");
    assert_eq!(endpoint, &closed);
    assert!(
        reason.to_lowercase().contains("connection refused"),
        "{reason}"
    );
    assert!(
        err.to_string()
            .starts_with("could not reach Cognito at http://127.0.0.1:")
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[tokio::test]
async fn an_endpoint_that_never_answers_times_out_at_the_attempt_timeout() {
    // Accepts connections and never answers, as a hung server would.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = format!("http://{}", listener.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let provider = CognitoProvider::new(ProviderConfig {
        region: Some(REGION.into()),
        endpoint_url: Some(silent.clone()),
        credentials: CredentialSource::fixed(common::ROOT_KEY, common::ROOT_KEY),
        attempt_timeout: Duration::from_millis(800),
        max_attempts: 2,
        ..ProviderConfig::default()
    })
    .await
    .unwrap();

    let started = Instant::now();
    let err = provider.create_pool(&spec()).await.unwrap_err();
    let took = started.elapsed();
    holder.abort();

    let ProviderError::Unreachable {
        operation, reason, ..
    } = &err
    else {
        panic!("expected Unreachable, got {err:?}");
    };
    assert_eq!(*operation, "CreateUserPool");
    assert!(reason.contains("timeout"), "{reason}");
    assert!(took >= Duration::from_millis(1_600), "took {took:?}");
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[tokio::test]
async fn a_spec_cognito_would_refuse_is_refused_without_calling_it() {
    let Some(url) = emulator() else { return };
    let proxy = FaultProxy::start(&url, &[]).await;
    let provider = provider_with(&proxy.url, common::ROOT_KEY, common::ROOT_KEY).await;

    let err = provider
        .create_pool(&PoolSpec {
            token_validity_secs: 10 * 86_400,
            ..spec()
        })
        .await
        .unwrap_err();

    assert!(matches!(err, ProviderError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("300 to 86400"), "{err}");
    assert!(proxy.seen().is_empty());
}

#[tokio::test]
async fn a_provider_needs_a_usable_endpoint_url() {
    let err = CognitoProvider::new(ProviderConfig {
        region: Some(REGION.into()),
        endpoint_url: Some("127.0.0.1:4566".into()),
        ..ProviderConfig::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, ProviderError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn an_https_endpoint_goes_through_rustls_and_a_failed_handshake_is_unreachable() {
    // Speaks plain HTTP where TLS is expected: the handshake runs (rustls on aws-lc-rs, the one
    // crypto provider: two installed would panic here) and fails.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("https://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let provider = CognitoProvider::new(ProviderConfig {
        region: Some(REGION.into()),
        endpoint_url: Some(endpoint.clone()),
        credentials: CredentialSource::fixed(common::ROOT_KEY, common::ROOT_KEY),
        max_attempts: 1,
        ..ProviderConfig::default()
    })
    .await
    .unwrap();

    let err = provider.create_pool(&spec()).await.unwrap_err();
    server.abort();

    assert!(
        matches!(&err, ProviderError::Unreachable { endpoint: e, .. } if *e == endpoint),
        "{err:?}"
    );
}
