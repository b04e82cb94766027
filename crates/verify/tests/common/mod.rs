//! Test helpers: RSA keys made here with aws-lc-rs, tokens signed by hand (RFC 7515 §5.1), and an
//! in-process axum server on 127.0.0.1:0 standing in for Auth Return's discovery, JWKS and
//! revocation endpoints, counting the requests it gets.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

pub const CLIENT: &str = "client-a";
pub const POOL_A: &str = "local_poolA";
pub const POOL_B: &str = "local_poolB";

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// A signing key with its `kid`.
pub struct TestKey {
    pub kid: String,
    pub pair: RsaKeyPair,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        Self {
            kid: kid.to_owned(),
            pair: RsaKeyPair::generate(KeySize::Rsa2048).unwrap(),
        }
    }

    pub fn jwk(&self) -> Value {
        let pk = self.pair.public_key();
        json!({
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
            "n": b64(pk.modulus().big_endian_without_leading_zero()),
            "e": b64(pk.exponent().big_endian_without_leading_zero()),
        })
    }

    /// The public key as SubjectPublicKeyInfo DER (what an HS256 confusion attack uses as the
    /// HMAC secret).
    pub fn public_der(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    /// Signs `claims` with a header naming this key and RS256.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(&json!({"kid": self.kid, "alg": "RS256"}), claims)
    }

    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .unwrap();
        format!("{input}.{}", b64(&sig))
    }
}

/// Keys are costly to generate: made once per test binary.
pub fn keys() -> &'static [TestKey; 3] {
    static KEYS: OnceLock<[TestKey; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            TestKey::generate("kid-a1"),
            TestKey::generate("kid-b1"),
            TestKey::generate("kid-a2"),
        ]
    })
}

pub fn key_a() -> &'static TestKey {
    &keys()[0]
}
pub fn key_b() -> &'static TestKey {
    &keys()[1]
}
pub fn key_a2() -> &'static TestKey {
    &keys()[2]
}

pub fn id_claims(issuer: &str) -> Value {
    let now = now();
    json!({
        "sub": "11111111-2222-3333-4444-555555555555",
        "iss": issuer,
        "aud": CLIENT,
        "token_use": "id",
        "exp": now + 3600,
        "iat": now,
        "auth_time": now,
        "jti": "jti-id-1",
        "origin_jti": "session-1",
        "cognito:username": "alice",
        "email": "alice@example.com",
        "email_verified": true,
        "cognito:groups": ["admins", "staff"],
        "custom:tenant": "t-42",
    })
}

pub fn access_claims(issuer: &str) -> Value {
    let now = now();
    json!({
        "sub": "11111111-2222-3333-4444-555555555555",
        "iss": issuer,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "openid email aws.cognito.signin.user.admin",
        "exp": now + 3600,
        "iat": now,
        "auth_time": now,
        "jti": "jti-access-1",
        "origin_jti": "session-1",
        "username": "alice",
        "cognito:groups": ["staff"],
    })
}

/// What the JWKS endpoint answers.
#[derive(Clone)]
pub enum Mode {
    /// The pool's JWKS.
    Normal,
    /// HTTP 503.
    Down,
    /// Not JSON.
    Garbage,
    /// A valid-looking JSON body of this many bytes, with Content-Length.
    Huge(usize),
    /// A body of this many bytes streamed without Content-Length.
    HugeChunked(usize),
}

pub struct StubState {
    pub base: Mutex<String>,
    pub mode: Mutex<Mode>,
    /// JWKs per pool: (pool, jwk).
    pub jwks: Mutex<Vec<(String, Value)>>,
    pub jwks_requests: AtomicUsize,
    pub discovery_requests: AtomicUsize,
    pub jwks_delay: Mutex<Duration>,
    /// Revocation entries: (origin_jti, expires_at), in feed order.
    pub revocations: Mutex<Vec<(String, i64)>>,
    pub revocation_requests: AtomicUsize,
    pub discovery_issuer_override: Mutex<Option<String>>,
}

pub struct Stub {
    pub base: String,
    pub state: Arc<StubState>,
}

