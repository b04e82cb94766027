//! Shared by the provider tests: the emulator's URL, providers with root or restricted
//! credentials, unique pool specs, IAM users made in the emulator, and SRP sign-in.

pub mod http;

use auth_return_core::policy::PasswordPolicy;
use auth_return_core::settings::{MfaMode, RefreshRotation};
use auth_return_crypto::srp;
use auth_return_provider_cognito::{
    CognitoProvider, CreatedPool, CredentialSource, PoolSpec, ProviderConfig,
};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, ChallengeNameType};
use serde_json::Value;
use std::time::Duration;

pub const REGION: &str = "us-east-1";
/// The emulator's root credentials (tests/cognito/start.sh).
pub const ROOT_KEY: &str = "test";
pub const PASSWORD: &str = "Correct-Horse-9";

/// The emulator's endpoint from `AUTH_RETURN_TEST_COGNITO_URL`. Without it: `None` (the test
/// skips), except in CI (`CI` set), where these tests must run.
pub fn emulator() -> Option<String> {
    match std::env::var("AUTH_RETURN_TEST_COGNITO_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the Cognito provider tests: set AUTH_RETURN_TEST_COGNITO_URL (tests/run.sh does, with tests/cognito/start.sh)"
            );
            eprintln!(
                "AUTH_RETURN_TEST_COGNITO_URL is not set: skipping (tests/cognito/start.sh starts an emulator)"
            );
            None
        }
    }
}

/// The settings the tests use, with `endpoint` and these keys.
pub fn config(endpoint: &str, access_key: &str, secret_key: &str) -> ProviderConfig {
    ProviderConfig {
        region: Some(REGION.into()),
        endpoint_url: Some(endpoint.into()),
        credentials: CredentialSource::fixed(access_key, secret_key),
        connect_timeout: Duration::from_secs(2),
        attempt_timeout: Duration::from_secs(15),
        max_attempts: 2,
    }
}

/// A provider with the emulator's root credentials.
pub async fn root(endpoint: &str) -> CognitoProvider {
    CognitoProvider::new(config(endpoint, ROOT_KEY, ROOT_KEY))
        .await
        .unwrap()
}

/// A spec with a name no other test uses.
pub fn spec() -> PoolSpec {
    PoolSpec {
        name: format!("ar-test-{}", uuid::Uuid::new_v4().simple()),
        password_policy: PasswordPolicy::default(),
        mfa: MfaMode::Off,
        token_validity_secs: 3_600,
        refresh_validity_secs: 30 * 86_400,
        refresh_rotation: RefreshRotation::default(),
        client_secret: false,
        hide_existing_accounts: false,
    }
}

/// The ids of the pools named `name` in the emulator (ListUserPools as root).
pub async fn pools_named(endpoint: &str, name: &str) -> Vec<String> {
    let root = root(endpoint).await;
    let mut ids = Vec::new();
    let mut next = None;
    loop {
        let page = root
            .sdk()
            .list_user_pools()
            .max_results(60)
            .set_next_token(next)
            .send()
            .await
            .unwrap();
        ids.extend(
            page.user_pools()
                .iter()
                .filter(|p| p.name() == Some(name))
                .filter_map(|p| p.id().map(str::to_owned)),
        );
        next = page.next_token;
        if next.is_none() {
            return ids;
        }
    }
}

/// An IAM user made in the emulator whose policy allows only `actions`; its keys.
pub async fn iam_user(endpoint: &str, actions: &[&str]) -> (String, String) {
    let name = format!("ar-test-{}", uuid::Uuid::new_v4().simple());
    iam(endpoint, &[("Action", "CreateUser"), ("UserName", &name)]).await;
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
    })
    .to_string();
    iam(
        endpoint,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", &name),
            ("PolicyName", "auth-return-test"),
            ("PolicyDocument", &policy),
        ],
    )
    .await;
    let answer = iam(
        endpoint,
        &[("Action", "CreateAccessKey"), ("UserName", &name)],
    )
    .await;
    (
        xml_text(&answer, "AccessKeyId"),
        xml_text(&answer, "SecretAccessKey"),
    )
}

