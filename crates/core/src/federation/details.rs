//! `ProviderDetails` by provider type: which members each type takes and needs, the endpoints
//! the presets fill in, and the secret members kept apart (sealed, never answered).

use super::ProviderType;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// Details whose values are secrets: sealed at rest and never answered by a description.
pub const SECRET_DETAILS: [&str; 2] = ["client_secret", "private_key"];

/// The longest value of a detail (a PEM key with room to spare).
const MAX_VALUE_CHARS: usize = 4096;

/// Details that name an endpoint: `https://`, or `http://` on a loopback host (a provider run
/// on the developer's machine).
const URL_DETAILS: [&str; 6] = [
    "oidc_issuer",
    "authorize_url",
    "token_url",
    "attributes_url",
    "jwks_uri",
    "emails_url",
];

/// Details a description shows that Cognito fills in, taken back on an update and replaced
/// by the preset (so a description's details can be sent back as they are).
const FILLED_DETAILS: [&str; 3] = [
    "attributes_url_add_attributes",
    "token_request_method",
    "attributes_request_method",
];

/// Which members a type takes: those it needs, those it may have.
fn members(provider_type: ProviderType) -> (&'static [&'static str], &'static [&'static str]) {
    match provider_type {
        ProviderType::Oidc => (
            &["client_id", "authorize_scopes", "oidc_issuer"],
            &[
                "client_secret",
                "attributes_request_method",
                "authorize_url",
                "token_url",
                "attributes_url",
                "jwks_uri",
            ],
        ),
        ProviderType::Google => (
            &["client_id", "client_secret", "authorize_scopes"],
            &[
                "oidc_issuer",
                "authorize_url",
                "token_url",
                "attributes_url",
                "jwks_uri",
            ],
        ),
        ProviderType::SignInWithApple => (
            &["client_id", "team_id", "key_id", "private_key"],
            &[
                "authorize_scopes",
                "oidc_issuer",
                "authorize_url",
                "token_url",
                "jwks_uri",
            ],
        ),
        ProviderType::OAuth2 => (
            &["client_id", "authorize_url", "token_url", "attributes_url"],
            &[
                "client_secret",
                "authorize_scopes",
                "subject_claim",
                "emails_url",
            ],
        ),
        ProviderType::GitHub => (
            &["client_id", "client_secret"],
            &[
                "authorize_scopes",
                "authorize_url",
                "token_url",
                "attributes_url",
                "emails_url",
                "subject_claim",
            ],
        ),
    }
}

/// The endpoints a preset type always has.
fn preset(provider_type: ProviderType) -> &'static [(&'static str, &'static str)] {
    match provider_type {
        ProviderType::Oidc => &[],
        ProviderType::Google => &[
            ("oidc_issuer", "https://accounts.google.com"),
            (
                "authorize_url",
                "https://accounts.google.com/o/oauth2/v2/auth",
            ),
            ("token_url", "https://oauth2.googleapis.com/token"),
            (
                "attributes_url",
                "https://openidconnect.googleapis.com/v1/userinfo",
            ),
            ("jwks_uri", "https://www.googleapis.com/oauth2/v3/certs"),
        ],
        ProviderType::SignInWithApple => &[
            ("oidc_issuer", "https://appleid.apple.com"),
            ("authorize_url", "https://appleid.apple.com/auth/authorize"),
            ("token_url", "https://appleid.apple.com/auth/token"),
            ("jwks_uri", "https://appleid.apple.com/auth/keys"),
        ],
        ProviderType::OAuth2 => &[],
        ProviderType::GitHub => &[
            ("authorize_url", "https://github.com/login/oauth/authorize"),
            ("token_url", "https://github.com/login/oauth/access_token"),
            ("attributes_url", "https://api.github.com/user"),
            ("emails_url", "https://api.github.com/user/emails"),
            ("subject_claim", "id"),
        ],
    }
}

/// A provider's details, checked for its type: the public ones (presets filled in) and the
/// secret ones apart. No `Debug`: `secrets` are in clear.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProviderDetails {
    /// Shown by a description.
    pub public: BTreeMap<String, String>,
    /// [`SECRET_DETAILS`] given: sealed at rest, never shown.
    pub secrets: BTreeMap<String, String>,
}

