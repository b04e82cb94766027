//! The data directory and the secrets in it, for real: what `serve` creates is its owner's only
//! (0700 for the directory, 0600 for the database, its `-wal`/`-shm` files, the mail outbox and
//! the master key); an existing directory open to others is left alone, with a warning; and a
//! server reachable beyond this machine does not silently write mail to the outbox.

use crate::support::{BIN, Server, free_port};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Signs a developer up on the console app: the confirmation code goes to the outbox.
async fn sign_up(base: &str) {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let config: Value = http
        .get(format!("{base}/api/apps/console/config"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = http
        .post(format!("{base}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
        .body(
            json!({
                "ClientId": config["clientId"],
                "Username": "dev@example.com",
                "Password": "Correct-Horse-9!",
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_serve_creates_only_its_owner_can_open() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let port = free_port();
    let server = Server::start(&dir, &format!("127.0.0.1:{port}"), &[]);
    sign_up(&format!("http://127.0.0.1:{port}")).await;

    assert_eq!(mode(&dir), 0o700, "the data directory");
    assert_eq!(mode(&dir.join("master.key")), 0o600);
    assert_eq!(mode(&dir.join("auth-return.db")), 0o600);
    // SQLite creates these with the database file's mode; they exist while it runs in WAL mode.
    for name in ["auth-return.db-wal", "auth-return.db-shm"] {
        assert!(dir.join(name).exists(), "{name}");
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    let outbox = dir.join("outbox.jsonl");
    assert!(
        std::fs::read_to_string(&outbox)
            .unwrap()
            .contains("dev@example.com")
    );
    assert_eq!(mode(&outbox), 0o600);
    assert!(
        !server.log().contains("open to other users"),
        "{}",
        server.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_directory_open_to_others_is_left_alone_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = Server::start(dir.path(), &format!("127.0.0.1:{}", free_port()), &[]);
    let log = server.log();
    assert!(
        log.contains("is open to other users (mode 0755)") && log.contains("chmod 700"),
        "{log}"
    );
    assert_eq!(mode(dir.path()), 0o755, "the operator's choice stands");
    // What the server created inside is still private.
    assert_eq!(mode(&dir.path().join("auth-return.db")), 0o600);
    assert_eq!(mode(&dir.path().join("master.key")), 0o600);
}

/// Runs `serve` with `args` on `dir` and waits (at most 60 s) for it to exit: (code, stderr).
fn serve_until_exit(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(["--data-dir", dir.to_str().unwrap()])
        .args(args)
        .env_remove("AUTH_RETURN_MASTER_KEY")
        .env_remove("AUTH_RETURN_SMTP_URL")
        .env_remove("AUTH_RETURN_MAIL_OUTBOX")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "serve {args:?} did not stop: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_reachable_from_elsewhere_needs_smtp_or_an_explicit_outbox() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let everywhere = format!("0.0.0.0:{}", free_port());
    let loopback = format!("127.0.0.1:{}", free_port());
    for (args, why) in [
        (
            vec!["--listen", everywhere.as_str()],
            format!("it listens on {everywhere}"),
        ),
        (
            vec![
                "--listen",
                loopback.as_str(),
                "--public-url",
                "https://auth.example.com",
            ],
            "its public URL is on auth.example.com".to_owned(),
        ),
    ] {
        let (code, stderr) = serve_until_exit(&dir, &args);
        assert!(code.is_some_and(|c| c != 0), "{args:?}: {code:?} {stderr}");
        assert!(
            stderr.contains("error: no --smtp-url: mail would be written to "),
            "{stderr}"
        );
        assert!(stderr.contains(&why), "{stderr}");
        assert!(stderr.contains("Give --smtp-url"), "{stderr}");
        assert!(stderr.contains("--mail-outbox"), "{stderr}");
        assert!(!dir.exists(), "nothing was created before the refusal");
    }

    // Asked for explicitly, by flag or environment, the outbox is fine.
    let server = Server::start(&dir, &everywhere, &["--mail-outbox"]);
    drop(server);
    let other = root.path().join("other");
    let server = Server::start_with_env(
        &other,
        &loopback,
        &["--public-url", "https://auth.example.com"],
        &[("AUTH_RETURN_MAIL_OUTBOX", "true")],
    );
    drop(server);
}
