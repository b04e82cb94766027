//! The REST API's contract at `GET /api/openapi.json`: a public OpenAPI 3.1 document whose
//! operations are each served (and nothing else at their paths), with every `/api` route in it.

use crate::common::{TestServer, create_app, developer, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// The methods a REST route may have (OPTIONS is the CORS layer's, for every path).
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The document as served, checked to be public JSON that caches may keep.
async fn document(server: &TestServer) -> Value {
    let response = server
        .http
        .get(format!("{}/api/openapi.json", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/json");
    let cache = header("cache-control");
    assert!(
        cache.contains("public") && cache.contains("max-age="),
        "{cache}"
    );
    response.json().await.unwrap()
}

/// Each operation of the document: its path, method and object.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((path.clone(), method.to_owned(), operation.clone()));
            }
        }
    }
    found
}

/// The schema a `$ref` names, which must exist.
fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("not a schema reference: {reference}"));
    let schema = &doc["components"]["schemas"][name];
    assert!(!schema.is_null(), "{reference} names no schema");
    schema
}

/// Every `$ref` under `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                match (key.as_str(), member) {
                    ("$ref", Value::String(reference)) => out.push(reference.clone()),
                    _ => references(member, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

/// Every object schema reachable from `schema`: each must refuse members it does not name, as
/// the request bodies' `deny_unknown_fields` do — but a map (no named members, its values
/// typed by `additionalProperties`), whose keys are the caller's.
fn assert_closed(doc: &Value, schema: &Value, seen: &mut HashSet<String>, at: &str) {
    let mut refs = Vec::new();
    references(schema, &mut refs);
    let map = schema.get("properties").is_none() && schema["additionalProperties"].is_object();
    if !map && (schema["type"] == "object" || schema.get("properties").is_some()) {
        assert_eq!(
            schema["additionalProperties"],
            Value::Bool(false),
            "{at}: a request body's object takes unknown members: {schema}"
        );
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            if part.get("$ref").is_none() {
                assert_closed(doc, part, seen, at);
            }
        }
    }
    for property in schema["properties"].as_object().into_iter().flatten() {
        if property.1.get("$ref").is_none() {
            assert_closed(doc, property.1, seen, at);
        }
    }
    for reference in refs {
        if seen.insert(reference.clone()) {
            assert_closed(doc, resolve(doc, &reference), seen, &reference);
        }
    }
}

#[tokio::test]
async fn the_contract_is_a_public_openapi_3_1_document() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());

    let mut refs = Vec::new();
    references(&doc, &mut refs);
    assert!(refs.len() > 50, "the operations use the schemas");
    for reference in &refs {
        resolve(&doc, reference);
    }

    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    let mut operation_ids = HashSet::new();
    let operations = operations(&doc);
    assert!(operations.len() > 20, "{}", operations.len());
    for (path, method, operation) in &operations {
        let at = format!("{method} {path}");
        let id = operation["operationId"].as_str().unwrap().to_owned();
        assert!(operation_ids.insert(id.clone()), "{at}: {id} again");

        // Each `{name}` of the path is a path parameter, and nothing else is.
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(in_path, declared, "{at}");

        for way in operation["security"].as_array().into_iter().flatten() {
            for scheme in way.as_object().unwrap().keys() {
                assert!(schemes.contains_key(scheme), "{at}: no scheme {scheme}");
            }
        }

        // A success, and every error in the error body's shape (with the plain-HTTP refusal
        // and the internal error every route may give).
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.keys().any(|s| s.starts_with('2')), "{at}");
        for status in ["403", "500"] {
            assert!(responses.contains_key(status), "{at}: no {status}");
        }
        for (status, response) in responses.iter().filter(|(s, _)| !s.starts_with('2')) {
            assert_eq!(
                response["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{at} {status}"
            );
        }
        let needs_token = operation["security"]
            .as_array()
            .is_some_and(|ways| ways.iter().all(|w| !w.as_object().unwrap().is_empty()));
        assert_eq!(responses.contains_key("401"), needs_token, "{at}");

        if let Some(body) = operation.get("requestBody") {
            let schema = &body["content"]["application/json"]["schema"];
            assert!(!schema.is_null(), "{at}: a JSON body");
            assert_closed(&doc, schema, &mut HashSet::new(), &at);
        }
    }

    let error = resolve(&doc, "#/components/schemas/ErrorBody");
    let required: BTreeSet<&str> = error["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(required, BTreeSet::from(["error", "message"]));
    assert!(error["properties"]["fields"].is_object());
}

/// Whether an answer is the router's own 404 for a path no route has.
fn is_unrouted(status: StatusCode, body: &Value) -> bool {
    status == StatusCode::NOT_FOUND && body["message"] == "No such route."
}