impl Stub {
    pub fn issuer(&self, pool: &str) -> String {
        format!("{}/{pool}", self.base)
    }
    pub fn jwks_url(&self, pool: &str) -> String {
        format!("{}/{pool}/.well-known/jwks.json", self.base)
    }
    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }
    pub fn add_key(&self, pool: &str, jwk: Value) {
        self.state.jwks.lock().unwrap().push((pool.to_owned(), jwk));
    }
    pub fn jwks_requests(&self) -> usize {
        self.state.jwks_requests.load(Ordering::SeqCst)
    }
    pub fn revoke(&self, origin_jti: &str, expires_at: i64) {
        self.state
            .revocations
            .lock()
            .unwrap()
            .push((origin_jti.to_owned(), expires_at));
    }
}

async fn jwks(State(st): State<Arc<StubState>>, Path(pool): Path<String>) -> Response {
    st.jwks_requests.fetch_add(1, Ordering::SeqCst);
    let delay = *st.jwks_delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mode = st.mode.lock().unwrap().clone();
    match mode {
        Mode::Normal => {
            let keys: Vec<Value> = st
                .jwks
                .lock()
                .unwrap()
                .iter()
                .filter(|(p, _)| *p == pool)
                .map(|(_, k)| k.clone())
                .collect();
            axum::Json(json!({ "keys": keys })).into_response()
        }
        Mode::Down => (StatusCode::SERVICE_UNAVAILABLE, "down").into_response(),
        Mode::Garbage => "<html>not json</html>".into_response(),
        Mode::Huge(n) => {
            let mut body = String::from("{\"keys\":[],\"pad\":\"");
            body.push_str(&"x".repeat(n));
            body.push_str("\"}");
            body.into_response()
        }
        Mode::HugeChunked(n) => {
            let chunks = (0..n / 8192 + 1)
                .map(|_| Ok::<_, std::io::Error>(bytes_chunk()))
                .collect::<Vec<_>>();
            let stream = futures_util::stream::iter(chunks);
            axum::body::Body::from_stream(stream).into_response()
        }
    }
}

fn bytes_chunk() -> axum::body::Bytes {
    axum::body::Bytes::from(vec![b'x'; 8192])
}

#[derive(serde::Deserialize)]
struct Since {
    since: Option<String>,
}

async fn discovery(State(st): State<Arc<StubState>>, Path(pool): Path<String>) -> Response {
    st.discovery_requests.fetch_add(1, Ordering::SeqCst);
    let base = st.base.lock().unwrap().clone();
    let issuer = st
        .discovery_issuer_override
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_else(|| format!("{base}/{pool}"));
    axum::Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{base}/{pool}/.well-known/jwks.json"),
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
    .into_response()
}

/// The revocation feed stub: the cursor is the index of the next entry.
async fn revocations(State(st): State<Arc<StubState>>, Query(q): Query<Since>) -> Response {
    st.revocation_requests.fetch_add(1, Ordering::SeqCst);
    let all = st.revocations.lock().unwrap().clone();
    let start: usize = q
        .since
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
        .min(all.len());
    let items: Vec<Value> = all[start..]
        .iter()
        .map(|(j, e)| json!({"origin_jti": j, "expires_at": e}))
        .collect();
    axum::Json(json!({"revocations": items, "cursor": all.len().to_string()})).into_response()
}

/// Starts the stub with key A in pool A and key B in pool B.
pub async fn start() -> Stub {
    let state = Arc::new(StubState {
        base: Mutex::new(String::new()),
        mode: Mutex::new(Mode::Normal),
        jwks: Mutex::new(vec![
            (POOL_A.to_owned(), key_a().jwk()),
            (POOL_B.to_owned(), key_b().jwk()),
        ]),
        jwks_requests: AtomicUsize::new(0),
        discovery_requests: AtomicUsize::new(0),
        jwks_delay: Mutex::new(Duration::ZERO),
        revocations: Mutex::new(Vec::new()),
        revocation_requests: AtomicUsize::new(0),
        discovery_issuer_override: Mutex::new(None),
    });
    let app = Router::new()
        .route("/{pool}/.well-known/jwks.json", get(jwks))
        .route("/{pool}/.well-known/openid-configuration", get(discovery))
        .route("/{pool}/revocations", get(revocations))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    *state.base.lock().unwrap() = base.clone();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Stub { base, state }
}

/// An address where nothing listens.
pub async fn dead_address() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

pub fn _count(c: &AtomicUsize) -> usize {
    c.load(Ordering::SeqCst)
}
