//! Identity providers (issue 19) through the Cognito endpoint: created, described, changed,
//! listed, found by identifier and deleted; secrets sealed and never answered; every refusal in
//! Cognito's words.

use crate::common::{TestServer, create_app, developer, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn oidc_details() -> Value {
    json!({"client_id": "shop-web", "client_secret": "upstream-s3cret",
           "authorize_scopes": "openid email profile", "oidc_issuer": "https://id.example.com"})
}

#[tokio::test]
async fn identity_providers_are_managed_with_their_secrets_sealed() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let pool = app["user_pool_id"].as_str().unwrap();
    let call = |op: &'static str, body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        server.admin(&token, op, body)
    };

    let created = call(
        "CreateIdentityProvider",
        json!({"ProviderName": "Okta", "ProviderType": "OIDC", "ProviderDetails": oidc_details(),
               "AttributeMapping": {"email": "email", "name": "name"},
               "IdpIdentifiers": ["example.com"]}),
    )
    .await;
    let provider = &created.ok()["IdentityProvider"];
    assert_eq!(provider["ProviderName"], "Okta");
    assert_eq!(provider["ProviderType"], "OIDC");
    assert_eq!(provider["UserPoolId"], pool);
    assert_eq!(
        provider["ProviderDetails"],
        json!({"client_id": "shop-web", "authorize_scopes": "openid email profile",
               "oidc_issuer": "https://id.example.com"}),
        "the secret is never answered"
    );
    assert_eq!(
        provider["AttributeMapping"],
        json!({"email": "email", "name": "name", "username": "sub"})
    );
    assert_eq!(provider["IdpIdentifiers"], json!(["example.com"]));
    assert_eq!(provider["CreationDate"], server.clock_now());
    assert!(!created.body.to_string().contains("upstream-s3cret"));

    // Stored sealed: the row holds no plaintext, and unseals to the secret.
    let pool_id = auth_return_core::PoolId::new(pool);
    let stored = server
        .service
        .store()
        .get_identity_provider(&pool_id, "Okta")
        .await
        .unwrap()
        .unwrap();
    let sealed = stored.sealed_secrets.clone().unwrap();
    assert!(!sealed.windows(15).any(|w| w == b"upstream-s3cret"));
    assert_eq!(
        server.service.provider_secrets(&stored).unwrap()["client_secret"],
        "upstream-s3cret"
    );

    // Described as created; found by its identifier.
    let described = call("DescribeIdentityProvider", json!({"ProviderName": "Okta"})).await;
    assert_eq!(described.ok()["IdentityProvider"], *provider);
    let found = call(
        "GetIdentityProviderByIdentifier",
        json!({"IdpIdentifier": "example.com"}),
    )
    .await;
    assert_eq!(found.ok()["IdentityProvider"]["ProviderName"], "Okta");

    // An update of the details without the secret keeps it; the mapping is replaced.
    let mut details = oidc_details();
    details.as_object_mut().unwrap().remove("client_secret");
    details["authorize_scopes"] = json!("openid email");
    let updated = call(
        "UpdateIdentityProvider",
        json!({"ProviderName": "Okta", "ProviderDetails": details,
               "AttributeMapping": {"email": "mail"}}),
    )
    .await;
    let provider = &updated.ok()["IdentityProvider"];
    assert_eq!(
        provider["ProviderDetails"]["authorize_scopes"],
        "openid email"
    );
    assert_eq!(
        provider["AttributeMapping"],
        json!({"email": "mail", "username": "sub"})
    );
    assert_eq!(provider["IdpIdentifiers"], json!(["example.com"]));
    let stored = server
        .service
        .store()
        .get_identity_provider(&pool_id, "Okta")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        server.service.provider_secrets(&stored).unwrap()["client_secret"],
        "upstream-s3cret"
    );

    // Google: named after its type, its endpoints filled in.
    let google = call(
        "CreateIdentityProvider",
        json!({"ProviderName": "Google", "ProviderType": "Google",
               "ProviderDetails": {"client_id": "g.apps.googleusercontent.com",
                                   "client_secret": "g-secret",
                                   "authorize_scopes": "openid email"}}),
    )
    .await;
    let details = &google.ok()["IdentityProvider"]["ProviderDetails"];
    assert_eq!(details["oidc_issuer"], "https://accounts.google.com");
    assert_eq!(
        details["authorize_url"],
        "https://accounts.google.com/o/oauth2/v2/auth"
    );
    assert!(details.get("client_secret").is_none());

    // Listed by name, a page at a time.
    let first = call("ListIdentityProviders", json!({"MaxResults": 1})).await;
    let first = first.ok();
    assert_eq!(first["Providers"][0]["ProviderName"], "Google");
    assert_eq!(first["Providers"][0]["ProviderType"], "Google");
    assert!(first["Providers"][0].get("ProviderDetails").is_none());
    let next = first["NextToken"].as_str().unwrap();
    let second = call(
        "ListIdentityProviders",
        json!({"MaxResults": 1, "NextToken": next}),
    )
    .await;
    assert_eq!(second.ok()["Providers"][0]["ProviderName"], "Okta");
    assert!(second.ok().get("NextToken").is_none());

    // Deleted, it is gone.
    assert_eq!(
        call("DeleteIdentityProvider", json!({"ProviderName": "Okta"}))
            .await
            .ok(),
        &json!({})
    );
    call("DescribeIdentityProvider", json!({"ProviderName": "Okta"}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            "Identity provider Okta does not exist.",
        );
    let listed = call("ListIdentityProviders", json!({})).await;
    assert_eq!(listed.ok()["Providers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn every_refusal_is_cognitos_and_changes_nothing() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let pool = app["user_pool_id"].as_str().unwrap();
    let call = |op: &'static str, body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        server.admin(&token, op, body)
    };
    call(
        "CreateIdentityProvider",
        json!({"ProviderName": "Okta", "ProviderType": "OIDC", "ProviderDetails": oidc_details(),
               "IdpIdentifiers": ["example.com"]}),
    )
    .await
    .ok();
    let create = |name: &str, kind: &str, details: Value| json!({"ProviderName": name, "ProviderType": kind, "ProviderDetails": details});
    let mut no_issuer = oidc_details();
    no_issuer.as_object_mut().unwrap().remove("oidc_issuer");
    let mut plain_http = oidc_details();
    plain_http["oidc_issuer"] = json!("http://id.example.com");
    let cases = [
        (
            "CreateIdentityProvider",
            create("Okta", "OIDC", oidc_details()),
            "DuplicateProviderException",
            "A provider with the name Okta already exists in this user pool.",
        ),
        (
            "CreateIdentityProvider",
            json!({"ProviderName": "Other", "ProviderType": "OIDC",
                   "ProviderDetails": oidc_details(), "IdpIdentifiers": ["example.com"]}),
            "DuplicateProviderException",
            "The identifier example.com is already used by the identity provider Okta.",
        ),
        (
            "CreateIdentityProvider",
            create("Azure", "SAML", oidc_details()),
            "InvalidParameterException",
            "ProviderType must be one of Google, SignInWithApple, OIDC, OAuth2, GitHub.",
        ),
        (
            "CreateIdentityProvider",
            create("Gmail", "Google", oidc_details()),
            "InvalidParameterException",
            "A provider of type Google must be named Google.",
        ),
        (
            "CreateIdentityProvider",
            create("COGNITO", "OIDC", oidc_details()),
            "InvalidParameterException",
            "ProviderName COGNITO is the user pool's own directory.",
        ),
        (
            "CreateIdentityProvider",
            create("a b", "OIDC", oidc_details()),
            "InvalidParameterException",
            "ProviderName must be 3 to 32 characters, without white space, and without _ except as its second character.",
        ),
        (
            "CreateIdentityProvider",
            create("NoIssuer", "OIDC", no_issuer),
            "InvalidParameterException",
            "ProviderDetails needs oidc_issuer for a provider of type OIDC.",
        ),
        (
            "CreateIdentityProvider",
            create("Plain", "OIDC", plain_http),
            "InvalidParameterException",
            "ProviderDetails oidc_issuer must be an https URL (http only on a loopback address), without a fragment (and an issuer without a query).",
        ),
        (
            "CreateIdentityProvider",
            json!({"ProviderName": "Mapped", "ProviderType": "OIDC",
                   "ProviderDetails": oidc_details(), "AttributeMapping": {"custom:team": "team"}}),
            "InvalidParameterException",
            "AttributeMapping maps custom:team, which is not an attribute of the user pool.",
        ),
        (
            "CreateIdentityProvider",
            json!({"ProviderName": "Bare", "ProviderType": "OIDC"}),
            "InvalidParameterException",
            "1 validation error detected: Value null at 'providerDetails' failed to satisfy constraint: Member must not be null",
        ),
        (
            "CreateIdentityProvider",
            json!({"ProviderName": "Typed", "ProviderType": "OIDC", "ProviderDetails": {"client_id": 7}}),
            "InvalidParameterException",
            "Malformed request body: invalid type: integer `7`, expected a string at line 1 column 33",
        ),
        (
            "UpdateIdentityProvider",
            json!({"ProviderName": "Nobody", "AttributeMapping": {}}),
            "ResourceNotFoundException",
            "Identity provider Nobody does not exist.",
        ),
        (
            "DeleteIdentityProvider",
            json!({"ProviderName": "Nobody"}),
            "ResourceNotFoundException",
            "Identity provider Nobody does not exist.",
        ),
        (
            "GetIdentityProviderByIdentifier",
            json!({"IdpIdentifier": "nowhere.example"}),
            "ResourceNotFoundException",
            "Identity provider nowhere.example does not exist.",
        ),
        (
            "ListIdentityProviders",
            json!({"MaxResults": 61}),
            "InvalidParameterException",
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
        ),
        (
            "ListIdentityProviders",
            json!({"NextToken": "!!"}),
            "InvalidParameterException",
            "Invalid pagination token.",
        ),
    ];
    for (op, body, kind, message) in cases {
        call(op, body.clone()).await.assert_error(kind, message);
    }
    // Nothing of the refused calls was stored.
    let listed = call("ListIdentityProviders", json!({})).await;
    let names: Vec<&str> = listed.ok()["Providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ProviderName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Okta"]);

    // Another developer's pool does not exist for this one.
    let other = developer(&server, "other@example.com").await;
    server
        .admin(
            &other,
            "DescribeIdentityProvider",
            json!({"UserPoolId": pool, "ProviderName": "Okta"}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {pool} does not exist."),
        );
}

#[tokio::test]
async fn the_rest_api_manages_providers_and_names_their_secrets_without_showing_them() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let app_id = app["app_id"].as_str().unwrap();
    let base = format!("/api/apps/{app_id}/identity-providers");

    let (status, made) = send(
        &server,
        Method::POST,
        &base,
        Some(&token),
        Some(
            json!({"name": "Okta", "type": "OIDC", "details": oidc_details(),
                    "attribute_mapping": {"email": "email"}, "identifiers": ["example.com"]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["type"], "OIDC");
    assert_eq!(made["secrets_set"], json!(["client_secret"]));
    assert_eq!(
        made["redirect_uri"],
        format!("{}/oauth2/idpresponse", server.url)
    );
    assert!(!made.to_string().contains("upstream-s3cret"));
    assert_eq!(
        made["attribute_mapping"],
        json!({"email": "email", "username": "sub"})
    );

    let (status, listed) = send(&server, Method::GET, &base, Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["identity_providers"], json!([made.clone()]));
    let (status, shown) = send(
        &server,
        Method::GET,
        &format!("{base}/Okta"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!((status, &shown), (StatusCode::OK, &made));

    let (status, changed) = send(
        &server,
        Method::PATCH,
        &format!("{base}/Okta"),
        Some(&token),
        Some(json!({"identifiers": ["example.org"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["identifiers"], json!(["example.org"]));
    assert_eq!(changed["secrets_set"], json!(["client_secret"]));

    // Refusals in the REST shape; nothing stored by them.
    for (method, path, body, expected, message) in [
        (
            Method::POST,
            base.clone(),
            Some(json!({"name": "Okta", "type": "OIDC", "details": oidc_details()})),
            StatusCode::CONFLICT,
            "A provider with the name Okta already exists in this user pool.",
        ),
        (
            Method::POST,
            base.clone(),
            Some(json!({"name": "Other", "type": "OIDC", "details": {"client_id": "x"}})),
            StatusCode::BAD_REQUEST,
            "ProviderDetails needs authorize_scopes for a provider of type OIDC.",
        ),
        (
            Method::POST,
            base.clone(),
            Some(json!({"name": "Other", "type": "OIDC", "details": oidc_details(), "extra": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            Method::PATCH,
            format!("{base}/Nobody"),
            Some(json!({})),
            StatusCode::NOT_FOUND,
            "Identity provider Nobody does not exist.",
        ),
        (
            Method::DELETE,
            format!("{base}/Nobody"),
            None,
            StatusCode::NOT_FOUND,
            "Identity provider Nobody does not exist.",
        ),
        (
            Method::GET,
            "/api/apps/app_000000000000/identity-providers".to_owned(),
            None,
            StatusCode::NOT_FOUND,
            "",
        ),
    ] {
        let (status, body) = send(&server, method, &path, Some(&token), body).await;
        assert_eq!(status, expected, "{path} {body}");
        assert!(body["error"].is_string(), "{body}");
        if !message.is_empty() {
            assert_eq!(body["message"], message, "{body}");
        }
    }
    let other = developer(&server, "other@example.com").await;
    let (status, _) = send(&server, Method::GET, &base, Some(&other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another developer's app");

    let (status, _) = send(
        &server,
        Method::DELETE,
        &format!("{base}/Okta"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, listed) = send(&server, Method::GET, &base, Some(&token), None).await;
    assert_eq!(listed["identity_providers"], json!([]));
}
