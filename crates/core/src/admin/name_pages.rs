//! Paging of the developer's listings that go in name or id order (groups, their members,
//! identity providers): a page size within Cognito's bound and an opaque token naming the last
//! item listed.

use crate::error::{Constraint, Error, Field, Result, Violation};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The page size `limit` asks for: 1–`max`, `max` when not given; out of range, a violation of
/// `field`.
pub(crate) fn page_size(limit: Option<i64>, max: i64, field: Field) -> Result<u32> {
    let limit = limit.unwrap_or(max);
    let constraint = if limit < 1 {
        Constraint::AtLeast(1)
    } else if limit > max {
        Constraint::AtMost(max)
    } else {
        return Ok(u32::try_from(limit).unwrap_or(1));
    };
    Err(Error::Validation(Violation::new(field, constraint)))
}

/// A page token: the last listed name or id, opaque to callers.
pub(crate) fn encode_token(last: &str) -> String {
    URL_SAFE_NO_PAD.encode(last)
}

/// Reads a token [`encode_token`] wrote.
pub(crate) fn decode_token(token: &str) -> Result<String> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| Error::InvalidParameter("Invalid pagination token.".into()))
}

/// Cuts a page fetched one longer than `limit` back to `limit`; the last kept item when a next
/// page exists.
pub(crate) fn page_end<T: Clone>(items: &mut Vec<T>, limit: u32) -> Option<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if items.len() > limit {
        items.truncate(limit);
        items.last().cloned()
    } else {
        None
    }
}
