//! The real binary: zero-configuration start, graceful stop, and the `apps` and `keys` commands
//! working on the same data directory while the server runs.

use crate::support::{BIN, free_port};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn cli(dir: &std::path::Path, port: u16, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .args([
            "--data-dir",
            dir.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("AUTH_RETURN_MASTER_KEY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

/// `POST /api/keys/verify` with the key in `X-API-Key`.
fn http_verify(port: u16, key: &str) -> Option<(u16, Value)> {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "POST /api/keys/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {key}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = serde_json::from_str(response.split_once("\r\n\r\n")?.1).ok()?;
    Some((status, body))
}

/// Whether `done` holds within 5 s: how long the README says a change made by the CLI may
/// take to reach a running server.
fn within_bound(done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &std::path::Path, port: u16) -> Server {
    let child = Command::new(BIN)
        .args([
            "serve",
            "--data-dir",
            dir.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--log-format",
            "json",
        ])
        .env_remove("AUTH_RETURN_MASTER_KEY")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http_get(port, "/healthz").is_some_and(|(s, _)| s == 200) {
            return Server(child);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(Server(child));
    panic!("server did not become healthy");
}

#[test]
fn serve_and_manage_apps_on_one_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = serve(dir.path(), port);

    // First start made the database (WAL) and a private master key.
    assert!(dir.path().join("auth-return.db").exists());
    let key = dir.path().join("master.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);

    let (code, out, err) = cli(
        dir.path(),
        port,
        &[
            "apps",
            "create",
            "--name",
            "Shop",
            "--origin",
            "https://shop.example.com",
            "--client-secret",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    let pool = app["user_pool_id"].as_str().unwrap();
    assert!(pool.starts_with("local_") && pool.len() == 15, "{pool}");
    assert_eq!(app["client_id"].as_str().unwrap().len(), 26);
    assert!(app["client_secret"].as_str().is_some());
    assert_eq!(app["endpoint"], format!("http://127.0.0.1:{port}"));
    assert_eq!(app["issuer"], format!("http://127.0.0.1:{port}/{pool}"));
    let app_id = app["app_id"].as_str().unwrap();

    // The running server sees the app the CLI just made.
    let (status, body) = http_get(port, &format!("/api/apps/{app_id}/config")).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(pool));
    assert_eq!(
        http_get(port, &format!("/{pool}/.well-known/jwks.json"))
            .unwrap()
            .0,
        200
    );

    let (code, out, _) = cli(dir.path(), port, &["apps", "list", "--json"]);
    assert_eq!(code, 0);
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<&str> = list.iter().map(|a| a["app_id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, [app_id, "console"]);
    assert!(
        list.iter().all(|a| a.get("client_secret").is_none()),
        "secrets are shown once"
    );

    let (code, out, _) = cli(dir.path(), port, &["apps", "show", app_id]);
    assert_eq!(code, 0);
    assert!(out.contains(pool) && !out.contains("client_secret:"));

    // Signing keys: listed, rotated (the new key is published first), emergency-rotated.
    let keys = |args: &[&str]| {
        let mut full = vec!["keys"];
        full.extend_from_slice(args);
        let (code, out, err) = cli(dir.path(), port, &full);
        assert_eq!(code, 0, "{err}");
        let list: Vec<Value> = serde_json::from_str(&out).unwrap();
        list.iter()
            .map(|k| k["state"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&["signing", "--app", app_id, "--json"]), ["active"]);
    assert_eq!(
        keys(&["rotate", "--app", app_id, "--json"]),
        ["next", "active"]
    );
    // The running server reads the change within a second or so (the README says 5 s at most).
    let published = || {
        http_get(port, &format!("/{pool}/.well-known/jwks.json"))
            .unwrap()
            .1
            .matches("\"kid\"")
            .count()
    };
    assert!(
        within_bound(|| published() == 2),
        "{} keys published",
        published()
    );
    assert_eq!(
        keys(&["rotate", "--app", app_id, "--emergency", "--json"]),
        ["active"]
    );
    let (code, _, err) = cli(
        dir.path(),
        port,
        &["keys", "rotate", "--app", "app_nosuchapp"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("not found"), "{err}");

    // API keys: created by the operator (shown once), verified by the running server, listed
    // without the secret, revoked (twice is fine).
    let (code, out, err) = cli(
        dir.path(),
        port,
        &[
            "keys",
            "create",
            "--app",
            app_id,
            "--name",
            "deploy",
            "--expires-in-days",
            "7",
            "--scope",
            "read",
            "--scope",
            "orders:write",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let created: Value = serde_json::from_str(&out).unwrap();
    let api_key = created["key"].as_str().unwrap().to_owned();
    let key_id = created["key_id"].as_str().unwrap().to_owned();
    assert!(
        api_key.starts_with("ar_") && api_key.len() == 46,
        "{api_key}"
    );
    assert_eq!(created["app_id"], app_id);
    assert_eq!(created["user_id"], Value::Null);
    assert_eq!(
        created["scopes"],
        serde_json::json!(["read", "orders:write"])
    );
    assert_eq!(
        created["expires_at"].as_i64().unwrap() - created["created_at"].as_i64().unwrap(),
        7 * 86_400
    );
    let (status, verdict) = http_verify(port, &api_key).unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        (&verdict["valid"], &verdict["app_id"], &verdict["key_id"]),
        (&Value::Bool(true), &created["app_id"], &created["key_id"])
    );
    let (code, out, _) = cli(
        dir.path(),
        port,
        &["keys", "list", "--app", app_id, "--json"],
    );
    assert_eq!(code, 0);
    assert!(!out.contains(&api_key[10..]), "the secret is shown once");
    let listed: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["key_id"], key_id.as_str());
    assert!(listed[0]["last_used_at"].is_i64(), "{out}");
    let (code, out, err) = cli(
        dir.path(),
        port,
        &["keys", "create", "--app", app_id, "--name", "by hand"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ar_") && out.contains("shown once"), "{out}");
    let (code, out, _) = cli(dir.path(), port, &["keys", "list", "--app", app_id]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&key_id) && out.contains("by hand") && out.contains("active"),
        "{out}"
    );
    for _ in 0..2 {
        let (code, out, err) = cli(dir.path(), port, &["keys", "revoke", &key_id]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("revoked"), "{out}");
    }
    let (_, verdict) = http_verify(port, &api_key).unwrap();
    assert_eq!(verdict, serde_json::json!({"valid": false}));
    let (_, out, _) = cli(dir.path(), port, &["keys", "list", "--app", app_id]);
    assert!(out.contains("revoked"), "{out}");
    for (args, needle) in [
        (
            vec!["create", "--app", "app_nosuchapp", "--name", "x"],
            "not found",
        ),
        (vec!["create", "--app", app_id, "--name", " "], "name"),
        (
            vec![
                "create",
                "--app",
                app_id,
                "--name",
                "x",
                "--expires-in-days",
                "0",
            ],
            "expires_in_days",
        ),
        (
            vec!["create", "--app", app_id, "--name", "x", "--scope", "a b"],
            "scopes",
        ),
        (vec!["list", "--app", "app_nosuchapp"], "not found"),
        (vec!["revoke", "key_nosuchkey"], "not found"),
    ] {
        let mut full = vec!["keys"];
        full.extend(args);
        let (code, _, err) = cli(dir.path(), port, &full);
        assert_eq!(code, 1, "{full:?}");
        assert!(err.contains(needle), "{full:?}: {err}");
    }

    // Settings change from the command line; the running server applies them at once.
    let (code, out, err) = cli(
        dir.path(),
        port,
        &[
            "apps",
            "update",
            app_id,
            "--token-validity",
            "900",
            "--rotation",
            "false",
            "--origin",
            "https://a.example",
            "--origin",
            "https://b.example",
            "--patch",
            r#"{"password_policy": {"min_length": 12}}"#,
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let updated: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(updated["token_validity_secs"], 900);
    assert_eq!(updated["refresh_rotation"]["enabled"], false);
    assert_eq!(updated["refresh_rotation"]["grace_secs"], 10);
    assert_eq!(updated["password_policy"]["min_length"], 12);
    assert_eq!(updated["password_policy"]["require_symbols"], true);
    assert_eq!(
        updated["origins"],
        serde_json::json!(["https://a.example", "https://b.example"])
    );
    let (_, config) = http_get(port, &format!("/api/apps/{app_id}/config")).unwrap();
    let config: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["passwordPolicy"]["minLength"], 12);
    for (args, needle) in [
        (vec!["--token-validity", "60"], "token_validity_secs"),
        (vec!["--rotation-grace", "61"], "grace_secs"),
        (vec!["--patch", "{not json"], "--patch"),
        (
            vec!["--patch", r#"{"password_policy": {"min_lenght": 12}}"#],
            "--patch",
        ),
    ] {
        let mut full = vec!["apps", "update", app_id];
        full.extend(args);
        let (code, _, err) = cli(dir.path(), port, &full);
        assert_eq!(code, 1, "{full:?}");
        assert!(err.contains(needle), "{full:?}: {err}");
    }
    let (_, out, _) = cli(dir.path(), port, &["apps", "show", app_id, "--json"]);
    let unchanged: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        unchanged["token_validity_secs"], 900,
        "refused updates change nothing"
    );
    let (code, _, _) = cli(dir.path(), port, &["apps", "delete", app_id]);
    assert_eq!(code, 0);
    let (code, _, err) = cli(dir.path(), port, &["apps", "show", app_id]);
    assert_eq!(code, 1);
    assert!(err.contains("not found"), "{err}");
    let jwks_status = || {
        http_get(port, &format!("/{pool}/.well-known/jwks.json"))
            .unwrap()
            .0
    };
    assert!(
        within_bound(|| jwks_status() == 404),
        "a deleted pool's JWKS is gone"
    );
    let (code, _, err) = cli(dir.path(), port, &["apps", "delete", "console"]);
    assert_eq!(code, 1, "{err}");

    // SIGTERM: a graceful stop with exit code 0, logged as JSON lines.
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut lines = Vec::new();
    for line in BufReader::new(server.0.stderr.take().unwrap()).lines() {
        lines.push(line.unwrap());
    }
    assert!(
        lines.iter().any(|l| l.contains("auth-return listening")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "{lines:?}"
    );
}

#[test]
fn bad_configuration_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = cli(dir.path(), 1, &["apps", "list", "--region", "bad_region"]);
    assert_eq!(code, 2);
    assert!(err.contains("--region"), "{err}");
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "listen = 5\n").unwrap();
    let (code, _, err) = cli(
        dir.path(),
        1,
        &["apps", "list", "--config", config.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml"), "{err}");
    let (code, _, err) = cli(
        dir.path(),
        1,
        &["apps", "list", "--key-propagation-secs", "60"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--key-propagation-secs"), "{err}");
    let (code, _, err) = cli(dir.path(), 1, &["apps", "create", "--name", ""]);
    assert_eq!(code, 1);
    assert!(err.contains("name"), "{err}");
}

#[test]
fn the_environment_sits_between_the_file_and_the_flags() {
    // An invalid region is refused with its value named: the message shows which layer won.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("auth-return.toml");
    std::fs::write(&config, "region = \"from_file\"\n").unwrap();
    let run = |env: Option<&str>, flag: Option<&str>| {
        let mut command = Command::new(BIN);
        command
            .args(["apps", "list", "--config", config.to_str().unwrap()])
            .args(["--data-dir", dir.path().to_str().unwrap()])
            .env_remove("AUTH_RETURN_REGION");
        if let Some(region) = env {
            command.env("AUTH_RETURN_REGION", region);
        }
        if let Some(region) = flag {
            command.args(["--region", region]);
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run(None, None).contains("\"from_file\""));
    assert!(run(Some("from_env"), None).contains("\"from_env\""));
    assert!(run(Some("from_env"), Some("from_flag")).contains("\"from_flag\""));
}
