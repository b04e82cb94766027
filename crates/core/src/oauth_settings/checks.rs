//! The rules of [`OAuthSettings`](super::OAuthSettings), one function per member: each adds a
//! problem per bad entry (its first broken rule), so one answer names all of them.

use super::{
    Branding, MAX_CUSTOM_SCOPE_CHARS, MAX_CUSTOM_SCOPES, MAX_DISPLAY_NAME_CHARS, MAX_URL_CHARS,
    MAX_URLS, OAuthSettings, STANDARD_SCOPES,
};
use crate::api_keys::is_scope_char;
use crate::error::SettingProblem;
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// Schemes no redirect may use: they run script or read local data in the browser (`javascript`,
/// `data`, `vbscript`, `blob`, `about`, `file`), or are not web pages at all (`ftp`, `ws`, `wss`).
const REFUSED_SCHEMES: [&str; 9] = [
    "javascript",
    "data",
    "file",
    "vbscript",
    "blob",
    "about",
    "ftp",
    "ws",
    "wss",
];

/// A problem of `member`, named by its path in a change (`oauth.<member>`).
pub(super) fn problem(member: &str, message: impl Into<String>) -> SettingProblem {
    SettingProblem::new(format!("oauth.{member}"), message)
}

/// For each entry of `list`, the index of its first earlier occurrence, if any (linear, so a
/// long list costs no more than reading it).
fn repeats(list: &[String]) -> Vec<Option<usize>> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(list.len());
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let seen = *first.entry(item.as_str()).or_insert(i);
            (seen != i).then_some(seen)
        })
        .collect()
}

/// Checks each entry of a list with `rule`, after the count and repeats: a problem per bad entry
/// at `member[i]`, its message starting with that path.
fn each(
    member: &str,
    list: &[String],
    max: usize,
    rule: impl Fn(&str) -> Result<(), String>,
    out: &mut Vec<SettingProblem>,
) {
    if list.len() > max {
        // Not judged one by one: the answer would be as long as the list.
        out.push(problem(member, format!("{member}: at most {max}")));
        return;
    }
    for (i, (item, repeat)) in list.iter().zip(repeats(list)).enumerate() {
        let verdict = match repeat {
            Some(first) => Err(format!("repeats {member}[{first}]")),
            None => rule(item),
        };
        if let Err(why) = verdict {
            let at = format!("{member}[{i}]");
            out.push(problem(&at, format!("{at} {why}")));
        }
    }
}

/// Callback or logout URLs: at most 100, each unique and a valid redirect target.
pub(super) fn redirect_urls(member: &str, urls: &[String], out: &mut Vec<SettingProblem>) {
    each(member, urls, MAX_URLS, redirect_url, out);
}

/// One redirect target: an absolute URL without fragment or credentials, on `https`, `http` to
/// a loopback host, or a native app's own scheme.
fn redirect_url(raw: &str) -> Result<(), String> {
    let url = absolute_url(raw)?;
    // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment (the implicit
    // grant puts the tokens there).
    if url.fragment().is_some() {
        return Err("must not have a fragment (#…): RFC 6749 §3.1.2".into());
    }
    match url.scheme() {
        "https" => Ok(()),
        // RFC 8252 §7.3: plain http only to the loopback interface, where a native app listens;
        // anywhere else the code or tokens would cross the network in the clear.
        "http" if is_loopback(&url) => Ok(()),
        "http" => {
            Err("must use https; http only on localhost, 127.0.0.1 or [::1] (RFC 8252 §7.3)".into())
        }
        scheme if REFUSED_SCHEMES.contains(&scheme) => {
            Err(format!("must not use the {scheme} scheme"))
        }
        // RFC 8252 §7.1: a native app receives the redirect on a private-use scheme of its own
        // (`com.example.app:/callback`, `myapp://callback`).
        _ => Ok(()),
    }
}

/// A logo URL: `https`, or `http` to a loopback host, without credentials.
fn logo_url(raw: &str) -> Result<(), String> {
    let url = absolute_url(raw)?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        _ => Err("must be an https URL (http only on localhost, 127.0.0.1 or [::1])".into()),
    }
}

