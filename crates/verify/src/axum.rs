//! axum 0.8 integration (feature `axum`): the [`VerifiedUser`] extractor and the
//! [`RequireAuthLayer`] tower layer.
//!
//! Both read `Authorization: Bearer <token>` (RFC 6750 §2.1) and answer failures as RFC 6750 §3
//! says: 401 with `WWW-Authenticate: Bearer` when no token was sent, 401 with
//! `WWW-Authenticate: Bearer error="invalid_token", error_description="…"` for a refused token,
//! 403 with `error="insufficient_scope"` for a valid token lacking a required scope or group,
//! and 503 when the signing keys cannot be had. The body is a small JSON object
//! `{"error": "...", "error_description": "..."}`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{HeaderValue, Request, StatusCode};

use crate::{Claims, Verifier, VerifyError};

/// The claims of the request's verified bearer token.
///
/// As an extractor it needs a [`Verifier`] reachable from the router state (`Verifier:
/// FromRef<S>`), or a [`RequireAuthLayer`] in front (whose verified claims it reuses).
#[derive(Debug, Clone)]
pub struct VerifiedUser(pub Claims);

impl std::ops::Deref for VerifiedUser {
    type Target = Claims;
    fn deref(&self) -> &Claims {
        &self.0
    }
}

/// Why a request was refused; answers per RFC 6750 §3.
#[derive(Debug)]
pub enum AuthRejection {
    /// No `Authorization: Bearer` header (or a malformed one).
    MissingToken,
    /// The token was refused (or keys were unavailable).
    Invalid(VerifyError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let (status, challenge, error, description) = match &self {
            Self::MissingToken => (
                StatusCode::UNAUTHORIZED,
                "Bearer".to_owned(),
                "invalid_request",
                "missing bearer token".to_owned(),
            ),
            Self::Invalid(e) if e.is_unavailable() => (
                StatusCode::SERVICE_UNAVAILABLE,
                String::new(),
                "temporarily_unavailable",
                "token verification is temporarily unavailable".to_owned(),
            ),
            Self::Invalid(e) if e.is_insufficient() => {
                let scope = match e {
                    VerifyError::MissingScope(s) => format!(", scope=\"{}\"", quote_safe(s)),
                    _ => String::new(),
                };
                (
                    StatusCode::FORBIDDEN,
                    format!(
                        "Bearer error=\"insufficient_scope\", error_description=\"{}\"{scope}",
                        quote_safe(&e.to_string())
                    ),
                    "insufficient_scope",
                    e.to_string(),
                )
            }
            Self::Invalid(e) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "Bearer error=\"invalid_token\", error_description=\"{}\"",
                    quote_safe(&e.to_string())
                ),
                "invalid_token",
                e.to_string(),
            ),
        };
        if let Self::Invalid(e) = &self {
            tracing::debug!(error = %e, "bearer token refused");
        }
        let body = serde_json::json!({ "error": error, "error_description": description });
        let mut resp = (status, body.to_string()).into_response();
        resp.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if !challenge.is_empty()
            && let Ok(v) = HeaderValue::from_str(&challenge)
        {
            resp.headers_mut().insert(WWW_AUTHENTICATE, v);
        }
        resp
    }
}

/// RFC 6750 §3: `error_description` and `scope` use only %x20-21 / %x23-5B / %x5D-7E.
fn quote_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

/// The bearer token of a request (RFC 6750 §2.1: scheme case-insensitive, one space).
#[must_use]
pub fn bearer_token(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

async fn verify_parts(parts: &Parts, verifier: &Verifier) -> Result<Claims, AuthRejection> {
    let token = bearer_token(&parts.headers).ok_or(AuthRejection::MissingToken)?;
    verifier.verify(token).await.map_err(AuthRejection::Invalid)
}

impl<S> FromRequestParts<S> for VerifiedUser
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<VerifiedUser>() {
            return Ok(user.clone());
        }
        let verifier = Verifier::from_ref(state);
        verify_parts(parts, &verifier).await.map(VerifiedUser)
    }
}

/// A tower layer that lets through only requests with a valid bearer token, putting the
/// [`Claims`] (and a [`VerifiedUser`]) into the request extensions; every other request gets
/// the RFC 6750 answer of [`AuthRejection`].
///
/// ```no_run
/// # fn demo(verifier: auth_return_verify::Verifier) {
/// use axum::{Router, routing::get, Extension};
/// use auth_return_verify::{Claims, axum::RequireAuthLayer};
///
/// let api: Router = Router::new()
///     .route("/me", get(|Extension(c): Extension<Claims>| async move { c.sub }))
///     .layer(RequireAuthLayer::new(verifier));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct RequireAuthLayer {
    verifier: Verifier,
}

impl RequireAuthLayer {
    /// Protects with `verifier` (its [`crate::Accept`] setting decides ID and/or access tokens).
    #[must_use]
    pub fn new(verifier: Verifier) -> Self {
        Self { verifier }
    }
}

impl<S> tower_layer::Layer<S> for RequireAuthLayer {
    type Service = RequireAuth<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RequireAuth {
            inner,
            verifier: self.verifier.clone(),
        }
    }
}

/// The service made by [`RequireAuthLayer`].
#[derive(Debug, Clone)]
pub struct RequireAuth<S> {
    inner: S,
    verifier: Verifier,
}

impl<S, B> tower_service::Service<Request<B>> for RequireAuth<S>
where
    S: tower_service::Service<Request<B>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // Take the service that was driven to readiness; leave a fresh clone in its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let verifier = self.verifier.clone();
        Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            match verify_parts(&parts, &verifier).await {
                Ok(claims) => {
                    parts.extensions.insert(VerifiedUser(claims.clone()));
                    parts.extensions.insert(claims);
                    inner.call(Request::from_parts(parts, body)).await
                }
                Err(rejection) => Ok(rejection.into_response()),
            }
        })
    }
}
