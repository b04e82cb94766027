//! `auth-return-load`: drives full SRP sign-ins (InitiateAuth + RespondToAuthChallenge), with
//! an authenticator code or by redirect, refreshes or API-key verifications against a running server and reports throughput, latency
//! and — given the server's pid — the server's CPU time per operation (read from /proc, so the
//! load generator's own work on the same machine does not distort it), beside the floor: the
//! operation's bare cryptography, timed on one core in the same run (`floor.rs`).

// The integration tests' software authenticator, shared rather than copied. It panics on
// options that are not WebAuthn's, which for a load generator is a fine way to stop.
#[allow(clippy::unwrap_used, dead_code)]
#[path = "../../crates/server/tests/it/passkeys/authenticator.rs"]
mod authenticator;
mod code_flow;
mod console;
mod floor;
mod passkey;
mod scale;
mod totp;

use anyhow::{Context, bail};
use auth_return_crypto::srp;
use clap::{Parser, ValueEnum};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Mode {
    /// InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER.
    Signin,
    /// InitiateAuth REFRESH_TOKEN_AUTH.
    Refresh,
    /// A complete redirect sign-in: authorize, the hosted page, its SRP, the code, the token
    /// exchange (the app must register `code_flow::CALLBACK`).
    CodeFlow,
    /// The SRP sign-in, then `SOFTWARE_TOKEN_MFA` with an authenticator code (`--app-id` must
    /// be an app with MFA `OPTIONAL`; each operation signs in a user enrolled beforehand).
    Totp,
    /// USER_AUTH with a passkey (`WEB_AUTHN`): `--app-id` must be an app with passkeys on for
    /// `authenticator::ORIGIN` (relying party `localhost`); each worker signs in a user of its
    /// own.
    Passkey,
    /// `POST /api/keys/verify` with `X-API-Key`, round-robin over `--keys` distinct keys.
    Verify,
    /// The developer console's API calls, each timed alone against a seeded server
    /// (`--app-id console`; seeds `--apps` apps and `--users` users through `--database-url`).
    Console,
    /// ListUsers and app creation, sign-in and refresh on a small and a large database
    /// (`bench/scale.sh`; `--app-id console`, steps by `--scale-step`).
    Scale,
}

