//! The hosted sign-in pages (`/login`, `/signup`, `/forgotPassword`) and their error page.
//! A plain first version: the styled page and its script replace it.

use super::{document, escape, page_response};
use crate::assets::Assets;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Which screen the page opens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Sign in.
    SignIn,
    /// Create an account.
    SignUp,
    /// Reset a forgotten password.
    ForgotPassword,
}

/// What the page shows and its script needs.
pub struct HostedView<'a> {
    /// The app.
    pub app_id: &'a str,
    /// Its pool.
    pub pool_id: &'a str,
    /// Its client.
    pub client_id: &'a str,
    /// The server's public URL (the Cognito endpoint), no trailing slash.
    pub endpoint: &'a str,
    /// The name to show.
    pub app_name: &'a str,
    /// An absolute https logo URL.
    pub logo_url: Option<&'a str>,
    /// `#rrggbb`.
    pub accent_color: Option<&'a str>,
    /// Sent back in `X-CSRF-Token` on `POST /login`.
    pub csrf_token: &'a str,
    /// The first screen.
    pub screen: Screen,
}

/// The hosted page.
pub fn hosted_page(_assets: &Assets, view: &HostedView<'_>) -> Response {
    let body = format!(
        r#"<main id="hosted" data-app-id="{}" data-pool-id="{}" data-client-id="{}" data-endpoint="{}" data-csrf="{}" data-screen="{:?}"><h1>{}</h1></main>"#,
        escape(view.app_id),
        escape(view.pool_id),
        escape(view.client_id),
        escape(view.endpoint),
        escape(view.csrf_token),
        view.screen,
        escape(view.app_name),
    );
    page_response(document(
        &format!("Sign in to {}", view.app_name),
        "",
        &body,
    ))
}

/// An error page that links nowhere but `/`.
pub fn hosted_error(_assets: &Assets, status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<main><h1>{}</h1><p>{}</p></main>",
        escape(title),
        escape(message)
    );
    let mut response = page_response(document(title, "", &body));
    *response.status_mut() = status;
    response.into_response()
}
