//! Key changes reach every running server within the documented bound: the real binary, two
//! `serve` processes on one database (an SQLite file, and PostgreSQL when
//! `AUTH_RETURN_TEST_POSTGRES_URL` names a server), keys rotated by the CLI (planned and
//! emergency) and through one server's REST API while both run.

use crate::support::{Server, free_port};
use serde_json::{Value, json};
use sqlx::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

/// What the README promises: a key change is seen by every instance within this long.
const BOUND: Duration = Duration::from_secs(5);
const PASSWORD: &str = "Correct-Horse-9";

/// One `serve` process and where it listens.
struct Instance {
    url: String,
    _server: Server,
}

/// The shared deployment: two instances, the CLI's arguments, the first data directory.
struct Deployment {
    a: Instance,
    b: Instance,
    /// `--data-dir` (the master key) and `--database-url` for the CLI.
    cli_args: Vec<String>,
    outbox: std::path::PathBuf,
    http: reqwest::Client,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Deployment {
    /// Starts two servers on `database_url` (default: the first one's SQLite file) with one
    /// master key and one public URL.
    fn start(database_url: Option<String>) -> Self {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let database_url = database_url.unwrap_or_else(|| {
            format!("sqlite://{}", dir_a.path().join("auth-return.db").display())
        });
        let (port_a, port_b) = (free_port(), free_port());
        let public_url = format!("http://127.0.0.1:{port_a}");
        let shared = ["--database-url", &database_url, "--public-url", &public_url];
        let start = |dir: &Path, port: u16| Instance {
            url: format!("http://127.0.0.1:{port}"),
            _server: Server::start(dir, &format!("127.0.0.1:{port}"), &shared),
        };
        let a = start(dir_a.path(), port_a);
        std::fs::copy(
            dir_a.path().join("master.key"),
            dir_b.path().join("master.key"),
        )
        .unwrap();
        let b = start(dir_b.path(), port_b);
        Self {
            a,
            b,
            cli_args: [
                "--data-dir",
                dir_a.path().to_str().unwrap(),
                "--database-url",
                &database_url,
                "--public-url",
                &public_url,
            ]
            .map(str::to_owned)
            .to_vec(),
            outbox: dir_a.path().join("outbox.jsonl"),
            http: reqwest::Client::new(),
            _dirs: (dir_a, dir_b),
        }
    }

    /// Runs the CLI on the shared database; its JSON output.
    fn cli(&self, args: &[&str]) -> Value {
        let out = std::process::Command::new(crate::support::BIN)
            .args(args)
            .args(&self.cli_args)
            .env_remove("AUTH_RETURN_MASTER_KEY")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    async fn cognito(&self, base: &str, op: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(base)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    /// Signs a new user up through A (the code from A's outbox) and confirms them.
    async fn user(&self, client_id: &str, email: &str) {
        let body = json!({"ClientId": client_id, "Username": email, "Password": PASSWORD});
        assert_eq!(self.cognito(&self.a.url, "SignUp", body).await.0, 200);
        let code = std::fs::read_to_string(&self.outbox)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .rfind(|mail| mail["to"] == email)
            .and_then(|mail| {
                let text = mail["text"].as_str()?.to_owned();
                text.split(|c: char| !c.is_ascii_digit())
                    .find(|w| w.len() == 6)
                    .map(str::to_owned)
            })
            .expect("a code in the outbox");
        let body = json!({"ClientId": client_id, "Username": email, "ConfirmationCode": code});
        assert_eq!(
            self.cognito(&self.a.url, "ConfirmSignUp", body).await.0,
            200
        );
    }

    /// Signs in on `base` with USER_PASSWORD_AUTH: (ID token, access token).
    async fn sign_in(&self, base: &str, client_id: &str, email: &str) -> (String, String) {
        let body = json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
                          "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}});
        let (status, answer) = self.cognito(base, "InitiateAuth", body).await;
        assert_eq!(status, 200, "{answer}");
        let result = &answer["AuthenticationResult"];
        (
            result["IdToken"].as_str().unwrap().to_owned(),
            result["AccessToken"].as_str().unwrap().to_owned(),
        )
    }

    /// The kids `base` publishes for `pool`.
    async fn published(&self, base: &str, pool: &str) -> Vec<String> {
        let jwks: Value = self
            .http
            .get(format!("{base}/{pool}/.well-known/jwks.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Whether `base` accepts `token` on `/api/user`.
    async fn accepted(&self, base: &str, token: &str) -> bool {
        self.http
            .get(format!("{base}/api/user"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    }
}

/// The `kid` in a token's header.
fn kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

/// Waits until `check` holds on both instances; how long it took. Fails past three times the
/// bound, then asserts the bound itself, so a slow machine shows the figure it measured.
async fn seen_by_both<F, Fut>(what: &str, deployment: &Deployment, check: F) -> Duration
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    for base in [&deployment.a.url, &deployment.b.url] {
        while !check(base.clone()).await {
            assert!(
                started.elapsed() < BOUND * 3,
                "{what}: not seen by {base} after {:?}",
                started.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    let took = started.elapsed();
    eprintln!("{what}: seen by both instances after {took:?}");
    assert!(took <= BOUND, "{what}: took {took:?}, more than {BOUND:?}");
    took
}

async fn story(deployment: Deployment) {
    let d = &deployment;
    let app = d.cli(&["apps", "create", "--name", "Propagation", "--json"]);
    let (app_id, pool, client) = (
        app["app_id"].as_str().unwrap(),
        app["user_pool_id"].as_str().unwrap(),
        app["client_id"].as_str().unwrap(),
    );
    d.user(client, "prop@example.com").await;
    // Both instances sign, publish and verify with the pool's first key, now cached.
    let (id_a, access_a) = d.sign_in(&d.a.url, client, "prop@example.com").await;
    let (id_b, _) = d.sign_in(&d.b.url, client, "prop@example.com").await;
    let first = kid(&access_a);
    assert_eq!(kid(&id_b), first);
    for base in [&d.a.url, &d.b.url] {
        assert_eq!(d.published(base, pool).await, std::slice::from_ref(&first));
        assert!(d.accepted(base, &id_a).await && d.accepted(base, &id_b).await);
    }

    // A planned rotation by the CLI: both servers publish the next key (which does not sign yet).
    let keys = d.cli(&["keys", "rotate", "--app", app_id, "--json"]);
    let next = keys[0]["kid"].as_str().unwrap().to_owned();
    assert_eq!(keys[0]["state"], "next");
    let want = [next.clone(), first.clone()];
    seen_by_both("planned rotation (CLI)", d, |base| {
        let want = want.clone();
        async move { d.published(&base, pool).await == want }
    })
    .await;
    let (_, access) = d.sign_in(&d.b.url, client, "prop@example.com").await;
    assert_eq!(kid(&access), first, "the next key waits before it signs");

    // An emergency rotation by the CLI: both servers withdraw the old keys, refuse their tokens
    // and sign with the new key.
    let keys = d.cli(&["keys", "rotate", "--app", app_id, "--emergency", "--json"]);
    let leaked_tokens = [id_a.clone(), id_b.clone()];
    let emergency = keys[0]["kid"].as_str().unwrap().to_owned();
    seen_by_both("emergency rotation (CLI)", d, |base| {
        let (emergency, leaked_tokens) = (emergency.clone(), leaked_tokens.clone());
        async move {
            d.published(&base, pool).await == [emergency]
                && !d.accepted(&base, &leaked_tokens[0]).await
                && !d.accepted(&base, &leaked_tokens[1]).await
        }
    })
    .await;
    for base in [&d.a.url, &d.b.url] {
        let (id, access) = d.sign_in(base, client, "prop@example.com").await;
        assert_eq!(
            (kid(&id), kid(&access)),
            (emergency.clone(), emergency.clone())
        );
        let (status, body) = d
            .cognito(base, "GetUser", json!({"AccessToken": access_a}))
            .await;
        assert_eq!(
            (status, body["__type"].as_str()),
            (400, Some("NotAuthorizedException"))
        );
    }

    // A developer's emergency rotation through A's REST API reaches B.
    let console = d.cli(&["apps", "show", "console", "--json"]);
    let console_client = console["client_id"].as_str().unwrap();
    d.user(console_client, "dev@example.com").await;
    let (_, dev_token) = d.sign_in(&d.a.url, console_client, "dev@example.com").await;
    let created: Value = d
        .http
        .post(format!("{}/api/apps", d.a.url))
        .bearer_auth(&dev_token)
        .json(&json!({"name": "Dev app"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (dev_app, dev_pool, dev_client) = (
        created["app_id"].as_str().unwrap(),
        created["user_pool_id"].as_str().unwrap(),
        created["client_id"].as_str().unwrap(),
    );
    d.user(dev_client, "enduser@example.com").await;
    let (old_id, _) = d.sign_in(&d.b.url, dev_client, "enduser@example.com").await;
    let rotated: Value = d
        .http
        .post(format!(
            "{}/api/apps/{dev_app}/signing-keys/rotate",
            d.a.url
        ))
        .bearer_auth(&dev_token)
        .json(&json!({"emergency": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fresh = rotated["keys"][0]["kid"].as_str().unwrap().to_owned();
    seen_by_both("emergency rotation (REST on A)", d, |base| {
        let (fresh, old_id) = (fresh.clone(), old_id.clone());
        async move {
            d.published(&base, dev_pool).await == [fresh] && !d.accepted(&base, &old_id).await
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_changes_reach_two_servers_on_one_sqlite_file() {
    story(Deployment::start(None)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_changes_reach_two_servers_on_one_postgresql() {
    let Ok(admin_url) = std::env::var("AUTH_RETURN_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run this test: set AUTH_RETURN_TEST_POSTGRES_URL (tests/run.sh does)"
        );
        eprintln!("AUTH_RETURN_TEST_POSTGRES_URL is not set: skipping");
        return;
    };
    let name = format!("ar_prop_{}", uuid_like());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    let create = format!("CREATE DATABASE \"{name}\"");
    sqlx::raw_sql(sqlx::AssertSqlSafe(create))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("AUTH_RETURN_TEST_POSTGRES_URL names no database: {admin_url}"),
    };
    story(Deployment::start(Some(url))).await;
    let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
        .execute(&mut admin)
        .await
        .unwrap();
}

/// A unique database-name suffix.
fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}_{nanos}", std::process::id())
}
