//! SMTP delivery: lettre's async transport over rustls with the aws-lc-rs provider.
//!
//! Configured by a URL — `smtp://[user:password@]host[:port][?tls=required|opportunistic|none]`
//! (STARTTLS, required unless relaxed) or `smtps://[user:password@]host[:port]` (implicit TLS) —
//! plus a from-address and an optional extra CA certificate file.
//!
//! A send runs on the request path, so it is bounded: each attempt gets at most
//! [`ATTEMPT_TIMEOUT`] (lettre's async client bounds only the TCP connect, so the whole attempt
//! is wrapped in a timer), the whole send at most [`TOTAL_TIMEOUT`]. Transient failures
//! (connection errors, 4xx replies) are retried after 250 ms and 1 s; permanent 5xx replies,
//! TLS and client-side errors and timeouts are not.

use async_trait::async_trait;
use auth_return_core::mail::{MailError, MailMessage, Mailer, mask_email};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, PoolConfig};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Longest one delivery attempt may take (connect, TLS, AUTH, the transaction).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest a whole send, retries included, may take.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);
/// Attempts per message.
pub const MAX_ATTEMPTS: usize = 3;
/// Pause before the second and the third attempt.
const BACKOFF: [Duration; 2] = [Duration::from_millis(250), Duration::from_secs(1)];

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// `smtp://`: STARTTLS, refused if the server does not offer it (the default).
    Required,
    /// `smtp://…?tls=opportunistic`: STARTTLS when offered, clear text otherwise.
    Opportunistic,
    /// `smtp://…?tls=none`: clear text; loopback hosts only.
    None,
    /// `smtps://`: TLS from the first byte.
    Implicit,
}

impl TlsMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Opportunistic => "opportunistic",
            Self::None => "none",
            Self::Implicit => "implicit",
        }
    }
}

/// Why an SMTP configuration was refused. Never holds the password.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SmtpConfigError(String);

fn bad(message: impl Into<String>) -> SmtpConfigError {
    SmtpConfigError(message.into())
}

/// Where and how to deliver mail. `Debug` and `Display` never show the password.
#[derive(Clone)]
pub struct SmtpConfig {
    host: String,
    port: u16,
    tls: TlsMode,
    credentials: Option<(String, String)>,
    ca_file: Option<PathBuf>,
    from: Address,
}

