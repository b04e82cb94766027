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
    /// The app's display name.
    pub app_name: String,
    /// The sender's display name, `<app name> via <operator name>` (see [`sender_name`]):
    /// the app's name never stands alone beside the operator's address.
    pub from_name: String,
}

/// Longest app name shown in a sender name, in characters; longer ones are cut with "…".
pub const SENDER_APP_NAME_MAX: usize = 40;

/// A name made fit for a `From` display name: no control or invisible formatting characters
/// (line breaks, bidirectional overrides, zero-width characters), none of `"` `\` `<` `>`
/// (which would make it look like, or break out of, an address), whitespace collapsed.
pub fn display_name_part(name: &str) -> String {
    let invisible = |c: char| {
        c.is_control()
            || matches!(c,
                '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}')
    };
    let kept: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|&c| !invisible(c) && !matches!(c, '"' | '\\' | '<' | '>'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sender's display name of an app's mail: `<app name> via <operator>`, the app's name
/// cleaned by [`display_name_part`] and cut at [`SENDER_APP_NAME_MAX`] characters, so that
/// whatever a developer names their app, the operator's name ends the sender's name.
pub fn sender_name(app_name: &str, operator: &str) -> String {
    let operator = display_name_part(operator);
    let app = display_name_part(app_name);
    let app = if app.chars().count() > SENDER_APP_NAME_MAX {
        let cut: String = app.chars().take(SENDER_APP_NAME_MAX - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        app
    };
    match (app.is_empty(), operator.is_empty()) {
        (true, _) => operator,
        (false, true) => app,
        (false, false) => format!("{app} via {operator}"),
    }
}

/// The host of a URL (`https://auth.example.com:8443/x` → `auth.example.com`), or the whole
/// text when it has no recognisable host: the default operator name of mail.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    if host.is_empty() {
        url.to_owned()
    } else {
        host.to_ascii_lowercase()
    }
}

/// Why a message was not delivered.
#[derive(Debug, thiserror::Error)]
#[error("mail delivery failed: {0}")]
pub struct MailError(pub String);

/// A message the development outbox kept, as the console's inbox shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeptMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body: codes and temporary passwords in clear.
    pub text: String,
    /// When it was written, epoch seconds.
    pub sent_at: i64,
}

/// A mail transport (the development outbox file, SMTP, …).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Delivers `message` or says why not.
    async fn send(&self, message: &MailMessage) -> Result<(), MailError>;

    /// The newest `limit` messages this transport kept for app `app_id`, newest first; `None`
    /// when it delivers mail instead of keeping it (SMTP), so there is nothing to show.
    async fn kept(&self, _app_id: &str, _limit: usize) -> Option<Result<Vec<KeptMail>, MailError>> {
        None
    }
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
    use super::*;

    #[test]
    fn the_sender_name_ends_with_the_operator() {
        assert_eq!(
            sender_name("Shop", "auth.example.com"),
            "Shop via auth.example.com"
        );
        // Nothing in an app's name can pose as an address, break the header or hide the rest.
        assert_eq!(
            sender_name("PayPal <sec@pp.com>\r\nBcc: \"T\" \\", "Example\nAuth"),
            "PayPal sec@pp.com Bcc: T via Example Auth"
        );
        assert_eq!(
            sender_name("Bank\u{202E}moc.evil\u{200B}", "ops"),
            "Bankmoc.evil via ops"
        );
        // Long names are cut; the operator always shows.
        let long = "A".repeat(100);
        let name = sender_name(&long, "auth.example.com");
        assert_eq!(
            name,
            format!(
                "{}… via auth.example.com",
                "A".repeat(SENDER_APP_NAME_MAX - 1)
            )
        );
        assert_eq!(sender_name(" \u{200B} ", "ops"), "ops");
    }

    #[test]
    fn the_host_of_a_url() {
        for (url, host) in [
            ("https://Auth.Example.com", "auth.example.com"),
            ("http://127.0.0.1:8080", "127.0.0.1"),
            (
                "https://u:p@auth.example.com:8443/base?x#y",
                "auth.example.com",
            ),
            ("http://[::1]:8080", "::1"),
            ("weird", "weird"),
        ] {
            assert_eq!(host_of(url), host, "{url}");
        }
    }

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
