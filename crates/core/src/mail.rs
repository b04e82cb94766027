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
    fn masks_like_cognito() {
        assert_eq!(mask_email("alice@example.com"), "a***@e***");
        assert_eq!(mask_email("t@t.co"), "t***@t***");
    }
}
