//! The hosted sign-in pages: `GET /login`, `/signup` and `/forgotPassword` show the page for an
//! authorization request (its query is the request's), and `POST /login` is the page's SRP
//! sign-in, which opens the hosted session. The password never reaches the server here either.
//!
//! `POST /login` sets a cookie, so it is guarded against cross-site requests: the CSRF token the
//! page was given must come back in `X-CSRF-Token` equal to the `SameSite=Strict` cookie set
//! with it, and a browser's `Origin` / `Sec-Fetch-Site` must name this server.

use super::cookies;
use super::params::Params;
use super::redirect::error_page;
use crate::client::ClientInfo;
use crate::error::CognitoError;
use crate::pages::hosted::{HostedView, ProviderLink, Screen, hosted_page};
use crate::router::AppState;
use auth_return_core::Error;
use auth_return_core::federation::ProviderType;
use auth_return_core::model::App;
use axum::body::Body;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cookie::SameSite;

/// How long the CSRF cookie of the sign-in form lasts.
const CSRF_MAX_AGE_SECS: i64 = 3600;

/// Whether cookies get `Secure`: whenever the public URL is https.
pub fn secure_cookies(state: &AppState) -> bool {
    state.service.config().public_url.starts_with("https://")
}

/// `GET /login`.
pub async fn sign_in_page(state: State<AppState>, query: RawQuery, headers: HeaderMap) -> Response {
    page(state, query, headers, Screen::SignIn).await
}

/// `GET /signup`.
pub async fn sign_up_page(state: State<AppState>, query: RawQuery, headers: HeaderMap) -> Response {
    page(state, query, headers, Screen::SignUp).await
}

/// `GET /forgotPassword`.
pub async fn forgot_password_page(
    state: State<AppState>,
    query: RawQuery,
    headers: HeaderMap,
) -> Response {
    page(state, query, headers, Screen::ForgotPassword).await
}

async fn page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    screen: Screen,
) -> Response {
    let params = match Params::parse(query.as_deref().unwrap_or_default()) {
        Ok(params) => params,
        Err(bad) => return error_page(&state, Error::InvalidParameter(bad.message())),
    };
    let app = match state
        .service
        .authorization_target(params.get("client_id"), params.get("redirect_uri"))
        .await
    {
        Ok(app) => app,
        Err(e) => return error_page(&state, e),
    };
    // One token per browser, kept while it lasts, so two open tabs both work.
    let csrf = cookies::read(&headers, cookies::CSRF)
        .filter(|t| {
            t.len() == 43
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or_else(|| auth_return_crypto::random::token_urlsafe(32));
    let providers = provider_links(&state, &app, query.as_deref().unwrap_or_default()).await;
    let branding = &app.settings.oauth.branding;
    let view = HostedView {
        app_id: app.id.as_str(),
        pool_id: app.pool_id.as_str(),
        client_id: app.client.id.as_str(),
        endpoint: &state.service.config().public_url,
        app_name: branding.display_name.as_deref().unwrap_or(&app.name),
        logo_url: branding.logo_url.as_deref(),
        accent_color: branding.accent_color.as_deref(),
        csrf_token: &csrf,
        screen,
        passkeys: state.service.passkeys_usable(&app),
        providers: &providers,
    };
    let mut response = hosted_page(&state.assets, &view);
    cookies::set(
        response.headers_mut(),
        cookies::CSRF,
        &csrf,
        "/login",
        CSRF_MAX_AGE_SECS,
        SameSite::Strict,
        secure_cookies(&state),
    );
    response
}

/// A link for each of the app's identity providers: the page's authorization request (`query`)
/// through it. A failure to list them leaves them out (the password still signs in).
async fn provider_links(state: &AppState, app: &App, query: &str) -> Vec<ProviderLink> {
    let providers = match state.service.sign_in_providers(app).await {
        Ok(providers) => providers,
        Err(e) => {
            tracing::warn!(error = %e, "identity providers not listed on the sign-in page");
            return Vec::new();
        }
    };
    providers
        .into_iter()
        .map(|(name, provider_type)| {
            let href = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(
                    url::form_urlencoded::parse(query.as_bytes())
                        .filter(|(k, _)| k != "identity_provider" && k != "prompt"),
                )
                .append_pair("identity_provider", &name)
                .finish();
            let label = match provider_type {
                ProviderType::SignInWithApple => "Sign in with Apple".to_owned(),
                _ => format!("Continue with {name}"),
            };
            ProviderLink {
                label,
                href: format!("/oauth2/authorize?{href}"),
            }
        })
        .collect()
}

/// Why `POST /login` did not come from our page, if it did not.
fn cross_site(state: &AppState, headers: &HeaderMap) -> Option<&'static str> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site").is_some_and(|site| site != "same-origin") {
        return Some("the request came from another site");
    }
    let Ok(public) = url::Url::parse(&state.service.config().public_url) else {
        // No origin to compare with: nothing can be shown to come from our page.
        return Some("this server's public URL is not a URL");
    };
    if let Some(origin) = header("origin")
        && origin != public.origin().ascii_serialization()
    {
        return Some("the request came from another origin");
    }
    let cookie = cookies::read(headers, cookies::CSRF);
    let mut tokens = headers.get_all("x-csrf-token").iter();
    // Exactly one token: with several, which one a check reads is a guess.
    let token = match (tokens.next(), tokens.next()) {
        (Some(token), None) => token.to_str().ok(),
        _ => None,
    };
    match (cookie, token) {
        (Some(cookie), Some(token))
            if auth_return_crypto::hash::ct_eq(cookie.as_bytes(), token.as_bytes()) =>
        {
            None
        }
        _ => Some("the sign-in form's CSRF token is missing or wrong; reload the page"),
    }
}

/// `POST /login`: InitiateAuth (`USER_SRP_AUTH`) and RespondToAuthChallenge of the hosted page,
/// in the Cognito protocol; the step that completes the sign-in answers `{"SignedIn":true}` and
/// sets the pool's hosted-session cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(why) = cross_site(&state, &headers) {
        return CognitoError {
            status: StatusCode::FORBIDDEN,
            ..CognitoError::client("AccessDeniedException", format!("Refused: {why}."))
        }
        .into_response();
    }
    let client = client.map(|Extension(c)| c);
    let (mut response, signed_in) =
        crate::cognito::hosted_sign_in(&state, client, &headers, body).await;
    if let Some(cookie) = signed_in {
        cookies::set(
            response.headers_mut(),
            &cookies::session_name(&cookie.pool_id),
            &cookie.value,
            "/",
            cookie.max_age_secs,
            SameSite::Lax,
            secure_cookies(&state),
        );
    }
    response
}
