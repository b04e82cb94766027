//! URL parsing, message composition, retries and timeouts against a scripted SMTP server.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

fn parse(url: &str) -> Result<SmtpConfig, SmtpConfigError> {
    SmtpConfig::from_url(url, "no-reply@example.com")
}

fn err(url: &str) -> String {
    parse(url).expect_err(url).to_string()
}

#[test]
fn schemes_and_default_ports() {
    let c = parse("smtp://mail.example.com").unwrap();
    assert_eq!(
        (c.host(), c.port(), c.tls()),
        ("mail.example.com", 587, TlsMode::Required)
    );
    let c = parse("smtps://mail.example.com").unwrap();
    assert_eq!((c.port(), c.tls()), (465, TlsMode::Implicit));
    let c = parse("smtp://mail.example.com:2525/").unwrap();
    assert_eq!(c.port(), 2525);
    let c = parse("smtps://mail.example.com:1465").unwrap();
    assert_eq!(c.port(), 1465);
    let c = parse("smtp://localhost?tls=none").unwrap();
    assert_eq!((c.port(), c.tls()), (25, TlsMode::None));
    let c = parse("smtp://[::1]:2525?tls=none").unwrap();
    assert_eq!((c.host(), c.port()), ("::1", 2525));
    assert_eq!(c.to_string(), "smtp://[::1]:2525?tls=none");
}

#[test]
fn tls_modes() {
    assert_eq!(
        parse("smtp://h?tls=required").unwrap().tls(),
        TlsMode::Required
    );
    let c = parse("smtp://h?tls=opportunistic").unwrap();
    assert_eq!((c.tls(), c.port()), (TlsMode::Opportunistic, 587));
    assert_eq!(
        parse("smtp://127.0.0.1:1025?tls=none").unwrap().tls(),
        TlsMode::None
    );
    assert_eq!(
        parse("smtp://127.1.2.3?tls=none").unwrap().tls(),
        TlsMode::None
    );
    assert_eq!(
        parse("smtp://LOCALHOST?tls=none").unwrap().tls(),
        TlsMode::None
    );
    assert!(err("smtp://h?tls=maybe").contains("not one of required"));
    assert!(err("smtp://h?tls=none&tls=required").contains("twice"));
    assert!(err("smtps://h?tls=none").contains("implicit TLS"));
}

#[test]
fn clear_text_only_on_loopback() {
    for url in [
        "smtp://mail.example.com?tls=none",
        "smtp://10.0.0.5:25?tls=none",
        "smtp://[2001:db8::1]?tls=none",
        "smtp://localhost.example.com?tls=none",
    ] {
        let e = err(url);
        assert!(e.contains("only allowed for a loopback host"), "{url}: {e}");
    }
}

#[test]
fn credentials_are_percent_decoded_and_never_shown() {
    let c = parse("smtp://me%40example.com:p%40ss%3Aw%2Fo%25rd@mail.example.com").unwrap();
    assert_eq!(c.user(), Some("me@example.com"));
    assert_eq!(c.password(), Some("p@ss:w/o%rd"));
    assert_eq!(
        c.to_string(),
        "smtp://***@mail.example.com:587?tls=required"
    );
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("p@ss") && !debug.contains("p%40ss"),
        "{debug}"
    );
    // A raw '@' in the password: the last one ends the user info.
    let c = parse("smtps://user:se@cret@mail.example.com").unwrap();
    assert_eq!((c.user(), c.password()), (Some("user"), Some("se@cret")));
    assert_eq!(c.to_string(), "smtps://***@mail.example.com:465");
    let c = parse("smtp://user:unicod%C3%A9@h").unwrap();
    assert_eq!(c.password(), Some("unicodé"));
}

#[test]
fn bad_urls_are_refused_without_echoing_secrets() {
    assert!(err("mail.example.com").contains("not a valid URL"));
    assert!(err("http://mail.example.com").contains("unsupported scheme"));
    assert!(err("smtp://").contains("no host"));
    assert!(err("smtp:mail.example.com").contains("no host"));
    assert!(err("smtp://h:0").contains("port 0"));
    assert!(err("smtp://h:70000").contains("not a valid URL"));
    assert!(err("smtp://h/relay").contains("unexpected path"));
    assert!(err("smtp://h#x").contains("fragment"));
    assert!(err("smtp://h?timeout=5").contains("unknown parameter"));
    assert!(err("smtp://user@h").contains("without a password"));
    assert!(err("smtp://:pw@h").contains("without a user name"));
    assert!(err("smtp://u:%FF%FE@h").contains("password is not valid UTF-8"));
    let e = err("smtp://user:hunter2@mail.example.com?tls=none");
    assert!(!e.contains("hunter2"), "{e}");
    let e = SmtpConfig::from_url("smtp://h", "not an address").unwrap_err();
    assert!(e.to_string().contains("from-address"), "{e}");
}

