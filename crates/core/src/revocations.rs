//! The revocation feed: which sign-in sessions ended (GlobalSignOut, RevokeToken, admin
//! sign-out, disabling or deleting a user), so that backends verifying tokens locally can
//! refuse a signed-out session within seconds instead of at the token's expiry.

use crate::error::{Error, Result};
use crate::ids::PoolId;
use crate::service::Service;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

/// Most entries one page carries.
const PAGE: usize = 1000;

/// One revoked session.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RevokedSession {
    /// The session's `origin_jti`: every token of the session carries it.
    pub origin_jti: String,
    /// After this (epoch seconds) every token of the session has expired anyway.
    pub expires_at: i64,
}

/// A page of the feed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RevocationPage {
    /// Sessions revoked after the cursor given, oldest first.
    pub revocations: Vec<RevokedSession>,
    /// Where to continue (`?since=`): pass it back to get only newer entries.
    pub cursor: String,
    /// Whether another page is waiting right now.
    pub more: bool,
}

fn encode_cursor(revoked_at: i64, origin_jti: uuid::Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{revoked_at}:{origin_jti}"))
}

fn decode_cursor(cursor: &str) -> Option<(i64, uuid::Uuid)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (at, id) = text.split_once(':')?;
    Some((at.parse().ok()?, uuid::Uuid::try_parse(id).ok()?))
}

impl Service {
    /// Revocations of a pool still in force, after `since` (a cursor from an earlier page).
    pub async fn revocations(
        &self,
        pool_id: &PoolId,
        since: Option<&str>,
    ) -> Result<RevocationPage> {
        if self.store.get_app_by_pool(pool_id).await?.is_none() {
            return Err(Error::PoolNotFound(pool_id.clone()));
        }
        let after = match since.filter(|s| !s.is_empty()) {
            Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
                Error::InvalidParameter("since is not a cursor from this feed".into())
            })?),
            None => None,
        };
        let mut entries = self
            .store
            .list_revocations(pool_id, after, self.clock.now(), PAGE + 1)
            .await?;
        let more = entries.len() > PAGE;
        entries.truncate(PAGE);
        let cursor = match (entries.last(), after) {
            (Some(last), _) => encode_cursor(last.revoked_at, last.origin_jti),
            (None, Some((at, id))) => encode_cursor(at, id),
            (None, None) => String::new(),
        };
        Ok(RevocationPage {
            revocations: entries
                .into_iter()
                .map(|r| RevokedSession {
                    origin_jti: r.origin_jti.to_string(),
                    expires_at: r.expires_at,
                })
                .collect(),
            cursor,
            more,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(
            decode_cursor(&encode_cursor(1_700_000_000, id)),
            Some((1_700_000_000, id))
        );
        for bad in [
            "",
            "x",
            "!!!",
            &URL_SAFE_NO_PAD.encode("12:not-a-uuid"),
            &URL_SAFE_NO_PAD.encode("nan:00000000-0000-0000-0000-000000000000"),
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
