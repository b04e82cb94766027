//! `--mode console`: the developer console's API calls against a seeded server (1,000 apps, a
//! pool of 100,000 users, 100,000 events: `bench/console.sh` seeds them), each timed on its own
//! after a warm-up, one request at a time, with the 100 ms target of every call behind a
//! console page. Prints p50, p99 and max per call, and fails when a p99 misses the target.

use crate::floor;
use anyhow::{Context, bail};
use auth_return_core::events::{EventKind, NewEvent};
use auth_return_core::model::{User, UserStatus};
use auth_return_core::{PoolId, Store, UserId};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The target of every console API call.
const TARGET: Duration = Duration::from_millis(100);

/// One timed call: a name for the report and the request.
struct Probe {
    name: String,
    request: reqwest::RequestBuilder,
}

/// What the console's pages ask, for `app` (the big one) and its pool.
fn probes(http: &reqwest::Client, url: &str, token: &str, app: &Value, user: &str) -> Vec<Probe> {
    let app_id = app["app_id"].as_str().unwrap_or_default();
    let pool = app["user_pool_id"].as_str().unwrap_or_default();
    let get = |name: &str, path: String| Probe {
        name: name.to_owned(),
        request: http.get(format!("{url}{path}")).bearer_auth(token),
    };
    let cognito = |name: &str, op: &str, body: Value| Probe {
        name: name.to_owned(),
        request: http
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .body(body.to_string()),
    };
    let list = |name: &str, filter: &str| {
        cognito(
            name,
            "ListUsers",
            json!({"UserPoolId": pool, "Limit": 50, "Filter": filter}),
        )
    };
    vec![
        get("apps: page of 50", "/api/apps?limit=50".into()),
        get("apps: all 1,000", "/api/apps".into()),
        get(
            "apps: search, no match",
            "/api/apps?search=zz-nothing&limit=50".into(),
        ),
        get(
            "apps: search by name",
            "/api/apps?search=app%2007&limit=50".into(),
        ),
        get("app (with user count)", format!("/api/apps/{app_id}")),
        list("users: first page", ""),
        list("users: email prefix, 10 users", "email ^= \"user0999\""),
        list("users: email prefix, 10%", "email ^= \"user00\""),
        list("users: email prefix, no match", "email ^= \"nobody\""),
        list(
            "users: unconfirmed (10%)",
            "cognito:user_status = \"UNCONFIRMED\"",
        ),
        list(
            "users: reset required (none)",
            "cognito:user_status = \"RESET_REQUIRED\"",
        ),
        list("users: disabled (2%)", "status = \"Disabled\""),
        cognito(
            "user: AdminGetUser",
            "AdminGetUser",
            json!({"UserPoolId": pool, "Username": user}),
        ),
        get(
            "events: page of 50",
            format!("/api/apps/{app_id}/events?limit=50"),
        ),
        get(
            "events: one type",
            format!("/api/apps/{app_id}/events?type=admin_action&limit=50"),
        ),
        get(
            "events: one user",
            format!("/api/apps/{app_id}/events?user_id={user}&limit=50"),
        ),
        get(
            "user: last sign-in",
            format!("/api/apps/{app_id}/events?type=sign_in&user_id={user}&limit=1"),
        ),
        get("signing keys", format!("/api/apps/{app_id}/signing-keys")),
        get("API keys", format!("/api/keys?app_id={app_id}")),
        get("inbox", format!("/api/apps/{app_id}/inbox")),
    ]
}

/// `GET url` with the developer's token, its JSON answer.
async fn get_json(http: &reqwest::Client, url: &str, token: &str) -> anyhow::Result<Value> {
    Ok(http
        .get(url)
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?)
}

/// Users per insert task while seeding.
const SEED_TASKS: usize = 8;

