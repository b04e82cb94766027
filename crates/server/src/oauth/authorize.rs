//! `GET /oauth2/authorize` (RFC 6749 §4.1.1, §4.2.1; OpenID Connect Core §3.1.2): a request
//! naming an identity provider goes to it; a signed-in browser gets its code (or implicit
//! tokens) at once; anyone else goes to the hosted sign-in page with the same request, or gets
//! `login_required` for `prompt=none`.

use super::cookies;
use super::error::OAuthError;
use super::params::Params;
use super::redirect::{Carrier, error_page, error_redirect, found, with_params};
use crate::router::AppState;
use auth_return_core::Error;
use auth_return_core::oauth::{AuthorizationParams, Authorized, Prompt};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

/// The authorization parameters of `params`.
pub fn authorization_params(params: &Params) -> AuthorizationParams {
    AuthorizationParams {
        response_type: params.owned("response_type"),
        client_id: params.owned("client_id"),
        redirect_uri: params.owned("redirect_uri"),
        state: params.owned("state"),
        scope: params.owned("scope"),
        code_challenge: params.owned("code_challenge"),
        code_challenge_method: params.owned("code_challenge_method"),
        nonce: params.owned("nonce"),
        prompt: params.owned("prompt"),
        login_hint: params.owned("login_hint"),
        identity_provider: params.owned("identity_provider"),
        max_age: params.owned("max_age"),
    }
}

/// The query string of the sign-in page for this request: the same, without `prompt` (the
/// page is the prompt; coming back, the request must use the new sign-in).
fn login_query(query: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(url::form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "prompt"))
        .finish()
}

/// `GET /oauth2/authorize`.
pub async fn authorize(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    let params = match Params::parse(&query) {
        Ok(params) => params,
        Err(bad) => return error_page(&state, Error::InvalidParameter(bad.message())),
    };
    let service = &state.service;
    let app = match service
        .authorization_target(params.get("client_id"), params.get("redirect_uri"))
        .await
    {
        Ok(app) => app,
        Err(e) => return error_page(&state, e),
    };
    let redirect_uri = params.get("redirect_uri").unwrap_or_default();
    let carrier = match params.get("response_type") {
        Some("token") => Carrier::Fragment,
        _ => Carrier::Query,
    };
    let state_param = params.get("state");
    let fail = |e: Error| error_redirect(redirect_uri, carrier, state_param, OAuthError::from(e));
    let request = match service.authorization_request(&app, &authorization_params(&params)) {
        Ok(request) => request,
        Err(e) => return fail(e),
    };
    if let Some(provider) = &request.identity_provider {
        return super::idp::to_provider(&state, &app, provider, &query).await;
    }
    // Cognito's `idp_identifier`: the provider one of whose identifiers it is.
    if let Some(identifier) = params.get("idp_identifier").filter(|i| !i.is_empty()) {
        return match service.provider_for_identifier(&app, identifier).await {
            Ok(provider) => super::idp::to_provider(&state, &app, &provider, &query).await,
            Err(e) => error_page(&state, e),
        };
    }
    let signed_in = match request.prompt {
        Prompt::Login => None,
        Prompt::Default | Prompt::None => {
            match cookies::read(&headers, &cookies::session_name(&app.pool_id)) {
                Some(cookie) => {
                    match service.hosted_session(&app, &cookie, request.max_age).await {
                        Ok(found) => found,
                        Err(e) => return fail(e),
                    }
                }
                None => None,
            }
        }
    };
    let Some((session, user)) = signed_in else {
        if request.prompt == Prompt::None {
            return fail(Error::LoginRequired);
        }
        return found(&format!("/login?{}", login_query(&query)));
    };
    match service.authorize(&app, &request, &session, &user).await {
        Ok(Authorized::Code(code)) => {
            let mut pairs = vec![("code", code.as_str())];
            if let Some(s) = request.state.as_deref() {
                pairs.push(("state", s));
            }
            found(&with_params(redirect_uri, Carrier::Query, &pairs))
        }
        Ok(Authorized::Tokens(tokens, scopes)) => {
            let expires_in = tokens.expires_in.to_string();
            let scope = scopes.joined();
            let mut pairs = vec![
                ("access_token", tokens.access_token.as_str()),
                ("token_type", "Bearer"),
                ("expires_in", expires_in.as_str()),
                ("scope", scope.as_str()),
            ];
            if scopes.contains("openid") {
                pairs.push(("id_token", tokens.id_token.as_str()));
            }
            if let Some(s) = request.state.as_deref() {
                pairs.push(("state", s));
            }
            found(&with_params(redirect_uri, Carrier::Fragment, &pairs))
        }
        Err(e) => fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_page_gets_the_request_without_prompt() {
        assert_eq!(
            login_query("client_id=c&prompt=login&state=a%20b"),
            "client_id=c&state=a+b"
        );
    }
}
