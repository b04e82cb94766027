//! Built-in HTTPS with the real binary: a self-signed certificate made here (rcgen), the
//! Cognito endpoint and the discovery document over TLS (HTTP/2 by ALPN), HSTS, plain HTTP on
//! the TLS port going nowhere, a certificate swapped by SIGHUP without dropping the open
//! connection (and a broken one refused on reload), a graceful stop, and clear start errors.

use crate::support::{Server, free_port, run};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate PEM, key PEM, DER).
fn certificate() -> (String, String, Vec<u8>) {
    let made =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    (
        made.cert.pem(),
        made.signing_key.serialize_pem(),
        made.cert.der().to_vec(),
    )
}

/// Writes the pair where the server reads it, the way certbot does: a new file renamed over.
fn install(dir: &Path, cert: &str, key: &str) -> (PathBuf, PathBuf) {
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    for (path, text) in [(&cert_path, cert), (&key_path, key)] {
        let fresh = path.with_extension("new");
        std::fs::write(&fresh, text).unwrap();
        std::fs::rename(&fresh, path).unwrap();
    }
    (cert_path, key_path)
}

/// A client trusting only the given certificates, reporting the peer's certificate.
fn client(trusted: &[&str]) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only(
            trusted
                .iter()
                .map(|pem| reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()),
        )
        .tls_info(true)
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The DER of the certificate the server presented for `response`.
fn peer_certificate(response: &reqwest::Response) -> Vec<u8> {
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .expect("TLS info")
        .to_vec()
}

async fn cognito(http: &reqwest::Client, base: &str, operation: &str, body: Value) -> (u16, Value) {
    let response = http
        .post(format!("{base}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{operation}"),
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_serves_reloads_on_sighup_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let (cert_a, key_a, der_a) = certificate();
    let (cert_path, key_path) = install(certs.path(), &cert_a, &key_a);
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let tls_flags = [
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key_path.to_str().unwrap(),
    ];
    let mut server = Server::start(dir.path(), &listen, &tls_flags);
    let base = format!("https://127.0.0.1:{port}");

    // Health, over HTTP/2 (ALPN), with HSTS.
    let first = client(&[&cert_a]);
    let health = first.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.version(), reqwest::Version::HTTP_2);
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=63072000"
    );
    assert_eq!(peer_certificate(&health), der_a);

    // The CLI derives the same https:// issuer from the same flags.
    let mut args = vec![
        "apps", "create", "--name", "Shop", "--json", "--listen", &listen,
    ];
    args.extend(tls_flags);
    let (code, out, err) = run(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    let pool = app["user_pool_id"].as_str().unwrap();
    let client_id = app["client_id"].as_str().unwrap();
    assert_eq!(app["issuer"], format!("{base}/{pool}"));
    assert_eq!(app["endpoint"], base);

    let discovery: Value = first
        .get(format!("{base}/{pool}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], format!("{base}/{pool}"));
    assert!(
        discovery["jwks_uri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    // A Cognito call over TLS.
    let (status, body) = cognito(
        &first,
        &base,
        "SignUp",
        json!({
            "ClientId": client_id,
            "Username": "alice@example.com",
            "Password": "Correct-Horse-9",
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["UserSub"].is_string(), "{body}");

    // Plain HTTP on the TLS port gets no HTTP answer.
    let mut plain = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    write!(
        plain,
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(
        !answer.starts_with(b"HTTP/"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    let refused = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");

    // SIGHUP with a new pair: new connections get it, the open one goes on.
    let (cert_b, key_b, der_b) = certificate();
    install(certs.path(), &cert_b, &key_b);
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let fresh = client(&[&cert_a, &cert_b]);
        let response = fresh.get(format!("{base}/healthz")).send().await.unwrap();
        if peer_certificate(&response) == der_b {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still the old certificate: {}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reused = first.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(
        reused.status(),
        200,
        "the connection made before the reload still works"
    );
    assert!(server.log().contains("TLS certificate reloaded"));

    // A broken file on reload: logged, and the current certificate stays.
    std::fs::write(&cert_path, "not a certificate\n").unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !server.log().contains("TLS certificate not reloaded") {
        assert!(
            Instant::now() < deadline,
            "no reload error logged: {}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after = client(&[&cert_b])
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
    assert_eq!(peer_certificate(&after), der_b);

    // SIGTERM: a graceful stop, exit code 0.
    server.signal("TERM");
    let status = server.wait_exit(Duration::from_secs(30));
    assert!(status.success(), "{status}: {}", server.log());
    let log = server.log();
    assert!(log.contains("auth-return stopped"), "{log}");
    // Never any key material in the logs.
    for key in [&key_a, &key_b] {
        let body_line = key.lines().nth(1).unwrap();
        assert!(!log.contains(body_line), "key material logged");
    }
    assert!(!log.contains("PRIVATE KEY-----"), "{log}");
}

#[test]
fn bad_tls_files_stop_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, _) = certificate();
    let (_, other_key, _) = certificate();
    let (cert_path, key_path) = install(dir.path(), &cert, &key);
    let other = dir.path().join("other.pem");
    std::fs::write(&other, &other_key).unwrap();
    let missing = dir.path().join("missing.pem");
    let data = dir.path().join("data");
    let listen = format!("127.0.0.1:{}", free_port());
    let serve = |cert: &Path, key: &Path| {
        run(
            &data,
            &[
                "serve",
                "--listen",
                &listen,
                "--tls-cert",
                cert.to_str().unwrap(),
                "--tls-key",
                key.to_str().unwrap(),
            ],
        )
    };
    for ((code, _, err), needle) in [
        (
            serve(&missing, &key_path),
            "cannot read the TLS certificate",
        ),
        (
            serve(&cert_path, &missing),
            "cannot read the TLS private key",
        ),
        (serve(&key_path, &key_path), "no certificate in"),
        (serve(&cert_path, &cert_path), "no private key in"),
        (
            serve(&cert_path, &other),
            "does not belong to the certificate",
        ),
    ] {
        assert_ne!(code, 0, "{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(needle), "{needle}: {err}");
        assert!(!err.contains("PRIVATE KEY-----"), "{err}");
    }
    // Half a configuration is refused before anything starts.
    let (code, _, err) = run(
        &data,
        &[
            "serve",
            "--listen",
            &listen,
            "--tls-cert",
            cert_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--tls-cert needs --tls-key"), "{err}");
    // Nothing was created for a start that failed on its certificate.
    assert!(!data.join("auth-return.db").exists());
}
