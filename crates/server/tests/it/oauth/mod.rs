//! The OAuth 2.0 / OpenID Connect endpoints and the hosted sign-in pages, driven over HTTP as a
//! browser and a relying party would.

mod clients;
mod code_flow;
mod federation;
mod hosted;
mod instances;
mod refusals;
pub(crate) mod support;