#[test]
fn default_from_is_the_public_host() {
    assert_eq!(
        default_from_address("https://auth.example.com/base"),
        "no-reply@auth.example.com"
    );
    assert_eq!(
        default_from_address("http://127.0.0.1:8080"),
        "no-reply@127.0.0.1"
    );
    let from = default_from_address("http://[::1]:8080");
    assert!(from.parse::<Address>().is_ok(), "{from}");
}

#[tokio::test]
async fn ca_file_must_hold_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let missing = parse("smtps://h")
        .unwrap()
        .with_ca_file(dir.path().join("nope.pem"));
    let e = SmtpMailer::new(&missing).err().unwrap().to_string();
    assert!(e.contains("reading the CA file"), "{e}");
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let e = SmtpMailer::new(&parse("smtp://h").unwrap().with_ca_file(&junk))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("no PEM certificate"), "{e}");
    // Without TLS the file is not needed at all.
    assert!(SmtpMailer::new(&parse("smtp://localhost?tls=none").unwrap()).is_ok());
}

// --- a scripted SMTP server ---------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Accepts everything.
    Accept,
    /// The first MAIL FROM ever gets 451, later ones 250.
    FirstMailTransient,
    /// RCPT TO gets 550.
    RejectRecipient,
    /// Answers DATA only after 300 ms.
    SlowData,
    /// Accepts the connection and never says a word.
    Silent,
}

#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    mail_from: AtomicUsize,
    messages: Mutex<Vec<String>>,
}

async fn fake_server(script: Script) -> (u16, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Seen::default());
    let shared = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            shared.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(session(stream, script, Arc::clone(&shared)));
        }
    });
    (port, seen)
}

