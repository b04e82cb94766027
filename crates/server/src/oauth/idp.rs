//! Sign-in through an identity provider: `GET /oauth2/authorize?identity_provider=NAME` sends
//! the browser to the provider ([`to_provider`]), which sends it back to `/oauth2/idpresponse`
//! ([`idp_response`], by GET, or by POST for providers that answer with a form); there the
//! sign-in is finished, the hosted session cookie set, and the browser goes back to the app's
//! authorization request, which then answers as after any hosted sign-in
//! (docs/cognito-protocol.md §5.9).

use super::cookies;
use super::login::secure_cookies;
use super::params::Params;
use super::redirect::{error_page, found};
use crate::client::ClientInfo;
use crate::router::AppState;
use auth_return_core::Error;
use auth_return_core::federation::{FLIGHT_SECS, FederatedCallback};
use auth_return_core::model::App;
use axum::body::Bytes;
use axum::extract::{Extension, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cookie::SameSite;

/// The cookie that binds a federated sign-in to the browser that started it.
const BINDING: &str = "ar_idp_binding";
/// Where it is sent: only to the callback.
const BINDING_PATH: &str = "/oauth2/idpresponse";
/// The largest form a provider may post back.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// The redirect to the provider `provider` for the app's authorization request `query`, with
/// the binding cookie set. `SameSite=Lax`: the provider sends the browser back by a top-level
/// navigation, which carries it (`None` for a provider that posts its answer).
pub async fn to_provider(state: &AppState, app: &App, provider: &str, query: &str) -> Response {
    match state
        .service
        .start_federated_sign_in(app, provider, query)
        .await
    {
        Ok(start) => {
            let mut response = found(&start.location);
            // A provider that posts its answer back is a cross-site POST, which carries only a
            // `SameSite=None` cookie, and that only with `Secure` (such providers, Apple, take
            // https return URLs only).
            let (same_site, secure) = if start.form_post {
                (SameSite::None, true)
            } else {
                (SameSite::Lax, secure_cookies(state))
            };
            cookies::set(
                response.headers_mut(),
                BINDING,
                &start.binding,
                BINDING_PATH,
                FLIGHT_SECS,
                same_site,
                secure,
            );
            response
        }
        Err(e) => error_page(state, e),
    }
}

/// `GET /oauth2/idpresponse`.
pub async fn idp_response(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    finish(
        &state,
        client,
        query.as_deref().unwrap_or_default(),
        &headers,
    )
    .await
}

/// `POST /oauth2/idpresponse` (`response_mode=form_post`).
pub async fn idp_form_response(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if body.len() > MAX_FORM_BYTES {
        return error_page(
            &state,
            Error::InvalidParameter("The form is too large.".into()),
        );
    }
    let form = String::from_utf8_lossy(&body);
    finish(&state, client, &form, &headers).await
}

async fn finish(
    state: &AppState,
    client: Option<Extension<ClientInfo>>,
    form: &str,
    headers: &HeaderMap,
) -> Response {
    let params = match Params::parse(form) {
        Ok(params) => params,
        Err(bad) => return error_page(state, Error::InvalidParameter(bad.message())),
    };
    let binding = cookies::read(headers, BINDING);
    let callback = FederatedCallback {
        state: params.get("state"),
        binding: binding.as_deref(),
        code: params.get("code"),
        error: params.get("error"),
    };
    let caller = crate::extract::caller_of(client.map(|Extension(c)| c).as_ref(), headers);
    match state
        .service
        .finish_federated_sign_in(callback, &caller)
        .await
    {
        Ok(done) => {
            let mut response = found(&format!("/oauth2/authorize?{}", done.resume_query));
            let secure = secure_cookies(state);
            cookies::set(
                response.headers_mut(),
                &cookies::session_name(&done.cookie.pool_id),
                &done.cookie.value,
                "/",
                done.cookie.max_age_secs,
                SameSite::Lax,
                secure,
            );
            // Spent: the binding is done with. (A refused callback leaves it: a forged one
            // must not end the browser's own sign-in under way.)
            cookies::set(
                response.headers_mut(),
                BINDING,
                "",
                BINDING_PATH,
                0,
                SameSite::Lax,
                secure,
            );
            response
        }
        Err(e) => error_page(state, e),
    }
}
