//! An in-process server on 127.0.0.1:0 with a real SQLite database in a temp directory, the
//! outbox mail transport, and a Cognito client speaking real HTTP.

use auth_return_core::clock::{Clock, ManualClock, SystemClock};
use auth_return_core::compute::ComputePool;
use auth_return_core::{
    Actor, ConsoleSignup, CreatedApp, Dependencies, NewApp, Service, ServiceConfig,
};
use auth_return_crypto::srp;
use auth_return_mail::OutboxMailer;
use auth_return_server::limits::RateLimitSettings;
use auth_return_server::{AppState, ServerOptions, router};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

/// A strong password that satisfies the default policy.
pub const PASSWORD: &str = "Correct-Horse-9";

/// A running server.
pub struct TestServer {
    pub url: String,
    /// `GET /metrics` on the instance's metrics listener.
    pub metrics_url: String,
    pub service: Arc<Service>,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    outbox: PathBuf,
    /// The database this instance uses.
    pub database_url: String,
    master_key: [u8; 32],
    _dir: tempfile::TempDir,
    /// The database's directory, when the caller made it.
    extra_dir: Option<tempfile::TempDir>,
}

/// What a second instance shares with the first: the database, the master key and the outbox.
struct Shared {
    database_url: String,
    master_key: [u8; 32],
    /// The first instance's outbox (`None`: this instance's own).
    outbox: Option<PathBuf>,
    /// The deployment's public URL (the issuer base), when not this instance's own address.
    public_url: Option<String>,
    /// The first instance's clock: instances of one deployment agree on the time.
    clock: Option<Arc<ManualClock>>,
    /// The mail transport (`None`: the outbox).
    mailer: Option<Arc<dyn auth_return_core::mail::Mailer>>,
    /// Where apps registered with another provider get their pools (`None`: no provider).
    pool_provider: Option<Arc<dyn auth_return_core::provider::PoolProvider>>,
}

/// What a Cognito call answered.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// `__type` of an error answer.
    pub fn error_type(&self) -> &str {
        self.body["__type"].as_str().unwrap_or("")
    }

    /// `message` of an error answer.
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }

    /// Asserts the answer is the given Cognito error.
    #[track_caller]
    pub fn assert_error(&self, kind: &str, message: &str) {
        assert_eq!(self.status, StatusCode::BAD_REQUEST, "{:?}", self.body);
        assert_eq!(self.error_type(), kind, "{:?}", self.body);
        assert_eq!(self.message(), message, "{:?}", self.body);
        let header = self
            .headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok());
        assert_eq!(header, Some(format!("{kind}:").as_str()));
    }

    /// Asserts success and returns the body.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{:?}", self.body);
        &self.body
    }
}

/// Tokens of a signed-in user.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id: String,
    pub access: String,
    pub refresh: String,
}

impl TestServer {
    /// A server with rate limits high enough that no functional test meets them.
    pub async fn start() -> Self {
        Self::start_with(ServerOptions {
            rate_limits: RateLimitSettings::uniform(10_000),
            ..ServerOptions::default()
        })
        .await
    }

    /// A server deployed with `options`.
    pub async fn start_with(options: ServerOptions) -> Self {
        Self::start_full(options, ComputePool::new(2), None).await
    }

    /// A server (on a fresh SQLite database) registering apps of other providers with
    /// `provider`.
    pub async fn start_with_provider(
        provider: Arc<dyn auth_return_core::provider::PoolProvider>,
    ) -> Self {
        Self::start_in_own_dir(None, Some(provider)).await
    }

    /// A server on a fresh SQLite database in a directory of its own, with these parts.
    async fn start_in_own_dir(
        mailer: Option<Arc<dyn auth_return_core::mail::Mailer>>,
        pool_provider: Option<Arc<dyn auth_return_core::provider::PoolProvider>>,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let shared = Shared {
            database_url: format!("sqlite://{}", dir.path().join("own.db").display()),
            master_key: auth_return_crypto::random::bytes(),
            outbox: None,
            public_url: None,
            clock: None,
            mailer,
            pool_provider,
        };
        let mut server = Self::start_configured(
            ServerOptions {
                rate_limits: RateLimitSettings::uniform(10_000),
                ..ServerOptions::default()
            },
            ComputePool::new(2),
            Some(shared),
            &|_| {},
        )
        .await;
        server.extra_dir = Some(dir);
        server
    }

    /// A server on the database at `database_url` (a fresh one: see [`TempPostgres`]).
    pub async fn start_on(database_url: &str) -> Self {
        Self::start_on_with_config(database_url, |_| {}).await
    }

