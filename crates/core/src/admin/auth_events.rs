//! AdminListUserAuthEvents (docs/cognito-protocol.md §5.2): a user's sign-in, sign-up and
//! password events, from the audit log, newest first.

use crate::apps::Actor;
use crate::error::{Constraint, Error, Field, Result, Violation};
use crate::events::{Event, EventKind, EventQuery};
use crate::ids::PoolId;
use crate::service::Service;

/// The most events one page holds (Cognito's bound).
pub const MAX_AUTH_EVENTS_PAGE: i64 = 60;
/// Audit events read per round while gathering a page (other kinds are passed over).
const SCAN_BATCH: u32 = 200;
/// Rounds one page may take: a page ends early rather than read a long history of other
/// events in one request.
const SCAN_ROUNDS: usize = 10;

/// Whether an audit event is one of the authentication events Cognito lists.
pub fn is_auth_event(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::SignIn
            | EventKind::SignInFailed
            | EventKind::SignUp
            | EventKind::PasswordChanged
            | EventKind::PasswordResetRequested
            | EventKind::PasswordReset
    )
}

impl Service {
    /// A page of `username`'s authentication events, newest first, and the token of the next.
    pub async fn admin_user_auth_events(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        username: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Event>, Option<String>)> {
        let (app, user) = self.admin_target(actor, pool_id, username).await?;
        let limit = max_results.unwrap_or(MAX_AUTH_EVENTS_PAGE);
        if !(0..=MAX_AUTH_EVENTS_PAGE).contains(&limit) {
            return Err(Error::Validation(Violation::new(
                Field::MaxResults,
                Constraint::AtMost(MAX_AUTH_EVENTS_PAGE),
            )));
        }
        let want = usize::try_from(limit).unwrap_or(0);
        let mut before = next_token
            .map(|token| {
                token
                    .parse::<i64>()
                    .map_err(|_| Error::InvalidParameter("Invalid pagination token.".into()))
            })
            .transpose()?;
        let mut found = Vec::new();
        let mut exhausted = false;
        for _ in 0..SCAN_ROUNDS {
            let query = EventQuery {
                kind: None,
                user_id: Some(user.id),
                before,
                limit: SCAN_BATCH,
            };
            let batch = self.store.list_events(&app.pool_id, &query).await?;
            exhausted = batch.len() < SCAN_BATCH as usize;
            for event in batch {
                before = Some(event.id);
                if is_auth_event(event.kind) {
                    found.push(event);
                    if found.len() > want {
                        break;
                    }
                }
            }
            if found.len() > want || exhausted {
                break;
            }
        }
        let next = if found.len() > want {
            found.truncate(want);
            found.last().map(|e| e.id.to_string())
        } else if exhausted {
            None
        } else {
            // The scan stopped before the history did: a shorter page, and where to go on.
            before.map(|id| id.to_string())
        };
        Ok((found, next))
    }
}