/// `raw` parsed as an absolute URL of at most 1,024 characters, written as it is meant.
fn absolute_url(raw: &str) -> Result<Url, String> {
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("must be at most {MAX_URL_CHARS} characters"));
    }
    // Parsing drops surrounding spaces and inner tabs and line breaks; a redirect_uri is later
    // compared with the stored text exactly, so the text must be the URL itself.
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    let url = Url::parse(raw).map_err(|_| "is not an absolute URL".to_owned())?;
    // The parser also reads `https:host` and `https:/host` as `https://host/`: the same reason.
    let web = matches!(url.scheme(), "http" | "https");
    if web
        && !raw
            .get(url.scheme().len()..)
            .is_some_and(|r| r.starts_with("://"))
    {
        return Err(format!("must start with {}://", url.scheme()));
    }
    // Credentials in a URL reach every browser sent there, and `https://app.example@evil.example`
    // misleads whoever reads it about the host.
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    Ok(url)
}

/// `localhost`, `127.0.0.1` or `[::1]`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name == "localhost",
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// The client credentials grant needs a client secret (RFC 6749 §4.4: confidential clients
/// only) and a custom scope: its token has no user, so it carries the custom scopes alone.
pub(super) fn flows(
    settings: &OAuthSettings,
    has_client_secret: bool,
    out: &mut Vec<SettingProblem>,
) {
    if !settings.flows.client_credentials {
        return;
    }
    let mut missing = Vec::new();
    if !has_client_secret {
        missing.push("a client secret (an app created with one)");
    }
    if settings.custom_scopes.is_empty() {
        missing.push("at least one custom scope");
    }
    if !missing.is_empty() {
        out.push(problem(
            "flows.client_credentials",
            format!("flows.client_credentials needs {}", missing.join(" and ")),
        ));
    }
}

/// The scopes users may be granted: each standard or one of the custom scopes, once.
pub(super) fn scopes(settings: &OAuthSettings, out: &mut Vec<SettingProblem>) {
    // More than every standard and custom scope cannot be without repeats.
    let max = STANDARD_SCOPES.len() + MAX_CUSTOM_SCOPES;
    let known = |scope: &str| {
        if STANDARD_SCOPES.contains(&scope) || settings.custom_scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err("is neither a standard scope nor one of custom_scopes".to_owned())
        }
    };
    each("scopes", &settings.scopes, max, known, out);
}

/// The app's own scopes: `identifier/name`, RFC 6749 §3.3 scope-token characters, at most 256
/// characters, none a standard scope, each once, at most 100.
pub(super) fn custom_scopes(custom: &[String], out: &mut Vec<SettingProblem>) {
    let rule = |scope: &str| {
        if STANDARD_SCOPES.contains(&scope) {
            return Err("is a standard scope: custom scopes are identifier/name".to_owned());
        }
        if scope.chars().count() > MAX_CUSTOM_SCOPE_CHARS {
            return Err(format!(
                "must be at most {MAX_CUSTOM_SCOPE_CHARS} characters"
            ));
        }
        if !scope.chars().all(is_scope_char) {
            return Err(
                "may hold only printable ASCII without spaces, quotes or backslashes \
                 (RFC 6749 §3.3)"
                    .to_owned(),
            );
        }
        // The last `/` splits them, so an identifier may be a URL (`https://api.example.com/read`).
        match scope.rsplit_once('/') {
            Some((identifier, name)) if !identifier.is_empty() && !name.is_empty() => Ok(()),
            _ => Err("must be identifier/name, both parts non-empty".to_owned()),
        }
    };
    each("custom_scopes", custom, MAX_CUSTOM_SCOPES, rule, out);
}

/// The display name's length and characters, the logo URL, the colour's form.
pub(super) fn branding(branding: &Branding, out: &mut Vec<SettingProblem>) {
    if let Some(name) = &branding.display_name {
        let fits = (1..=MAX_DISPLAY_NAME_CHARS).contains(&name.chars().count());
        if !fits || name.chars().any(char::is_control) {
            out.push(problem(
                "branding.display_name",
                format!(
                    "branding.display_name must be 1 to {MAX_DISPLAY_NAME_CHARS} characters, \
                     without control characters"
                ),
            ));
        }
    }
    if let Some(Err(why)) = branding.logo_url.as_deref().map(logo_url) {
        out.push(problem(
            "branding.logo_url",
            format!("branding.logo_url {why}"),
        ));
    }
    if let Some(color) = &branding.accent_color {
        let hex = color
            .strip_prefix('#')
            .is_some_and(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
        if !hex {
            out.push(problem(
                "branding.accent_color",
                "branding.accent_color must be #rrggbb (six hexadecimal digits)",
            ));
        }
    }
}