    /// A server on the database at `database_url` whose service configuration `configure` changes.
    pub async fn start_on_with_config(
        database_url: &str,
        configure: impl Fn(&mut ServiceConfig),
    ) -> Self {
        let shared = Shared {
            database_url: database_url.to_owned(),
            master_key: auth_return_crypto::random::bytes(),
            outbox: None,
            public_url: None,
            clock: None,
            mailer: None,
            pool_provider: None,
        };
        Self::start_configured(
            ServerOptions {
                rate_limits: RateLimitSettings::uniform(10_000),
                ..ServerOptions::default()
            },
            ComputePool::new(2),
            Some(shared),
            &configure,
        )
        .await
    }

    /// Another instance on this one's database (and master key and outbox), as when several
    /// servers share a PostgreSQL: each has its own caches, and the first one's configuration.
    pub async fn second_instance(&self) -> Self {
        let shared = Shared {
            database_url: self.database_url.clone(),
            master_key: self.master_key,
            outbox: Some(self.outbox.clone()),
            public_url: Some(self.service.config().public_url.clone()),
            clock: Some(self.clock.clone()),
            mailer: None,
            pool_provider: None,
        };
        let config = self.service.config().clone();
        Self::start_configured(
            ServerOptions {
                rate_limits: RateLimitSettings::uniform(10_000),
                ..ServerOptions::default()
            },
            ComputePool::new(2),
            Some(shared),
            &|s| *s = config.clone(),
        )
        .await
    }

    /// A server on a fresh SQLite database whose mail goes to `mailer` instead of the outbox.
    pub async fn start_with_mailer(mailer: Arc<dyn auth_return_core::mail::Mailer>) -> Self {
        Self::start_in_own_dir(Some(mailer), None).await
    }

    /// A server whose expensive crypto runs on `compute` (a clone stays with the test).
    pub async fn start_with_compute(compute: ComputePool) -> Self {
        Self::start_full(
            ServerOptions {
                rate_limits: RateLimitSettings::uniform(10_000),
                ..ServerOptions::default()
            },
            compute,
            None,
        )
        .await
    }

    /// A server whose service configuration `configure` changes from the tests' defaults (which
    /// differ from `ServiceConfig::new` only in an open console sign-up: tests sign many developers
    /// up).
    pub async fn start_with_config(configure: impl Fn(&mut ServiceConfig)) -> Self {
        Self::start_configured(
            ServerOptions {
                rate_limits: RateLimitSettings::uniform(10_000),
                ..ServerOptions::default()
            },
            ComputePool::new(2),
            None,
            &configure,
        )
        .await
    }

    async fn start_full(
        options: ServerOptions,
        compute: ComputePool,
        shared: Option<Shared>,
    ) -> Self {
        Self::start_configured(options, compute, shared, &|_| {}).await
    }

    async fn start_configured(
        options: ServerOptions,
        compute: ComputePool,
        shared: Option<Shared>,
        configure: &dyn Fn(&mut ServiceConfig),
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let shared = shared.unwrap_or_else(|| Shared {
            database_url: format!("sqlite://{}", dir.path().join("test.db").display()),
            master_key: auth_return_crypto::random::bytes(),
            outbox: None,
            public_url: None,
            clock: None,
            mailer: None,
            pool_provider: None,
        });
        let store = auth_return_store::connect(&shared.database_url)
            .await
            .unwrap();
        let outbox = shared
            .outbox
            .unwrap_or_else(|| dir.path().join("outbox.jsonl"));
        let clock = shared
            .clock
            .unwrap_or_else(|| Arc::new(ManualClock::new(SystemClock.now())));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut config = ServiceConfig {
            console_signup: ConsoleSignup::Open,
            ..ServiceConfig::new("local", shared.public_url.unwrap_or_else(|| url.clone()))
        };
        configure(&mut config);
        let mut service = Service::new(Dependencies {
            events: auth_return_core::recorder::EventRecorder::spawn(store.clone()),
            store,
            clock: clock.clone(),
            mailer: shared
                .mailer
                .unwrap_or_else(|| Arc::new(OutboxMailer::new(&outbox))),
            master_key: shared.master_key,
            config,
            compute,
        });
        if let Some(provider) = shared.pool_provider {
            service = service.with_pool_provider(provider);
        }
        // Hooks may call receivers on loopback in the tests.
        let http = auth_return_server::webhook_transport::HttpWebhookTransport::new(true).unwrap();
        service = service.with_http(Arc::new(http));
        let service = Arc::new(service);
        service.ensure_console_app().await.unwrap();
        let state = AppState::with_options(service.clone(), options);
        let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_url = format!("http://{}/metrics", metrics_listener.local_addr().unwrap());
        let metrics = auth_return_server::metrics::metrics_router(state.clone());
        tokio::spawn(async move { axum::serve(metrics_listener, metrics).await.unwrap() });
        let app = router(state);
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Self {
            url,
            metrics_url,
            service,
            clock,
            http: reqwest::Client::new(),
            outbox,
            database_url: shared.database_url,
            master_key: shared.master_key,
            _dir: dir,
            extra_dir: None,
        }
    }

