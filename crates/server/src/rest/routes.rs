//! The REST API's route table: each handler is registered at the path and method of its
//! `#[utoipa::path]`, so what is served and what `/api/openapi.json` lists are one list.

use crate::rest::openapi::{self, ApiDoc};
use crate::rest::{
    access_keys, apps, events, hooks, identity_providers, inbox, keys, passkeys, signing_keys,
    user, webhooks,
};
use crate::router::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every `/api` route with its handler and the document describing them. One `routes!` per
/// path: the handlers given together must share it.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(openapi::serve))
        .routes(routes!(apps::create, apps::list))
        .routes(routes!(apps::show, apps::update, apps::delete))
        .routes(routes!(apps::config))
        .routes(routes!(signing_keys::list))
        .routes(routes!(signing_keys::rotate))
        .routes(routes!(events::list))
        .routes(routes!(inbox::list))
        .routes(routes!(passkeys::list))
        .routes(routes!(passkeys::delete))
        .routes(routes!(hooks::rotate_secret))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::show, webhooks::update, webhooks::delete))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(
            identity_providers::create,
            identity_providers::list
        ))
        .routes(routes!(
            identity_providers::show,
            identity_providers::update,
            identity_providers::delete
        ))
        .routes(routes!(access_keys::create, access_keys::list))
        .routes(routes!(access_keys::revoke))
        .routes(routes!(user::show))
        .routes(routes!(keys::create, keys::list))
        // Unauthenticated, for services: limited per client (`limits::Bucket::KeyVerify`).
        .routes(routes!(keys::verify))
        .routes(routes!(keys::revoke))
}
