//! Reading an app's audit events, a page at a time, and pruning old ones (the events
//! themselves are [`crate::events`], their storage [`crate::store::EventStore`]).

use crate::apps::Actor;
use crate::error::Result;
use crate::events::{Event, EventQuery};
use crate::ids::AppId;
use crate::service::Service;

/// Events per page when the query names no limit.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The most events one page holds.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Events deleted per statement when pruning: small enough that no statement holds a long
/// lock, large enough that a backlog goes in few of them.
pub const PRUNE_BATCH: u32 = 10_000;

/// Seconds in a day of retention.
const DAY_SECS: i64 = 86_400;

/// One page of an app's events, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventPage {
    /// The events, newest (highest id) first.
    pub events: Vec<Event>,
    /// The `before` of the next page (the last event's id), when there are more events;
    /// `None` on the last page.
    pub next_cursor: Option<i64>,
}

/// The page size `limit` asks for: [`DEFAULT_PAGE_SIZE`] for 0, at most [`MAX_PAGE_SIZE`].
fn page_size(limit: u32) -> u32 {
    match limit {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    }
}

impl Service {
    /// One page of `app_id`'s events meeting `query`, newest first, if `actor` may see the app
    /// (otherwise it does not exist for them: `AppNotFound`). The limit is taken to 1..=100
    /// (50 when 0); `next_cursor` is set when more events follow.
    pub async fn list_events(
        &self,
        actor: Actor,
        app_id: &AppId,
        query: EventQuery,
    ) -> Result<EventPage> {
        let app = self.get_app(actor, app_id).await?;
        let size = page_size(query.limit);
        // One more than the page, to know whether another page follows.
        let probe = EventQuery {
            limit: size + 1,
            ..query
        };
        let mut events = self.store.list_events(&app.pool_id, &probe).await?;
        let more = events.len() > size as usize;
        events.truncate(size as usize);
        let next_cursor = if more {
            events.last().map(|event| event.id)
        } else {
            None
        };
        Ok(EventPage {
            events,
            next_cursor,
        })
    }

    /// Housekeeping: deletes every event (of any app) older than `retention_days` days, in
    /// batches of [`PRUNE_BATCH`] until one comes back short, so one pass empties a backlog
    /// without holding a long lock; returns how many went. 0 days keeps events forever.
    pub async fn prune_events(&self, retention_days: u32) -> Result<u64> {
        if retention_days == 0 {
            return Ok(0);
        }
        let before = self.clock.now() - i64::from(retention_days) * DAY_SECS;
        let mut pruned = 0;
        loop {
            let deleted = self.store.prune_events(before, PRUNE_BATCH).await?;
            pruned += deleted;
            if deleted < u64::from(PRUNE_BATCH) {
                return Ok(pruned);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_are_clamped() {
        assert_eq!(page_size(0), 50);
        assert_eq!(page_size(1), 1);
        assert_eq!(page_size(100), 100);
        assert_eq!(page_size(101), 100);
        assert_eq!(page_size(u32::MAX), 100);
    }
}
