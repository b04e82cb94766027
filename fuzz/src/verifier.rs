//! The verification crate's [`Verifier`] for the test key. That crate takes keys only from an
//! issuer's JWKS over HTTP, so the key set is served once from a loopback listener; every fuzz
//! input is then verified from the cache, never fetching.

use crate::TestKey;
use auth_return_verify::Verifier;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// The pool the test key signs for.
pub const POOL_ID: &str = "eu-west-1_Fuzz0001";
/// The issuer tokens must name (`<public url>/<pool>`).
pub const ISSUER: &str = "https://auth.example.com/eu-west-1_Fuzz0001";
/// The client tokens must be issued to.
pub const CLIENT_ID: &str = "fuzzclient0000000000000001";
/// The verifiers' clock: the seed tokens expire later.
pub const NOW: i64 = 1_800_000_000;

/// A verifier of [`ISSUER`]'s tokens for [`CLIENT_ID`] holding the test key, clocked at
/// [`NOW`]; any failure to set it up stops the fuzz run at once.
pub fn verifier(key: &TestKey) -> Verifier {
    let Ok(listener) = TcpListener::bind("127.0.0.1:0") else {
        panic!("no loopback listener for the test key set");
    };
    let Ok(address) = listener.local_addr() else {
        panic!("the loopback listener has no address");
    };
    let body = serde_json::json!({ "keys": [key.jwk()] }).to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            answer(stream, &body);
        }
    });
    let built = Verifier::builder(ISSUER, CLIENT_ID)
        .jwks_url(format!("http://{address}/jwks.json"))
        .clock(Arc::new(|| NOW))
        .build();
    let Ok(verifier) = built else {
        panic!("the verifier does not build: {built:?}");
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        panic!("no tokio runtime");
    };
    match runtime.block_on(verifier.refresh_keys()) {
        Ok(1) => verifier,
        other => panic!("the test key set did not load: {other:?}"),
    }
}

/// Answers one HTTP request with the key set.
fn answer(mut stream: TcpStream, body: &str) {
    let mut request = Vec::new();
    let mut buffer = [0; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}
