//! Prometheus metrics: requests by operation and status with their latency (counted here, by
//! the outermost layer), the per-address limits' refusals (`limits`), and the domain's own
//! (`auth_return_core::metrics`), answered on `GET /metrics` by [`metrics_router`] — a router of
//! its own, for a listener of its own (`--metrics-listen`), never the public one.

use crate::cognito::Operation;
use crate::error::ApiError;
use crate::router::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The content type of the OpenMetrics text format, which Prometheus scrapes.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// What a request that matched no route (or was refused before routing) is counted as.
const UNMATCHED: &str = "unmatched";

/// A request's labels: what it asked for and how it was answered.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// A Cognito operation (`InitiateAuth`) or a route (`GET /api/apps/{app_id}`).
    operation: String,
    /// The HTTP status of the answer.
    status: u16,
}

/// A request's operation alone, for its latency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabel {
    operation: String,
}

type Latencies = Family<OperationLabel, Histogram, fn() -> Histogram>;

/// Latency buckets from 0.5 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// The HTTP surface's counters. One per [`AppState`].
#[derive(Clone, Debug)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    latencies: Latencies,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            latencies: Family::new_with_constructor(latency_histogram),
        }
    }
}

impl HttpMetrics {
    fn observe(&self, operation: String, status: StatusCode, seconds: f64) {
        let status = status.as_u16();
        self.latencies
            .get_or_create(&OperationLabel {
                operation: operation.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels { operation, status })
            .inc();
    }

    fn register(&self, registry: &mut Registry) {
        registry.register(
            "auth_return_http_requests",
            "Requests answered, by operation (a Cognito operation or a route) and status",
            self.requests.clone(),
        );
        registry.register(
            "auth_return_http_request_duration_seconds",
            "Time from a request's arrival to its answer's headers, by operation",
            self.latencies.clone(),
        );
    }
}

/// Where the route a request matched is written by the router, for the layer outside it
/// (which runs before routing, so cannot see it itself).
#[derive(Clone, Default)]
struct MatchedRoute(Arc<OnceLock<String>>);

/// The outermost layer: times each request and counts its answer under its operation.
pub(crate) async fn track(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    // A Cognito call is named by its operation (only one we serve: the label set stays small).
    let cognito = request
        .headers()
        .get("x-amz-target")
        .and_then(|target| target.to_str().ok())
        .and_then(Operation::served_name)
        .map(str::to_owned);
    let route = MatchedRoute::default();
    request.extensions_mut().insert(route.clone());
    let response = next.run(request).await;
    let operation = cognito
        .or_else(|| route.0.get().cloned())
        .unwrap_or_else(|| UNMATCHED.to_owned());
    state.metrics.observe(
        operation,
        response.status(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// A route layer: writes the route a request matched (`GET /api/apps/{app_id}`, never the
/// ids themselves) where [`track`] reads it.
pub(crate) async fn name_route(request: Request) -> Request {
    if let (Some(route), Some(path)) = (
        request.extensions().get::<MatchedRoute>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        let _ = route
            .0
            .set(format!("{} {}", request.method(), path.as_str()));
    }
    request
}

/// `GET /metrics` alone, for the metrics listener.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .fallback(crate::router::not_found)
        .with_state(state)
}

/// Every metric as it is now, in the OpenMetrics text format.
async fn scrape(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut registry = Registry::default();
    state.service.register_metrics(&mut registry);
    state.limits.register_metrics(&mut registry);
    state.metrics.register(&mut registry);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)
        .map_err(|e| auth_return_core::Error::Internal(format!("encoding the metrics: {e}")))?;
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS));
    Ok(response)
}
