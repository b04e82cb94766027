//! Built-in HTTPS: rustls with the aws-lc-rs provider (TLS 1.2 and 1.3, ALPN `h2` and
//! `http/1.1`) served by axum-server, and the certificate read again on SIGHUP so that a renewed
//! one (Let's Encrypt) takes over without a restart. Open connections keep the session they
//! have; new handshakes get the new certificate. Nothing here ever logs key material.

use crate::config::TlsFiles;
use anyhow::{Context, anyhow};
use axum::Router;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use rustls::ServerConfig;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// The ALPN protocols offered, preferred first (RFC 7301).
const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// Reads and checks the certificate chain and key: readable files, at least one certificate,
/// exactly one private key, and the key belonging to the leaf certificate.
pub fn load(files: &TlsFiles) -> anyhow::Result<Arc<ServerConfig>> {
    let chain = certificates(&files.cert)?;
    let key = private_key(&files.key)?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        // TLS 1.3 and 1.2; nothing older exists in rustls.
        .with_safe_default_protocol_versions()
        .context("setting up TLS")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => anyhow!(
                "the private key in {} does not belong to the certificate in {}",
                files.key.display(),
                files.cert.display()
            ),
            // rustls errors name the problem, never the key's bytes.
            other => anyhow!(
                "cannot use the certificate {} with the key {}: {other}",
                files.cert.display(),
                files.key.display()
            ),
        })?;
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(config))
}

fn read(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read the TLS {what} {}", path.display()))
}

fn certificates(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_slice_iter(&read(path, "certificate")?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            anyhow!(
                "{} is not a valid PEM certificate chain: {e}",
                path.display()
            )
        })?;
    if chain.is_empty() {
        anyhow::bail!(
            "no certificate in {}: expected PEM \"-----BEGIN CERTIFICATE-----\" blocks, leaf first",
            path.display()
        );
    }
    Ok(chain)
}

fn private_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    let pem = read(path, "private key")?;
    // The parser's own messages may quote lines of the file: say only what kind of problem it is.
    match PrivateKeyDer::from_pem_slice(&pem) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) => Err(anyhow!(
            "no private key in {}: expected a PEM \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \
             \"EC PRIVATE KEY\" block (encrypted keys are not supported)",
            path.display()
        )),
        Err(_) => Err(anyhow!(
            "{} is not a valid PEM private key file",
            path.display()
        )),
    }
}

/// Serves `app` over TLS on `listener` until `shutdown` completes and in-flight requests have
/// finished, reloading the certificate from `files` on every SIGHUP meanwhile.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    config: Arc<ServerConfig>,
    files: TlsFiles,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let rustls = RustlsConfig::from_config(config);
    let reloader = tokio::spawn(reload_on_hangup(rustls.clone(), files));
    let handle = Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        // No deadline: like axum::serve, wait for every in-flight request.
        stopper.graceful_shutdown(None);
    });
    let served = axum_server::from_tcp_rustls(listener.into_std()?, rustls)?
        .handle(handle)
        .accept_error_handler(|peer: Option<&SocketAddr>, e: &std::io::Error| {
            // Failed handshakes (plain HTTP on this port, scanners, expired client clocks).
            tracing::debug!(peer = ?peer, error = %e, "TLS connection not accepted");
        })
        .serve(app)
        .await;
    reloader.abort();
    served.context("serving HTTPS")
}

/// Re-reads the certificate and key on each SIGHUP; a bad pair is logged and the current one
/// stays in use.
async fn reload_on_hangup(rustls: RustlsConfig, files: TlsFiles) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGHUP: no certificate reloads");
                return;
            }
        };
        while hangups.recv().await.is_some() {
            let reading = files.clone();
            match tokio::task::spawn_blocking(move || load(&reading)).await {
                Ok(Ok(config)) => {
                    rustls.reload_from_config(config);
                    tracing::info!(
                        cert = %files.cert.display(),
                        "SIGHUP: TLS certificate reloaded"
                    );
                }
                Ok(Err(e)) => tracing::error!(
                    error = format!("{e:#}"),
                    "SIGHUP: TLS certificate not reloaded, the current one stays in use"
                ),
                Err(e) => tracing::error!(error = %e, "SIGHUP: TLS certificate reload failed"),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (rustls, files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn pair(names: &[&str]) -> (String, String) {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let cert = rcgen::generate_simple_self_signed(names).unwrap();
        (cert.cert.pem(), cert.signing_key.serialize_pem())
    }

    fn files(cert: std::path::PathBuf, key: std::path::PathBuf) -> TlsFiles {
        TlsFiles { cert, key }
    }

    #[test]
    fn a_matching_pair_loads_with_h2_and_http1() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = pair(&["localhost"]);
        let config = load(&files(
            write(dir.path(), "cert.pem", &cert),
            write(dir.path(), "key.pem", &key),
        ))
        .unwrap();
        assert_eq!(
            config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn startup_errors_say_what_is_wrong_without_key_material() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = pair(&["localhost"]);
        let (_, other_key) = pair(&["localhost"]);
        let cert_file = write(dir.path(), "cert.pem", &cert);
        let key_file = write(dir.path(), "key.pem", &key);
        let error = |f: TlsFiles| format!("{:#}", load(&f).unwrap_err());

        let missing = error(files(dir.path().join("nope.pem"), key_file.clone()));
        assert!(
            missing.contains("cannot read the TLS certificate") && missing.contains("nope.pem"),
            "{missing}"
        );
        let missing = error(files(cert_file.clone(), dir.path().join("nokey.pem")));
        assert!(
            missing.contains("cannot read the TLS private key"),
            "{missing}"
        );

        let key_as_cert = error(files(key_file.clone(), key_file.clone()));
        assert!(
            key_as_cert.starts_with("no certificate in"),
            "{key_as_cert}"
        );
        let cert_as_key = error(files(cert_file.clone(), cert_file.clone()));
        assert!(
            cert_as_key.starts_with("no private key in"),
            "{cert_as_key}"
        );

        let mismatch = error(files(
            cert_file.clone(),
            write(dir.path(), "other.pem", &other_key),
        ));
        assert!(
            mismatch.contains("does not belong to the certificate"),
            "{mismatch}"
        );
        assert!(!mismatch.contains("PRIVATE KEY-----"), "{mismatch}");

        // A damaged key file: the message names the file, not its lines.
        let body: String = other_key.lines().nth(1).unwrap().to_owned();
        let damaged = other_key.replace("-----END PRIVATE KEY-----", "");
        let broken = error(files(cert_file, write(dir.path(), "broken.pem", &damaged)));
        assert!(broken.contains("broken.pem"), "{broken}");
        assert!(!broken.contains(&body[..20]), "{broken}");
    }
}
