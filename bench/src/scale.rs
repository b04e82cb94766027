//! `--mode scale`: the same calls on a small database and on a large one (`bench/scale.sh`):
//! `setup` makes the measured app through the REST API, `seed` grows its pool to `--users`
//! users and the database by `--apps` apps through the store, and `measure` times ListUsers
//! filters and app creation, writing the figures as JSON for the script's comparison.

use crate::floor;
use anyhow::{Context, bail};
use auth_return_core::Store;
use auth_return_core::ids::{AppId, ClientId, PoolId, UserId};
use auth_return_core::keyring::KeyRing;
use auth_return_core::model::{App, SigningKeyRecord, User, UserStatus};
use auth_return_core::tokens::keys::KeyCache;
use auth_return_crypto::jws::SigningKey;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The measured app's name.
const APP_NAME: &str = "scale bench";

/// Tasks inserting users or apps at once while seeding.
const SEED_TASKS: usize = 8;

/// Given names and family names of the seeded users: each given name is shared by
/// `users / NAMES` users, and family names are spread over prefixes.
const NAMES: usize = 1_000;

/// The developer's app named [`APP_NAME`], made through the REST API when missing; its id.
pub async fn setup(http: &reqwest::Client, url: &str, token: &str) -> anyhow::Result<String> {
    let listed: Value = http
        .get(format!("{url}/api/apps?search=scale%20bench"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if let Some(app) = listed["apps"].as_array().and_then(|a| a.first()) {
        return Ok(app["app_id"].as_str().context("app id")?.to_owned());
    }
    let created: Value = http
        .post(format!("{url}/api/apps"))
        .bearer_auth(token)
        .json(&json!({ "name": APP_NAME }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(created["app_id"].as_str().context("app id")?.to_owned())
}

/// The seeded user number `n`, from `template` (one real sign-up: same verifier).
fn user(template: &User, n: usize) -> User {
    let mut attributes = template.attributes.clone();
    attributes.insert("given_name".into(), format!("Given{:04}", n % NAMES));
    attributes.insert(
        "family_name".into(),
        format!("Family{:04}", (n / NAMES) % NAMES),
    );
    User {
        id: UserId::generate(),
        email: format!("user{n:07}@example{}.com", n % 10),
        status: if n % 10 == 3 {
            UserStatus::Unconfirmed
        } else {
            UserStatus::Confirmed
        },
        enabled: n % 50 != 7,
        attributes,
        ..template.clone()
    }
}

/// `app` copied as a new app of its own; with a fresh signing key sealed to its pool when
/// `keyed` (generating one costs tens of milliseconds).
async fn app_copy(
    app: &App,
    keyring: &KeyRing,
    keyed: bool,
    n: usize,
) -> anyhow::Result<(App, Option<SigningKeyRecord>)> {
    let (id, client_id) = (AppId::generate(), ClientId::generate());
    let region = app
        .pool_id
        .as_str()
        .split_once('_')
        .map_or("local", |p| p.0);
    let pool_id = PoolId::generate(region);
    let record = match keyed {
        true => {
            let key = tokio::task::spawn_blocking(SigningKey::generate)
                .await?
                .context("key")?;
            let at = app.created_at;
            Some(KeyCache::key_record(keyring, &pool_id, &key, at, at))
        }
        false => None,
    };
    let mut client = app.client.clone();
    client.id = client_id;
    client.pool_id = pool_id.clone();
    client.app_id = id.clone();
    let copy = App {
        id,
        name: format!("seeded {n:05}"),
        pool_id,
        client,
        ..app.clone()
    };
    Ok((copy, record))
}

/// Grows the pool of `app_id` to `users` users and adds `apps` apps, the first `keyed` of them
/// with a signing key of their own, then has `pools_touch` fetch those pools' JWKS once, so the
/// server loads their keys: its memory must stay bounded.
pub async fn seed(
    store: Arc<dyn Store>,
    keyring: KeyRing,
    app_id: &str,
    (users, apps, keyed): (usize, usize, usize),
    sqlite: bool,
    pools_touch: impl AsyncFnOnce(Vec<PoolId>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let app = store
        .get_app(&AppId::new(app_id))
        .await?
        .context("the measured app")?;
    let template = store
        .list_users(&app.pool_id, None, None, 1)
        .await?
        .pop()
        .context("no user in the measured pool to copy")?;
    let have = store
        .user_counts(std::slice::from_ref(&app.pool_id))
        .await?
        .first()
        .map_or(0, |(_, n)| *n as usize);
    let started = Instant::now();
    // SQLite has one writer: parallel inserts only queue, and an insert always in flight keeps
    // its write-ahead log from ever being reset (it grew past 12 GB that way).
    let seed_tasks = if sqlite { 1 } else { SEED_TASKS };
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..seed_tasks {
        let (store, template) = (store.clone(), template.clone());
        tasks.spawn(async move {
            for n in (have..users).filter(|n| n % seed_tasks == task) {
                store.insert_user(&user(&template, n)).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    println!(
        "users: {} inserted in {:.1}s",
        users.saturating_sub(have),
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let keyring = Arc::new(keyring);
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..SEED_TASKS {
        let (store, app, keyring) = (store.clone(), app.clone(), keyring.clone());
        tasks.spawn(async move {
            let mut pools = Vec::new();
            for n in (0..apps).filter(|n| n % SEED_TASKS == task) {
                let (copy, record) = app_copy(&app, &keyring, n < keyed, n).await?;
                store.insert_app(&copy, record.as_ref()).await?;
                if record.is_some() {
                    pools.push(copy.pool_id);
                }
            }
            anyhow::Ok(pools)
        });
    }
    let mut pools = Vec::new();
    while let Some(done) = tasks.join_next().await {
        pools.extend(done??);
    }
    println!(
        "apps: {apps} inserted ({} with a key of their own) in {:.1}s",
        keyed.min(apps),
        started.elapsed().as_secs_f64()
    );
    pools_touch(pools).await
}

/// One timed call.
struct Probe {
    name: &'static str,
    body: Value,
}

/// ListUsers as the console and admin scripts ask it, on the pool of `pool`.
fn probes(pool: &str) -> Vec<Probe> {
    let list = |name, filter: &str| Probe {
        name,
        body: json!({"UserPoolId": pool, "Limit": 60, "Filter": filter}),
    };
    // Each fills its page (or names the same few users) on the small database as on the large
    // one, so the two are compared doing the same work.
    vec![
        list("ListUsers: first page", ""),
        list(
            "ListUsers: email prefix, the same 10 users",
            "email ^= \"user000001\"",
        ),
        list("ListUsers: email prefix, every user", "email ^= \"user0\""),
        list(
            "ListUsers: family_name = (1,000 users)",
            "family_name = \"Family0000\"",
        ),
        list(
            "ListUsers: given_name prefix (10%)",
            "given_name ^= \"Given0\"",
        ),
        list(
            "ListUsers: unconfirmed (10%)",
            "cognito:user_status = \"UNCONFIRMED\"",
        ),
        list("ListUsers: disabled (2%)", "status = \"Disabled\""),
        list(
            "ListUsers: sub = (nobody)",
            "sub = \"00000000-0000-4000-8000-000000000000\"",
        ),
    ]
}

/// Sorted latencies of `rounds` calls of `send` after one warm-up.
async fn time<F, Fut>(rounds: usize, mut send: F) -> anyhow::Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut latencies = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let started = Instant::now();
        send().await?;
        if round > 0 {
            latencies.push(started.elapsed());
        }
    }
    latencies.sort();
    Ok(latencies)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Times each ListUsers probe `rounds` times (and its second page, where there is one), the
/// probes taking turns, and `creations` app creations, one call at a time; writes
/// `{name: {p50_ms, p99_ms, mean_ms}}` to `results` with the app-creation floor.
/// What [`measure`] times, and where it writes its figures.
pub struct MeasurePlan<'a> {
    /// Calls of each ListUsers probe.
    pub rounds: usize,
    /// App creations.
    pub creations: usize,
    /// The figures' file (JSON).
    pub results: &'a std::path::Path,
    /// The server's pid, for its CPU time per ListUsers call.
    pub server_pid: Option<u32>,
}

pub async fn measure(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    app_id: &str,
    plan: MeasurePlan<'_>,
) -> anyhow::Result<()> {
    let MeasurePlan {
        rounds,
        creations,
        results,
        server_pid,
    } = plan;
    let config: Value = http
        .get(format!("{url}/api/apps/{app_id}/config"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let pool = config["userPoolId"].as_str().context("pool")?.to_owned();
    let call = |body: Value| {
        let request = http
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.ListUsers",
            )
            .body(body.to_string());
        async move {
            let response = request.send().await?;
            let status = response.status();
            let body: Value = response.json().await?;
            if !status.is_success() {
                bail!("ListUsers: {status} {body}");
            }
            anyhow::Ok(body)
        }
    };
    let mut figures = serde_json::Map::new();
    let mut record = |name: String, latencies: &[Duration]| {
        let mean = latencies.iter().sum::<Duration>().as_secs_f64() * 1000.0
            / latencies.len().max(1) as f64;
        let (p50, p99) = (percentile(latencies, 0.5), percentile(latencies, 0.99));
        println!("{name:<48} p50 {p50:>8.2} ms  p99 {p99:>8.2} ms  mean {mean:>8.2} ms");
        figures.insert(name, json!({"p50_ms": p50, "p99_ms": p99, "mean_ms": mean}));
    };
    // Each probe, and its next page where there is one (which starts where the first ended:
    // as cheap as the first). Its first call is the warm-up.
    let mut calls: Vec<(String, Value)> = Vec::new();
    for probe in probes(&pool) {
        let first = call(probe.body.clone()).await?;
        calls.push((probe.name.to_owned(), probe.body.clone()));
        if let Some(token) = first["PaginationToken"].as_str() {
            let mut body = probe.body;
            body["PaginationToken"] = json!(token);
            calls.push((format!("{}, page 2", probe.name), body));
        }
    }
    // Round by round, every call once: a slow spell of the machine (a noisy neighbour, a
    // build) then falls on every call alike instead of on whichever ran during it, and the
    // median of each sees through it.
    let mut latencies = vec![Vec::with_capacity(rounds); calls.len()];
    let cpu_before = server_pid.map(crate::cpu_seconds).transpose()?;
    for _ in 0..rounds {
        for ((_, body), times) in calls.iter().zip(&mut latencies) {
            let started = Instant::now();
            call(body.clone()).await?;
            times.push(started.elapsed());
        }
    }
    // The server's own CPU per call, every probe together: what a call costs it, whatever
    // the machine's latency does meanwhile.
    let cpu_per_call_ms = match (server_pid, cpu_before) {
        (Some(pid), Some(before)) => Some(
            (crate::cpu_seconds(pid)? - before) * 1000.0 / (rounds * calls.len()).max(1) as f64,
        ),
        _ => None,
    };
    for ((name, _), mut times) in calls.into_iter().zip(latencies) {
        times.sort();
        record(name, &times);
    }
    let latencies = time(creations, || {
        let request = http
            .post(format!("{url}/api/apps"))
            .bearer_auth(token)
            .json(&json!({ "name": "scale bench creation" }));
        async move {
            request.send().await?.error_for_status()?;
            anyhow::Ok(())
        }
    })
    .await?;
    record("app creation (REST)".to_owned(), &latencies);
    let floor = floor::app_creation()?;
    println!(
        "app creation floor: {:.2} ms ({}, one core, this run)",
        floor.per_op.as_secs_f64() * 1000.0,
        floor.what
    );
    figures.insert(
        "app creation floor".into(),
        json!({"mean_ms": floor.per_op.as_secs_f64() * 1000.0}),
    );
    if let Some(per_call_ms) = cpu_per_call_ms {
        println!("ListUsers, every probe: server CPU per call {per_call_ms:.3} ms");
        figures.insert(
            "ListUsers, every probe: server CPU per call".into(),
            json!({ "mean_ms": per_call_ms }),
        );
    }
    std::fs::write(results, serde_json::to_vec_pretty(&Value::Object(figures))?)?;
    Ok(())
}