    /// The server's current time.
    pub fn clock_now(&self) -> i64 {
        use auth_return_core::clock::Clock;
        self.clock.now()
    }

    /// Registers an app as the operator.
    pub async fn app(&self, name: &str) -> CreatedApp {
        self.service
            .create_app(
                Actor::Operator,
                NewApp {
                    name: name.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
    }

    /// Registers an app whose client has a secret.
    pub async fn app_with_secret(&self, name: &str) -> CreatedApp {
        let new = NewApp {
            name: name.into(),
            client_secret: true,
            ..Default::default()
        };
        self.service.create_app(Actor::Operator, new).await.unwrap()
    }

    /// Calls a Cognito operation with a JSON body.
    pub async fn call(&self, op: &str, body: Value) -> Reply {
        self.raw(op, body.to_string().into_bytes(), None).await
    }

    /// Calls an administrator's Cognito operation with a developer's console token.
    pub async fn admin(&self, token: &str, op: &str, body: Value) -> Reply {
        self.raw(op, body.to_string().into_bytes(), Some(token))
            .await
    }

    /// Calls a Cognito operation with raw bytes and an optional bearer token.
    pub async fn raw(&self, op: &str, body: Vec<u8>, bearer: Option<&str>) -> Reply {
        let authorization = bearer.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|v| ("authorization", v.as_str()))
            .collect();
        self.raw_with(op, body, &headers).await
    }

    /// Calls a Cognito operation with raw bytes and extra headers.
    pub async fn raw_with(&self, op: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{op}"),
            )
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            body,
            headers,
        }
    }

    /// Every message in the outbox, oldest first.
    pub fn mails(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.outbox)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The six-digit code in the newest mail to `email`.
    pub fn last_code(&self, email: &str) -> String {
        let mails = self.mails();
        let mail = mails
            .iter()
            .rev()
            .find(|m| m["to"] == email)
            .expect("a mail to that address");
        let text = mail["text"].as_str().unwrap();
        text.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap()
            .to_owned()
    }

    pub async fn sign_up(&self, client_id: &str, email: &str, password: &str) -> Reply {
        self.call(
            "SignUp",
            json!({"ClientId": client_id, "Username": email, "Password": password}),
        )
        .await
    }

    /// Signs up and confirms a user; returns their sub.
    pub async fn confirmed_user(&self, client_id: &str, email: &str, password: &str) -> String {
        let reply = self.sign_up(client_id, email, password).await;
        let sub = reply.ok()["UserSub"].as_str().unwrap().to_owned();
        let code = self.last_code(email);
        self.call(
            "ConfirmSignUp",
            json!({"ClientId": client_id, "Username": email, "ConfirmationCode": code}),
        )
        .await
        .ok();
        sub
    }

    /// InitiateAuth USER_SRP_AUTH; returns the reply and the client ephemeral.
    pub async fn srp_start(
        &self,
        client_id: &str,
        username: &str,
    ) -> (Reply, srp::ClientEphemeral) {
        let eph = srp::client_ephemeral();
        let reply = self
            .call(
                "InitiateAuth",
                json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
                       "AuthParameters": {"USERNAME": username, "SRP_A": eph.srp_a_hex}, "ClientMetadata": {}}),
            )
            .await;
        (reply, eph)
    }

    /// The PASSWORD_VERIFIER answer for a challenge, as amazon-cognito-identity-js builds it.
    pub fn srp_answer(
        &self,
        pool_id: &str,
        challenge: &Value,
        eph: &srp::ClientEphemeral,
        password: &str,
    ) -> Value {
        let p = &challenge["ChallengeParameters"];
        let uid = p["USER_ID_FOR_SRP"].as_str().unwrap();
        let timestamp = srp::srp_timestamp_now();
        let pool_name = pool_id.split_once('_').unwrap().1;
        let signature = srp::client_password_claim(
            pool_name,
            uid,
            password,
            eph,
            p["SRP_B"].as_str().unwrap(),
            p["SALT"].as_str().unwrap(),
            p["SECRET_BLOCK"].as_str().unwrap(),
            &timestamp,
        )
        .unwrap();
        json!({
            "USERNAME": uid,
            "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        })
    }

    /// A full SRP sign-in; returns the final reply.
    pub async fn srp_sign_in(&self, app: &CreatedApp, username: &str, password: &str) -> Reply {
        let client_id = app.app.client.id.as_str();
        let (challenge, eph) = self.srp_start(client_id, username).await;
        let challenge = challenge.ok().clone();
        assert_eq!(challenge["ChallengeName"], "PASSWORD_VERIFIER");
        let responses = self.srp_answer(app.app.pool_id.as_str(), &challenge, &eph, password);
        self.call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id, "ChallengeResponses": responses}),
        )
        .await
    }

    /// Signs in with SRP and returns the tokens.
    pub async fn tokens(&self, app: &CreatedApp, username: &str, password: &str) -> Tokens {
        let reply = self.srp_sign_in(app, username, password).await;
        let result = &reply.ok()["AuthenticationResult"];
        Tokens {
            id: result["IdToken"].as_str().unwrap().to_owned(),
            access: result["AccessToken"].as_str().unwrap().to_owned(),
            refresh: result["RefreshToken"].as_str().unwrap().to_owned(),
        }
    }

    pub async fn get(
        &self,
        path: &str,
        bearer: Option<&str>,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let mut request = self.http.get(format!("{}{path}", self.url));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, headers)
    }
}