async fn session(stream: tokio::net::TcpStream, script: Script, seen: Arc<Seen>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if script == Script::Silent {
        tokio::time::sleep(Duration::from_secs(30)).await;
        return;
    }
    let _ = write.write_all(b"220 fake.test ESMTP\r\n").await;
    while let Ok(Some(line)) = lines.next_line().await {
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-fake.test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("MAIL FROM") {
            let n = seen.mail_from.fetch_add(1, Ordering::SeqCst);
            if script == Script::FirstMailTransient && n == 0 {
                b"451 4.3.0 try again later\r\n"
            } else {
                b"250 2.1.0 ok\r\n"
            }
        } else if command.starts_with("RCPT TO") {
            if script == Script::RejectRecipient {
                b"550 5.1.1 no such mailbox\r\n"
            } else {
                b"250 2.1.5 ok\r\n"
            }
        } else if command == "DATA" {
            let _ = write.write_all(b"354 go ahead\r\n").await;
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push_str(&line);
                data.push('\n');
            }
            seen.messages.lock().unwrap().push(data);
            if script == Script::SlowData {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            b"250 2.0.0 queued\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"250 ok\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

const FAST: Timing = Timing {
    attempt: Duration::from_millis(500),
    total: Duration::from_secs(3),
    backoff: [Duration::from_millis(20), Duration::from_millis(40)],
};

fn mailer(url: &str) -> SmtpMailer {
    SmtpMailer::new(&parse(url).unwrap())
        .unwrap()
        .with_timing(FAST)
}

fn message(app_name: &str) -> MailMessage {
    MailMessage {
        to: "alice@example.org".into(),
        subject: format!("Your {app_name} verification code"),
        text: "Your code is 123456.".into(),
        html: "<p>Your code is <b>123456</b>.</p>".into(),
        app_id: "app_test".into(),
        app_name: app_name.into(),
        from_name: format!("{app_name} via auth.example.com"),
    }
}

#[tokio::test]
async fn delivers_a_multipart_message_from_the_app() {
    let (port, seen) = fake_server(Script::Accept).await;
    let smtp = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"));
    smtp.send(&message("Acme \"Dev\" Portal")).await.unwrap();
    // The pool takes the connection back in a task of its own.
    tokio::time::sleep(Duration::from_millis(100)).await;
    smtp.send(&message("Café Ünïcode")).await.unwrap();
    let messages = seen.messages.lock().unwrap().clone();
    assert_eq!(messages.len(), 2);
    let first = &messages[0];
    assert!(
        first.contains(
            "From: \"Acme \\\"Dev\\\" Portal via auth.example.com\" <no-reply@example.com>"
        ),
        "{first}"
    );
    assert!(first.contains("To: alice@example.org"), "{first}");
    assert!(
        first.contains("Subject: Your Acme \"Dev\" Portal verification code"),
        "{first}"
    );
    assert!(first.contains("Date: "), "{first}");
    assert!(
        first.contains("Message-ID: <") && first.contains("@example.com>"),
        "{first}"
    );
    assert!(
        first.contains("Content-Type: multipart/alternative"),
        "{first}"
    );
    assert!(
        first.contains("Content-Type: text/plain; charset=utf-8"),
        "{first}"
    );
    assert!(
        first.contains("Content-Type: text/html; charset=utf-8"),
        "{first}"
    );
    assert!(first.contains("Your code is 123456."), "{first}");
    assert!(first.contains("<b>123456</b>"), "{first}");
    // A non-ASCII name is RFC 2047-encoded, never raw 8-bit in a header.
    let second = &messages[1];
    let from = second.lines().find(|l| l.starts_with("From: ")).unwrap();
    assert!(from.is_ascii() && from.contains("=?utf-8?"), "{from}");
    // One pooled connection served both messages.
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_transient_4xx_is_retried() {
    let (port, seen) = fake_server(Script::FirstMailTransient).await;
    let smtp = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"));
    smtp.send(&message("App")).await.unwrap();
    assert_eq!(seen.mail_from.load(Ordering::SeqCst), 2);
    assert_eq!(seen.messages.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_permanent_5xx_is_not_retried() {
    let (port, seen) = fake_server(Script::RejectRecipient).await;
    let smtp = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"));
    let e = smtp.send(&message("App")).await.unwrap_err().to_string();
    assert!(
        e.contains(&format!("127.0.0.1:{port}")) && e.contains("550"),
        "{e}"
    );
    assert!(e.contains("after 1 attempt"), "{e}");
    assert_eq!(seen.mail_from.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_dead_server_fails_after_three_quick_attempts() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let smtp = mailer(&format!("smtp://user:hunter2@127.0.0.1:{port}?tls=none"));
    let started = Instant::now();
    let e = smtp.send(&message("App")).await.unwrap_err().to_string();
    assert!(e.contains("after 3 attempt(s)"), "{e}");
    assert!(e.contains(&format!("127.0.0.1:{port}")), "{e}");
    assert!(!e.contains("hunter2") && !e.contains("user:"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_silent_server_times_out_without_retrying() {
    let (port, seen) = fake_server(Script::Silent).await;
    let smtp = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"));
    let started = Instant::now();
    let e = smtp.send(&message("App")).await.unwrap_err().to_string();
    assert!(e.contains("no answer within"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn starttls_required_refuses_a_server_without_it() {
    let (port, seen) = fake_server(Script::Accept).await;
    let smtp = mailer(&format!("smtp://127.0.0.1:{port}"));
    let e = smtp.send(&message("App")).await.unwrap_err().to_string();
    assert!(e.contains("after 1 attempt"), "{e}");
    assert_eq!(seen.mail_from.load(Ordering::SeqCst), 0);
    assert!(seen.messages.lock().unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_sends_do_not_wait_for_each_other() {
    let (port, seen) = fake_server(Script::SlowData).await;
    let smtp = Arc::new(mailer(&format!("smtp://127.0.0.1:{port}?tls=none")));
    let started = Instant::now();
    let sends: Vec<_> = (0..5)
        .map(|_| {
            let smtp = Arc::clone(&smtp);
            tokio::spawn(async move { smtp.send(&message("App")).await })
        })
        .collect();
    for send in sends {
        send.await.unwrap().unwrap();
    }
    // Five 300 ms transactions one after another would take 1.5 s.
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen.messages.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn an_invalid_recipient_is_refused_before_connecting() {
    let (port, seen) = fake_server(Script::Accept).await;
    let smtp = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"));
    let mut bad = message("App");
    bad.to = "not an address".into();
    assert!(smtp.send(&bad).await.is_err());
    assert_eq!(seen.connections.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn line_breaks_in_names_and_subjects_never_make_headers() {
    let smtp = mailer("smtp://127.0.0.1:2525?tls=none");
    let mut evil = message("Shop");
    evil.from_name = "Shop\r\nBcc: victim@example.net\r\n via auth.example.com".into();
    evil.subject = "Your code\r\nBcc: victim@example.net\nX-Evil: 1".into();
    let raw = String::from_utf8(smtp.compose(&evil).unwrap().formatted()).unwrap();
    let headers = raw.split("\r\n\r\n").next().unwrap();
    for line in headers.lines() {
        assert!(
            !line.starts_with("Bcc:") && !line.starts_with("X-Evil:"),
            "{headers}"
        );
    }
    // One From and one Subject, the text kept inside them (encoded, as lettre chooses).
    let count = |name: &str| headers.lines().filter(|l| l.starts_with(name)).count();
    assert_eq!((count("From: "), count("Subject: ")), (1, 1), "{headers}");
    assert_eq!(smtp.compose(&evil).unwrap().envelope().to().len(), 1);
}

#[tokio::test]
async fn smtp_keeps_no_mail_so_there_is_no_inbox() {
    let smtp = mailer("smtp://127.0.0.1:2525?tls=none");
    assert!(smtp.kept("app_x", 10).await.is_none());
}
