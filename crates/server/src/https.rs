//! HTTPS only, except on loopback, and the headers that depend on the transport or the content.
//!
//! A plain-HTTP request whose client (as [`ClientInfo`] resolved it: the socket peer, or what a
//! trusted proxy said) is not a loopback address is refused with 403 before any handler runs:
//! its password verifiers, codes and tokens have already crossed a network in clear text, and
//! answering would only teach the caller that it works. Two kinds of request carry no secret
//! and pass anyway: `GET`/`HEAD /healthz` (load balancers probe over plain HTTP from private
//! addresses) and CORS preflights (so that a browser gets to read the refusal of the real
//! request instead of an opaque CORS failure).
//!
//! Every answer to an HTTPS request carries HSTS (RFC 6797); every HTML answer carries
//! `X-Frame-Options: DENY` and a `Content-Security-Policy` with `frame-ancestors 'none'`
//! unless it set its own.

use crate::client::ClientInfo;
use crate::error::{ApiError, CognitoError};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

/// Two years, the value RFC 6797 §11.2 deployments and the preload list use. No
/// `includeSubDomains`: the service's domain may share its parent with sites it does not own.
const HSTS: &str = "max-age=63072000";

/// Refuses plain HTTP from non-loopback clients and sets the transport and framing headers.
/// Runs right inside `identify_client`, which put the [`ClientInfo`] there.
pub async fn require_https(request: Request, next: Next) -> Response {
    // Without a ClientInfo (a layer out of order) nothing is known: refuse, as for a stranger.
    let client = request.extensions().get::<ClientInfo>().copied();
    let https = client.is_some_and(|c| c.https);
    let loopback = client.is_some_and(|c| c.ip.is_loopback());
    if !https && !loopback && !exempt(&request) {
        tracing::info!(
            client = ?client.map(|c| c.ip),
            method = %request.method(),
            path = request.uri().path(),
            "plain-HTTP request from a non-loopback address refused"
        );
        return refusal(&request);
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https {
        // RFC 6797 §7.2: only ever over a secure transport, which `https` vouches for (our
        // TLS listener, or a trusted proxy's word that the client used HTTPS).
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if is_html(headers) {
        forbid_framing(headers);
    }
    response
}

/// Requests that carry no secret and are served over plain HTTP from anywhere.
fn exempt(request: &Request) -> bool {
    let method = request.method();
    let health =
        (method == Method::GET || method == Method::HEAD) && request.uri().path() == "/healthz";
    let preflight = method == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    health || preflight
}

/// The 403, in the Cognito shape for the Cognito endpoint and the REST shape elsewhere.
fn refusal(request: &Request) -> Response {
    crate::transport::early_answer(
        request,
        CognitoError::https_required(),
        ApiError::https_required(),
    )
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

/// No page of ours is meant to be framed (clickjacking). A page with its own CSP keeps it.
fn forbid_framing(headers: &mut HeaderMap) {
    if !headers.contains_key(header::X_FRAME_OPTIONS) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::client::{ForwardedHeader, TrustedProxies};
    use crate::error::{AMZ_JSON, HTTPS_REQUIRED};
    use crate::{AppState, ServerOptions, router};
    use auth_return_core::clock::SystemClock;
    use auth_return_core::compute::ComputePool;
    use auth_return_core::{Dependencies, Service, ServiceConfig};
    use auth_return_mail::OutboxMailer;
    use axum::Router;
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::StatusCode;
    use serde_json::Value;
    use std::net::SocketAddr;
    use std::sync::Arc;
    use tower::ServiceExt;

    /// The real router over a fresh SQLite database, deployed as `tls` and `trusted` say.
    struct App {
        router: Router,
        _dir: tempfile::TempDir,
    }

    async fn deployed(tls: bool, trusted: &str) -> App {
        deployed_reading(tls, trusted, ForwardedHeader::default()).await
    }

    /// As [`deployed`], believing the trusted proxies' `header`.
    async fn deployed_reading(tls: bool, trusted: &str, header: ForwardedHeader) -> App {
        let dir = tempfile::tempdir().unwrap();
        let store = auth_return_store::connect(&format!(
            "sqlite://{}",
            dir.path().join("https.db").display()
        ))
        .await
        .unwrap();
        let service = Arc::new(Service::new(Dependencies {
            events: auth_return_core::recorder::EventRecorder::spawn(store.clone()),
            store,
            clock: Arc::new(SystemClock),
            mailer: Arc::new(OutboxMailer::new(dir.path().join("outbox.jsonl"))),
            master_key: auth_return_crypto::random::bytes(),
            config: ServiceConfig::new("local", "https://auth.example.com"),
            compute: ComputePool::new(1),
        }));
        service.ensure_console_app().await.unwrap();
        let options = ServerOptions {
            tls,
            trusted_proxies: TrustedProxies::parse(trusted).unwrap(),
            forwarded_header: header,
            ..ServerOptions::default()
        };
        App {
            router: router(AppState::with_options(service, options)),
            _dir: dir,
        }
    }

    /// What came back: status, headers and the body as JSON (Null when it is not JSON).
    struct Answer {
        status: StatusCode,
        headers: HeaderMap,
        body: Value,
    }

    impl App {
        async fn call(&self, peer: &str, request: axum::http::request::Builder) -> Answer {
            let peer: SocketAddr = peer.parse().unwrap();
            let request = request
                .extension(ConnectInfo(peer))
                .body(Body::empty())
                .unwrap();
            let response = self.router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            Answer {
                status,
                headers,
                body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            }
        }
    }

    fn get(uri: &str) -> axum::http::request::Builder {
        Request::builder().method(Method::GET).uri(uri)
    }

    fn cognito(operation: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(Method::POST)
            .uri("/")
            .header(header::CONTENT_TYPE, AMZ_JSON)
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{operation}"),
            )
    }

    const REMOTE: &str = "203.0.113.7:50000";
    const PROXY: &str = "10.0.0.5:40000";

    #[track_caller]
    fn assert_rest_refusal(answer: &Answer) {
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.body["error"], "https_required");
        assert_eq!(answer.body["message"], HTTPS_REQUIRED);
        assert!(HTTPS_REQUIRED.starts_with("HTTPS is required"));
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(
            !answer
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
    }

    #[track_caller]
    fn assert_cognito_refusal(answer: &Answer) {
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.body["__type"], "AccessDeniedException");
        assert_eq!(answer.body["message"], HTTPS_REQUIRED);
        assert_eq!(answer.headers[header::CONTENT_TYPE], AMZ_JSON);
        assert_eq!(answer.headers["x-amzn-errortype"], "AccessDeniedException:");
        assert!(
            !answer
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
    }

    #[tokio::test]
    async fn plain_http_from_loopback_is_served() {
        let app = deployed(false, "").await;
        for peer in [
            "127.0.0.1:50000",
            "127.8.9.10:50000",
            "[::1]:50000",
            "[::ffff:127.0.0.1]:50000",
        ] {
            let user = app.call(peer, get("/api/user")).await;
            assert_eq!(
                user.status,
                StatusCode::UNAUTHORIZED,
                "{peer}: {:?}",
                user.body
            );
            assert!(!user.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
            let call = app.call(peer, cognito("SignUp")).await;
            assert_eq!(
                call.status,
                StatusCode::BAD_REQUEST,
                "{peer}: {:?}",
                call.body
            );
            assert_eq!(call.body["__type"], "InvalidParameterException");
        }
    }

    #[tokio::test]
    async fn plain_http_from_elsewhere_is_refused_in_each_endpoints_shape() {
        let app = deployed(false, "").await;
        for peer in [REMOTE, "10.1.2.3:1", "[2001:db8::1]:443", "192.0.2.2:9"] {
            assert_rest_refusal(&app.call(peer, get("/api/user")).await);
            assert_rest_refusal(
                &app.call(peer, get("/local_abc/.well-known/jwks.json"))
                    .await,
            );
            assert_rest_refusal(&app.call(peer, get("/no/such/route")).await);
            let refused = app.call(peer, cognito("InitiateAuth")).await;
            assert_cognito_refusal(&refused);
            // A browser may read the refusal's reason.
            assert_eq!(refused.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        }
        // Without X-Amz-Target, POST / is not a Cognito call: the REST shape.
        let bare = Request::builder().method(Method::POST).uri("/");
        assert_rest_refusal(&app.call(REMOTE, bare).await);
    }

    #[tokio::test]
    async fn health_probes_and_preflights_pass_over_plain_http() {
        let app = deployed(false, "").await;
        let health = app.call(REMOTE, get("/healthz")).await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.body["status"], "ok");
        let head = Request::builder().method(Method::HEAD).uri("/healthz");
        assert_eq!(app.call(REMOTE, head).await.status, StatusCode::OK);
        let preflight = Request::builder()
            .method(Method::OPTIONS)
            .uri("/")
            .header(header::ORIGIN, "https://app.example.com")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST");
        assert!(app.call(REMOTE, preflight).await.status.is_success());
        // Anything else on /healthz is not a probe.
        let post = Request::builder().method(Method::POST).uri("/healthz");
        assert_rest_refusal(&app.call(REMOTE, post).await);
    }

    #[tokio::test]
    async fn a_trusted_proxy_saying_https_is_believed() {
        let app = deployed(false, "10.0.0.0/8").await;
        let xfp = get("/api/user")
            .header("x-forwarded-for", "203.0.113.7")
            .header("x-forwarded-proto", "https");
        let answer = app.call(PROXY, xfp).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{:?}", answer.body);
        assert_eq!(answer.headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
        // Deployed behind a proxy that sets RFC 7239's header instead.
        let app = deployed_reading(false, "10.0.0.0/8", ForwardedHeader::Forwarded).await;
        let forwarded = cognito("SignUp").header("forwarded", "for=203.0.113.7;proto=https");
        let answer = app.call(PROXY, forwarded).await;
        assert_eq!(answer.body["__type"], "InvalidParameterException");
        assert_eq!(answer.headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
    }

    #[tokio::test]
    async fn a_trusted_proxy_saying_http_is_refused() {
        let app = deployed(false, "10.0.0.0/8").await;
        let xfp = get("/api/user")
            .header("x-forwarded-for", "203.0.113.7")
            .header("x-forwarded-proto", "http");
        assert_rest_refusal(&app.call(PROXY, xfp).await);
        // No scheme said: plain HTTP.
        let silent = cognito("SignUp").header("x-forwarded-for", "203.0.113.7");
        assert_cognito_refusal(&app.call(PROXY, silent).await);
        // Only the nearest proxy's scheme counts.
        let appended = get("/api/user")
            .header("x-forwarded-for", "203.0.113.7")
            .header("x-forwarded-proto", "https, http");
        assert_rest_refusal(&app.call(PROXY, appended).await);
        let app = deployed_reading(false, "10.0.0.0/8", ForwardedHeader::Forwarded).await;
        let forwarded = get("/api/user").header("forwarded", "for=203.0.113.7;proto=http");
        assert_rest_refusal(&app.call(PROXY, forwarded).await);
        // X-Forwarded-Proto is not read in that deployment.
        let xfp = get("/api/user")
            .header("forwarded", "for=203.0.113.7")
            .header("x-forwarded-proto", "https");
        assert_rest_refusal(&app.call(PROXY, xfp).await);
    }

    #[tokio::test]
    async fn a_clients_own_forwarded_header_passed_through_the_proxy_is_not_believed() {
        // nginx on the same host, trusted, sets X-Forwarded-For and -Proto (the default
        // deployment) and passes the client's `Forwarded` through: it claims loopback and
        // https, and gets neither.
        let app = deployed(false, "127.0.0.1").await;
        let spoofed = |request: axum::http::request::Builder| {
            request
                .header("forwarded", "for=127.0.0.1;proto=https")
                .header("x-forwarded-for", "203.0.113.7")
                .header("x-forwarded-proto", "http")
        };
        assert_rest_refusal(&app.call("127.0.0.1:40000", spoofed(get("/api/user"))).await);
        assert_cognito_refusal(
            &app.call("127.0.0.1:40000", spoofed(cognito("SignUp")))
                .await,
        );
    }

    #[tokio::test]
    async fn an_unreadable_forwarding_header_is_a_400_in_each_endpoints_shape() {
        let app = deployed(false, "10.0.0.0/8").await;
        let garbage = |request: axum::http::request::Builder| {
            request
                .header("x-forwarded-for", "203.0.113.7, not-an-address")
                .header("x-forwarded-proto", "https")
        };
        let message = "Invalid X-Forwarded-For header from the proxy: not an IP address.";
        let answer = app.call(PROXY, garbage(cognito("SignUp"))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.body["__type"], "InvalidParameterException");
        assert_eq!(answer.body["message"], message);
        assert_eq!(answer.headers[header::CONTENT_TYPE], AMZ_JSON);
        assert_eq!(
            answer.headers["x-amzn-errortype"],
            "InvalidParameterException:"
        );
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(
            !answer
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
        let answer = app.call(PROXY, garbage(get("/api/user"))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            answer.body,
            serde_json::json!({ "error": "invalid_request", "message": message })
        );
        assert_eq!(answer.headers[header::REFERRER_POLICY], "no-referrer");
        // Even the health probe: a proxy sending garbage is broken, and says so at once.
        let answer = app.call(PROXY, garbage(get("/healthz"))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        // From a peer that is not trusted the header is not read at all.
        let answer = app.call("127.0.0.1:40000", garbage(get("/healthz"))).await;
        assert_eq!(answer.status, StatusCode::OK);
    }

    #[tokio::test]
    async fn an_untrusted_peer_cannot_claim_https() {
        let app = deployed(false, "10.0.0.0/8").await;
        let xfp = get("/api/user")
            .header("x-forwarded-for", "127.0.0.1")
            .header("x-forwarded-proto", "https");
        assert_rest_refusal(&app.call(REMOTE, xfp).await);
        let forwarded = cognito("SignUp").header("forwarded", "for=127.0.0.1;proto=https");
        assert_cognito_refusal(&app.call(REMOTE, forwarded).await);
        // Nor with no proxy trusted at all.
        let app = deployed(false, "").await;
        let both = get("/api/user")
            .header("forwarded", "for=\"[::1]\";proto=https")
            .header("x-forwarded-proto", "https");
        assert_rest_refusal(&app.call(REMOTE, both).await);
    }

    #[tokio::test]
    async fn hsts_only_on_answers_to_https_requests() {
        let tls = deployed(true, "").await;
        for peer in [REMOTE, "127.0.0.1:50000"] {
            let answer = tls.call(peer, get("/api/user")).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert_eq!(answer.headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
            let health = tls.call(peer, get("/healthz")).await;
            assert_eq!(health.headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
        }
        let plain = deployed(false, "").await;
        let health = plain.call(REMOTE, get("/healthz")).await;
        assert!(
            !health
                .headers
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
    }

    #[tokio::test]
    async fn html_answers_may_not_be_framed() {
        let app = deployed(true, "").await;
        let page = app.call(REMOTE, get("/demo/console")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(is_html(&page.headers));
        assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
        // JSON answers do not need them.
        let json = app.call(REMOTE, get("/healthz")).await;
        assert!(!json.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(!json.headers.contains_key(header::X_FRAME_OPTIONS));
    }

    #[test]
    fn a_pages_own_policy_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors https://a.example"),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
        forbid_framing(&mut headers);
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'; frame-ancestors https://a.example"
        );
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
    }
}
