//! Developers' access keys (issue 17): created, listed and revoked through `/api/access-keys`,
//! each refusal by its status and message, and requests signed with one (AWS Signature
//! Version 4) checked by the service: the developer it grants, and every way a signature fails
//! in AWS's words.

use crate::common::{TempPostgres, TestServer, claims, create_app, developer, send};
use auth_return_core::Error;
use auth_return_core::access_keys::{AccessKeyGrant, SignedParts};
use auth_return_core::events::{Caller, EventKind, EventQuery};
use auth_return_core::{AccessKeyId, Actor, AppId, UserId};
use auth_return_crypto::hash::hmac_sha256;
use auth_return_crypto::sigv4::{
    SignedRequest, canonical_request, format_amz_date, signing_key, string_to_sign,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A developer's console token and id.
async fn signed_in_developer(server: &TestServer, email: &str) -> (String, UserId) {
    let token = developer(server, email).await;
    let id = UserId::parse(claims(&token)["sub"].as_str().unwrap()).unwrap();
    (token, id)
}

/// `POST /api/access-keys` with `body`.
async fn create(server: &TestServer, token: &str, body: Value) -> (StatusCode, Value) {
    send(
        server,
        Method::POST,
        "/api/access-keys",
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_developer_creates_lists_and_revokes_their_access_keys() {
    let server = TestServer::start().await;
    let (token, dev) = signed_in_developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let app_id = app["app_id"].as_str().unwrap();

    let response = server
        .http
        .post(format!("{}/api/access-keys", server.url))
        .bearer_auth(&token)
        .json(&json!({"name": "ci deploy", "app_id": app_id, "read_only": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let created: Value = response.json().await.unwrap();
    let id = created["access_key_id"].as_str().unwrap().to_owned();
    let secret = created["secret_access_key"].as_str().unwrap().to_owned();
    assert!(id.parse::<AccessKeyId>().is_ok(), "{id}");
    assert_eq!(id.len(), 20);
    assert_eq!(secret.len(), 40);
    assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(created["name"], "ci deploy");
    assert_eq!(created["app_id"], app_id);
    assert_eq!(created["read_only"], true);
    assert_eq!(created["revoked"], false);
    assert_eq!(created["created_at"], server.clock_now());

    let (status, everything) = create(&server, &token, json!({"name": "laptop"})).await;
    assert_eq!(status, StatusCode::CREATED, "{everything}");
    assert_eq!(everything["app_id"], Value::Null);
    assert_eq!(everything["read_only"], false);

    // Listed without secrets, oldest first; the secret is sealed at rest, never stored bare.
    let (status, listed) = send(&server, Method::GET, "/api/access-keys", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    let keys = listed["access_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["access_key_id"], id.as_str());
    assert!(!listed.to_string().contains(&secret));
    let stored = server
        .service
        .store()
        .get_access_key(&id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(!String::from_utf8_lossy(&stored.sealed_secret).contains(&secret));
    assert_eq!(stored.developer_id, dev);

    // Revoked once (a second revoke changes nothing and records nothing).
    let path = format!("/api/access-keys/{id}");
    let (status, revoked) = send(&server, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["revoked"], true);
    assert_eq!(revoked["revoked_at"], server.clock_now());
    server.clock.advance(5);
    let (_, again) = send(&server, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(again["revoked_at"], revoked["revoked_at"]);

    // Recorded in the console pool, with the developer as actor; never the secret.
    server.service.events().flush().await;
    let console = server
        .service
        .get_app(Actor::Operator, &AppId::console())
        .await
        .unwrap();
    let events = server
        .service
        .store()
        .list_events(
            &console.pool_id,
            &EventQuery {
                limit: 1000,
                ..EventQuery::default()
            },
        )
        .await
        .unwrap();
    let kinds: Vec<EventKind> = events
        .iter()
        .filter(|e| e.kind.as_str().starts_with("access_key"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::AccessKeyCreated)
            .count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == EventKind::AccessKeyRevoked)
            .count(),
        1
    );
    let revocation = events
        .iter()
        .find(|e| e.kind == EventKind::AccessKeyRevoked)
        .unwrap();
    assert_eq!(revocation.detail["access_key_id"], id.as_str());
    assert_eq!(revocation.actor.as_deref(), Some(dev.to_string().as_str()));
    assert!(!format!("{events:?}").contains(&secret));
}

#[tokio::test]
async fn every_refusal_says_what_is_wrong_and_keeps_nothing() {
    let server = TestServer::start().await;
    let (token, _) = signed_in_developer(&server, "dev@example.com").await;
    let (other, _) = signed_in_developer(&server, "other@example.com").await;
    let others_app = create_app(&server, &other, "Theirs").await;

    let refusals = [
        (
            json!({}),
            StatusCode::BAD_REQUEST,
            "name must be 1 to 100 characters",
        ),
        (
            json!({"name": "  "}),
            StatusCode::BAD_REQUEST,
            "name must be 1 to 100 characters",
        ),
        (
            json!({"name": "x".repeat(101)}),
            StatusCode::BAD_REQUEST,
            "name must be 1 to 100 characters",
        ),
        (
            json!({"name": "k", "app_id": others_app["app_id"]}),
            StatusCode::NOT_FOUND,
            "app not found",
        ),
        (
            json!({"name": "k", "app_id": "nonsense"}),
            StatusCode::NOT_FOUND,
            "app not found",
        ),
    ];
    for (body, status, message) in refusals {
        let (got, answer) = create(&server, &token, body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["message"], message, "{body}");
    }
    let (status, answer) = create(&server, &token, json!({"name": "k", "scopes": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let (status, _) = send(
        &server,
        Method::POST,
        "/api/access-keys",
        None,
        Some(json!({"name": "k"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, listed) = send(&server, Method::GET, "/api/access-keys", Some(&token), None).await;
    assert_eq!(listed["access_keys"], json!([]));

    // At most 10 live keys; revoking one makes room.
    let mut first = String::new();
    for i in 0..10 {
        let (status, key) = create(&server, &token, json!({"name": format!("k{i}")})).await;
        assert_eq!(status, StatusCode::CREATED);
        if i == 0 {
            first = key["access_key_id"].as_str().unwrap().to_owned();
        }
    }
    let (status, answer) = create(&server, &token, json!({"name": "one more"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        answer["message"],
        "at most 10 live access keys per developer: revoke one first"
    );

    // Another developer's key is not found for them: not listed, not revoked.
    let path = format!("/api/access-keys/{first}");
    let (status, answer) = send(&server, Method::DELETE, &path, Some(&other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    let (_, theirs) = send(&server, Method::GET, "/api/access-keys", Some(&other), None).await;
    assert_eq!(theirs["access_keys"], json!([]));
    for path in [
        "/api/access-keys/AKAR0000000000000000",
        "/api/access-keys/nonsense",
    ] {
        let (status, _) = send(&server, Method::DELETE, path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = send(&server, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = create(&server, &token, json!({"name": "room again"})).await;
    assert_eq!(status, StatusCode::CREATED);
}

/// A request to sign: a Cognito call as boto3 makes it.
struct Call {
    host: String,
    target: String,
    body: Vec<u8>,
    amz_date: String,
}

impl Call {
    fn new(server: &TestServer, target: &str) -> Self {
        Self {
            host: "cognito-idp.us-east-1.amazonaws.com".into(),
            target: format!("AWSCognitoIdentityProviderService.{target}"),
            body: br#"{"MaxResults": 10}"#.to_vec(),
            amz_date: format_amz_date(server.clock_now()),
        }
    }

    fn headers(&self) -> Vec<(&str, &[u8])> {
        vec![
            ("Host", self.host.as_bytes()),
            ("Content-Type", b"application/x-amz-json-1.1"),
            ("X-Amz-Target", self.target.as_bytes()),
            ("X-Amz-Date", self.amz_date.as_bytes()),
        ]
    }

    /// The `Authorization` header of this call signed with `key` and `secret` for `service`.
    fn sign(&self, key: &str, secret: &str, service: &str) -> String {
        let headers = self.headers();
        let request = self.request(&headers);
        let signed: Vec<String> = ["content-type", "host", "x-amz-date", "x-amz-target"]
            .map(String::from)
            .to_vec();
        let canonical = canonical_request(&request, &signed).unwrap();
        let date = &self.amz_date[..8];
        let scope = format!("{date}/us-east-1/{service}/aws4_request");
        let to_sign = string_to_sign(&self.amz_date, &scope, &canonical);
        let signature = hmac_sha256(
            &signing_key(secret.as_bytes(), date, "us-east-1", service),
            to_sign.as_bytes(),
        );
        format!(
            "AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={}, Signature={}",
            signed.join(";"),
            signature
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    }

    fn request<'a>(&'a self, headers: &'a [(&'a str, &'a [u8])]) -> SignedRequest<'a> {
        SignedRequest {
            method: "POST",
            path: "/",
            query: "",
            headers,
            body: &self.body,
        }
    }

    async fn check(
        &self,
        server: &TestServer,
        authorization: &str,
    ) -> Result<AccessKeyGrant, String> {
        let headers = self.headers();
        let parts = SignedParts {
            authorization,
            amz_date: Some(&self.amz_date),
            request: self.request(&headers),
        };
        server
            .service
            .authenticate_signed(&parts)
            .await
            .map_err(|e| format!("{e:?}"))
    }
}

/// The refusal `e`, as [`Call::check`] reports it.
fn refused(e: Error) -> Result<AccessKeyGrant, String> {
    Err(format!("{e:?}"))
}

#[tokio::test]
async fn a_signed_request_acts_as_its_developer_within_the_keys_limits() {
    let server = TestServer::start().await;
    let (token, dev) = signed_in_developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let (_, limited) = create(
        &server,
        &token,
        json!({"name": "reader", "app_id": app["app_id"], "read_only": true}),
    )
    .await;
    let (_, full) = create(&server, &token, json!({"name": "all"})).await;
    let key = |v: &Value| {
        (
            v["access_key_id"].as_str().unwrap().to_owned(),
            v["secret_access_key"].as_str().unwrap().to_owned(),
        )
    };
    let (limited_id, limited_secret) = key(&limited);
    let (full_id, full_secret) = key(&full);

    let call = Call::new(&server, "ListUserPools");
    let grant = call
        .check(
            &server,
            &call.sign(&limited_id, &limited_secret, "cognito-idp"),
        )
        .await
        .unwrap();
    assert_eq!(grant.actor, Actor::Developer(dev));
    assert_eq!(
        grant.app_id.as_ref().map(AppId::as_str),
        app["app_id"].as_str()
    );
    assert!(grant.read_only);
    let grant = call
        .check(&server, &call.sign(&full_id, &full_secret, "cognito-idp"))
        .await
        .unwrap();
    assert_eq!((grant.app_id, grant.read_only), (None, false));
    let used = |id: &str| {
        let store = server.service.store();
        let id: AccessKeyId = id.parse().unwrap();
        async move {
            store
                .get_access_key(&id)
                .await
                .unwrap()
                .unwrap()
                .last_used_at
        }
    };
    assert_eq!(used(&full_id).await, Some(server.clock_now()));

    // Every failure in AWS's words.
    let invalid = refused(Error::InvalidSignature(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.".into(),
    ));
    assert_eq!(
        call.check(
            &server,
            &call.sign(&full_id, &limited_secret, "cognito-idp")
        )
        .await,
        invalid,
        "another key's secret"
    );
    let mut tampered = Call::new(&server, "ListUserPools");
    let authorization = tampered.sign(&full_id, &full_secret, "cognito-idp");
    tampered.body = br#"{"MaxResults": 60}"#.to_vec();
    assert_eq!(
        tampered.check(&server, &authorization).await,
        invalid,
        "a tampered body"
    );
    assert_eq!(
        call.check(
            &server,
            &call.sign("AKAR0000000000000000", &full_secret, "cognito-idp")
        )
        .await,
        refused(Error::UnrecognizedAccessKey)
    );
    assert_eq!(
        call.check(
            &server,
            &call.sign("AKIAIOSFODNN7EXAMPLE", &full_secret, "cognito-idp")
        )
        .await,
        refused(Error::UnrecognizedAccessKey)
    );
    assert_eq!(
        call.check(&server, &call.sign(&full_id, &full_secret, "s3"))
            .await,
        refused(Error::InvalidSignature(
            "Credential should be scoped to correct service: 'cognito-idp'.".into()
        ))
    );
    assert_eq!(
        call.check(&server, "AWS4-HMAC-SHA256 Credential=x").await,
        refused(Error::IncompleteSignature(
            "Authorization header requires 'SignedHeaders' parameter.".into()
        ))
    );
    let headers = call.headers();
    let undated = SignedParts {
        authorization: &call.sign(&full_id, &full_secret, "cognito-idp"),
        amz_date: None,
        request: call.request(&headers),
    };
    assert_eq!(
        server
            .service
            .authenticate_signed(&undated)
            .await
            .map_err(|e| format!("{e:?}")),
        refused(Error::IncompleteSignature(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                .into()
        ))
    );

    // Five minutes of skew either way, no more.
    let now = server.clock_now();
    for (offset, ok) in [(-300, true), (300, true), (-301, false), (301, false)] {
        let mut skewed = Call::new(&server, "ListUserPools");
        skewed.amz_date = format_amz_date(now + offset);
        let result = skewed
            .check(&server, &skewed.sign(&full_id, &full_secret, "cognito-idp"))
            .await;
        assert_eq!(result.is_ok(), ok, "{offset}: {result:?}");
    }
    let mut old = Call::new(&server, "ListUserPools");
    old.amz_date = format_amz_date(now - 600);
    assert_eq!(
        old.check(&server, &old.sign(&full_id, &full_secret, "cognito-idp"))
            .await,
        refused(Error::InvalidSignature(format!(
            "Signature expired: {} is now earlier than {} ({} - 5 min.)",
            format_amz_date(now - 600),
            format_amz_date(now - 300),
            format_amz_date(now)
        )))
    );

    // A revoked key, and any key of a disabled developer, are unrecognized.
    send(
        &server,
        Method::DELETE,
        &format!("/api/access-keys/{limited_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        call.check(
            &server,
            &call.sign(&limited_id, &limited_secret, "cognito-idp")
        )
        .await,
        refused(Error::UnrecognizedAccessKey)
    );
    let console = server
        .service
        .get_app(Actor::Operator, &AppId::console())
        .await
        .unwrap();
    server
        .service
        .admin_set_user_enabled(
            Actor::Operator,
            &console.pool_id,
            "dev@example.com",
            false,
            &Caller::unknown(),
        )
        .await
        .unwrap();
    assert_eq!(
        call.check(&server, &call.sign(&full_id, &full_secret, "cognito-idp"))
            .await,
        refused(Error::UnrecognizedAccessKey)
    );
}

/// A key revoked through one instance is refused by another at once (nothing caches keys).
async fn revocation_reaches_the_other_instance(a: TestServer, b: TestServer) {
    let (token, _) = signed_in_developer(&a, "dev@example.com").await;
    let (_, key) = create(&a, &token, json!({"name": "shared"})).await;
    let (id, secret) = (
        key["access_key_id"].as_str().unwrap(),
        key["secret_access_key"].as_str().unwrap(),
    );
    let call = Call::new(&b, "ListUserPools");
    assert!(
        call.check(&b, &call.sign(id, secret, "cognito-idp"))
            .await
            .is_ok()
    );
    let path = format!("/api/access-keys/{id}");
    let (status, _) = send(&a, Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        call.check(&b, &call.sign(id, secret, "cognito-idp")).await,
        refused(Error::UnrecognizedAccessKey)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_revoked_key_is_refused_by_every_instance_at_once() {
    let a = TestServer::start().await;
    let b = a.second_instance().await;
    revocation_reaches_the_other_instance(a, b).await;
    if let Some(db) = TempPostgres::new().await {
        let a = TestServer::start_on(&db.url).await;
        let b = a.second_instance().await;
        revocation_reaches_the_other_instance(a, b).await;
        db.drop_database().await;
    }
}
