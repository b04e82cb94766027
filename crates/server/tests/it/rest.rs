//! The REST API: developers (console users) manage their own apps; config, JWKS, discovery
//! and `/api/user`.

use crate::common::{PASSWORD, TestServer, claims, developer, send};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn developers_manage_only_their_own_apps() {
    let server = TestServer::start().await;
    let dev1 = developer(&server, "dev1@example.com").await;
    let dev2 = developer(&server, "dev2@example.com").await;

    let (status, created) = send(
        &server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&dev1),
        Some(
            json!({"name": "Shop", "origins": ["https://shop.example.com"], "client_secret": true}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let app_id = created["app_id"].as_str().unwrap().to_owned();
    assert!(
        created["client_secret"]
            .as_str()
            .is_some_and(|s| s.len() >= 24)
    );
    assert_eq!(
        created["issuer"],
        format!(
            "{}/{}",
            server.url,
            created["user_pool_id"].as_str().unwrap()
        )
    );
    assert!(regex_like_pool_id(
        created["user_pool_id"].as_str().unwrap()
    ));
    assert_eq!(created["origins"], json!(["https://shop.example.com"]));

    let (status, list) = send(
        &server,
        reqwest::Method::GET,
        "/api/apps",
        Some(&dev1),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["apps"].as_array().unwrap().len(), 1);
    assert!(
        list["apps"][0].get("client_secret").is_none(),
        "the secret is shown once"
    );
    let (_, list2) = send(
        &server,
        reqwest::Method::GET,
        "/api/apps",
        Some(&dev2),
        None,
    )
    .await;
    assert_eq!(list2["apps"], json!([]));

    let path = format!("/api/apps/{app_id}");
    assert_eq!(
        send(&server, reqwest::Method::GET, &path, Some(&dev1), None)
            .await
            .0,
        StatusCode::OK
    );
    let (status, body) = send(&server, reqwest::Method::GET, &path, Some(&dev2), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    assert_eq!(
        send(&server, reqwest::Method::DELETE, &path, Some(&dev2), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Without a console token: 401 with a JSON error and a Bearer challenge.
    let response = server
        .http
        .get(format!("{}/api/apps", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    // A token of an ordinary app is not a console token.
    let shop = server.app("Other").await;
    server
        .confirmed_user(shop.app.client.id.as_str(), "user@example.com", PASSWORD)
        .await;
    let user_token = server
        .tokens(&shop, "user@example.com", PASSWORD)
        .await
        .access;
    assert_eq!(
        send(
            &server,
            reqwest::Method::GET,
            "/api/apps",
            Some(&user_token),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(
            &server,
            reqwest::Method::GET,
            "/api/apps",
            Some("garbage"),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );

    // Bad bodies.
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x", "origins": ["not a url"]}),
        json!({"name": 5}),
        json!({"name": "x", "surprise": 1}),
    ] {
        let (status, body) = send(
            &server,
            reqwest::Method::POST,
            "/api/apps",
            Some(&dev1),
            Some(bad.clone()),
        )
        .await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{bad} -> {status} {body}"
        );
        assert_eq!(body["error"], "invalid_request");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let huge = json!({"name": "x".repeat(70 * 1024)});
    let (status, body) = send(
        &server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&dev1),
        Some(huge),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("invalid_request"))
    );
    let (_, list) = send(
        &server,
        reqwest::Method::GET,
        "/api/apps",
        Some(&dev1),
        None,
    )
    .await;
    assert_eq!(
        list["apps"].as_array().unwrap().len(),
        1,
        "refused requests create nothing"
    );
    let (status, _) = send(
        &server,
        reqwest::Method::DELETE,
        "/api/apps/console",
        Some(&dev1),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the console app belongs to nobody"
    );

    // Public config, CORS-open.
    let response = server
        .http
        .get(format!("{}/api/apps/{app_id}/config", server.url))
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["appId"], app_id.as_str());
    assert_eq!(config["name"], created["name"]);
    assert_eq!(config["userPoolId"], created["user_pool_id"]);
    assert_eq!(config["clientId"], created["client_id"]);
    assert_eq!(config["region"], "local");
    assert_eq!(config["endpoint"], server.url.as_str());
    assert_eq!(config["issuer"], created["issuer"]);
    assert_eq!(config["mfa"], json!({ "mode": "OFF", "emailOtp": false }));
    // Passkeys: only whether they are on (the relying party stays with the server).
    assert_eq!(config["passkeys"], json!({ "enabled": false }));

    assert_eq!(
        send(&server, reqwest::Method::DELETE, &path, Some(&dev1), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.get(&format!("{path}/config"), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&server, reqwest::Method::DELETE, &path, Some(&dev1), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

fn regex_like_pool_id(id: &str) -> bool {
    id.split_once('_').is_some_and(|(region, rest)| {
        region == "local" && rest.len() == 9 && rest.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

#[tokio::test]
async fn admin_confirm_sign_up_needs_the_owning_developer() {
    let server = TestServer::start().await;
    let dev1 = developer(&server, "owner@example.com").await;
    let dev2 = developer(&server, "stranger@example.com").await;
    let (_, created) = send(
        &server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&dev1),
        Some(json!({"name": "Owned"})),
    )
    .await;
    let pool = created["user_pool_id"].as_str().unwrap();
    let client = created["client_id"].as_str().unwrap();
    server
        .sign_up(client, "pending@example.com", PASSWORD)
        .await
        .ok();
    let body = json!({"UserPoolId": pool, "Username": "pending@example.com"})
        .to_string()
        .into_bytes();

    server
        .raw("AdminConfirmSignUp", body.clone(), None)
        .await
        .assert_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
    server
        .raw("AdminConfirmSignUp", body.clone(), Some("garbage"))
        .await
        .assert_error(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        );
    server
        .raw("AdminConfirmSignUp", body.clone(), Some(&dev2))
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {pool} does not exist."),
        );
    let unknown = json!({"UserPoolId": pool, "Username": "nobody@example.com"})
        .to_string()
        .into_bytes();
    server
        .raw("AdminConfirmSignUp", unknown, Some(&dev1))
        .await
        .assert_error("UserNotFoundException", "User does not exist.");
    assert_eq!(
        server
            .raw("AdminConfirmSignUp", body.clone(), Some(&dev1))
            .await
            .ok(),
        &json!({})
    );
    server
        .raw("AdminConfirmSignUp", body, Some(&dev1))
        .await
        .assert_error(
            "NotAuthorizedException",
            "User cannot be confirmed. Current status is CONFIRMED",
        );
}

#[tokio::test]
async fn discovery_jwks_and_api_user() {
    let server = TestServer::start().await;
    let app = server.app("App").await;
    let pool = app.app.pool_id.as_str();
    let sub = server
        .confirmed_user(app.app.client.id.as_str(), "ivy@example.com", PASSWORD)
        .await;
    let tokens = server.tokens(&app, "ivy@example.com", PASSWORD).await;

    let (status, discovery, headers) = server
        .get(&format!("/{pool}/.well-known/openid-configuration"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let issuer = format!("{}/{pool}", server.url);
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(
        discovery["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json")
    );
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );

    let (_, jwks, _) = server
        .get(&format!("/{pool}/.well-known/jwks.json"), None)
        .await;
    let key = &jwks["keys"][0];
    assert_eq!(
        (
            key["kty"].as_str(),
            key["alg"].as_str(),
            key["use"].as_str(),
            key["e"].as_str()
        ),
        (Some("RSA"), Some("RS256"), Some("sig"), Some("AQAB"))
    );
    use base64::Engine;
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(tokens.id.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header, json!({"kid": key["kid"], "alg": "RS256"}));

    for missing in [
        "/local_nosuchpool/.well-known/jwks.json",
        "/not-a-pool/.well-known/jwks.json",
        "/local_nosuchpool/.well-known/openid-configuration",
    ] {
        let (status, body, _) = server.get(missing, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(body["error"], "not_found");
    }
    // A pool id that does not even decode is refused in the same JSON shape.
    let (status, body, _) = server.get("/%FF/.well-known/jwks.json", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_request", "{body}");

    for token in [&tokens.id, &tokens.access] {
        let (status, info, _) = server.get("/api/user", Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{info}");
        assert_eq!(info["user_id"], sub.as_str());
        assert_eq!(info["email"], "ivy@example.com");
        assert_eq!(info["app_id"], app.app.id.as_str());
        assert_eq!(info["username"], sub.as_str());
        assert_eq!(info["expires_at"], claims(token)["exp"]);
    }
    assert_eq!(
        server.get("/api/user", Some(&tokens.id)).await.1["token_use"],
        "id"
    );
    assert_eq!(
        server.get("/api/user", Some(&tokens.access)).await.1["token_use"],
        "access"
    );
    let (status, body, headers) = server.get("/api/user", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    assert!(headers.contains_key("www-authenticate"));
    assert_eq!(
        server.get("/api/user", Some("garbage")).await.0,
        StatusCode::UNAUTHORIZED
    );
    server
        .call("GlobalSignOut", json!({"AccessToken": tokens.access}))
        .await
        .ok();
    let (status, body, _) = server.get("/api/user", Some(&tokens.id)).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (
            StatusCode::UNAUTHORIZED,
            Some("Access Token has been revoked")
        )
    );
}

#[tokio::test]
async fn cors_preflight_and_health() {
    let server = TestServer::start().await;
    let response = server
        .http
        .request(reqwest::Method::OPTIONS, &server.url)
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-target,x-amz-user-agent,cache-control",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert!(
        h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    assert!(
        h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("x-amz-target")
    );

    let reply = server.call("GetUser", json!({"AccessToken": "x"})).await;
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert_eq!(reply.headers["cache-control"], "no-store");

    let (status, body, _) = server.get("/healthz", None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, body, _) = server.get("/no/such/route", None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let server = TestServer::start().await;
    let get = |path: &str| server.http.get(format!("{}{path}", server.url)).send();
    // A success, a REST error, an unknown route: each its own fresh id.
    let ok = get("/api/apps/console/config").await.unwrap();
    let refused = get("/api/apps/app_nosuchapp/config").await.unwrap();
    let unknown = get("/no/such/route").await.unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let ids: Vec<String> = [&ok, &refused, &unknown]
        .iter()
        .map(|r| r.headers()["x-request-id"].to_str().unwrap().to_owned())
        .collect();
    assert!(
        ids.iter().all(|id| uuid::Uuid::try_parse(id).is_ok()),
        "{ids:?}"
    );
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
    // A caller's own id is replaced by ours, and POST / names the same id in Cognito's header.
    let cognito = server
        .http
        .post(format!("{}/", server.url))
        .header("x-request-id", "trace-me-42")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.Nope")
        .body("{}")
        .send()
        .await
        .unwrap();
    let id = cognito.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::try_parse(id).is_ok(), "{id}");
    assert_eq!(cognito.headers()["x-amzn-requestid"], id);
}
