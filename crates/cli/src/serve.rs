//! `auth-return serve`: the HTTP service, with graceful shutdown on SIGTERM and SIGINT.

use crate::config::Config;
use anyhow::Context;
use auth_return_server::{AppState, router};

/// Runs until a shutdown signal arrives and in-flight requests finish.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    // Build the SRP tables now rather than on the first sign-in.
    tokio::task::spawn_blocking(auth_return_crypto::srp::warm_up).await?;
    let console = service.app_config(auth_return_core::AppId::CONSOLE).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("binding {}", config.listen))?;
    let local = listener.local_addr()?;
    tracing::info!(
        listen = %local,
        public_url = %config.public_url,
        database = %redact_url(&config.database_url),
        mail = %config.mail,
        console_client_id = %console.client_id,
        "auth-return listening"
    );
    let chores = tokio::spawn(housekeeping(service.clone(), config.key_rotation_days));
    let app = router(AppState::new(service))
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    chores.abort();
    tracing::info!("auth-return stopped");
    Ok(())
}

/// How often expired sessions, codes and revocations are deleted and keys maintained.
const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Once an hour (several instances may all do it: every step is idempotent): deletes expired
/// rows, withdraws signing keys whose tokens have all expired, and rotates keys that are older
/// than the configured age.
async fn housekeeping(service: std::sync::Arc<auth_return_core::Service>, key_rotation_days: u32) {
    let max_key_age = (key_rotation_days > 0).then(|| i64::from(key_rotation_days) * 86_400);
    let mut ticks = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        ticks.tick().await;
        match service.prune_expired().await {
            Ok(0) => {}
            Ok(rows) => tracing::info!(rows, "pruned expired sessions, codes and revocations"),
            Err(e) => tracing::warn!(error = %e, "pruning failed"),
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
    use super::redact_url;

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
