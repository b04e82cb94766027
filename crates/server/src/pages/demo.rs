//! `GET /demo/{app_id}`: a page using both components and a protected call, to try the whole
//! flow in a browser a minute after starting the server; `GET /demo?app_id=` (the landing
//! page's form) leads there.

use super::{document, escape, page_response_connecting};
use crate::router::AppState;
use auth_return_core::AppId;
use auth_return_core::provider::ProviderKind;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// `GET /demo/{app_id}`: the demo page of an app, naming it.
pub async fn page(State(state): State<AppState>, Path(app_id): Path<String>) -> Response {
    let config = match app_id.parse::<AppId>() {
        Ok(id) => state.service.app_config(&id).await.ok(),
        Err(_) => None,
    };
    let Some(config) = config else {
        return crate::router::not_found().await.into_response();
    };
    let assets = &state.assets;
    // The app id was found in the store, so it is one of our ids; the name is the developer's
    // text and is escaped.
    let id = escape(&app_id);
    let name = escape(&config.name);
    let head = format!(
        r#"<link rel="stylesheet" href="{style}">
<script src="/{component}" data-app-id="{id}"></script>
<script src="/{header}"></script>
<script src="{demo}" defer></script>"#,
        style = assets.site_style.path(),
        component = assets.component.name,
        header = assets.header.name,
        demo = assets.demo_script.path(),
    );
    let body = format!(
        r#"<header class="bar"><strong>Demo: <span class="app-name">{name}</span></strong><auth-header></auth-header></header>
<main class="narrow">
<h1>Try <span class="app-name">{name}</span>'s sign-in</h1>
<p>Sign up, confirm with the code from the mail (in development: <code>data/outbox.jsonl</code>, or the app's inbox in the console), sign in, then call an endpoint that needs your token.</p>
<p><button id="call" type="button">Call the protected API</button></p>
<pre id="out" aria-live="polite">Not called yet.</pre>
<p class="small">App <code>{id}</code> · <a href="/console#/apps/{id}">Open it in the developer console</a> · <a href="/docs">Integration guide</a></p>
</main>"#
    );
    // An app whose pool lives in Cognito has the component call Cognito's endpoint.
    let elsewhere = (config.provider != ProviderKind::Builtin)
        .then(|| url::Url::parse(&config.endpoint).ok())
        .flatten();
    page_response_connecting(
        document(&format!("{} demo · Auth Return", config.name), &head, &body),
        elsewhere.as_ref(),
    )
}

/// The landing page's demo form.
#[derive(Deserialize)]
pub struct DemoQuery {
    app_id: Option<String>,
}

/// `GET /demo?app_id=ID`: a redirect to `/demo/ID` for an app id of the right form.
pub async fn find(Query(query): Query<DemoQuery>) -> Response {
    let id = query.app_id.as_deref().map(str::trim).unwrap_or_default();
    match id.parse::<AppId>() {
        Ok(id) => match HeaderValue::from_str(&format!("/demo/{id}")) {
            Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
            Err(_) => crate::router::not_found().await.into_response(),
        },
        Err(_) => crate::router::not_found().await.into_response(),
    }
}
