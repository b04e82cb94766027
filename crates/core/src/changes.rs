//! Following the change feed: what the CLI or another instance changes in the shared database
//! (a pool's signing keys, an app) reaches this process's caches at its next poll.
//!
//! Writers record each change in the same transaction as the change itself, numbered in commit
//! order (see [`Store::changes_since`](crate::store::Store::changes_since)); each process keeps
//! the number of the last entry it applied and drops what it cached of every newer one.

use crate::error::Result;
use crate::model::{Change, ChangeSubject};
use crate::service::Service;
use std::sync::{Mutex, PoisonError};

/// Entries read per query; a follower further behind reads again at once.
const BATCH: usize = 500;

/// How far this process has followed the feed: `None` until the first poll.
#[derive(Default)]
pub(crate) struct ChangeCursor(Mutex<Option<i64>>);

impl ChangeCursor {
    fn get(&self) -> Option<i64> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn advance(&self, seq: i64) {
        let mut last = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *last = Some(last.map_or(seq, |l| l.max(seq)));
    }
}

impl Service {
    /// Applies the changes recorded since the previous call and returns how many there were.
    /// The first call starts at the newest entry and drops everything cached until then, which
    /// may predate it. A gap in the numbers (entries pruned before this process read them)
    /// drops everything too.
    pub async fn follow_changes(&self) -> Result<usize> {
        let Some(mut last) = self.change_cursor.get() else {
            let latest = self.store.latest_change().await?;
            self.keys.forget_all();
            self.apps.forget_all();
            self.change_cursor.advance(latest);
            return Ok(0);
        };
        let mut applied = 0;
        loop {
            let batch = self.store.changes_since(last, BATCH).await?;
            let Some(first) = batch.first() else {
                break;
            };
            if first.seq != last + 1 {
                tracing::warn!(
                    followed = last,
                    next = first.seq,
                    "change feed entries were pruned before they were read: dropping every cache"
                );
                self.keys.forget_all();
                self.apps.forget_all();
            }
            for change in &batch {
                self.apply(change);
            }
            applied += batch.len();
            last = batch.last().map_or(last, |c| c.seq);
            self.change_cursor.advance(last);
            if batch.len() < BATCH {
                break;
            }
        }
        Ok(applied)
    }

    fn apply(&self, change: &Change) {
        match &change.subject {
            ChangeSubject::SigningKeys(pool_id) => self.keys.forget(pool_id),
            ChangeSubject::App(pool_id) => self.apps.forget(pool_id),
            ChangeSubject::Other(_) => {}
        }
    }
}
