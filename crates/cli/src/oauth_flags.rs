//! `apps update`'s hosted sign-in and OAuth 2.0 flags (the `oauth` member of the settings), and
//! how `apps show` prints those settings.

use anyhow::bail;
use auth_return_core::oauth_settings::{BrandingPatch, OAuthFlowsPatch, OAuthPatch, OAuthSettings};
use clap::Args;

/// The flow names `--oauth-flows` takes.
const FLOWS: [&str; 3] = ["code", "implicit", "client_credentials"];

/// The flags; each given one replaces its member, the others stay.
#[derive(Args, Debug, Default)]
pub struct OAuthFlags {
    /// Hosted sign-in: a URL users may be sent back to after signing in (repeatable; replaces
    /// the list).
    #[arg(long = "callback-url", value_name = "URL")]
    callback_urls: Vec<String>,
    /// Remove every callback URL.
    #[arg(long, conflicts_with = "callback_urls")]
    no_callback_urls: bool,
    /// A URL users may be sent to after signing out (repeatable; replaces the list).
    #[arg(long = "logout-url", value_name = "URL")]
    logout_urls: Vec<String>,
    /// Remove every logout URL.
    #[arg(long, conflicts_with = "logout_urls")]
    no_logout_urls: bool,
    /// The OAuth flows allowed: a comma list of code, implicit, client_credentials (replaces
    /// them; '' for none).
    #[arg(long, value_name = "FLOWS")]
    oauth_flows: Option<String>,
    /// The scopes users may be granted: a comma list of standard scopes and custom scopes
    /// (replaces the list; '' for none).
    #[arg(long, value_name = "SCOPES")]
    oauth_scopes: Option<String>,
    /// The app's own scopes, resource/name, a comma list (replaces the list; '' for none).
    #[arg(long, value_name = "SCOPES")]
    custom_scopes: Option<String>,
    /// The name the hosted pages show (1–64 characters; '' for the app's name).
    #[arg(long, value_name = "NAME")]
    brand_name: Option<String>,
    /// The logo the hosted pages show, an https URL ('' for none).
    #[arg(long, value_name = "URL")]
    brand_logo: Option<String>,
    /// The hosted pages' accent colour, #rrggbb ('' for the built-in one).
    #[arg(long, value_name = "COLOR")]
    brand_color: Option<String>,
    /// How long a sign-in on the hosted pages lasts, in minutes (5–1440).
    #[arg(long, value_name = "MINUTES")]
    hosted_session_minutes: Option<i64>,
}

impl OAuthFlags {
    /// Writes the given flags into `oauth` (made when absent and a flag is given): they win over
    /// what `--patch` said for the same member.
    pub fn merge_into(self, oauth: &mut Option<OAuthPatch>) -> anyhow::Result<()> {
        let Self {
            callback_urls,
            no_callback_urls,
            logout_urls,
            no_logout_urls,
            oauth_flows,
            oauth_scopes,
            custom_scopes,
            brand_name,
            brand_logo,
            brand_color,
            hosted_session_minutes,
        } = self;
        let callback_urls = replacement(callback_urls, no_callback_urls);
        let logout_urls = replacement(logout_urls, no_logout_urls);
        let flows = oauth_flows.as_deref().map(flows).transpose()?;
        let given = callback_urls.is_some()
            || logout_urls.is_some()
            || flows.is_some()
            || oauth_scopes.is_some()
            || custom_scopes.is_some()
            || brand_name.is_some()
            || brand_logo.is_some()
            || brand_color.is_some()
            || hosted_session_minutes.is_some();
        if !given {
            return Ok(());
        }
        let patch = oauth.get_or_insert_with(OAuthPatch::default);
        patch.callback_urls = callback_urls.or(patch.callback_urls.take());
        patch.logout_urls = logout_urls.or(patch.logout_urls.take());
        patch.flows = flows.or(patch.flows.take());
        patch.scopes = oauth_scopes
            .as_deref()
            .map(comma_list)
            .or(patch.scopes.take());
        patch.custom_scopes = custom_scopes
            .as_deref()
            .map(comma_list)
            .or(patch.custom_scopes.take());
        if brand_name.is_some() || brand_logo.is_some() || brand_color.is_some() {
            let branding = patch.branding.get_or_insert_with(BrandingPatch::default);
            branding.display_name = brand_name.or(branding.display_name.take());
            branding.logo_url = brand_logo.or(branding.logo_url.take());
            branding.accent_color = brand_color.or(branding.accent_color.take());
        }
        patch.session_minutes = hosted_session_minutes.or(patch.session_minutes);
        Ok(())
    }
}