/// The decoded claims of a JWT (no verification).
pub fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// The built-in console app, as the SRP helpers want it.
pub async fn console(server: &TestServer) -> CreatedApp {
    let app = server
        .service
        .get_app(Actor::Operator, &auth_return_core::AppId::console())
        .await
        .unwrap();
    CreatedApp {
        app,
        client_secret: None,
    }
}

/// Signs a developer up in the console app; returns their console access token.
pub async fn developer(server: &TestServer, email: &str) -> String {
    let console = console(server).await;
    server
        .confirmed_user(console.app.client.id.as_str(), email, PASSWORD)
        .await;
    server.tokens(&console, email, PASSWORD).await.access
}

/// An app registered by the developer with console token `token` through `POST /api/apps`:
/// the answer's JSON.
pub async fn create_app(server: &TestServer, token: &str, name: &str) -> Value {
    let (status, app) = send(
        server,
        reqwest::Method::POST,
        "/api/apps",
        Some(token),
        Some(serde_json::json!({ "name": name })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{app}");
    app
}

/// A REST call with an optional bearer token and JSON body.
pub async fn send(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = server.http.request(method, format!("{}{path}", server.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A fresh database on the PostgreSQL server named by `AUTH_RETURN_TEST_POSTGRES_URL`, dropped
/// by [`TempPostgres::drop_database`]. Without the variable: `None`, except in CI (`CI` set),
/// where PostgreSQL tests must run.
pub struct TempPostgres {
    admin_url: String,
    name: String,
    /// The fresh database's URL.
    pub url: String,
}

impl TempPostgres {
    pub async fn new() -> Option<Self> {
        use sqlx::Connection;
        let Ok(admin_url) = std::env::var("AUTH_RETURN_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the PostgreSQL tests: set AUTH_RETURN_TEST_POSTGRES_URL (tests/run.sh does)"
            );
            eprintln!("AUTH_RETURN_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
            return None;
        };
        let name = format!("ar_srv_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap();
        let base = admin_url
            .split_once('?')
            .map_or(admin_url.as_str(), |(base, _)| base);
        let url = match base.rsplit_once('/') {
            Some((server, _)) if server.contains("://") && !server.ends_with('/') => {
                format!("{server}/{name}")
            }
            _ => format!("{}/{name}", base.trim_end_matches('/')),
        };
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    pub async fn drop_database(self) {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&self.admin_url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        )))
        .execute(&mut admin)
        .await
        .unwrap();
    }
}

/// Every event of the app's pool, oldest first (flushed first).
pub async fn pool_events(
    server: &TestServer,
    app: &CreatedApp,
) -> Vec<auth_return_core::events::Event> {
    server.service.events().flush().await;
    let query = auth_return_core::events::EventQuery {
        limit: 1000,
        ..Default::default()
    };
    let mut events = server
        .service
        .store()
        .list_events(&app.app.pool_id, &query)
        .await
        .unwrap();
    events.reverse();
    events
}

/// Takes `pool`'s only slot until the returned sender is dropped; await the handle after.
pub async fn occupy(
    pool: &ComputePool,
) -> (std::sync::mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let (taken_tx, taken) = tokio::sync::oneshot::channel();
    let holder = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(move || {
                taken_tx.send(()).unwrap();
                let _ = hold.recv();
            })
            .await
            .unwrap();
        }
    });
    taken.await.unwrap();
    (release, holder)
}
