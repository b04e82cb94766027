//! `auth-return serve`: the HTTP(S) service, with graceful shutdown on SIGTERM and SIGINT.

use crate::config::{Config, MailTransport};
use anyhow::Context;
use auth_return_server::metrics::metrics_router;
use auth_return_server::webhook_transport::HttpWebhookTransport;
use auth_return_server::{AppState, ServerOptions, router};
use std::net::{IpAddr, SocketAddr};

/// Runs until a shutdown signal arrives and in-flight requests finish.
pub async fn run(config: Config) -> anyhow::Result<()> {
    // A configuration that would hand codes to a file on a public server stops the start
    // before anything is touched.
    refuse_silent_outbox(&config)?;
    warn_about_forwarding(&config);
    // A bad certificate stops the start before anything else is touched.
    let tls = match &config.tls {
        Some(files) => Some((crate::tls::load(files)?, files.clone())),
        None => None,
    };
    let service = crate::runtime::open(&config).await?;
    crate::files::warn_about_permissions(&config);
    // Start following the change feed before serving anything from the caches.
    service.follow_changes().await?;
    // Build the SRP tables now rather than on the first sign-in.
    tokio::task::spawn_blocking(auth_return_crypto::srp::warm_up).await?;
    let console = service
        .app_config(&auth_return_core::AppId::console())
        .await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let local = listener.local_addr()?;
    tracing::info!(
        listen = %local,
        tls = tls.is_some(),
        public_url = %config.public_url,
        database = %redact_url(&config.database_url),
        mail = %config.mail,
        console_client_id = %console.client_id,
        "auth-return listening"
    );
    warn_about_plain_http(&config, local, tls.is_some());
    let chores = tokio::spawn(housekeeping(
        service.clone(),
        config.key_rotation_days,
        config.events_retention_days,
    ));
    let follower = tokio::spawn(follow_changes(service.clone()));
    let transport = HttpWebhookTransport::new(config.webhooks_allow_private)
        .context("building the webhook client")?;
    let webhooks = tokio::spawn(deliver_webhooks(service.clone(), transport));
    let options = ServerOptions {
        tls: tls.is_some(),
        trusted_proxies: config.trusted_proxies.clone(),
        forwarded_header: config.forwarded_header.unwrap_or_default(),
        rate_limits: config.rate_limits.clone(),
        ..ServerOptions::default()
    };
    // Events still queued when the server stops are written before the process exits.
    let events = service.events().clone();
    let state = AppState::with_options(service, options);
    let metrics = match config.metrics_listen {
        Some(address) => Some(serve_metrics(address, state.clone()).await?),
        None => None,
    };
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        Some((server_config, files)) => {
            crate::tls::serve(listener, app, server_config, files, shutdown_signal()).await?;
        }
        None => {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
    }
    chores.abort();
    follower.abort();
    webhooks.abort();
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    events.flush().await;
    tracing::info!("auth-return stopped");
    Ok(())
}

/// Serves `GET /metrics` on `address`, a listener of its own, until aborted.
async fn serve_metrics(
    address: SocketAddr,
    state: AppState,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("binding --metrics-listen {address}"))?;
    tracing::info!(listen = %listener.local_addr()?, "metrics on GET /metrics");
    let app = metrics_router(state);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    }))
}

/// Plain HTTP is served to loopback clients only (see the server's `https` module): say so at
/// start when the configuration suggests someone expects otherwise.
fn warn_about_plain_http(config: &Config, local: SocketAddr, tls: bool) {
    if let Some(host) = remote_http_host(&config.public_url) {
        tracing::warn!(
            public_url = %config.public_url,
            "the public URL is plain http:// on the non-loopback host {host}: browsers and \
             clients there are refused (HTTPS is required); use --tls-cert/--tls-key or a \
             TLS-terminating proxy and an https:// --public-url"
        );
    }
    if !tls && config.trusted_proxies.is_empty() && !local.ip().is_loopback() {
        tracing::warn!(
            listen = %local,
            "listening on a non-loopback address without TLS or --trusted-proxies: only \
             loopback clients are served, everyone else is refused (HTTPS is required)"
        );
    }
}

