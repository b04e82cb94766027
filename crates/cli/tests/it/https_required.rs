//! Plain HTTP from a non-loopback address, for real: the binary listens on 0.0.0.0 and is called
//! through one of this machine's own non-loopback addresses (so the server sees that address as
//! the peer), then over loopback, then with that address as a trusted proxy saying HTTPS.
//!
//! The address comes from `AUTH_RETURN_TEST_REMOTE_IP`, else from `ip -o -4 addr show scope
//! global`, else from `hostname -I`. `tests/run.sh` makes sure one exists (a dummy interface on
//! a machine with none); without one this test fails rather than pass without checking.

use crate::support::{Server, free_port};
use serde_json::{Value, json};
use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

/// A non-loopback IPv4 address of this machine.
fn remote_ip() -> IpAddr {
    if let Ok(ip) = std::env::var("AUTH_RETURN_TEST_REMOTE_IP") {
        return ip
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("AUTH_RETURN_TEST_REMOTE_IP={ip:?} is not an IP address"));
    }
    let output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    // `4: eth0    inet 192.0.2.2/24 brd … scope global eth0`
    let from_ip = output("ip", &["-o", "-4", "addr", "show", "scope", "global"]);
    let from_hostname = output("hostname", &["-I"]);
    from_ip
        .split_whitespace()
        .skip_while(|word| *word != "inet")
        .nth(1)
        .and_then(|cidr| cidr.split('/').next())
        .into_iter()
        .chain(from_hostname.split_whitespace())
        .filter_map(|word| word.parse::<IpAddr>().ok())
        .find(|ip| ip.is_ipv4() && !ip.is_loopback())
        .unwrap_or_else(|| {
            panic!(
                "no non-loopback IPv4 address on this machine, so plain HTTP from a remote \
                 address cannot be tested: run tests/run.sh (it adds one on a dummy interface, \
                 as root) or set AUTH_RETURN_TEST_REMOTE_IP to an address of this machine"
            )
        })
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

struct Answer {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        body,
        headers,
    }
}

/// `POST /` SignUp with an unknown client: any answer but a refusal means it was let in.
fn sign_up(base: &str) -> reqwest::RequestBuilder {
    http()
        .post(format!("{base}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
        .body(
            json!({"ClientId": "nosuchclient", "Username": "a@example.com", "Password": "x"})
                .to_string(),
        )
}

fn user(base: &str) -> reqwest::RequestBuilder {
    http()
        .get(format!("{base}/api/user"))
        .bearer_auth("not-a-token")
}

const MESSAGE_START: &str = "HTTPS is required: plain HTTP is accepted only from loopback";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_from_a_non_loopback_address() {
    let remote = remote_ip();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen = format!("0.0.0.0:{port}");
    let remote_base = format!("http://{remote}:{port}");
    let local_base = format!("http://127.0.0.1:{port}");
    // Without SMTP a server on 0.0.0.0 only starts when the outbox is asked for.
    let server = Server::start(dir.path(), &listen, &["--mail-outbox"]);
    assert!(
        server.log().contains("only loopback clients are served"),
        "the start warns about plain HTTP on 0.0.0.0: {}",
        server.log()
    );

    // From the non-loopback address: refused, in each endpoint's shape.
    let refused = answer(sign_up(&remote_base)).await;
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    assert_eq!(refused.body["__type"], "AccessDeniedException");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .starts_with(MESSAGE_START)
    );
    assert_eq!(
        refused.headers["content-type"],
        "application/x-amz-json-1.1"
    );
    assert_eq!(
        refused.headers["x-amzn-errortype"],
        "AccessDeniedException:"
    );
    let refused = answer(user(&remote_base)).await;
    assert_eq!(refused.status, 403, "{:?}", refused.body);
    assert_eq!(refused.body["error"], "https_required");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .starts_with(MESSAGE_START)
    );
    // Spoofed forwarding headers change nothing: no proxy is trusted.
    let spoofed = user(&remote_base)
        .header("x-forwarded-proto", "https")
        .header("forwarded", "for=127.0.0.1;proto=https");
    assert_eq!(answer(spoofed).await.status, 403);
    // Health probes pass (they carry no secret).
    assert_eq!(
        answer(http().get(format!("{remote_base}/healthz")))
            .await
            .status,
        200
    );

    // The same requests over loopback are served.
    let served = answer(sign_up(&local_base)).await;
    assert_eq!(served.status, 400, "{:?}", served.body);
    assert_eq!(served.body["__type"], "ResourceNotFoundException");
    let served = answer(user(&local_base)).await;
    assert_eq!(served.status, 401, "{:?}", served.body);
    drop(server);

    // That address as a trusted proxy that terminated TLS: served, with HSTS.
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &listen,
        &["--mail-outbox", "--trusted-proxies", &remote.to_string()],
    );
    assert!(
        server
            .log()
            .contains("--trusted-proxies without --forwarded-header"),
        "the start says which header is read: {}",
        server.log()
    );
    let proxied = answer(
        sign_up(&remote_base)
            .header("x-forwarded-for", "203.0.113.50")
            .header("x-forwarded-proto", "https"),
    )
    .await;
    assert_eq!(proxied.status, 400, "{:?}", proxied.body);
    assert_eq!(proxied.body["__type"], "ResourceNotFoundException");
    assert_eq!(
        proxied.headers["strict-transport-security"],
        "max-age=63072000"
    );
    // The client's own `Forwarded`, passed through by the proxy, is not read (X-Forwarded-For
    // is): claiming loopback and https, the client is still remote and on plain HTTP.
    let spoofed = user(&remote_base)
        .header("forwarded", "for=127.0.0.1;proto=https")
        .header("x-forwarded-for", "203.0.113.50")
        .header("x-forwarded-proto", "http");
    assert_eq!(answer(spoofed).await.status, 403);
    // Garbage from the proxy is a 400, not the proxy's own address.
    let garbage = answer(
        user(&remote_base)
            .header("x-forwarded-for", "not-an-address")
            .header("x-forwarded-proto", "https"),
    )
    .await;
    assert_eq!(garbage.status, 400, "{:?}", garbage.body);
    assert_eq!(garbage.body["error"], "invalid_request");
    // The proxy saying plain HTTP (or nothing) is refused.
    let plain = answer(user(&remote_base).header("x-forwarded-proto", "http")).await;
    assert_eq!(plain.status, 403);
    assert_eq!(answer(user(&remote_base)).await.status, 403);
    drop(server);

    // A proxy setting RFC 7239's header instead, configured so: read from `Forwarded` only.
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &listen,
        &[
            "--mail-outbox",
            "--trusted-proxies",
            &remote.to_string(),
            "--forwarded-header",
            "forwarded",
        ],
    );
    assert!(!server.log().contains("without --forwarded-header"));
    let proxied =
        answer(user(&remote_base).header("forwarded", "for=203.0.113.50;proto=https")).await;
    assert_eq!(proxied.status, 401, "{:?}", proxied.body);
    assert_eq!(
        proxied.headers["strict-transport-security"],
        "max-age=63072000"
    );
    let xff = user(&remote_base)
        .header("x-forwarded-for", "127.0.0.1")
        .header("x-forwarded-proto", "https");
    assert_eq!(answer(xff).await.status, 403);
    drop(server);
}
