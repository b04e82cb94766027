//! Outgoing mail as a dependency: the domain composes messages, a transport delivers them.

use async_trait::async_trait;

/// One message to one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailMessage {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body (the same content).
    pub html: String,
    /// The app on whose behalf it is sent.
    pub app_id: String,
    /// The app's display name (for the sender name).
    pub app_name: String,
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
#[error("mail delivery failed: {0}")]
pub struct MailError(pub String);

/// A mail transport (the development outbox file, SMTP, …).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Delivers `message` or says why not.
    async fn send(&self, message: &MailMessage) -> Result<(), MailError>;
}

/// The HTML form of a plain-text message: escaped, paragraphs and line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let paragraphs: Vec<String> = escaped
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.trim().replace('\n', "<br>")))
        .collect();
    format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5\">{}</body></html>",
        paragraphs.concat()
    )
}

/// Masks an address as Cognito does in `CodeDeliveryDetails.Destination`: `a***@e***`.
pub fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}

#[cfg(test)]
mod tests {
    use super::mask_email;

    #[test]
    fn html_is_escaped_text() {
        let html = super::text_to_html("Code <b>1</b> & more\nline two\n\nsecond");
        assert!(
            html.contains("<p>Code &lt;b&gt;1&lt;/b&gt; &amp; more<br>line two</p><p>second</p>"),
            "{html}"
        );
    }

    #[test]
    fn masks_like_cognito() {
        assert_eq!(mask_email("alice@example.com"), "a***@e***");
        assert_eq!(mask_email("t@t.co"), "t***@t***");
    }
}