/// Without `--smtp-url` mail goes to `<data-dir>/outbox.jsonl`: right on a developer's machine,
/// a misconfiguration anywhere else (codes and temporary passwords pile up in a file, and
/// nobody gets their mail). So a server reachable beyond this machine — listening on a
/// non-loopback address, or with a non-loopback public URL — does not start that way unless
/// `--mail-outbox` says the outbox is meant.
fn refuse_silent_outbox(config: &Config) -> anyhow::Result<()> {
    if !matches!(config.mail, MailTransport::Outbox { explicit: false }) {
        return Ok(());
    }
    let listen = config.listen.ip();
    let reachable = if listen.is_loopback() {
        url_host(&config.public_url)
            .filter(|host| !is_loopback_host(host))
            .map(|host| format!("its public URL is on {host}"))
    } else {
        Some(format!("it listens on {}", config.listen))
    };
    match reachable {
        None => Ok(()),
        Some(why) => anyhow::bail!(
            "no --smtp-url: mail would be written to {}, but this server is not a loopback-only \
             development server ({why}), so confirmation codes and temporary passwords would \
             pile up in a file while nobody gets their mail. Give --smtp-url (or \
             AUTH_RETURN_SMTP_URL) to send mail, or --mail-outbox (AUTH_RETURN_MAIL_OUTBOX=true, \
             TOML mail_outbox = true) if writing it to the outbox file is what you want",
            config.data_dir.join("outbox.jsonl").display()
        ),
    }
}

/// Behind proxies, exactly one header is believed: say which when the operator did not choose,
/// since a proxy that sets the other one leaves every client looking like the proxy itself.
fn warn_about_forwarding(config: &Config) {
    if !config.trusted_proxies.is_empty() && config.forwarded_header.is_none() {
        tracing::warn!(
            "--trusted-proxies without --forwarded-header: only X-Forwarded-For (with \
             X-Forwarded-Proto) is read from the proxies, and Forwarded is ignored. Make sure \
             the proxies set X-Forwarded-For, and say so with --forwarded-header \
             x-forwarded-for (or forwarded, if that is the header they set)"
        );
    }
}

/// The host of an `http://` URL when it is not a loopback name or address.
fn remote_http_host(url: &str) -> Option<&str> {
    url.strip_prefix("http://")?;
    url_host(url).filter(|host| !is_loopback_host(host))
}

/// The host of an `http://` or `https://` URL (an IPv6 address without its brackets).
fn url_host(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    Some(match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    })
}

/// `localhost`, a `.localhost` name (RFC 6761) or a loopback address.
fn is_loopback_host(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// How often expired sessions, codes and revocations are deleted and keys maintained.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Once an hour (several instances may all do it: every step is idempotent): deletes expired
/// rows and audit events past their retention, withdraws signing keys whose tokens have all
/// expired, and rotates keys that are older than the configured age.
async fn housekeeping(
    service: std::sync::Arc<auth_return_core::Service>,
    key_rotation_days: u32,
    events_retention_days: u32,
) {
    let max_key_age = (key_rotation_days > 0).then(|| i64::from(key_rotation_days) * 86_400);
    let mut ticks = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        ticks.tick().await;
        match service.prune_expired().await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "pruned expired sessions, codes and revocations"),
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
        }
        match service.prune_events(events_retention_days).await {
            Ok(0) => {}
            Ok(events) => tracing::info!(
                events,
                retention_days = events_retention_days,
                "pruned audit events past their retention"
            ),
            Err(e) => tracing::warn!(error = %e, "pruning audit events failed"),
        }
        if let Err(e) = service.disable_failing_webhooks().await {
            tracing::warn!(error = %e, "checking for dead webhook endpoints failed");
        }
        match service.maintain_signing_keys(max_key_age).await {
            Ok((0, 0)) => {}
            Ok((withdrawn, rotated)) => {
                tracing::info!(withdrawn, rotated, "signing keys maintained")
            }
            Err(e) => tracing::warn!(error = %e, "key maintenance failed"),
        }
    }
}

/// How often the change feed is read: what the CLI or another instance changes (signing keys)
/// reaches this server's caches within this interval plus one query.
const FOLLOW_CHANGES_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Applies what other processes changed to this server's caches, once a second.
async fn follow_changes(service: std::sync::Arc<auth_return_core::Service>) {
    let mut ticks = tokio::time::interval(FOLLOW_CHANGES_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        ticks.tick().await;
        match service.follow_changes().await {
            Ok(_) if failing => {
                failing = false;
                tracing::info!("following the change feed again");
            }
            Ok(_) => {}
            // Said once per outage rather than every second.
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "reading the change feed failed; retrying every second");
            }
            Err(_) => {}
        }
    }
}

