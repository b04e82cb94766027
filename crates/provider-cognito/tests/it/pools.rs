//! Pools are made with the app's settings, read back, and deleted.

use crate::common::{self, emulator, root, spec};
use auth_return_core::policy::PasswordPolicy;
use auth_return_core::settings::{MfaMode, RefreshRotation};
use auth_return_provider_cognito::{PoolSpec, ProviderError};

#[tokio::test]
async fn a_pool_is_made_with_the_apps_settings() {
    let Some(url) = emulator() else { return };
    let provider = root(&url).await;
    let spec = PoolSpec {
        password_policy: PasswordPolicy {
            min_length: 10,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: false,
            require_symbols: false,
        },
        mfa: MfaMode::Optional,
        token_validity_secs: 90 * 60,
        refresh_validity_secs: 7 * 86_400,
        refresh_rotation: RefreshRotation {
            enabled: true,
            grace_secs: 20,
        },
        client_secret: true,
        hide_existing_accounts: true,
        ..spec()
    };
    let created = provider.create_pool(&spec).await.unwrap();

    assert!(
        created.pool_id.as_str().starts_with("us-east-1_"),
        "{created:?}"
    );
    assert_eq!(created.region, "us-east-1");
    assert_eq!(created.endpoint, format!("{url}/"));
    assert_eq!(
        created.issuer,
        format!(
            "https://cognito-idp.us-east-1.amazonaws.com/{}",
            created.pool_id
        )
    );
    assert_eq!(
        created.jwks_url,
        format!("{url}/{}/.well-known/jwks.json", created.pool_id)
    );
    let secret = created.client_secret.as_ref().expect("a client secret");
    assert!(secret.expose().len() >= 20);
    assert!(
        !format!("{created:?}").contains(secret.expose()),
        "the secret must not be printed"
    );

    let pool = provider.describe_pool(&created.pool_id).await.unwrap();
    assert_eq!(pool.name, spec.name);
    assert_eq!(pool.username_attributes, ["email"]);
    assert_eq!(pool.auto_verified_attributes, ["email"]);
    assert_eq!(pool.password_policy, spec.password_policy);
    assert_eq!(pool.mfa, MfaMode::Optional);
    assert!(pool.software_token_mfa);
    assert!(!pool.deletion_protection);
    assert_eq!(pool.clients.len(), 1);
    let client = &pool.clients[0];
    assert_eq!(client.client_id, created.client_id);
    assert_eq!(client.name, spec.name);
    assert!(client.has_secret);
    // Rotation on: Cognito refreshes through GetTokensFromRefreshToken only.
    assert_eq!(client.explicit_auth_flows, ["ALLOW_USER_SRP_AUTH"]);
    assert_eq!(client.id_token_validity_secs, 90 * 60);
    assert_eq!(client.access_token_validity_secs, 90 * 60);
    assert_eq!(client.refresh_token_validity_secs, 7 * 86_400);
    assert!(client.token_revocation);
    assert!(client.hide_existing_accounts);
    // AWS reports the rotation setting; MiniStack 1.5.33 keeps none (so reports none).
    if let Some(rotation) = &client.refresh_rotation {
        assert_eq!(rotation, &spec.refresh_rotation);
    }

    provider.delete_pool(&created.pool_id).await.unwrap();
}

#[tokio::test]
async fn without_rotation_the_client_refreshes_with_refresh_token_auth() {
    let Some(url) = emulator() else { return };
    let provider = root(&url).await;
    let spec = PoolSpec {
        mfa: MfaMode::On,
        refresh_rotation: RefreshRotation {
            enabled: false,
            grace_secs: 0,
        },
        ..spec()
    };
    let created = provider.create_pool(&spec).await.unwrap();
    assert!(created.client_secret.is_none());

    let pool = provider.describe_pool(&created.pool_id).await.unwrap();
    assert_eq!(pool.mfa, MfaMode::On);
    assert!(pool.software_token_mfa);
    assert_eq!(pool.password_policy, PasswordPolicy::default());
    let client = &pool.clients[0];
    assert!(!client.has_secret);
    assert!(!client.hide_existing_accounts);
    assert_eq!(
        client.explicit_auth_flows,
        ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    );
    assert_eq!(client.id_token_validity_secs, 3_600);
    assert_eq!(client.refresh_token_validity_secs, 30 * 86_400);

    provider.delete_pool(&created.pool_id).await.unwrap();
}

#[tokio::test]
async fn a_deleted_pool_is_gone() {
    let Some(url) = emulator() else { return };
    let provider = root(&url).await;
    let spec = spec();
    let created = provider.create_pool(&spec).await.unwrap();
    assert_eq!(
        common::pools_named(&url, &spec.name).await,
        [created.pool_id.to_string()]
    );

    provider.delete_pool(&created.pool_id).await.unwrap();

    assert!(common::pools_named(&url, &spec.name).await.is_empty());
    let err = provider.describe_pool(&created.pool_id).await.unwrap_err();
    assert!(matches!(err, ProviderError::NotFound(_)), "{err:?}");
    let failure = err.aws_failure().unwrap();
    assert_eq!(failure.operation, "DescribeUserPool");
    assert_eq!(failure.code, "ResourceNotFoundException");
    let err = provider.delete_pool(&created.pool_id).await.unwrap_err();
    assert!(matches!(err, ProviderError::NotFound(_)), "{err:?}");
}