#[tokio::test]
async fn every_operation_is_served_and_no_other_method_at_its_path() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let call = |method: &str, path: &str| {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let request = server.http.request(method, format!("{}{path}", server.url));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };

    // The marker below is what an unrouted path gets, so its absence means a route answered.
    let (status, body) = call("get", "/api/no-such-route").await;
    assert!(is_unrouted(status, &body), "{status} {body}");

    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.keys().all(|path| path.starts_with("/api/")));
    for (path, item) in paths {
        // Any value will do for a parameter: the route matches whatever the handler says of it.
        let concrete: String = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "x0"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in METHODS {
            let (status, body) = call(method, &concrete).await;
            if item.get(method).is_some() {
                assert!(
                    status != StatusCode::METHOD_NOT_ALLOWED && !is_unrouted(status, &body),
                    "{method} {path} is documented but not served: {status} {body}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is served but not documented"
                );
            }
        }
    }
}

/// The string literals that follow `call` in `source`, spaces and line breaks aside.
fn literal_arguments(source: &str, call: &str) -> Vec<String> {
    let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
    compact
        .split(call)
        .skip(1)
        .filter_map(|rest| rest.strip_prefix('"')?.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The Rust sources under `dir`, with their paths.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
}

/// A route axum serves is known only to axum, so this reads the server's sources: every `/api`
/// route must be registered by the route table (`rest/routes.rs`), whose `routes!` put each
/// handler's `#[utoipa::path]` in the document; a plain `.route("/api/…")` would not be.
#[test]
fn every_api_route_is_registered_where_the_document_is_made() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut registered = Vec::new();
    for (file, text) in &files {
        for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
            for path in literal_arguments(text, call) {
                registered.push((file.clone(), path));
            }
        }
    }
    // The scan sees the routes that are registered this way (else it would prove nothing).
    assert!(
        registered.iter().any(|(_, path)| path == "/healthz"),
        "{registered:?}"
    );
    let outside: Vec<_> = registered
        .iter()
        .filter(|(_, path)| path == "/api" || path.starts_with("/api/"))
        .collect();
    assert!(
        outside.is_empty(),
        "/api routes outside the documented route table: {outside:?}"
    );
}

/// The path with each `{name}` replaced by `ids[name]`.
fn fill(path: &str, ids: &Value) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => ids[name].as_str().unwrap().to_owned(),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// Forms send an empty field as `limit=`: the document admits it, and the server reads it as
/// no limit, where `limit=0` is refused (schemathesis found the document saying "an integer").
#[tokio::test]
async fn an_empty_limit_is_read_as_absent_as_documented() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let token = developer(&server, "limits@example.com").await;
    let app = create_app(&server, &token, "Limits").await;
    let app_id = app["app_id"].as_str().unwrap();
    let (status, webhook) = send(
        &server,
        Method::POST,
        &format!("/api/apps/{app_id}/webhooks"),
        Some(&token),
        Some(json!({"url": "https://hooks.example.invalid/x", "event_types": ["sign_in"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{webhook}");
    let ids = json!({"app_id": app_id, "webhook_id": webhook["webhook_id"]});

    let mut checked = 0;
    for (path, method, operation) in operations(&doc) {
        let Some(limit) = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["in"] == "query" && p["name"] == "limit")
        else {
            continue;
        };
        assert_eq!(method, "get");
        let forms = limit["schema"]["anyOf"].as_array().unwrap();
        assert!(
            forms.contains(&json!({"type": "string", "maxLength": 0})),
            "{path}: {limit}"
        );
        let url = fill(&path, &ids);
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("{url}?limit="),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}?limit= {body}");
        let (status, body) = send(
            &server,
            Method::GET,
            &format!("{url}?limit=0"),
            Some(&token),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?limit=0 {body}");
        checked += 1;
    }
    assert_eq!(checked, 4, "apps, events, inbox and deliveries are paged");
}

/// A body larger than the server takes is refused with 413 in the error shape the document
/// declares, also by the operations that read their body as bytes (verify, rotate), whose
/// refusal was axum's plain text.
#[tokio::test]
async fn a_body_too_large_is_refused_in_the_error_shape() {
    let server = TestServer::start().await;
    let token = developer(&server, "large@example.com").await;
    let app = create_app(&server, &token, "Large").await;
    let too_large = format!("{{\"key\": \"{}\"}}", "k".repeat(200 * 1024));
    for path in [
        "/api/keys/verify".to_owned(),
        format!(
            "/api/apps/{}/signing-keys/rotate",
            app["app_id"].as_str().unwrap()
        ),
        "/api/apps".to_owned(),
    ] {
        let response = server
            .http
            .post(format!("{}{path}", server.url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(too_large.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{path}: {body}"
        );
    }
}
