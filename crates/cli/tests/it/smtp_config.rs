//! The SMTP settings of the real binary: a malformed `--smtp-url` stops the start with a clear
//! message, and the SMTP password never reaches the output or the logs.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{BIN, free_port};

fn command(dir: &std::path::Path, port: u16) -> Command {
    let mut command = Command::new(BIN);
    command
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("AUTH_RETURN_MASTER_KEY")
        .env_remove("AUTH_RETURN_SMTP_URL")
        .env_remove("AUTH_RETURN_MAIL_FROM")
        .env_remove("AUTH_RETURN_SMTP_CA_FILE")
        .env_remove("AUTH_RETURN_CONFIG");
    command
}

#[test]
fn a_malformed_smtp_url_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    for (url, why) in [
        (
            "smtp://mailer:hunter2@mail.example.com?tls=none",
            "loopback",
        ),
        ("ftp://mail.example.com", "unsupported scheme"),
        ("smtp://mailer@mail.example.com", "without a password"),
    ] {
        let out = command(dir.path(), free_port())
            .args(["serve", "--smtp-url", url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(stderr.contains("error: --smtp-url: "), "{url}: {stderr}");
        assert!(stderr.contains(why), "{url}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{url}: {stderr}");
    }
    // The environment variable is read too.
    let out = command(dir.path(), free_port())
        .args(["serve"])
        .env("AUTH_RETURN_SMTP_URL", "smtp://h?tls=bogus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tls="));
    // An unreadable CA file is a start-up error as well.
    let out = command(dir.path(), free_port())
        .args(["serve", "--smtp-url", "smtps://mail.example.com"])
        .args([
            "--smtp-ca-file",
            dir.path().join("missing.pem").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("CA file"), "{stderr}");
}

#[test]
fn help_and_logs_never_show_the_smtp_password() {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .env("AUTH_RETURN_SMTP_URL", "smtp://mailer:hunter2@127.0.0.1:1")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--smtp-url") && help.contains("--mail-from"),
        "{help}"
    );
    assert!(help.contains("--smtp-ca-file"), "{help}");
    assert!(!help.contains("hunter2"), "{help}");

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = command(dir.path(), port)
        .args(["serve", "--log-format", "json"])
        .args(["--smtp-url", "smtp://mailer:hunter2@127.0.0.1:1?tls=none"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    let listening = loop {
        assert!(Instant::now() < deadline, "no start-up line: {seen:?}");
        let Some(Ok(line)) = lines.next() else {
            panic!("the server stopped: {seen:?}");
        };
        if line.contains("auth-return listening") {
            break line;
        }
        seen.push(line);
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        listening.contains("smtp://***@127.0.0.1:1?tls=none"),
        "{listening}"
    );
    assert!(!listening.contains("hunter2"), "{listening}");
    assert!(seen.iter().all(|l| !l.contains("hunter2")), "{seen:?}");
}
