//! The development transport: each message becomes one JSON line in `<data-dir>/outbox.jsonl`.

use async_trait::async_trait;
use auth_return_core::mail::{MailError, MailMessage, Mailer, mask_email};
use serde_json::json;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// Appends messages to a JSON-lines file instead of sending them.
pub struct OutboxMailer {
    path: PathBuf,
    // One writer at a time, so lines never interleave.
    lock: Mutex<()>,
}

impl OutboxMailer {
    /// An outbox writing to `path` (created on first message).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        let sent_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut line = json!({
            "to": message.to,
            "subject": message.subject,
            "text": message.text,
            "app_id": message.app_id,
            "app_name": message.app_name,
            "from_name": message.from_name,
            "sent_at": sent_at,
        })
        .to_string();
        line.push('\n');
        let _guard = self.lock.lock().await;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(|e| MailError(format!("outbox {}: {e}", self.path.display())))?;
        // tokio's File completes writes in the background: flush before saying it was sent.
        let written = async {
            file.write_all(line.as_bytes()).await?;
            file.flush().await
        };
        written
            .await
            .map_err(|e| MailError(format!("outbox {}: {e}", self.path.display())))?;
        tracing::info!(to = %mask_email(&message.to), outbox = %self.path.display(), "mail written to outbox");
        Ok(())
    }
}