impl SmtpConfig {
    /// Parses `url` (see the module documentation) and the from-address.
    pub fn from_url(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        const FORMS: &str = "expected smtp://[user:password@]host[:port][?tls=required|opportunistic|none] or smtps://[user:password@]host[:port]";
        let parsed = url::Url::parse(url.trim())
            .map_err(|e| bad(format!("not a valid URL ({e}); {FORMS}")))?;
        let implicit = match parsed.scheme() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(bad(format!("unsupported scheme {other:?}; {FORMS}"))),
        };
        let host = parsed
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad(format!("no host; {FORMS}")))?
            .to_owned();
        if !matches!(parsed.path(), "" | "/") {
            return Err(bad(format!("unexpected path {:?}; {FORMS}", parsed.path())));
        }
        if parsed.fragment().is_some() {
            return Err(bad(format!("unexpected #fragment; {FORMS}")));
        }
        let mut tls_param = None;
        for (key, value) in parsed.query_pairs() {
            match key.as_ref() {
                "tls" if tls_param.is_none() => tls_param = Some(value.into_owned()),
                "tls" => return Err(bad("the tls parameter is given twice")),
                other => {
                    return Err(bad(format!(
                        "unknown parameter {other:?} (the only one is tls=required|opportunistic|none)"
                    )));
                }
            }
        }
        let tls = match (implicit, tls_param.as_deref()) {
            (true, None) => TlsMode::Implicit,
            (true, Some(_)) => {
                return Err(bad(
                    "smtps:// always uses implicit TLS; the tls parameter is for smtp:// only",
                ));
            }
            (false, None | Some("required")) => TlsMode::Required,
            (false, Some("opportunistic")) => TlsMode::Opportunistic,
            (false, Some("none")) => TlsMode::None,
            (false, Some(other)) => {
                return Err(bad(format!(
                    "tls={other:?} is not one of required, opportunistic, none"
                )));
            }
        };
        if tls == TlsMode::None && !is_loopback(&host) {
            return Err(bad(format!(
                "tls=none would send mail and credentials in clear text; it is only allowed for a loopback host (localhost, 127.0.0.1, ::1), not {host:?}"
            )));
        }
        let port = match parsed.port() {
            Some(0) => return Err(bad("port 0 is not a port")),
            Some(port) => port,
            None if implicit => 465,
            None if tls == TlsMode::None => 25,
            None => 587,
        };
        let decode = |s: &str, what: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| {
                    bad(format!(
                        "the {what} is not valid UTF-8 once percent-decoded"
                    ))
                })
        };
        let credentials = match (parsed.username(), parsed.password()) {
            ("", None) => None,
            ("", Some(_)) => return Err(bad("a password without a user name")),
            (_, None) => {
                return Err(bad(
                    "a user name without a password (write smtp://user:password@host)",
                ));
            }
            (user, Some(password)) => {
                Some((decode(user, "user name")?, decode(password, "password")?))
            }
        };
        let from = from
            .trim()
            .parse::<Address>()
            .map_err(|e| bad(format!("the from-address {from:?} is not an address ({e})")))?;
        Ok(Self {
            host,
            port,
            tls,
            credentials,
            ca_file: None,
            from,
        })
    }

    /// Also trusts the CA certificate(s) in this PEM file (for a private CA).
    #[must_use]
    pub fn with_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// The server's host name or address (no brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// How the connection is protected.
    pub fn tls(&self) -> TlsMode {
        self.tls
    }

    /// The AUTH user name, if any.
    pub fn user(&self) -> Option<&str> {
        self.credentials.as_ref().map(|(user, _)| user.as_str())
    }

    /// The AUTH password, if any (for tests; never log it).
    pub fn password(&self) -> Option<&str> {
        self.credentials
            .as_ref()
            .map(|(_, password)| password.as_str())
    }

    /// The extra CA file, if any.
    pub fn ca_file(&self) -> Option<&Path> {
        self.ca_file.as_deref()
    }

    /// The envelope and header sender address.
    pub fn from_address(&self) -> &Address {
        &self.from
    }

    /// `host:port`, bracketed for IPv6: how errors and logs name the server.
    fn target(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The URL without its credentials: `smtp://***@mail.example.com:587?tls=required`.
impl fmt::Display for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls == TlsMode::Implicit {
            "smtps"
        } else {
            "smtp"
        };
        let userinfo = if self.credentials.is_some() {
            "***@"
        } else {
            ""
        };
        write!(f, "{scheme}://{userinfo}{}", self.target())?;
        if self.tls != TlsMode::Implicit {
            write!(f, "?tls={}", self.tls.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user())
            .field("password", &self.credentials.as_ref().map(|_| "***"))
            .field("ca_file", &self.ca_file)
            .field("from", &self.from)
            .finish()
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.eq_ignore_ascii_case("localhost.")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The default from-address: `no-reply@<host of the public URL>`.
pub fn default_from_address(public_url: &str) -> String {
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned());
    format!("no-reply@{host}")
}

/// Timing of attempts; fixed in production, shortened by tests.
#[derive(Clone, Copy, Debug)]
struct Timing {
    attempt: Duration,
    total: Duration,
    backoff: [Duration; 2],
}

const TIMING: Timing = Timing {
    attempt: ATTEMPT_TIMEOUT,
    total: TOTAL_TIMEOUT,
    backoff: BACKOFF,
};

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Delivers mail to an SMTP server. Connections come from lettre's pool (up to 10 at once, kept
/// idle for a minute), so concurrent sends do not wait on one another.
pub struct SmtpMailer {
    builder: AsyncSmtpTransportBuilder,
    // Locked only to clone or swap the `Arc`, never across an await.
    transport: Mutex<Arc<Transport>>,
    from: Address,
    target: String,
    timing: Timing,
}

impl SmtpMailer {
    /// A mailer for `config`; reads the CA file now. Call within a tokio runtime (the pool
    /// starts a housekeeping task). Connects only when a message is sent.
    pub fn new(config: &SmtpConfig) -> Result<Self, SmtpConfigError> {
        let tls = match config.tls {
            TlsMode::None => Tls::None,
            TlsMode::Required => Tls::Required(tls_parameters(config)?),
            TlsMode::Opportunistic => Tls::Opportunistic(tls_parameters(config)?),
            TlsMode::Implicit => Tls::Wrapper(tls_parameters(config)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(ATTEMPT_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(10));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let transport = Arc::new(builder.clone().build());
        Ok(Self {
            builder,
            transport: Mutex::new(transport),
            from: config.from.clone(),
            target: config.target(),
            timing: TIMING,
        })
    }

    #[cfg(test)]
    fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    fn current(&self) -> Arc<Transport> {
        Arc::clone(
            &self
                .transport
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// After a timed-out attempt its connection may be mid-transaction: rather than let the
    /// pool reuse it, start a fresh pool and close the old one in the background.
    fn replace(&self, stale: &Arc<Transport>) {
        let mut current = self
            .transport
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if Arc::ptr_eq(&current, stale) {
            *current = Arc::new(self.builder.clone().build());
            let old = Arc::clone(stale);
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), old.shutdown()).await;
            });
        }
    }

    /// The message as it goes on the wire.
    fn compose(&self, message: &MailMessage) -> Result<Message, MailError> {
        let to = message
            .to
            .trim()
            .parse::<Address>()
            .map_err(|e| MailError(format!("invalid recipient address ({e})")))?;
        // The sender's display name ("<app> via <operator>", made by the domain); lettre quotes
        // or RFC 2047-encodes it. Control characters are dropped here again: a header never
        // carries a line break, whoever built the message.
        let name: String = message
            .from_name
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let name = name.trim();
        let from = Mailbox::new(
            (!name.is_empty()).then(|| name.to_owned()),
            self.from.clone(),
        );
        let subject: String = message
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Message::builder()
            .from(from)
            .to(Mailbox::new(None, to))
            .subject(subject)
            .date_now()
            .message_id(Some(format!(
                "<{}@{}>",
                uuid::Uuid::new_v4().simple(),
                self.from.domain()
            )))
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| MailError(format!("cannot compose the message ({e})")))
    }
}

