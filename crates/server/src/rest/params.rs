//! The path parameters of the REST routes, as the OpenAPI document names and describes them.
//! An id of the wrong shape names nothing: it is answered 404, like an id that is not there.

use crate::extract::PathId;
use auth_return_core::{AccessKeyId, ApiKeyId, AppId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{AnyOfBuilder, Schema};
use utoipa::openapi::{ObjectBuilder, Required, Type};

/// A typed id that a route takes as its one path parameter ([`PathId`]): its name there, what
/// it is and what one looks like.
pub trait PathParam {
    /// The parameter's name in the route (`{app_id}`).
    const NAME: &'static str;
    /// What it names and its shape.
    const DESCRIPTION: &'static str;
    /// One of that shape.
    const EXAMPLE: &'static str;
}

impl PathParam for AppId {
    const NAME: &'static str = "app_id";
    const DESCRIPTION: &'static str =
        "The app's id: `app_` and 12 lowercase alphanumerics (or `console`).";
    const EXAMPLE: &'static str = "app_0123456789ab";
}

impl PathParam for ApiKeyId {
    const NAME: &'static str = "key_id";
    const DESCRIPTION: &'static str =
        "The API key's public id: `key_` and 20 lowercase alphanumerics.";
    const EXAMPLE: &'static str = "key_0123456789abcdefghij";
}

impl PathParam for AccessKeyId {
    const NAME: &'static str = "key_id";
    const DESCRIPTION: &'static str = "The access key id: `AKAR` and 16 uppercase alphanumerics.";
    const EXAMPLE: &'static str = "AKAR0123456789ABCDEF";
}

/// The one path parameter [`PathId`] extracts, as the document describes it.
impl<T: PathParam> IntoParams for PathId<T> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name(T::NAME)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(T::DESCRIPTION))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .example(Some(T::EXAMPLE.into()))
                .build(),
        ]
    }
}

/// A page size in a query: a whole number from 1 to `max`, or empty, which is read as absent
/// (as a form with an empty field sends it).
pub fn page_size(max: u32) -> Schema {
    let number = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(max));
    let empty = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0));
    AnyOfBuilder::new().item(number).item(empty).into()
}

/// `{app_id}/webhooks/{webhook_id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct WebhookPath {
    /// The app's id.
    #[param(example = "app_0123456789ab")]
    pub app_id: String,
    /// The endpoint's id: `wh_` and 20 lowercase alphanumerics.
    #[param(example = "wh_0123456789abcdefghij")]
    pub webhook_id: String,
}

/// `{app_id}/users/{user_id}` (the user's passkeys).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct UserPath {
    /// The app's id.
    #[param(example = "app_0123456789ab")]
    pub app_id: String,
    /// The user's `sub` (a UUID).
    #[param(example = "7d3b9f5e-2c41-4a8e-9b1f-0c6d2e8a4f13")]
    pub user_id: String,
}

/// `{app_id}/users/{user_id}/passkeys/{credential_id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PasskeyPath {
    /// The app's id.
    #[param(example = "app_0123456789ab")]
    pub app_id: String,
    /// The user's `sub` (a UUID).
    #[param(example = "7d3b9f5e-2c41-4a8e-9b1f-0c6d2e8a4f13")]
    pub user_id: String,
    /// The passkey's credential id, base64url.
    pub credential_id: String,
}

/// `{app_id}/identity-providers/{name}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdentityProviderPath {
    /// The app's id.
    #[param(example = "app_0123456789ab")]
    pub app_id: String,
    /// The provider's name (case-sensitive).
    #[param(example = "Google")]
    pub name: String,
}
