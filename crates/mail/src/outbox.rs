//! The development transport: each message becomes one JSON line in `<data-dir>/outbox.jsonl`.
//! The lines hold live codes and temporary passwords: the file is created readable by its
//! owner only (0600 on Unix).

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
    /// An outbox writing to `path` (created on first message, mode 0600; an existing file keeps
    /// its mode).
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
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn messages_are_appended_to_a_file_only_its_owner_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let outbox = OutboxMailer::new(&path);
        let message = MailMessage {
            to: "a@example.com".into(),
            subject: "Your code".into(),
            text: "Your code is 123456".into(),
            html: "<p>Your code is 123456</p>".into(),
            app_id: "app_x".into(),
            app_name: "X".into(),
            from_name: "X via auth.example.com".into(),
        };
        outbox.send(&message).await.unwrap();
        outbox.send(&message).await.unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(line["text"], "Your code is 123456");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