/// One IAM Query call as root, signed with SigV4; the answer's XML.
async fn iam(endpoint: &str, params: &[(&str, &str)]) -> String {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;

    let mut body = String::from("Version=2010-05-08");
    for (name, value) in params {
        body.push_str(&format!("&{name}={}", form_encode(value)));
    }
    let identity =
        aws_credential_types::Credentials::new(ROOT_KEY, ROOT_KEY, None, None, "tests").into();
    let signing = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("iam")
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let mut headers = vec![
        ("host".to_owned(), http::authority(endpoint).to_owned()),
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let url = format!("{endpoint}/");
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &signing).unwrap().into_parts();
    for (name, value) in instructions.headers() {
        headers.push((name.to_owned(), value.to_owned()));
    }
    let (status, answer) = http::request(endpoint, "POST", "/", &headers, body.as_bytes()).await;
    assert_eq!(status, 200, "IAM {params:?}: {answer}");
    answer
}

fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn xml_text(xml: &str, tag: &str) -> String {
    let start = xml.find(&format!("<{tag}>")).unwrap() + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>")).unwrap() + start;
    xml[start..end].to_owned()
}

/// Signs `email` up in `pool` with `PASSWORD` and confirms them as an administrator.
pub async fn confirmed_user(provider: &CognitoProvider, pool: &CreatedPool, email: &str) {
    let mut sign_up = provider
        .sdk()
        .sign_up()
        .client_id(pool.client_id.as_str())
        .username(email)
        .password(PASSWORD)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(email)
                .build()
                .unwrap(),
        );
    if let Some(secret) = &pool.client_secret {
        sign_up = sign_up.secret_hash(auth_return_crypto::secret_hash::compute(
            secret.expose(),
            email,
            pool.client_id.as_str(),
        ));
    }
    sign_up.send().await.unwrap();
    provider
        .sdk()
        .admin_confirm_sign_up()
        .user_pool_id(pool.pool_id.as_str())
        .username(email)
        .send()
        .await
        .unwrap();
}

/// The outcome of an SRP sign-in: the tokens, or the error code and message.
pub struct SignIn {
    pub id_token: String,
    pub access_token: String,
}

/// USER_SRP_AUTH then PASSWORD_VERIFIER, as amazon-cognito-identity-js does it.
pub async fn srp_sign_in(
    provider: &CognitoProvider,
    pool: &CreatedPool,
    email: &str,
    password: &str,
) -> Result<SignIn, (String, String)> {
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
    let secret_hash = |username: &str| {
        pool.client_secret.as_ref().map(|secret| {
            auth_return_crypto::secret_hash::compute(
                secret.expose(),
                username,
                pool.client_id.as_str(),
            )
        })
    };
    let eph = srp::client_ephemeral();
    let mut start = provider
        .sdk()
        .initiate_auth()
        .client_id(pool.client_id.as_str())
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("SRP_A", &eph.srp_a_hex);
    if let Some(hash) = secret_hash(email) {
        start = start.auth_parameters("SECRET_HASH", hash);
    }
    let challenge = start.send().await.unwrap();
    assert_eq!(
        challenge.challenge_name(),
        Some(&ChallengeNameType::PasswordVerifier)
    );
    let p = challenge.challenge_parameters().unwrap();
    let uid = p["USER_ID_FOR_SRP"].clone();
    let timestamp = srp::srp_timestamp_now();
    let signature = srp::client_password_claim(
        pool.pool_id.srp_name(),
        &uid,
        password,
        &eph,
        &p["SRP_B"],
        &p["SALT"],
        &p["SECRET_BLOCK"],
        &timestamp,
    )
    .unwrap();
    let mut answer = provider
        .sdk()
        .respond_to_auth_challenge()
        .client_id(pool.client_id.as_str())
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &uid)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", &p["SECRET_BLOCK"])
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
        .challenge_responses("TIMESTAMP", timestamp);
    if let Some(hash) = secret_hash(&uid) {
        answer = answer.challenge_responses("SECRET_HASH", hash);
    }
    match answer.send().await {
        Ok(out) => {
            let result = out.authentication_result().unwrap();
            Ok(SignIn {
                id_token: result.id_token().unwrap().to_owned(),
                access_token: result.access_token().unwrap().to_owned(),
            })
        }
        Err(err) => Err((
            err.code().unwrap_or("").to_owned(),
            err.message().unwrap_or("").to_owned(),
        )),
    }
}

/// A JWT's header and claims, unverified.
pub fn jwt_parts(token: &str) -> (Value, Value) {
    use base64::Engine;
    let decode = |part: &str| -> Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap(),
        )
        .unwrap()
    };
    let mut parts = token.split('.');
    let header = decode(parts.next().unwrap());
    let claims = decode(parts.next().unwrap());
    (header, claims)
}
