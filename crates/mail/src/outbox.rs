//! The development transport: each message becomes one JSON line in `<data-dir>/outbox.jsonl`.
//! The lines hold live codes and temporary passwords: the file is created readable by its
//! owner only (0600 on Unix).

use async_trait::async_trait;
use auth_return_core::mail::{KeptMail, MailError, MailMessage, Mailer, mask_email};
use serde_json::json;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::Mutex;

/// How much of the file's end [`OutboxMailer::kept`] reads: the newest messages are there, and
/// an outbox that grew for months is not read whole for each look.
const KEPT_TAIL_BYTES: u64 = 4 << 20;

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

    /// Reads the file's last [`KEPT_TAIL_BYTES`] backwards: lines that are not whole messages
    /// (cut by the read's start, or being written) are skipped; no file yet is no messages.
    async fn kept(&self, app_id: &str, limit: usize) -> Option<Result<Vec<KeptMail>, MailError>> {
        let failed = |e: std::io::Error| MailError(format!("outbox {}: {e}", self.path.display()));
        let read = async {
            let mut file = match tokio::fs::File::open(&self.path).await {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(failed(e)),
            };
            let length = file.metadata().await.map_err(failed)?.len();
            let start = length.saturating_sub(KEPT_TAIL_BYTES);
            file.seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(failed)?;
            let mut tail = Vec::new();
            file.take(KEPT_TAIL_BYTES)
                .read_to_end(&mut tail)
                .await
                .map_err(failed)?;
            let text = String::from_utf8_lossy(&tail);
            Ok(text
                .lines()
                .rev()
                .filter_map(|line| serde_json::from_str::<KeptLine>(line).ok())
                .filter(|line| line.app_id == app_id)
                .take(limit)
                .map(|line| KeptMail {
                    to: line.to,
                    subject: line.subject,
                    text: line.text,
                    sent_at: line.sent_at,
                })
                .collect())
        };
        Some(read.await)
    }
}

/// The members of an outbox line the inbox shows.
#[derive(serde::Deserialize)]
struct KeptLine {
    to: String,
    subject: String,
    text: String,
    app_id: String,
    sent_at: i64,
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

    #[tokio::test]
    async fn kept_messages_are_an_apps_newest_first_and_skip_broken_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let outbox = OutboxMailer::new(&path);
        assert_eq!(outbox.kept("app_a", 10).await.unwrap().unwrap(), vec![]);
        for (app, n) in [("app_a", 1), ("app_b", 2), ("app_a", 3), ("app_a", 4)] {
            let message = MailMessage {
                to: format!("u{n}@example.com"),
                subject: format!("Code {n}"),
                text: format!("Your code is {n}"),
                html: String::new(),
                app_id: app.into(),
                app_name: "X".into(),
                from_name: "X via auth.example.com".into(),
            };
            outbox.send(&message).await.unwrap();
        }
        // A line being written (or cut) is skipped, not an error.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut file, b"{\"to\":\"half").unwrap();
        let kept = outbox.kept("app_a", 2).await.unwrap().unwrap();
        let subjects: Vec<&str> = kept.iter().map(|m| m.subject.as_str()).collect();
        assert_eq!(subjects, ["Code 4", "Code 3"]);
        assert_eq!(kept[0].to, "u4@example.com");
        assert_eq!(kept[0].text, "Your code is 4");
        assert!(kept[0].sent_at > 1_700_000_000);
        assert_eq!(outbox.kept("app_b", 10).await.unwrap().unwrap().len(), 1);
        assert_eq!(outbox.kept("app_c", 10).await.unwrap().unwrap(), vec![]);
    }
}