fn tls_parameters(config: &SmtpConfig) -> Result<TlsParameters, SmtpConfigError> {
    let mut builder = TlsParameters::builder(config.host.clone())
        .certificate_store(CertificateStore::WebpkiRoots);
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| bad(format!("reading the CA file {}: {e}", path.display())))?;
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(bad(format!(
                "the CA file {} holds no PEM certificate",
                path.display()
            )));
        }
        let certificate = Certificate::from_pem(&pem)
            .map_err(|e| bad(format!("the CA file {}: {e}", path.display())))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map_err(|e| bad(format!("TLS settings: {e}")))
}

/// Worth another attempt: connection trouble and 4xx replies; not 5xx rejections, TLS failures
/// (certificates do not fix themselves) or client-side errors.
fn is_transient(error: &lettre::transport::smtp::Error) -> bool {
    !(error.is_permanent() || error.is_tls() || error.is_client())
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        let email = self.compose(message)?;
        let raw = email.formatted();
        let envelope = email.envelope();
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let budget = self
                .timing
                .total
                .saturating_sub(started.elapsed())
                .min(self.timing.attempt);
            let transport = self.current();
            let (error, retry) =
                match tokio::time::timeout(budget, transport.send_raw(envelope, &raw)).await {
                    Ok(Ok(_)) => {
                        tracing::info!(
                            app_id = %message.app_id,
                            to = %mask_email(&message.to),
                            smtp = %self.target,
                            attempts = attempt,
                            "mail sent"
                        );
                        return Ok(());
                    }
                    Ok(Err(e)) => (e.to_string(), is_transient(&e)),
                    Err(_) => {
                        self.replace(&transport);
                        (format!("no answer within {} ms", budget.as_millis()), false)
                    }
                };
            let error = format!("SMTP {}: {error}", self.target);
            let pause = self.timing.backoff.get(attempt - 1).copied();
            let time_left = self.timing.total.saturating_sub(started.elapsed());
            match pause {
                Some(pause) if retry && attempt < MAX_ATTEMPTS && time_left > pause => {
                    tracing::warn!(
                        app_id = %message.app_id,
                        to = %mask_email(&message.to),
                        attempt,
                        error = %error,
                        "mail attempt failed; retrying"
                    );
                    tokio::time::sleep(pause).await;
                }
                _ => return Err(MailError(format!("{error} (after {attempt} attempt(s))"))),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
