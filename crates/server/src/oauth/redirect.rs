//! Answers that send the browser on: to the client's redirect URI with a result or an error
//! (in the query, or in the fragment for the implicit flow, RFC 6749 §4.1.2, §4.2.2), and
//! error pages for requests whose redirect URI cannot be trusted.

use super::error::OAuthError;
use crate::pages::hosted::hosted_error;
use crate::router::AppState;
use auth_return_core::Error;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where a result goes in the redirect URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// The query: codes and the code flow's errors.
    Query,
    /// The fragment: the implicit flow's tokens and errors (never sent to a server).
    Fragment,
}

/// `302 Found` to `location`, never cached.
pub fn found(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `redirect_uri` with `pairs` added (its own query is kept, RFC 6749 §3.1.2).
pub fn with_params(redirect_uri: &str, carrier: Carrier, pairs: &[(&str, &str)]) -> String {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return redirect_uri.to_owned();
    };
    match carrier {
        Carrier::Query => {
            let mut query = url.query_pairs_mut();
            for (name, value) in pairs {
                query.append_pair(name, value);
            }
        }
        Carrier::Fragment => {
            let fragment = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            url.set_fragment(Some(&fragment));
        }
    }
    url.into()
}

/// The redirect of an error to a trusted redirect URI (RFC 6749 §4.1.2.1), with `state`.
pub fn error_redirect(
    redirect_uri: &str,
    carrier: Carrier,
    state: Option<&str>,
    error: OAuthError,
) -> Response {
    if let Some(internal) = &error.internal {
        tracing::error!(error = %internal, "authorization request failed");
    }
    let mut pairs = vec![
        ("error", error.code),
        ("error_description", error.description.as_str()),
    ];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    found(&with_params(redirect_uri, carrier, &pairs))
}

/// The error page of a request that cannot be answered by redirect: an unknown client, a
/// redirect URI that is not registered, or a malformed request.
pub fn error_page(state: &AppState, error: Error) -> Response {
    let (status, title, message) = match &error {
        Error::ClientNotFound(_) => (
            StatusCode::BAD_REQUEST,
            "Unknown app",
            "This sign-in link names no app on this server.".to_owned(),
        ),
        // Both a sign-in's `redirect_uri` and a sign-out's `logout_uri` end here.
        Error::RedirectUriNotRegistered => (
            StatusCode::BAD_REQUEST,
            "Link not valid",
            "The address this link would send you back to is not registered for the app, so \
             this server will not send you there."
                .to_owned(),
        ),
        Error::Store(_) | Error::Internal(_) => {
            tracing::error!(error = %error, "hosted page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try again in a moment.".to_owned(),
            )
        }
        Error::FederatedSignInFailed(why) => (
            StatusCode::BAD_REQUEST,
            "Sign-in not completed",
            why.clone(),
        ),
        Error::Overloaded => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            "Too many sign-ins at once; please try again in a moment.".to_owned(),
        ),
        other => (
            StatusCode::BAD_REQUEST,
            "Sign-in link not valid",
            other.to_string(),
        ),
    };
    hosted_error(&state.assets, status, title, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_join_the_redirect_uri_without_losing_its_query() {
        assert_eq!(
            with_params(
                "https://a.example/cb?x=1",
                Carrier::Query,
                &[("code", "c d")]
            ),
            "https://a.example/cb?x=1&code=c+d"
        );
        assert_eq!(
            with_params(
                "https://a.example/cb",
                Carrier::Fragment,
                &[("access_token", "t"), ("state", "s")]
            ),
            "https://a.example/cb#access_token=t&state=s"
        );
        assert_eq!(
            with_params("com.example.app:/cb", Carrier::Query, &[("code", "c")]),
            "com.example.app:/cb?code=c"
        );
    }
}
