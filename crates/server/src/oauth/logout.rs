//! `GET /logout`: ends the hosted session of the app's pool and sends the browser to one of the
//! app's sign-out URLs. Cognito's form (`client_id` + `logout_uri`) and OpenID Connect
//! RP-Initiated Logout 1.0's (`post_logout_redirect_uri`, `id_token_hint`, `state`) are both
//! read; the client comes from `client_id` or the hint's audience, and the URL must be
//! registered either way, so a forged hint can only sign a browser out.

use super::cookies;
use super::login::secure_cookies;
use super::params::Params;
use super::redirect::{Carrier, error_page, found, with_params};
use crate::router::AppState;
use auth_return_core::Error;
use auth_return_core::tokens::verify::claimed_client;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use cookie::SameSite;

/// `GET /logout`.
pub async fn logout(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match Params::parse(query.as_deref().unwrap_or_default()) {
        Ok(params) => params,
        Err(bad) => return error_page(&state, Error::InvalidParameter(bad.message())),
    };
    let hinted = params.get("id_token_hint").and_then(claimed_client);
    let client_id = params.owned("client_id").or(hinted.map(|c| c.to_string()));
    let (target, oidc) = match (
        params.get("logout_uri"),
        params.get("post_logout_redirect_uri"),
    ) {
        (Some(uri), None) => (Some(uri), false),
        (None, Some(uri)) => (Some(uri), true),
        (None, None) => (None, false),
        (Some(_), Some(_)) => {
            return error_page(
                &state,
                Error::InvalidParameter(
                    "Send logout_uri or post_logout_redirect_uri, not both.".into(),
                ),
            );
        }
    };
    let app = match state
        .service
        .logout_target(client_id.as_deref(), target)
        .await
    {
        Ok(app) => app,
        Err(e) => return error_page(&state, e),
    };
    let name = cookies::session_name(&app.pool_id);
    if let Some(cookie) = cookies::read(&headers, &name)
        && let Err(e) = state.service.end_hosted_session(&app, &cookie).await
    {
        return error_page(&state, e);
    }
    let uri = target.unwrap_or_default();
    let location = match (oidc, params.get("state")) {
        (true, Some(s)) => with_params(uri, Carrier::Query, &[("state", s)]),
        _ => uri.to_owned(),
    };
    let mut response = found(&location);
    cookies::set(
        response.headers_mut(),
        &name,
        "",
        "/",
        0,
        SameSite::Lax,
        secure_cookies(&state),
    );
    response
}
