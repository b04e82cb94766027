//! Opt-in revocation: polling the issuer's revocation feed and refusing tokens of revoked
//! sessions.
//!
//! The feed is `GET <issuer>/revocations?since=<cursor>` answering
//! `{"revocations":[{"origin_jti":"…","expires_at":<epoch s>}],"cursor":"…"}`. Each entry names
//! a session (`origin_jti`, shared by every ID and access token of one sign-in) and the time
//! after which no token of it can be valid anyway, when the entry is dropped.
//!
//! Trade-off: with polling on, a sign-out takes effect within one poll interval instead of at
//! the token's expiry (up to an hour), at the cost of one small request per interval per
//! verifier. The check fails open: while the feed cannot be reached, tokens are judged by their
//! signature and claims alone (the last known revocations still apply).

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use serde::Deserialize;

use crate::error::VerifyError;
use crate::jwks::get_bounded;

/// Default poll interval of the revocation feed.
pub const DEFAULT_REVOCATION_INTERVAL: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct Page {
    revocations: Vec<Entry>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    origin_jti: String,
    expires_at: i64,
}

/// The revoked sessions known so far and the feed's cursor.
pub(crate) struct Revocations {
    url: reqwest::Url,
    max_body: usize,
    revoked: RwLock<HashMap<String, i64>>,
    cursor: Mutex<Option<String>>,
}

impl Revocations {
    pub(crate) fn new(url: reqwest::Url, max_body: usize) -> Self {
        Self {
            url,
            max_body,
            revoked: RwLock::new(HashMap::new()),
            cursor: Mutex::new(None),
        }
    }

    /// True when the session `origin_jti` was revoked (and the entry has not expired).
    pub(crate) fn is_revoked(&self, origin_jti: &str, now: i64) -> bool {
        self.revoked
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(origin_jti)
            .is_some_and(|&expires_at| expires_at >= now)
    }

    /// Number of entries held.
    pub(crate) fn len(&self) -> usize {
        self.revoked
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Fetches every page the feed has after the cursor, merges it, and drops expired entries.
    /// Returns how many entries were added.
    pub(crate) async fn poll(
        &self,
        client: &reqwest::Client,
        now: i64,
    ) -> Result<usize, VerifyError> {
        let mut added = 0;
        // A bounded number of pages per poll, so a feed that never ends cannot hold us.
        for _ in 0..100 {
            let mut url = self.url.clone();
            let cursor = self
                .cursor
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            if let Some(c) = &cursor {
                url.query_pairs_mut().append_pair("since", c);
            }
            let body = get_bounded(client, &url, self.max_body)
                .await
                .map_err(VerifyError::RevocationFeed)?;
            let page: Page = serde_json::from_slice(&body).map_err(|_| {
                VerifyError::RevocationFeed("the feed did not answer the expected JSON".to_owned())
            })?;
            let count = page.revocations.len();
            {
                let mut revoked = self
                    .revoked
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                for e in page.revocations {
                    if e.expires_at >= now {
                        revoked.insert(e.origin_jti, e.expires_at);
                        added += 1;
                    }
                }
                revoked.retain(|_, &mut exp| exp >= now);
            }
            let advanced = page.cursor.is_some() && page.cursor != cursor;
            if let Some(c) = page.cursor {
                *self
                    .cursor
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(c);
            }
            if count == 0 || !advanced {
                break;
            }
        }
        Ok(added)
    }
}
