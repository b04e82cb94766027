//! The revocation feed: which sign-in sessions ended (GlobalSignOut, RevokeToken, admin
//! sign-out, disabling or deleting a user), so that backends verifying tokens locally can
//! refuse a signed-out session within seconds instead of at the token's expiry.

use crate::error::{Error, Result};
use crate::ids::{PoolId, SessionId};
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

/// How far back a cursor from a last page reaches: entries are ordered by revocation time, and
/// one written a moment late (the same second, or another instance with a slightly slower
/// clock) must not fall behind a cursor already handed out. Re-sent entries are harmless:
/// clients keep a set of `origin_jti`s.
const OVERLAP_SECS: i64 = 5;

/// A position in the feed. `overlap` marks a cursor from a last page (continue a little
/// earlier); a cursor from a full page continues exactly where it ended.
fn encode_cursor(revoked_at: i64, origin_jti: SessionId, overlap: bool) -> String {
    URL_SAFE_NO_PAD.encode(format!("{revoked_at}:{origin_jti}:{}", u8::from(overlap)))
}

/// Where to continue after a cursor.
fn decode_cursor(cursor: &str) -> Option<(i64, SessionId)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let mut parts = text.split(':');
    let at: i64 = parts.next()?.parse().ok()?;
    let id = SessionId::parse(parts.next()?)?;
    let overlap = match parts.next()? {
        "1" => true,
        "0" => false,
        _ => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(if overlap {
        (at - OVERLAP_SECS, SessionId::from_uuid(uuid::Uuid::nil()))
    } else {
        (at, id)
    })
}

impl Service {
    /// Revocations of a pool still in force, after `since` (a cursor from an earlier page).
    pub async fn revocations(
        &self,
        pool_id: &PoolId,
        since: Option<&str>,
    ) -> Result<RevocationPage> {
        let Some(app) = self.store.get_app_by_pool(pool_id).await? else {
            return Err(Error::PoolNotFound(pool_id.clone()));
        };
        crate::service::builtin_only(
            &app,
            "Cognito publishes no feed of revoked sessions; its tokens stay valid until they expire",
        )?;
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
        let cursor = match (entries.last(), since.filter(|s| !s.is_empty())) {
            (Some(last), _) => encode_cursor(last.revoked_at, last.origin_jti, !more),
            (None, Some(given)) => given.to_owned(),
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
    fn cursors_continue_exactly_or_reach_back() {
        let id = SessionId::generate();
        assert_eq!(
            decode_cursor(&encode_cursor(1_700_000_000, id, false)),
            Some((1_700_000_000, id))
        );
        assert_eq!(
            decode_cursor(&encode_cursor(1_700_000_000, id, true)),
            Some((
                1_700_000_000 - OVERLAP_SECS,
                SessionId::from_uuid(uuid::Uuid::nil())
            ))
        );
        let nil = "00000000-0000-0000-0000-000000000000";
        for bad in [
            "".to_owned(),
            "x".into(),
            "!!!".into(),
            URL_SAFE_NO_PAD.encode("12:not-a-uuid:0"),
            URL_SAFE_NO_PAD.encode(format!("nan:{nil}:0")),
            URL_SAFE_NO_PAD.encode(format!("12:{nil}")),
            URL_SAFE_NO_PAD.encode(format!("12:{nil}:2")),
            URL_SAFE_NO_PAD.encode(format!("12:{nil}:0:extra")),
        ] {
            assert_eq!(decode_cursor(&bad), None, "{bad}");
        }
    }
}
