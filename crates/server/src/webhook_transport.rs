//! Webhook deliveries, hook calls and identity providers' endpoints over HTTPS: reqwest with
//! rustls, a timeout, no redirects (a 3xx is a failed attempt), and a resolver that keeps to
//! public addresses unless the operator allows private ones — checked at each connection, so a
//! name that later resolves inward is refused then too.

use auth_return_core::webhooks::{
    MAX_ANSWER_BYTES, TIMEOUT_SECS, WebhookRequest, WebhookResponse, WebhookTransport, is_private,
};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Posts deliveries.
#[derive(Clone, Debug)]
pub struct HttpWebhookTransport {
    client: reqwest::Client,
    allow_private: bool,
}

impl HttpWebhookTransport {
    /// A transport that refuses non-public addresses unless `allow_private`.
    pub fn new(allow_private: bool) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(TIMEOUT_SECS))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(PublicResolver { allow_private }))
            .no_proxy()
            .build()?;
        Ok(Self {
            client,
            allow_private,
        })
    }
}

impl HttpWebhookTransport {
    /// Sends `request` (built for `url`) and reads at most [`MAX_ANSWER_BYTES`] of the answer.
    async fn send(
        &self,
        url: &str,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> WebhookResponse {
        // A literal address is not resolved: check it here.
        if let Some(ip) = reqwest::Url::parse(url).ok().and_then(|url| {
            url.host_str()
                .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok())
        }) && !self.allow_private
            && is_private(ip)
        {
            return WebhookResponse::Failed(format!("{ip} is not a public address"));
        }
        let answered = async {
            let mut response = request.timeout(timeout).send().await?;
            let status = response.status().as_u16();
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await? {
                let room = MAX_ANSWER_BYTES - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() == MAX_ANSWER_BYTES {
                    break;
                }
            }
            Ok::<_, reqwest::Error>(WebhookResponse::Answer { status, body })
        };
        match answered.await {
            Ok(answer) => answer,
            Err(e) if e.is_timeout() => {
                WebhookResponse::Failed(format!("no answer within {}", seconds(timeout)))
            }
            Err(e) => WebhookResponse::Failed(describe(&e)),
        }
    }
}

#[async_trait::async_trait]
impl WebhookTransport for HttpWebhookTransport {
    async fn post(&self, request: WebhookRequest) -> WebhookResponse {
        let mut post = self.client.post(&request.url).body(request.body);
        for (name, value) in request.headers {
            post = post.header(name, value);
        }
        self.send(&request.url, post, request.timeout).await
    }

    async fn get(
        &self,
        url: &str,
        headers: Vec<(&'static str, String)>,
        timeout: Duration,
    ) -> WebhookResponse {
        let mut get = self.client.get(url);
        for (name, value) in headers {
            get = get.header(name, value);
        }
        self.send(url, get, timeout).await
    }
}

/// A timeout in words: `15 s`, `0.5 s`.
fn seconds(timeout: Duration) -> String {
    let secs = timeout.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

/// The error's causes on one line (reqwest's own line only repeats the URL).
fn describe(error: &reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    if causes.is_empty() {
        error.to_string()
    } else {
        causes.join(": ")
    }
}

/// Resolves with the system resolver and drops non-public addresses (unless allowed).
#[derive(Debug)]
struct PublicResolver {
    allow_private: bool,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| allow_private || !is_private(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}