impl ProviderDetails {
    /// Checks `given` for a provider of `provider_type`: no member it does not take, every one
    /// it needs, URLs that are URLs, OIDC's `openid` scope, a readable Apple key.
    pub fn check(provider_type: ProviderType, given: BTreeMap<String, String>) -> Result<Self> {
        let (needed, optional) = members(provider_type);
        let mut details = Self::default();
        for (name, value) in given {
            if FILLED_DETAILS.contains(&name.as_str())
                && !(provider_type == ProviderType::Oidc && name == "attributes_request_method")
            {
                continue;
            }
            if !needed.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
                return Err(Error::InvalidParameter(format!(
                    "ProviderDetails has {name}, which a provider of type {} does not take (it takes {}).",
                    provider_type.as_str(),
                    needed
                        .iter()
                        .chain(optional)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            check_value(&name, &value)?;
            if SECRET_DETAILS.contains(&name.as_str()) {
                details.secrets.insert(name, value);
            } else {
                details.public.insert(name, value);
            }
        }
        for (name, value) in preset(provider_type) {
            details.public.insert((*name).into(), (*value).into());
        }
        if let Some(missing) = needed.iter().find(|name| {
            !details.public.contains_key(**name) && !details.secrets.contains_key(**name)
        }) {
            return Err(Error::InvalidParameter(format!(
                "ProviderDetails needs {missing} for a provider of type {}.",
                provider_type.as_str()
            )));
        }
        details.check_together(provider_type)?;
        Ok(details)
    }

    /// What no single member shows: the scopes a type needs and the Apple key.
    fn check_together(&self, provider_type: ProviderType) -> Result<()> {
        let scopes = self.public.get("authorize_scopes").map(String::as_str);
        let needs_openid = matches!(provider_type, ProviderType::Oidc | ProviderType::Google);
        if needs_openid && !scopes.is_some_and(|s| s.split(' ').any(|scope| scope == "openid")) {
            return Err(Error::InvalidParameter(
                "ProviderDetails authorize_scopes must include openid.".into(),
            ));
        }
        if let Some(method) = self.public.get("attributes_request_method")
            && method != "GET"
            && method != "POST"
        {
            return Err(Error::InvalidParameter(
                "ProviderDetails attributes_request_method must be GET or POST.".into(),
            ));
        }
        if let Some(key) = self.secrets.get("private_key")
            && auth_return_crypto::jws::Es256SigningKey::from_pkcs8_pem(key).is_err()
        {
            return Err(Error::InvalidParameter(
                "ProviderDetails private_key must be the .p8 key Apple gave (a P-256 PKCS#8 PEM block).".into(),
            ));
        }
        Ok(())
    }
}

/// One member's value: not empty, not too long, no control characters but a PEM's line
/// breaks; an endpoint a URL this service may call.
fn check_value(name: &str, value: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::InvalidParameter(format!(
            "ProviderDetails {name} {why}."
        )))
    };
    if value.trim().is_empty() {
        return bad("must not be empty");
    }
    if value.chars().count() > MAX_VALUE_CHARS {
        return bad(&format!("must be at most {MAX_VALUE_CHARS} characters"));
    }
    let line_breaks_allowed = name == "private_key";
    if value
        .chars()
        .any(|c| c.is_control() && !(line_breaks_allowed && (c == '\n' || c == '\r')))
    {
        return bad("must not hold control characters");
    }
    if URL_DETAILS.contains(&name) && !is_callable_url(value, name == "oidc_issuer") {
        return bad(
            "must be an https URL (http only on a loopback address), without a fragment (and an issuer without a query)",
        );
    }
    Ok(())
}

/// `https://…`, or `http://` on 127.0.0.1, [::1] or localhost; no fragment; no query for an
/// issuer (OpenID Connect Discovery 1.0 §4: the issuer is a base URL).
fn is_callable_url(text: &str, issuer: bool) -> bool {
    let Ok(url) = url::Url::parse(text) else {
        return false;
    };
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    scheme_ok
        && url.host().is_some()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && !(issuer && url.query().is_some())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn refused(provider_type: ProviderType, pairs: &[(&str, &str)]) -> String {
        match ProviderDetails::check(provider_type, map(pairs)) {
            Err(Error::InvalidParameter(message)) => message,
            Err(other) => panic!("{pairs:?} was refused otherwise: {other:?}"),
            Ok(_) => panic!("{pairs:?} was not refused"),
        }
    }

    const OIDC: [(&str, &str); 4] = [
        ("client_id", "app"),
        ("client_secret", "s3cret"),
        ("authorize_scopes", "openid email"),
        ("oidc_issuer", "https://id.example.com"),
    ];

    #[test]
    fn an_oidc_provider_keeps_its_secret_apart() {
        let details = ProviderDetails::check(ProviderType::Oidc, map(&OIDC)).unwrap();
        assert_eq!(details.secrets, map(&[("client_secret", "s3cret")]));
        assert_eq!(
            details.public,
            map(&[
                ("client_id", "app"),
                ("authorize_scopes", "openid email"),
                ("oidc_issuer", "https://id.example.com"),
            ])
        );
        let loopback = [
            ("client_id", "app"),
            ("authorize_scopes", "openid"),
            ("oidc_issuer", "http://127.0.0.1:3000"),
        ];
        assert!(ProviderDetails::check(ProviderType::Oidc, map(&loopback)).is_ok());
    }

    #[test]
    fn presets_fill_their_endpoints_over_what_is_given() {
        let google = ProviderDetails::check(
            ProviderType::Google,
            map(&[
                ("client_id", "g"),
                ("client_secret", "x"),
                ("authorize_scopes", "openid email profile"),
                ("token_url", "https://evil.example.com/token"),
                ("attributes_url_add_attributes", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(
            google.public["token_url"],
            "https://oauth2.googleapis.com/token"
        );
        assert_eq!(google.public["oidc_issuer"], "https://accounts.google.com");
        assert!(!google.public.contains_key("attributes_url_add_attributes"));
    }

    #[test]
    fn plain_oauth2_needs_its_endpoints_and_github_has_them() {
        let github = ProviderDetails::check(
            ProviderType::GitHub,
            map(&[("client_id", "Iv1.abc"), ("client_secret", "gh")]),
        )
        .unwrap();
        assert_eq!(
            github.public["attributes_url"],
            "https://api.github.com/user"
        );
        assert_eq!(github.public["subject_claim"], "id");
        let plain = [
            ("client_id", "app"),
            ("authorize_url", "https://sso.example.com/authorize"),
            ("token_url", "https://sso.example.com/token"),
            ("attributes_url", "https://sso.example.com/me"),
            ("subject_claim", "user_id"),
        ];
        assert!(ProviderDetails::check(ProviderType::OAuth2, map(&plain)).is_ok());
        assert!(refused(ProviderType::OAuth2, &plain[..3]).contains("needs attributes_url"));
        assert!(refused(ProviderType::OAuth2, &OIDC).contains("does not take"));
    }

    #[test]
    fn bad_details_are_refused_by_name() {
        let without_issuer = &OIDC[..3];
        assert!(refused(ProviderType::Oidc, without_issuer).contains("needs oidc_issuer"));
        let mut unknown = OIDC.to_vec();
        unknown.push(("team_id", "T"));
        assert!(refused(ProviderType::Oidc, &unknown).contains("does not take"));
        for (issuer, why) in [
            ("http://id.example.com", "http off loopback"),
            ("https://id.example.com/?tenant=1", "a query"),
            ("https://id.example.com/#x", "a fragment"),
            ("not a url", "not a URL"),
            ("https://user:pw@id.example.com", "credentials"),
        ] {
            let mut bad = OIDC.to_vec();
            bad[3] = ("oidc_issuer", issuer);
            assert!(
                refused(ProviderType::Oidc, &bad).contains("https URL"),
                "{why}"
            );
        }
        let mut no_openid = OIDC.to_vec();
        no_openid[2] = ("authorize_scopes", "email profile");
        assert!(refused(ProviderType::Oidc, &no_openid).contains("openid"));
        let mut empty = OIDC.to_vec();
        empty[0] = ("client_id", " ");
        assert!(refused(ProviderType::Oidc, &empty).contains("empty"));
        let long = "x".repeat(4097);
        let mut too_long = OIDC.to_vec();
        too_long[0] = ("client_id", &long);
        assert!(refused(ProviderType::Oidc, &too_long).contains("at most 4096"));
        let mut control = OIDC.to_vec();
        control[0] = ("client_id", "a\nb");
        assert!(refused(ProviderType::Oidc, &control).contains("control"));
        let apple = [
            ("client_id", "com.example.web"),
            ("team_id", "TEAM123456"),
            ("key_id", "KEY1234567"),
            (
                "private_key",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            ),
        ];
        assert!(refused(ProviderType::SignInWithApple, &apple).contains(".p8 key"));
        assert!(refused(ProviderType::Google, &OIDC[..1]).contains("needs client_secret"));
    }
}
