//! The development inbox: the messages the development outbox kept for an app, shown to its
//! developer so that nobody opens a file to find a code. There is none when mail is delivered.

use crate::apps::Actor;
use crate::error::{Error, Result};
use crate::ids::AppId;
use crate::mail::KeptMail;
use crate::service::Service;

/// Messages per look when the caller names no limit.
pub const DEFAULT_INBOX_SIZE: u32 = 20;
/// The most messages one look shows.
pub const MAX_INBOX_SIZE: u32 = 100;

impl Service {
    /// The newest `limit` messages (1..=100; 20 for 0) kept for `app_id`, newest first, if
    /// `actor` may see the app. `InboxUnavailable` when the transport delivers mail (SMTP).
    pub async fn inbox(&self, actor: Actor, app_id: &AppId, limit: u32) -> Result<Vec<KeptMail>> {
        let app = self.get_app(actor, app_id).await?;
        crate::service::builtin_only(&app, "Cognito sends its users' mail, not Auth Return")?;
        let limit = match limit {
            0 => DEFAULT_INBOX_SIZE,
            n => n.min(MAX_INBOX_SIZE),
        };
        match self.mailer.kept(app.id.as_str(), limit as usize).await {
            None => Err(Error::InboxUnavailable),
            Some(kept) => kept.map_err(|e| Error::Internal(e.to_string())),
        }
    }
}