/// Sends what the webhook queue holds: a batch whenever one is due, checking every second
/// (so a delivery leaves within about a second of its event being written).
async fn deliver_webhooks(
    service: std::sync::Arc<auth_return_core::Service>,
    transport: HttpWebhookTransport,
) {
    loop {
        match service.deliver_webhooks(&transport).await {
            Ok(sent) if sent == auth_return_core::webhooks::BATCH as usize => continue,
            Ok(_) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
            Err(e) => {
                tracing::warn!(error = %e, "sending webhooks failed; retrying in 5 s");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
    }
}

/// The URL without its password, for logs.
fn redact_url(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://***{}", &url[at..]),
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::{redact_url, refuse_silent_outbox, remote_http_host};
    use crate::config::GlobalOptions;

    #[test]
    fn plain_http_public_urls_off_loopback_are_spotted() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:8080/",
            "http://app.localhost",
            "http://[::1]:8080",
            "https://auth.example.com",
            "https://192.0.2.1",
        ] {
            assert_eq!(remote_http_host(url), None, "{url}");
        }
        assert_eq!(
            remote_http_host("http://auth.example.com"),
            Some("auth.example.com")
        );
        assert_eq!(remote_http_host("http://0.0.0.0:8080"), Some("0.0.0.0"));
        assert_eq!(
            remote_http_host("http://192.0.2.2:8080/x"),
            Some("192.0.2.2")
        );
        assert_eq!(
            remote_http_host("http://[2001:db8::1]:80"),
            Some("2001:db8::1")
        );
        assert_eq!(
            remote_http_host("http://u:p@evil.example"),
            Some("evil.example")
        );
    }

    #[test]
    fn the_outbox_is_the_default_on_loopback_only() {
        let outcome = |listen: &str, public_url: Option<&str>, outbox: bool| {
            let config = GlobalOptions {
                listen: listen.parse().unwrap(),
                public_url: public_url.map(str::to_owned),
                mail_outbox: outbox,
                ..Default::default()
            }
            .check()
            .unwrap();
            refuse_silent_outbox(&config).map_err(|e| e.to_string())
        };
        for (listen, public_url) in [
            ("127.0.0.1:8080", None),
            ("[::1]:8080", None),
            ("127.0.0.1:8080", Some("http://localhost:8080")),
            ("127.0.0.1:8080", Some("https://auth.localhost")),
            ("127.0.0.1:8080", Some("https://[::1]:8443")),
        ] {
            assert_eq!(
                outcome(listen, public_url, false),
                Ok(()),
                "{listen} {public_url:?}"
            );
        }
        for (listen, public_url, why) in [
            ("0.0.0.0:8080", None, "it listens on 0.0.0.0:8080"),
            ("192.0.2.2:8080", None, "it listens on 192.0.2.2:8080"),
            ("[::]:8080", None, "it listens on [::]:8080"),
            (
                "127.0.0.1:8080",
                Some("https://auth.example.com"),
                "its public URL is on auth.example.com",
            ),
            (
                "127.0.0.1:8080",
                Some("http://192.0.2.2:8080"),
                "its public URL is on 192.0.2.2",
            ),
        ] {
            let message = outcome(listen, public_url, false).unwrap_err();
            assert!(
                message.starts_with("no --smtp-url: mail would be written to "),
                "{message}"
            );
            assert!(message.contains(why), "{message}");
            assert!(message.contains("--mail-outbox"), "{message}");
            // Asked for, it is allowed.
            assert_eq!(
                outcome(listen, public_url, true),
                Ok(()),
                "{listen} {public_url:?}"
            );
        }
        // With SMTP configured the question does not arise.
        let smtp = GlobalOptions {
            listen: "0.0.0.0:8080".parse().unwrap(),
            smtp_url: Some("smtps://mail.example.com".into()),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert!(refuse_silent_outbox(&smtp).is_ok());
    }

    #[test]
    fn database_passwords_never_reach_logs() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/auth"),
            "postgres://***@db:5432/auth"
        );
        assert_eq!(
            redact_url("sqlite://./data/auth-return.db"),
            "sqlite://./data/auth-return.db"
        );
    }
}
