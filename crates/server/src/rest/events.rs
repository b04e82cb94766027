//! `GET /api/apps/{id}/events`: the owning developer reads an app's audit events, newest
//! first, a page at a time, as `auth-return events` does for the operator.

use crate::error::ApiError;
use crate::extract::{ConsoleDeveloper, PathId};
use crate::rest::error_body::ErrorBody;
use crate::rest::params::page_size;
use crate::router::AppState;
use crate::views::EventPageView;
use auth_return_core::activity::MAX_PAGE_SIZE;
use auth_return_core::events::{EventKind, EventQuery, cap};
use auth_return_core::{AppId, UserId};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use tracing::instrument;
use utoipa::IntoParams;
use utoipa::openapi::schema::Schema;

/// The longest part of an unknown `type` an error message repeats.
const ECHO_MAX_CHARS: usize = 64;

/// `GET /api/apps/{id}/events` query, as given: every member optional, an empty one as absent.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// The `next_cursor` of the previous page.
    #[param(value_type = Option<String>, pattern = "^[0-9]*$")]
    cursor: Option<String>,
    /// Only events of this type (a kind's code, like `sign_in`).
    #[serde(rename = "type")]
    kind: Option<String>,
    /// Only events of this user (`sub`, a UUID).
    user_id: Option<String>,
    /// Events per page, 1–100 (default 50).
    #[param(schema_with = limit_schema)]
    limit: Option<String>,
}

/// The `limit` parameter's schema: [`page_size`] up to [`MAX_PAGE_SIZE`].
fn limit_schema() -> Schema {
    page_size(MAX_PAGE_SIZE)
}

/// `GET /api/apps/{id}/events`: a page of the app's events, newest first.
#[utoipa::path(get, path = "/api/apps/{app_id}/events", tag = "events",
    operation_id = "events_list",
    security(("console_token" = [])),
    params(PathId<AppId>, EventsParams),
    responses(
        (status = 200, description = "A page of events, newest first.", body = EventPageView),
        (status = 400, description = "A parameter that is not valid, or an unknown one.", body = ErrorBody),
        (status = 404, description = "No such app of the caller's.", body = ErrorBody),
    ),
)]
#[instrument(skip_all, fields(actor = ?actor, app_id = %app_id))]
pub async fn list(
    State(state): State<AppState>,
    ConsoleDeveloper(actor): ConsoleDeveloper,
    PathId(app_id): PathId<AppId>,
    params: Result<Query<EventsParams>, QueryRejection>,
) -> Result<Json<EventPageView>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let query = event_query(params)?;
    let page = state.service.list_events(actor, &app_id, query).await?;
    Ok(Json(EventPageView::from(&page)))
}

/// The query the parameters describe, or a 400 naming the first bad one.
fn event_query(params: EventsParams) -> Result<EventQuery, ApiError> {
    let given = |value: Option<String>| value.filter(|v| !v.is_empty());
    let kind = given(params.kind)
        .map(|code| {
            EventKind::parse(&code).ok_or_else(|| {
                let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                ApiError::bad_request(format!(
                    "unknown event type {:?}: type must be one of {}",
                    cap(&code, ECHO_MAX_CHARS),
                    known.join(", ")
                ))
            })
        })
        .transpose()?;
    let user_id = given(params.user_id)
        .map(|id| {
            UserId::parse(&id)
                .ok_or_else(|| ApiError::bad_request("user_id must be a user's id (a UUID)"))
        })
        .transpose()?;
    let before = given(params.cursor)
        .map(|cursor| {
            cursor.parse::<i64>().ok().filter(|c| *c >= 0).ok_or_else(|| {
                ApiError::bad_request(
                    "cursor must be the next_cursor of an earlier page (a non-negative integer)",
                )
            })
        })
        .transpose()?;
    let limit = match given(params.limit) {
        None => 0,
        Some(limit) => limit
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_PAGE_SIZE}"
                ))
            })?,
    };
    Ok(EventQuery {
        kind,
        user_id,
        before,
        limit,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn params(cursor: &str, kind: &str, user_id: &str, limit: &str) -> EventsParams {
        let some = |v: &str| Some(v.to_owned());
        EventsParams {
            cursor: some(cursor),
            kind: some(kind),
            user_id: some(user_id),
            limit: some(limit),
        }
    }

    #[test]
    fn empty_parameters_are_absent() {
        assert_eq!(
            event_query(params("", "", "", "")).unwrap(),
            EventQuery::default()
        );
        assert_eq!(
            event_query(EventsParams::default()).unwrap(),
            EventQuery::default()
        );
    }

    #[test]
    fn every_parameter_is_read() {
        let user = UserId::generate();
        let query = event_query(params("42", "sign_in", &user.to_string(), "7")).unwrap();
        assert_eq!(
            query,
            EventQuery {
                kind: Some(EventKind::SignIn),
                user_id: Some(user),
                before: Some(42),
                limit: 7,
            }
        );
    }

    #[test]
    fn bad_parameters_are_refused_by_name() {
        let message = |p| event_query(p).unwrap_err().message;
        let unknown = message(params("", "password_guessed", "", ""));
        assert!(
            unknown.starts_with("unknown event type \"password_guessed\""),
            "{unknown}"
        );
        assert!(unknown.contains("sign_in, sign_in_failed"), "{unknown}");
        let long = message(params("", &"x".repeat(1000), "", ""));
        assert!(long.len() < 1000, "{long}");
        for bad in ["nope", "123", "00000000-0000-0000-0000-00000000000g"] {
            assert!(message(params("", "", bad, "")).starts_with("user_id must be"));
        }
        for bad in ["x", "-1", "1.5", "99999999999999999999"] {
            assert!(message(params(bad, "", "", "")).starts_with("cursor must be"));
        }
        for bad in ["0", "101", "-5", "ten"] {
            assert!(message(params("", "", "", bad)).starts_with("limit must be"));
        }
    }
}
