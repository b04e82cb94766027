//! Finding apps a page at a time, newest first, with each pool's user count (kept by the
//! store as users come and go, so no listing counts a whole pool).

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::ids::{AppId, PoolId};
use crate::model::{App, Timestamp};
use crate::service::Service;
use std::collections::HashMap;

/// The most apps one page holds.
pub const MAX_PAGE_SIZE: u32 = 1_000;
/// The longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 128;

/// Where a page of apps starts: after the app created at `created_at` with id `app_id`
/// (apps are listed newest first, ties by id descending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppCursor {
    /// The last listed app's creation time.
    pub created_at: Timestamp,
    /// The last listed app's id.
    pub app_id: AppId,
}

impl AppCursor {
    /// The cursor's text, `<created_at>.<app_id>`: opaque to callers.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_at, self.app_id)
    }

    /// Reads a cursor [`AppCursor::encode`] wrote.
    pub fn decode(text: &str) -> Result<Self> {
        let bad = || Error::InvalidParameter("cursor is not one this server issued".into());
        let (at, id) = text.split_once('.').ok_or_else(bad)?;
        Ok(Self {
            created_at: at.parse().map_err(|_| bad())?,
            app_id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// Which apps a listing wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppQuery {
    /// Case-insensitive text the name contains, or the start of the app or pool id.
    pub search: Option<String>,
    /// Start after this app; `None` for the first page.
    pub after: Option<AppCursor>,
    /// Page size, 1..=[`MAX_PAGE_SIZE`]; `None` for every app.
    pub limit: Option<u32>,
}

/// An app with its pool's user count.
#[derive(Clone, Debug)]
pub struct AppSummary {
    /// The app.
    pub app: App,
    /// Users in its pool.
    pub user_count: u64,
}

/// One page of apps, newest first.
#[derive(Clone, Debug)]
pub struct AppPage {
    /// The apps.
    pub apps: Vec<AppSummary>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<AppCursor>,
}

impl Service {
    /// The apps `actor` may see that meet `query`, newest first. A search longer than
    /// [`MAX_SEARCH_CHARS`] or a limit outside 1..=[`MAX_PAGE_SIZE`] is `InvalidParameter`.
    pub async fn find_apps(&self, actor: Actor, query: AppQuery) -> Result<AppPage> {
        let search = query.search.as_deref().map(str::trim).unwrap_or("");
        if search.chars().count() > MAX_SEARCH_CHARS {
            return Err(Error::InvalidParameter(format!(
                "search must be at most {MAX_SEARCH_CHARS} characters"
            )));
        }
        if let Some(limit) = query.limit
            && !(1..=MAX_PAGE_SIZE).contains(&limit)
        {
            return Err(Error::InvalidParameter(format!(
                "limit must be 1 to {MAX_PAGE_SIZE}"
            )));
        }
        let probe = AppQuery {
            search: (!search.is_empty()).then(|| search.to_lowercase()),
            after: query.after,
            // One more than the page, to know whether another follows.
            limit: query.limit.map(|limit| limit + 1),
        };
        let mut apps = self.store.find_apps(actor.owner(), &probe).await?;
        let more = query.limit.is_some_and(|limit| apps.len() > limit as usize);
        if let Some(limit) = query.limit {
            apps.truncate(limit as usize);
        }
        let next_cursor = more.then(|| apps.last()).flatten().map(|app| AppCursor {
            created_at: app.created_at,
            app_id: app.id.clone(),
        });
        Ok(AppPage {
            apps: self.with_user_counts(apps).await?,
            next_cursor,
        })
    }

    /// One app with its user count, if `actor` may see it.
    pub async fn app_summary(&self, actor: Actor, app_id: &AppId) -> Result<AppSummary> {
        let app = self.get_app(actor, app_id).await?;
        self.summarize(app).await
    }

    /// `app` with its user count.
    pub async fn summarize(&self, app: App) -> Result<AppSummary> {
        let mut summaries = self.with_user_counts(vec![app]).await?;
        summaries
            .pop()
            .ok_or_else(|| Error::Internal("app summary lost its app".into()))
    }

    async fn with_user_counts(&self, apps: Vec<App>) -> Result<Vec<AppSummary>> {
        let pools: Vec<PoolId> = apps.iter().map(|app| app.pool_id.clone()).collect();
        let counts: HashMap<PoolId, u64> =
            self.store.user_counts(&pools).await?.into_iter().collect();
        Ok(apps
            .into_iter()
            .map(|app| AppSummary {
                user_count: counts.get(&app.pool_id).copied().unwrap_or(0),
                app,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_refuse_what_we_did_not_write() {
        let cursor = AppCursor {
            created_at: 1_700_000_000,
            app_id: AppId::generate(),
        };
        assert_eq!(AppCursor::decode(&cursor.encode()).ok(), Some(cursor));
        for bad in ["", "1700000000", "x.console", "1.not an id", ".console"] {
            assert!(
                matches!(AppCursor::decode(bad), Err(Error::InvalidParameter(_))),
                "{bad}"
            );
        }
        assert!(AppCursor::decode("5.console").is_ok());
    }
}
