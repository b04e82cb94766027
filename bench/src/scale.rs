//! `--mode scale`: the same calls on a small database and on a large one (`bench/scale.sh`):
//! `setup` makes the measured app through the REST API, `seed` grows its pool to `--users`
//! users and the database by `--apps` apps through the store, and `measure` times ListUsers
//! filters and app creation, writing the figures as JSON for the script's comparison.

use crate::floor;
use anyhow::Context;
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

/// ListUsers calls sent at once to each server before the timing.
const BURST: usize = 32;

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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// One server that [`measure`] times: the measured app there, the developer's token for it,
/// and where its figures go.
pub struct Side<'a> {
    /// The server's base URL.
    pub url: &'a str,
    /// The developer's access token on that server.
    pub token: &'a str,
    /// The measured app (`setup` printed it).
    pub app_id: &'a str,
    /// The figures' file (JSON).
    pub results: &'a std::path::Path,
    /// The server's pid, for its CPU time per ListUsers call.
    pub server_pid: Option<u32>,
}

/// What [`measure`] times.
pub struct MeasurePlan {
    /// Calls of each ListUsers probe on each server.
    pub rounds: usize,
    /// App creations on each server.
    pub creations: usize,
}

/// One ListUsers call as the developer, its answer.
async fn list_users(
    http: &reqwest::Client,
    side: &Side<'_>,
    body: &Value,
) -> anyhow::Result<Value> {
    crate::cognito_call(http, side.url, "ListUsers", body, Some(side.token)).await
}

