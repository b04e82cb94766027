//! The JSON body of every REST error, `{"error","message"}` with `fields` for settings: the one
//! type both `ApiError`'s answer and the OpenAPI document are made from.

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref};

/// The body of every error the REST API answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code: `invalid_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `limit_exceeded`, `too_many_requests`, `internal`…
    #[schema(example = "not_found")]
    pub error: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// Each invalid member of a settings change; absent for other errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

/// One invalid member of a settings change.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The member's dotted path in the change, e.g. `templates.verification_message`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// A response of the document: `description`, with an [`ErrorBody`].
pub fn error_response(description: &str) -> Response {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content("application/json", body)
        .build()
}
