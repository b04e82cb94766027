//! OAuth 2.0 and OpenID Connect endpoints shaped like Cognito's (`/oauth2/authorize`,
//! `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`, `/logout`) and the hosted sign-in
//! pages they lead to (`/login`, `/signup`, `/forgotPassword`). The domain is
//! `auth_return_core::oauth`; this module is the wire (RFC 6749, RFC 7009, RFC 7636, OpenID
//! Connect Core 1.0).

mod authorize;
mod client_auth;
mod cookies;
mod error;
mod form;
mod idp;
mod login;
mod logout;
mod params;
mod redirect;
mod revoke;
mod token;
mod userinfo;

use crate::router::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The browser-facing routes: navigations and the sign-in page's own calls. No CORS: nothing
/// here is for another origin's script.
pub fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/authorize", get(authorize::authorize))
        .route(
            "/oauth2/idpresponse",
            get(idp::idp_response).post(idp::idp_form_response),
        )
        .route("/login", get(login::sign_in_page).post(login::sign_in))
        .route("/signup", get(login::sign_up_page))
        .route("/forgotPassword", get(login::forgot_password_page))
        .route("/logout", get(logout::logout))
}

/// The endpoints apps' code calls, browser apps included (they get the API's CORS).
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/oauth2/token", post(token::token))
        .route("/oauth2/revoke", post(revoke::revoke))
        .route(
            "/oauth2/userInfo",
            get(userinfo::user_info).post(userinfo::user_info),
        )
}
