//! `--mode code-flow`: one complete redirect sign-in per operation, as a browser and a relying
//! party make it: the authorization request (sent to the hosted page), the page and its CSRF
//! cookie, the page's SRP calls to `POST /login`, the authorization request again (the code),
//! and the code exchange at `/oauth2/token` with the PKCE verifier.

use anyhow::{Context, bail};
use auth_return_crypto::srp;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

/// The callback URL `bench/run.sh` registers for the benchmark app.
pub const CALLBACK: &str = "http://127.0.0.1:9/callback";
/// A PKCE verifier and its S256 challenge (RFC 7636 Appendix B).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// What a browser keeps: the cookies of one sign-in.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn keep(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let Some((name, value)) = value
                .to_str()
                .ok()
                .and_then(|v| v.split(';').next())
                .and_then(|pair| pair.split_once('='))
            else {
                continue;
            };
            self.0.retain(|(n, _)| n != name);
            self.0.push((name.to_owned(), value.to_owned()));
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One complete code-flow sign-in of `email`; the token response.
pub async fn sign_in(
    http: &reqwest::Client,
    url: &str,
    client_id: &str,
    pool_name: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<Value> {
    let mut jar = Jar::default();
    let query = format!(
        "response_type=code&client_id={client_id}&redirect_uri={}&state=s&scope=openid%20email\
         &code_challenge={CHALLENGE}&code_challenge_method=S256&nonce=n",
        CALLBACK.replace(':', "%3A").replace('/', "%2F")
    );
    let authorize = format!("{url}/oauth2/authorize?{query}");
    let first = http.get(&authorize).send().await?;
    let login = location(&first)?;
    if !login.starts_with("/login?") {
        bail!("authorize did not send a stranger to the page: {login}");
    }
    let page = http.get(format!("{url}{login}")).send().await?;
    jar.keep(&page);
    page.error_for_status()?;
    let csrf = jar.get("ar_csrf").context("no CSRF cookie")?.to_owned();
    let eph = srp::client_ephemeral_with_a(&auth_return_crypto::random::bytes::<32>());
    let challenge = login_call(
        http,
        url,
        &mut jar,
        &csrf,
        "InitiateAuth",
        json!({
        "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
        "AuthParameters": {"USERNAME": email, "SRP_A": eph.srp_a_hex}}),
    )
    .await?;
    let responses = crate::password_claim(pool_name, &challenge, &eph, password)?;
    let signed_in = login_call(
        http,
        url,
        &mut jar,
        &csrf,
        "RespondToAuthChallenge",
        json!({
        "ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id,
        "ChallengeResponses": responses}),
    )
    .await?;
    if signed_in["SignedIn"] != true {
        bail!("hosted sign-in: {signed_in}");
    }
    let second = http
        .get(&authorize)
        .header(COOKIE, jar.header())
        .send()
        .await?;
    let back = location(&second)?;
    let code = url::Url::parse(&back)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .with_context(|| format!("no code in {back}"))?;
    let response = http
        .post(format!("{url}/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await?;
    if !status.is_success() {
        bail!("token: {status} {body}");
    }
    Ok(body)
}

fn location(response: &reqwest::Response) -> anyhow::Result<String> {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .with_context(|| format!("no redirect ({})", response.status()))
}

async fn login_call(
    http: &reqwest::Client,
    url: &str,
    jar: &mut Jar,
    csrf: &str,
    op: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let response = http
        .post(format!("{url}/login"))
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            format!("AWSCognitoIdentityProviderService.{op}"),
        )
        .header("x-csrf-token", csrf)
        .header(COOKIE, jar.header())
        .body(body.to_string())
        .send()
        .await?;
    jar.keep(&response);
    let status = response.status();
    let body: Value = response.json().await?;
    if !status.is_success() {
        bail!("{op}: {status} {body}");
    }
    Ok(body)
}
