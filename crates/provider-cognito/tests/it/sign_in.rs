//! Users of a pool the provider made sign in with SRP, checked for real by the emulator: the
//! right password gets tokens from the pool's issuer with the app's lifetimes, a wrong one is
//! refused.

use crate::common::{self, PASSWORD, emulator, jwt_parts, root, spec};
use auth_return_provider_cognito::PoolSpec;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;

#[tokio::test]
async fn srp_sign_in_gets_the_pools_tokens_and_a_wrong_password_is_refused() {
    let Some(url) = emulator() else { return };
    let provider = root(&url).await;
    let spec = PoolSpec {
        token_validity_secs: 15 * 60,
        ..spec()
    };
    let pool = provider.create_pool(&spec).await.unwrap();
    common::confirmed_user(&provider, &pool, "ada@example.com").await;

    let tokens = common::srp_sign_in(&provider, &pool, "ada@example.com", PASSWORD)
        .await
        .unwrap();
    let (header, id) = jwt_parts(&tokens.id_token);
    assert_eq!(id["iss"], pool.issuer.as_str());
    assert_eq!(id["aud"], pool.client_id.as_str());
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["email"], "ada@example.com");
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        15 * 60
    );
    let (_, access) = jwt_parts(&tokens.access_token);
    assert_eq!(access["iss"], pool.issuer.as_str());
    assert_eq!(access["client_id"], pool.client_id.as_str());
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        15 * 60
    );

    // The token's key is in the pool's JWKS, where CreatedPool says it is.
    let path = pool.jwks_url.strip_prefix(&url).unwrap();
    let (status, jwks) = common::http::request(&url, "GET", path, &[], b"").await;
    assert_eq!(status, 200, "{jwks}");
    let jwks: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert!(kids.contains(&header["kid"].as_str().unwrap()), "{kids:?}");

    let refused = common::srp_sign_in(&provider, &pool, "ada@example.com", "Wrong-Horse-9")
        .await
        .err()
        .expect("a wrong password must be refused");
    assert_eq!(
        refused,
        (
            "NotAuthorizedException".to_owned(),
            "Incorrect username or password.".to_owned()
        )
    );

    provider.delete_pool(&pool.pool_id).await.unwrap();
}

#[tokio::test]
async fn a_client_with_a_secret_signs_in_with_its_secret_hash() {
    let Some(url) = emulator() else { return };
    let provider = root(&url).await;
    let spec = PoolSpec {
        client_secret: true,
        ..spec()
    };
    let pool = provider.create_pool(&spec).await.unwrap();
    common::confirmed_user(&provider, &pool, "grace@example.com").await;

    let tokens = common::srp_sign_in(&provider, &pool, "grace@example.com", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        jwt_parts(&tokens.id_token).1["aud"],
        pool.client_id.as_str()
    );
    let refused = common::srp_sign_in(&provider, &pool, "grace@example.com", "Wrong-Horse-9")
        .await
        .err()
        .expect("a wrong password must be refused");
    assert_eq!(refused.0, "NotAuthorizedException");

    provider.delete_pool(&pool.pool_id).await.unwrap();
}

#[tokio::test]
async fn the_pools_password_policy_is_enforced_at_sign_up() {
    let Some(url) = emulator() else { return };
    let provider = root(&url).await;
    let pool = provider.create_pool(&spec()).await.unwrap();

    // The default policy wants a symbol.
    let err = provider
        .sdk()
        .sign_up()
        .client_id(pool.client_id.as_str())
        .username("lin@example.com")
        .password("NoSymbols123")
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email")
                .value("lin@example.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidPasswordException"), "{err:?}");

    provider.delete_pool(&pool.pool_id).await.unwrap();
}