#[derive(Parser, Debug)]
struct Args {
    /// Server base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The app id to sign in to (its config is fetched from /api/apps/{id}/config).
    #[arg(long)]
    app_id: String,
    /// The server's outbox file, to confirm the benchmark user.
    #[arg(long)]
    outbox: String,
    /// What to measure.
    #[arg(long, value_enum, default_value = "signin")]
    mode: Mode,
    /// Operations to run.
    #[arg(long, default_value_t = 400)]
    count: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// The server's pid, to report its CPU time per operation.
    #[arg(long)]
    server_pid: Option<u32>,
    /// The server's metrics address (`--metrics-listen`), to report the CPU its crypto pool
    /// used per operation: the floor's math as the server ran it, under this run's load.
    #[arg(long)]
    metrics_url: Option<String>,
    /// Distinct API keys to verify with (`--mode verify`); made by users of 100 keys each.
    #[arg(long, default_value_t = 1000)]
    keys: usize,
    /// Also write the keys here, one per line (for an external load generator such as wrk).
    #[arg(long)]
    keys_out: Option<std::path::PathBuf>,
    /// The server's database (`--mode console` seeds users and events through it).
    #[arg(long)]
    database_url: Option<String>,
    /// Apps of the developer (`--mode console`).
    #[arg(long, default_value_t = 1000)]
    apps: usize,
    /// Users in the largest pool (`--mode console`).
    #[arg(long, default_value_t = 100_000)]
    users: usize,
    /// Timed requests per console call (`--mode console`).
    #[arg(long, default_value_t = 50)]
    rounds: usize,
    /// What `--mode console` does: seed, measure, or both (`all`). Separate steps let the
    /// caller analyse a bulk-loaded PostgreSQL in between, as autovacuum would.
    #[arg(long, value_enum, default_value = "all")]
    console_step: ConsoleStep,
    /// What `--mode scale` does: make the measured app (`setup`), grow the database (`seed`),
    /// or time the calls (`measure`).
    #[arg(long, value_enum, default_value = "measure")]
    scale_step: ScaleStep,
    /// The app `--mode scale` seeds and measures (`setup` prints it).
    #[arg(long)]
    scale_app: Option<String>,
    /// Where `--mode scale --scale-step measure` writes its figures (JSON).
    #[arg(long)]
    results: Option<std::path::PathBuf>,
    /// A second server that `--mode scale --scale-step measure` times beside `--url`, call by
    /// call in turn (the developer signed up there too): the small database beside the large.
    #[arg(long, requires_all = ["paired_app", "paired_results"])]
    paired_url: Option<String>,
    /// The measured app on `--paired-url`.
    #[arg(long)]
    paired_app: Option<String>,
    /// Where the figures of `--paired-url` go (JSON).
    #[arg(long)]
    paired_results: Option<std::path::PathBuf>,
    /// The pid of the server at `--paired-url`.
    #[arg(long)]
    paired_server_pid: Option<u32>,
    /// Of the `--apps` that `--mode scale --scale-step seed` adds, how many get a signing key
    /// of their own (an RSA key generation each) and have their JWKS fetched.
    #[arg(long, default_value_t = 3000)]
    keyed_apps: usize,
    /// Apps created one at a time by `--mode scale --scale-step measure`.
    #[arg(long, default_value_t = 20)]
    creations: usize,
    /// The developer `--mode console` signs in as (signed up when new).
    #[arg(long, default_value = "bench-developer@example.com")]
    developer: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ConsoleStep {
    Seed,
    Measure,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ScaleStep {
    Setup,
    Seed,
    Measure,
}

/// Live keys one user may hold (the server's cap).
const KEYS_PER_USER: usize = 100;

const PASSWORD: &str = "Bench-Horse-9";

struct Target {
    url: String,
    client_id: String,
    pool_name: String,
    email: String,
    http: reqwest::Client,
    /// A client that follows no redirects, as the code flow needs to see them.
    browser: reqwest::Client,
    outbox: String,
}

impl Target {
    /// The server at `url` through the client of `app_id`, as `email`; `outbox` is the
    /// server's, where sign-ups read their codes.
    async fn connect(
        http: &reqwest::Client,
        url: &str,
        app_id: &str,
        email: &str,
        outbox: &str,
    ) -> anyhow::Result<Target> {
        let config: Value = http
            .get(format!("{url}/api/apps/{app_id}/config"))
            .send()
            .await?
            .json()
            .await?;
        let text = |field: &str| config[field].as_str().context("app config");
        Ok(Target {
            url: url.to_owned(),
            client_id: text("clientId")?.to_owned(),
            pool_name: text("userPoolId")?
                .split_once('_')
                .context("pool id")?
                .1
                .to_owned(),
            email: email.to_owned(),
            http: http.clone(),
            browser: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            outbox: outbox.to_owned(),
        })
    }

    /// The same server through another app's client, to sign users up there.
    fn for_client(&self, client_id: &str) -> Target {
        Target {
            client_id: client_id.to_owned(),
            url: self.url.clone(),
            pool_name: String::new(),
            email: String::new(),
            http: self.http.clone(),
            browser: self.browser.clone(),
            outbox: self.outbox.clone(),
        }
    }

    async fn call(&self, op: &str, body: Value) -> anyhow::Result<Value> {
        cognito_call(&self.http, &self.url, op, &body, None).await
    }

    /// Signs `email` up and confirms it with the code from the outbox.
    async fn register(&self, email: &str) -> anyhow::Result<()> {
        self.call(
            "SignUp",
            json!({"ClientId": self.client_id, "Username": email, "Password": PASSWORD}),
        )
        .await?;
        let outbox = std::fs::read_to_string(&self.outbox)?;
        let mail: Value = outbox
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .rfind(|m| m["to"] == email)
            .context("no confirmation mail in the outbox")?;
        let code = mail["text"]
            .as_str()
            .unwrap_or("")
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .context("no code")?
            .to_owned();
        self.call(
            "ConfirmSignUp",
            json!({"ClientId": self.client_id, "Username": email, "ConfirmationCode": code}),
        )
        .await?;
        Ok(())
    }

    /// `count` API keys: users of this app create them with their access tokens.
    async fn api_keys(&self, count: usize) -> anyhow::Result<Vec<String>> {
        let mut keys = Vec::with_capacity(count);
        while keys.len() < count {
            let email = format!("bench-keys-{}@example.com", uuid::Uuid::new_v4());
            self.register(&email).await?;
            let response = self.password_sign_in(&email).await?;
            let access = response["AuthenticationResult"]["AccessToken"]
                .as_str()
                .context("access token")?
                .to_owned();
            for i in 0..KEYS_PER_USER.min(count - keys.len()) {
                let created: Value = self
                    .http
                    .post(format!("{}/api/keys", self.url))
                    .bearer_auth(&access)
                    .json(&json!({ "name": format!("bench {i}") }))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                keys.push(created["key"].as_str().context("key")?.to_owned());
            }
        }
        Ok(keys)
    }

    async fn password_sign_in(&self, email: &str) -> anyhow::Result<Value> {
        self.call("InitiateAuth", json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": self.client_id,
                                          "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}}))
            .await
    }

    async fn verify(&self, key: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("{}/api/keys/verify", self.url))
            .header("x-api-key", key)
            .send()
            .await?
            .error_for_status()?;
        let body: Value = response.json().await?;
        if body["valid"] != true {
            bail!("key did not verify: {body}");
        }
        Ok(body)
    }

    async fn sign_in(&self, email: &str) -> anyhow::Result<Value> {
        // A 256-bit client secret: as strong as the server's, and cheaper for the generator.
        let eph = srp::client_ephemeral_with_a(&auth_return_crypto::random::bytes::<32>());
        let challenge = self
            .call("InitiateAuth", json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": self.client_id,
                                          "AuthParameters": {"USERNAME": email, "SRP_A": eph.srp_a_hex}}))
            .await?;
        let responses = password_claim(&self.pool_name, &challenge, &eph, PASSWORD)?;
        self.call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": self.client_id,
            "ChallengeResponses": responses}),
        )
        .await
    }
}