/// One app creation through REST, as the developer.
async fn create_app(http: &reqwest::Client, side: &Side<'_>) -> anyhow::Result<()> {
    http.post(format!("{}/api/apps", side.url))
        .bearer_auth(side.token)
        .json(&json!({ "name": "scale bench creation" }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// [`BURST`] ListUsers calls at once on the pool `pool_id` of `side`, so that both servers hold
/// every database connection they may when timed: one that opened more earlier (fetching 3,000
/// key sets, 16 at a time) would otherwise pass each call's statements through more
/// connections, each longer idle, than the other.
async fn fill_connection_pool(
    http: &reqwest::Client,
    side: &Side<'_>,
    pool_id: &str,
) -> anyhow::Result<()> {
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..BURST {
        let (http, url, token) = (http.clone(), side.url.to_owned(), side.token.to_owned());
        let body = json!({"UserPoolId": pool_id, "Limit": 60});
        burst.spawn(async move {
            crate::cognito_call(&http, &url, "ListUsers", &body, Some(&token)).await
        });
    }
    while let Some(done) = burst.join_next().await {
        done??;
    }
    Ok(())
}

/// Every timed call on `side`: each probe, and its next page where there is one (which starts
/// where the first ended: as cheap as the first). Each probe's first call is its warm-up.
async fn calls(http: &reqwest::Client, side: &Side<'_>) -> anyhow::Result<Vec<(String, Value)>> {
    let config: Value = http
        .get(format!("{}/api/apps/{}/config", side.url, side.app_id))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let pool = config["userPoolId"].as_str().context("pool")?;
    fill_connection_pool(http, side, pool).await?;
    let mut calls = Vec::new();
    for probe in probes(pool) {
        let first = list_users(http, side, &probe.body).await?;
        calls.push((probe.name.to_owned(), probe.body.clone()));
        if let Some(token) = first["PaginationToken"].as_str() {
            let mut body = probe.body;
            body["PaginationToken"] = json!(token);
            calls.push((format!("{}, page 2", probe.name), body));
        }
    }
    Ok(calls)
}

/// `{p50_ms, p99_ms, mean_ms}` of `latencies`, printed under `name` for the server at `url`.
fn figures(url: &str, name: &str, latencies: &mut [Duration]) -> Value {
    latencies.sort();
    let mean =
        latencies.iter().sum::<Duration>().as_secs_f64() * 1000.0 / latencies.len().max(1) as f64;
    let (p50, p99) = (percentile(latencies, 0.5), percentile(latencies, 0.99));
    println!("{url} {name:<48} p50 {p50:>8.2} ms  p99 {p99:>8.2} ms  mean {mean:>8.2} ms");
    json!({"p50_ms": p50, "p99_ms": p99, "mean_ms": mean})
}

/// Times each ListUsers probe `rounds` times (and its second page, where there is one) and
/// `creations` app creations on every server of `sides`, one call at a time, taking turns call
/// by call and server by server: a slow spell of the machine (a noisy neighbour, a build, a
/// background checkpoint) then falls on both databases alike instead of on whichever ran
/// during it. Writes each side's `{name: {p50_ms, p99_ms, mean_ms}}` to its results with the
/// app-creation floor and the server's CPU per ListUsers call.
pub async fn measure(
    http: &reqwest::Client,
    sides: &[Side<'_>],
    plan: MeasurePlan,
) -> anyhow::Result<()> {
    let mut planned = Vec::with_capacity(sides.len());
    for side in sides {
        planned.push(calls(http, side).await?);
    }
    let most = planned.iter().map(Vec::len).max().unwrap_or(0);
    let mut latencies: Vec<Vec<Vec<Duration>>> = planned
        .iter()
        .map(|calls| vec![Vec::with_capacity(plan.rounds); calls.len()])
        .collect();
    let cpu_before = sides
        .iter()
        .map(|side| side.server_pid.map(crate::cpu_seconds).transpose())
        .collect::<anyhow::Result<Vec<_>>>()?;
    for _ in 0..plan.rounds {
        for call in 0..most {
            for (side, (calls, times)) in sides.iter().zip(planned.iter().zip(&mut latencies)) {
                let (Some((_, body)), Some(times)) = (calls.get(call), times.get_mut(call)) else {
                    continue;
                };
                let started = Instant::now();
                list_users(http, side, body).await?;
                times.push(started.elapsed());
            }
        }
    }
    // Each server's own CPU per call, every probe together: what a call costs it, whatever
    // the machine's latency does meanwhile (the other server idles while one is asked).
    let mut cpu_per_call_ms = Vec::with_capacity(sides.len());
    for ((side, before), calls) in sides.iter().zip(&cpu_before).zip(&planned) {
        cpu_per_call_ms.push(match (side.server_pid, before) {
            (Some(pid), Some(before)) => Some(
                (crate::cpu_seconds(pid)? - before) * 1000.0
                    / (plan.rounds * calls.len()).max(1) as f64,
            ),
            _ => None,
        });
    }
    let mut creations = vec![Vec::with_capacity(plan.creations); sides.len()];
    for side in sides {
        create_app(http, side).await?; // the warm-up
    }
    for _ in 0..plan.creations {
        for (side, times) in sides.iter().zip(&mut creations) {
            let started = Instant::now();
            create_app(http, side).await?;
            times.push(started.elapsed());
        }
    }
    let floor = floor::app_creation()?;
    println!(
        "app creation floor: {:.2} ms ({}, one core, this run)",
        floor.per_op.as_secs_f64() * 1000.0,
        floor.what
    );
    let sides_figures = sides.iter().zip(planned).zip(latencies).zip(creations);
    for ((((side, calls), latencies), mut creations), cpu) in sides_figures.zip(cpu_per_call_ms) {
        let mut out = serde_json::Map::new();
        for ((name, _), mut times) in calls.into_iter().zip(latencies) {
            let figures = figures(side.url, &name, &mut times);
            out.insert(name, figures);
        }
        let name = "app creation (REST)";
        out.insert(name.into(), figures(side.url, name, &mut creations));
        out.insert(
            "app creation floor".into(),
            json!({"mean_ms": floor.per_op.as_secs_f64() * 1000.0}),
        );
        if let Some(per_call_ms) = cpu {
            let name = "ListUsers, every probe: server CPU per call";
            println!("{} {name} {per_call_ms:.3} ms", side.url);
            out.insert(name.into(), json!({ "mean_ms": per_call_ms }));
        }
        std::fs::write(
            side.results,
            serde_json::to_vec_pretty(&Value::Object(out))?,
        )?;
    }
    Ok(())
}