/// A repeatable flag's list, or the empty list its `--no-…` flag asks for; `None`: neither.
fn replacement(list: Vec<String>, clear: bool) -> Option<Vec<String>> {
    if clear {
        Some(Vec::new())
    } else {
        (!list.is_empty()).then_some(list)
    }
}

/// `a, b,c` → `[a, b, c]`; empty items (and so '') drop out.
fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `--oauth-flows`: the named flows on, the others off.
fn flows(text: &str) -> anyhow::Result<OAuthFlowsPatch> {
    let named = comma_list(text);
    if let Some(unknown) = named.iter().find(|f| !FLOWS.contains(&f.as_str())) {
        bail!(
            "--oauth-flows: unknown flow '{unknown}' (known: {})",
            FLOWS.join(", ")
        );
    }
    let on = |flow: &str| Some(named.iter().any(|f| f == flow));
    Ok(OAuthFlowsPatch {
        code: on("code"),
        implicit: on("implicit"),
        client_credentials: on("client_credentials"),
    })
}

/// The hosted sign-in lines of `apps show`, aligned with the others; empty lists and unset
/// branding are left out.
pub fn print(oauth: &OAuthSettings) {
    let line = |label: &str, value: &str| println!("{:<15}{value}", format!("{label}:"));
    if !oauth.callback_urls.is_empty() {
        line("callback_urls", &oauth.callback_urls.join(", "));
    }
    if !oauth.logout_urls.is_empty() {
        line("logout_urls", &oauth.logout_urls.join(", "));
    }
    let flows = &oauth.flows;
    let on: Vec<&str> = [
        ("code", flows.code),
        ("implicit", flows.implicit),
        ("client_credentials", flows.client_credentials),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    line("oauth_flows", &listed(&on));
    line("oauth_scopes", &listed(&oauth.scopes));
    if !oauth.custom_scopes.is_empty() {
        line("custom_scopes", &oauth.custom_scopes.join(", "));
    }
    let branding = &oauth.branding;
    for (label, value) in [
        ("brand_name", &branding.display_name),
        ("brand_logo", &branding.logo_url),
        ("brand_color", &branding.accent_color),
    ] {
        if let Some(value) = value {
            line(label, value);
        }
    }
    line(
        "login_session",
        &format!("{} minutes (hosted pages)", oauth.session_minutes),
    );
}

/// The items joined with commas, or `(none)`.
fn listed(items: &[impl AsRef<str>]) -> String {
    if items.is_empty() {
        return "(none)".to_owned();
    }
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lists_and_flows() {
        assert_eq!(comma_list("a, b,,c "), ["a", "b", "c"]);
        assert!(comma_list("").is_empty());
        let f = flows("implicit,client_credentials").unwrap();
        assert_eq!(
            (f.code, f.implicit, f.client_credentials),
            (Some(false), Some(true), Some(true))
        );
        let none = flows("").unwrap();
        assert_eq!(
            (none.code, none.implicit, none.client_credentials),
            (Some(false), Some(false), Some(false))
        );
        assert!(flows("code,pkce").unwrap_err().to_string().contains("pkce"));
    }

    #[test]
    fn flags_win_over_the_patch_and_absent_ones_add_nothing() {
        let mut oauth = None;
        OAuthFlags::default().merge_into(&mut oauth).unwrap();
        assert!(oauth.is_none(), "no flag, no oauth member");
        let mut oauth: Option<OAuthPatch> = serde_json::from_str(
            r#"{"scopes": ["openid"], "branding": {"display_name": "From patch", "logo_url": ""}}"#,
        )
        .unwrap();
        OAuthFlags {
            brand_name: Some("From flag".into()),
            no_logout_urls: true,
            ..OAuthFlags::default()
        }
        .merge_into(&mut oauth)
        .unwrap();
        let oauth = oauth.unwrap();
        assert_eq!(oauth.scopes.unwrap(), ["openid"]);
        assert_eq!(oauth.logout_urls.unwrap(), Vec::<String>::new());
        assert_eq!(oauth.callback_urls, None);
        let branding = oauth.branding.unwrap();
        assert_eq!(branding.display_name.as_deref(), Some("From flag"));
        assert_eq!(branding.logo_url.as_deref(), Some(""));
    }
}