/// One call of the Cognito endpoint at `url`, as a developer when `bearer` is given; its
/// answer, or an error naming the operation and what the server said.
async fn cognito_call(
    http: &reqwest::Client,
    url: &str,
    op: &str,
    body: &Value,
    bearer: Option<&str>,
) -> anyhow::Result<Value> {
    let mut request = http
        .post(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{op}"),
        )
        .body(body.to_string());
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let body: Value = response.json().await?;
    if !status.is_success() {
        bail!("{op}: {status} {body}");
    }
    Ok(body)
}

/// The PASSWORD_VERIFIER answer to an InitiateAuth `challenge`, as the real clients build it.
fn password_claim(
    pool_name: &str,
    challenge: &Value,
    eph: &srp::ClientEphemeral,
    password: &str,
) -> anyhow::Result<Value> {
    let p = &challenge["ChallengeParameters"];
    let text = |k: &str| {
        p[k].as_str()
            .map(str::to_owned)
            .context("challenge parameter missing")
    };
    let (uid, block) = (text("USER_ID_FOR_SRP")?, text("SECRET_BLOCK")?);
    let timestamp = srp::srp_timestamp_now();
    let signature = srp::client_password_claim(
        pool_name,
        &uid,
        password,
        eph,
        &text("SRP_B")?,
        &text("SALT")?,
        &block,
        &timestamp,
    )
    .map_err(|e| anyhow::anyhow!("client SRP: {e}"))?;
    Ok(
        json!({"USERNAME": uid, "PASSWORD_CLAIM_SECRET_BLOCK": block,
              "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp}),
    )
}

/// One step of `--mode scale`, as the developer signed in with `token`.
async fn scale_step(args: &Args, target: &Target, token: &str) -> anyhow::Result<()> {
    let app_id = || args.scale_app.as_deref().context("--scale-app");
    match args.scale_step {
        ScaleStep::Setup => {
            let app_id = scale::setup(&target.http, &target.url, token).await?;
            // One real sign-up in its pool, which the seeded users copy.
            let config: Value = target
                .http
                .get(format!("{}/api/apps/{app_id}/config", target.url))
                .send()
                .await?
                .json()
                .await?;
            target
                .for_client(config["clientId"].as_str().context("client")?)
                .register("template@example.com")
                .await?;
            println!("app_id={app_id}");
            Ok(())
        }
        ScaleStep::Seed => {
            let database_url = args.database_url.as_deref().context("--database-url")?;
            let master = std::env::var("AUTH_RETURN_MASTER_KEY")
                .context("AUTH_RETURN_MASTER_KEY (the server's, in hex)")?;
            let master: [u8; 32] = hex_key(&master)?;
            let store = auth_return_store::connect(database_url).await?;
            let touch = async |pools: Vec<auth_return_core::PoolId>| {
                let rss = || args.server_pid.map(resident_kb).transpose();
                let before = rss()?;
                let started = Instant::now();
                let mut tasks = tokio::task::JoinSet::new();
                for (n, pool) in pools.iter().enumerate() {
                    let request = target
                        .http
                        .get(format!("{}/{pool}/.well-known/jwks.json", target.url));
                    tasks.spawn(async move {
                        request.send().await?.error_for_status()?;
                        anyhow::Ok(())
                    });
                    if tasks.len() >= 16 || n + 1 == pools.len() {
                        while let Some(done) = tasks.join_next().await {
                            done??;
                        }
                    }
                }
                println!(
                    "JWKS of {} pools fetched in {:.1}s; server RSS {:?} kB before, {:?} kB after",
                    pools.len(),
                    started.elapsed().as_secs_f64(),
                    before,
                    rss()?
                );
                Ok(())
            };
            scale::seed(
                store,
                auth_return_core::keyring::KeyRing::new(&master),
                app_id()?,
                (args.users, args.apps, args.keyed_apps),
                database_url.starts_with("sqlite:"),
                touch,
            )
            .await
        }
        ScaleStep::Measure => {
            let mut sides = vec![scale::Side {
                url: &target.url,
                token,
                app_id: app_id()?,
                results: args.results.as_deref().context("--results")?,
                server_pid: args.server_pid,
            }];
            let paired = match &args.paired_url {
                Some(url) => {
                    let paired =
                        Target::connect(&target.http, url, "console", &args.developer, "").await?;
                    let signed_in = paired.sign_in(&paired.email).await?;
                    Some((paired, signed_in))
                }
                None => None,
            };
            if let Some((paired, signed_in)) = &paired {
                sides.push(scale::Side {
                    url: &paired.url,
                    token: signed_in["AuthenticationResult"]["AccessToken"]
                        .as_str()
                        .context("access token")?,
                    app_id: args.paired_app.as_deref().context("--paired-app")?,
                    results: args.paired_results.as_deref().context("--paired-results")?,
                    server_pid: args.paired_server_pid,
                });
            }
            let plan = scale::MeasurePlan {
                rounds: args.rounds,
                creations: args.creations,
            };
            scale::measure(&target.http, &sides, plan).await
        }
    }
}

/// The load's parts in which `main` runs it, the floor timed before each.
const SLICES: usize = 4;

/// What the workers of one mode share: the server, and the users, tokens and keys made for
/// the load beforehand.
struct Workload {
    mode: Mode,
    target: Arc<Target>,
    /// One user per worker, for the sign-in modes.
    emails: Vec<String>,
    refresh_token: String,
    keys: Vec<String>,
    /// One enrolled user per operation (`--mode totp`).
    enrolled: Vec<totp::Enrolled>,
    /// One passkey user per worker (`--mode passkey`).
    passkey_users: Vec<passkey::Enrolled>,
}

impl Workload {
    /// The operations numbered `operations`, by `concurrency` workers taking the next number
    /// in turn: the latencies of those that succeeded, and how many failed.
    async fn run(
        self: &Arc<Self>,
        operations: std::ops::Range<usize>,
        concurrency: usize,
    ) -> anyhow::Result<(Vec<Duration>, usize)> {
        let next = Arc::new(AtomicUsize::new(operations.start));
        let mut workers = Vec::new();
        for worker in 0..concurrency {
            let (load, next, end) = (self.clone(), next.clone(), operations.end);
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= end {
                        break;
                    }
                    let t = Instant::now();
                    match load.operation(worker, n).await {
                        Ok(_) => latencies.push(t.elapsed()),
                        Err(e) => {
                            errors += 1;
                            if errors <= 3 {
                                eprintln!("error: {e:#}");
                            }
                        }
                    }
                }
                (latencies, errors)
            }));
        }
        let mut latencies = Vec::new();
        let mut errors = 0;
        for worker in workers {
            let (l, e) = worker.await?;
            latencies.extend(l);
            errors += e;
        }
        Ok((latencies, errors))
    }

    /// Operation number `n`, by `worker`.
    async fn operation(&self, worker: usize, n: usize) -> anyhow::Result<Value> {
        let target = &self.target;
        let email = &self.emails[worker % self.emails.len()];
        match self.mode {
            Mode::Signin => target.sign_in(email).await,
            Mode::CodeFlow => {
                code_flow::sign_in(
                    &target.browser,
                    &target.url,
                    &target.client_id,
                    &target.pool_name,
                    email,
                    PASSWORD,
                )
                .await
            }
            Mode::Refresh => {
                target
                    .call(
                        "InitiateAuth",
                        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": target.client_id,
                               "AuthParameters": {"REFRESH_TOKEN": self.refresh_token}}),
                    )
                    .await
            }
            Mode::Totp => totp::sign_in(target, &self.enrolled[n]).await,
            Mode::Passkey => passkey::sign_in(target, &self.passkey_users[worker]).await,
            Mode::Verify => target.verify(&self.keys[n % self.keys.len()]).await,
            Mode::Console | Mode::Scale => bail!("not a load of single operations"),
        }
    }
}