/// Seeds what the probes need, through the public API where it is cheap and through the store
/// (the same code the server runs) where it is not: `apps` apps of the developer (the first,
/// `app 0000`, gets the big pool), `users` users copied from one real sign-up (same verifier,
/// so any of them could sign in), one in 10 unconfirmed and one in 50 disabled, and as many
/// events. Apps and users already there are kept, so a second run measures at once.
pub async fn seed(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    database_url: &str,
    apps: usize,
    users: usize,
    register: impl AsyncFnOnce(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let listed = get_json(http, &format!("{url}/api/apps"), token).await?;
    let have = listed["apps"].as_array().map_or(0, Vec::len);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in have..apps {
        let (http, url, token) = (http.clone(), url.to_owned(), token.to_owned());
        tasks.spawn(async move {
            http.post(format!("{url}/api/apps"))
                .bearer_auth(&token)
                .json(&json!({ "name": format!("app {n:04}") }))
                .send()
                .await?
                .error_for_status()?;
            anyhow::Ok(())
        });
        // Keys are generated as apps are made: a few at a time keep both cores busy.
        if tasks.len() >= 4 {
            tasks.join_next().await.context("task")???;
        }
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    println!(
        "apps: {} made in {:.1}s",
        apps.saturating_sub(have),
        started.elapsed().as_secs_f64()
    );

    let big = get_json(http, &format!("{url}/api/apps?search=app%200000"), token).await?;
    let big = &big["apps"][0];
    let pool: PoolId = big["user_pool_id"].as_str().context("big app")?.parse()?;
    let have = big["user_count"].as_u64().unwrap_or(0) as usize;
    if have >= users {
        return Ok(());
    }
    let store = auth_return_store::connect(database_url).await?;
    let template_email = "template@example.com";
    if store
        .get_user_by_email(&pool, template_email)
        .await?
        .is_none()
    {
        register(big["client_id"].as_str().context("client")?).await?;
    }
    let template = store
        .get_user_by_email(&pool, template_email)
        .await?
        .context("the template user")?;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..SEED_TASKS {
        let (store, template) = (store.clone(), template.clone());
        tasks.spawn(seed_users(store, template, task, users, have));
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    println!(
        "users: {} inserted in {:.1}s",
        users - have,
        started.elapsed().as_secs_f64()
    );
    seed_events(&store, &pool, users).await
}

/// Inserts users `have..users` whose number is `task` modulo [`SEED_TASKS`].
async fn seed_users(
    store: Arc<dyn Store>,
    template: User,
    task: usize,
    users: usize,
    have: usize,
) -> anyhow::Result<()> {
    for n in (have..users).filter(|n| n % SEED_TASKS == task) {
        let user = User {
            id: UserId::generate(),
            email: format!("user{n:06}@example{}.com", n % 10),
            status: if n % 10 == 3 {
                UserStatus::Unconfirmed
            } else {
                UserStatus::Confirmed
            },
            enabled: n % 50 != 7,
            ..template.clone()
        };
        store.insert_user(&user).await?;
    }
    Ok(())
}

/// `count` events in `pool`: sign-ins and failures of the seeded users, one in 100 an admin
/// action, in batches as the recorder writes them.
async fn seed_events(store: &Arc<dyn Store>, pool: &PoolId, count: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let mut batch = Vec::with_capacity(500);
    for n in 0..count {
        let kind = match n % 100 {
            0 => EventKind::AdminAction,
            1..=9 => EventKind::SignInFailed,
            _ => EventKind::SignIn,
        };
        let mut event = NewEvent::new(pool.clone(), now - (count - n) as i64, kind).about(
            Some(UserId::generate()),
            Some(&format!("user{:06}@example.com", n)),
        );
        event.client_ip = Some("192.0.2.1".into());
        event.user_agent = Some("bench".into());
        batch.push(event);
        if batch.len() == 500 {
            store.record_events(&batch).await?;
            batch.clear();
        }
    }
    store.record_events(&batch).await?;
    println!(
        "events: {count} recorded in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Sends `probe` `rounds` times after one warm-up; its sorted latencies.
async fn time(probe: &Probe, rounds: usize) -> anyhow::Result<Vec<Duration>> {
    let mut latencies = Vec::with_capacity(rounds);
    for round in 0..=rounds {
        let request = probe.request.try_clone().context("request")?;
        let started = Instant::now();
        let response = request.send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        let took = started.elapsed();
        if !status.is_success() {
            bail!(
                "{}: {status} {}",
                probe.name,
                String::from_utf8_lossy(&body)
            );
        }
        if round > 0 {
            latencies.push(took);
        }
    }
    latencies.sort();
    Ok(latencies)
}

/// Finds the seeded app and one of its users, then times every probe.
pub async fn run(url: &str, token: &str, rounds: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let apps = get_json(&http, &format!("{url}/api/apps"), token).await?;
    let all = apps["apps"].as_array().context("apps")?;
    let big = all
        .iter()
        .max_by_key(|a| a["user_count"].as_u64().unwrap_or(0))
        .context("no app")?;
    println!(
        "seeded: {} apps; the largest pool has {} users",
        all.len(),
        big["user_count"]
    );
    let page: Value = http
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.ListUsers",
        )
        .body(
            json!({"UserPoolId": big["user_pool_id"], "Limit": 1, "Filter": "email ^= \"user00\""})
                .to_string(),
        )
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let user = page["Users"][0]["Username"]
        .as_str()
        .context("a seeded user")?
        .to_owned();
    let floor = floor::console()?;
    println!(
        "floor_us_per_op={:.1} ({}, one core, this run)",
        floor.per_op.as_secs_f64() * 1e6,
        floor.what
    );
    println!(
        "{:<32} {:>9} {:>9} {:>9}  target 100 ms",
        "call", "p50 ms", "p99 ms", "max ms"
    );
    let mut missed = Vec::new();
    for probe in probes(&http, url, token, big, &user) {
        let latencies = time(&probe, rounds).await?;
        let at = |p: f64| {
            let index = ((latencies.len() as f64 * p) as usize).min(latencies.len() - 1);
            latencies[index].as_secs_f64() * 1000.0
        };
        let p99 = latencies[((latencies.len() as f64 * 0.99) as usize).min(latencies.len() - 1)];
        let verdict = if p99 <= TARGET { "ok" } else { "MISSED" };
        println!(
            "{:<32} {:>9.2} {:>9.2} {:>9.2}  {verdict}",
            probe.name,
            at(0.5),
            at(0.99),
            at(1.0)
        );
        if p99 > TARGET {
            missed.push(probe.name);
        }
    }
    if !missed.is_empty() {
        bail!("over 100 ms at p99: {}", missed.join(", "));
    }
    Ok(())
}
