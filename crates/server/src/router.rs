//! The route table and the layers every answer passes through (request ids, the request span
//! and the error log are in `trace.rs`).

use crate::assets::{self, Assets};
use crate::limits::RateLimits;
use crate::metrics::{self, HttpMetrics};
use crate::options::ServerOptions;
use crate::{cognito, health, oauth, pages, rest, trace, transport, wellknown};
use auth_return_core::Service;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::cors::{AllowHeaders, Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The domain.
    pub service: Arc<Service>,
    /// The embeddable scripts.
    pub assets: Arc<Assets>,
    /// How this server is deployed.
    pub options: Arc<ServerOptions>,
    /// Per-client rate limits.
    pub limits: Arc<RateLimits>,
    /// The HTTP surface's metrics.
    pub metrics: HttpMetrics,
    /// The REST API's OpenAPI document as served (`rest::openapi`), made once: it depends on
    /// the code alone.
    pub openapi: Result<axum::body::Bytes, Arc<str>>,
}

impl AppState {
    /// State for `service` with the default [`ServerOptions`].
    pub fn new(service: Arc<Service>) -> Self {
        Self::with_options(service, ServerOptions::default())
    }

    /// State for `service` deployed as `options` say, with the scripts built into this binary.
    pub fn with_options(service: Arc<Service>, options: ServerOptions) -> Self {
        Self {
            service,
            assets: Arc::new(Assets::embedded()),
            limits: Arc::new(RateLimits::new(
                &options.rate_limits,
                options.limiter_clock.clone(),
            )),
            options: Arc::new(options),
            metrics: HttpMetrics::default(),
            openapi: rest::openapi::document_json(),
        }
    }
}

/// Builds the whole HTTP surface.
pub fn router(state: AppState) -> Router {
    // No cookies anywhere: every credential travels in a body or an Authorization header,
    // so any origin may read the REST API and the well-known documents.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(cognito::EXPOSED_HEADERS.map(HeaderName::from_static))
        .max_age(Duration::from_secs(600));
    let api = Router::new()
        .route("/healthz", get(health::healthz))
        // Every `/api` route, each at the path its handler's `#[utoipa::path]` names.
        .merge(rest::routes::api())
        .route("/qr", post(crate::qr::render))
        .route("/docs", get(pages::docs::page))
        .route("/docs/console.png", get(pages::docs::screenshot))
        .route("/console", get(pages::console::page))
        .route("/demo", get(pages::demo::find))
        .route("/demo/{app_id}", get(pages::demo::page))
        .route("/{file}", get(assets::script))
        .route("/{pool_id}/.well-known/jwks.json", get(wellknown::jwks))
        .route("/{pool_id}/revocations", get(wellknown::revocations))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(wellknown::openid_configuration),
        )
        .merge(oauth::api_routes())
        .route_layer(axum::middleware::map_request(metrics::name_route))
        .fallback(not_found)
        .with_state(state.clone());
    // `POST /` answers CORS per app itself: only what its router does not route gets the layer.
    // `GET /` is the landing page, beside it, and the hosted sign-in pages (same-origin only).
    let routes = cognito::router()
        .route("/", get(pages::landing::page))
        .merge(oauth::page_routes())
        .route_layer(axum::middleware::map_request(metrics::name_route))
        .with_state(state.clone())
        .fallback_service(ServiceBuilder::new().layer(cors).service(api));
    // Layers around a router as a whole, not per route: axum clones a route's whole stack for
    // every request, so layers added with `Router::layer` are paid for again and again. The
    // first layer is the outermost: a fresh request id before anything else runs (`trace.rs`).
    let stack = ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::map_request(
            trace::forget_caller_request_id,
        ))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(trace::request_span))
        .layer(axum::middleware::from_fn(trace::log_errors))
        .layer(axum::middleware::from_fn_with_state(
            state,
            transport::identify_client,
        ))
        .layer(axum::middleware::from_fn(crate::https::require_https))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(DefaultBodyLimit::max(cognito::MAX_BODY))
        .service(routes);
    Router::new().fallback_service(stack)
}

/// The JSON 404 of unknown routes.
pub async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        axum::Json(serde_json::json!({ "error": "not_found", "message": "No such route." })),
    )
}