/// 32 bytes from 64 hex digits.
fn hex_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim()).context("master key: not hex")?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| anyhow::anyhow!("master key: not 32 bytes"))
}

/// A process's resident memory, in kB.
fn resident_kb(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("VmRSS")
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after_comm = stat.rsplit_once(')').context("malformed /proc stat")?.1;
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let hz: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0);
    Ok(ticks / hz)
}

/// The CPU time the server's crypto pool has used, in seconds, from its metrics.
async fn crypto_cpu_seconds(http: &reqwest::Client, metrics_url: &str) -> anyhow::Result<f64> {
    let text = http
        .get(format!("{metrics_url}/metrics"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    text.lines()
        .find_map(|line| line.strip_prefix("auth_return_crypto_cpu_seconds_total "))
        .context("no auth_return_crypto_cpu_seconds_total in the metrics")?
        .trim()
        .parse()
        .context("auth_return_crypto_cpu_seconds_total")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let email = match args.mode {
        Mode::Console | Mode::Scale => args.developer.clone(),
        _ => format!("bench-{}@example.com", uuid::Uuid::new_v4()),
    };
    let target =
        Arc::new(Target::connect(&http, &args.url, &args.app_id, &email, &args.outbox).await?);
    // The console's developer may be there from an earlier step.
    let registered = match args.mode {
        Mode::Console => args.console_step == ConsoleStep::Measure,
        Mode::Scale => args.scale_step != ScaleStep::Setup,
        _ => false,
    };
    if !registered {
        target.register(&target.email).await?;
    }
    let signed_in = target.sign_in(&target.email).await?;
    if matches!(args.mode, Mode::Scale) {
        let token = signed_in["AuthenticationResult"]["AccessToken"]
            .as_str()
            .context("access token")?;
        return scale_step(&args, &target, token).await;
    }
    if matches!(args.mode, Mode::Console) {
        let token = signed_in["AuthenticationResult"]["AccessToken"]
            .as_str()
            .context("access token")?;
        let database_url = args
            .database_url
            .as_deref()
            .context("--mode console needs --database-url")?;
        let register = async |client_id: &str| {
            target
                .for_client(client_id)
                .register("template@example.com")
                .await
        };
        if args.console_step != ConsoleStep::Measure {
            console::seed(
                &target.http,
                &target.url,
                token,
                database_url,
                args.apps,
                args.users,
                register,
            )
            .await?;
        }
        if args.console_step == ConsoleStep::Seed {
            return Ok(());
        }
        return console::run(&target.url, token, args.rounds).await;
    }
    let refresh_token = signed_in["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .context("refresh token")?
        .to_owned();
    let keys = match args.mode {
        Mode::Verify => target.api_keys(args.keys).await?,
        _ => Vec::new(),
    };
    if let Some(path) = &args.keys_out {
        std::fs::write(path, keys.join("\n") + "\n")?;
    }

    // One user per worker, as when many people sign in: parallel sign-ins of one name are
    // each counted against its lockout before they are judged.
    let mut emails = vec![target.email.clone()];
    if matches!(args.mode, Mode::Signin | Mode::CodeFlow) {
        for _ in 1..args.concurrency {
            let email = format!("bench-{}@example.com", uuid::Uuid::new_v4());
            target.register(&email).await?;
            emails.push(email);
        }
    }
    let enrolled = match args.mode {
        Mode::Totp => totp::enrol(&target, args.count).await?,
        _ => Vec::new(),
    };
    let passkey_users = match args.mode {
        Mode::Passkey => passkey::enrol(&target, args.concurrency).await?,
        _ => Vec::new(),
    };
    let workload = Arc::new(Workload {
        mode: args.mode,
        target: target.clone(),
        emails,
        refresh_token,
        keys,
        enrolled,
        passkey_users,
    });
    let cpu_before = args.server_pid.map(cpu_seconds).transpose()?;
    let crypto_before = match &args.metrics_url {
        Some(url) => Some(crypto_cpu_seconds(&target.http, url).await?),
        None => None,
    };
    // The load in slices with the floor timed before each: a slow spell of the machine then
    // falls on the floor as on the server, and their ratio holds through it. The server idles
    // while the floor is timed, so its CPU is read once around the whole run.
    let mut latencies: Vec<Duration> = Vec::new();
    let (mut errors, mut wall, mut floor_time) = (0, 0.0, Duration::ZERO);
    let mut floor_what = "";
    for slice in 0..SLICES {
        let floor = match args.mode {
            Mode::Signin | Mode::CodeFlow | Mode::Totp => floor::sign_in()?,
            Mode::Passkey => floor::passkey()?,
            Mode::Refresh => floor::refresh()?,
            Mode::Verify => floor::verify()?,
            Mode::Console | Mode::Scale => unreachable!("returned above"),
        };
        (floor_time, floor_what) = (floor_time + floor.per_op, floor.what);
        let operations = args.count * slice / SLICES..args.count * (slice + 1) / SLICES;
        let started = Instant::now();
        let (slice_latencies, slice_errors) = workload.run(operations, args.concurrency).await?;
        wall += started.elapsed().as_secs_f64();
        latencies.extend(slice_latencies);
        errors += slice_errors;
    }
    let floor_us = floor_time.as_secs_f64() * 1e6 / SLICES as f64;
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let ok = latencies.len();
    println!(
        "mode={:?} ok={ok} errors={errors} concurrency={} wall={wall:.2}s",
        args.mode, args.concurrency
    );
    println!(
        "throughput={:.1}/s p50={:.2}ms p99={:.2}ms (the load generator shares this machine)",
        ok as f64 / wall,
        pct(0.50),
        pct(0.99)
    );
    println!(
        "floor_us_per_op={floor_us:.2} ({floor_what}, one core, this run: timed in {SLICES} parts, one before each part of the load)"
    );
    if let (Some(pid), Some(before)) = (args.server_pid, cpu_before) {
        let cpu = cpu_seconds(pid)? - before;
        let cpu_us = cpu * 1e6 / ok.max(1) as f64;
        println!(
            "server_cpu_us_per_op={cpu_us:.1} = {:.2} x floor (=> {:.0}/s per core, {:.0}/s on 2 cores if CPU-bound)",
            cpu_us / floor_us,
            ok as f64 / cpu,
            2.0 * ok as f64 / cpu
        );
        if let (Some(url), Some(before)) = (&args.metrics_url, crypto_before) {
            let crypto = crypto_cpu_seconds(&target.http, url).await? - before;
            let crypto_us = crypto * 1e6 / ok.max(1) as f64;
            // (A key check runs no job on the pool.)
            if crypto_us > 0.0 {
                println!(
                    "server_crypto_us_per_op={crypto_us:.1} = {:.2} x floor (the crypto pool's own CPU in the server: the floor's math under this run's load); server CPU = {:.2} x its crypto",
                    crypto_us / floor_us,
                    cpu_us / crypto_us
                );
            }
        }
    }
    if errors > 0 {
        bail!("{errors} operations failed");
    }
    Ok(())
}
