//! `GET /console`: the developer console's shell. Everything in it is drawn by `console.js`
//! (`web/console/`), which signs the developer in with the sign-in component on the built-in
//! `console` app and then works with the public REST API and the Cognito admin operations.

use super::{document, page_response};
use crate::router::AppState;
use auth_return_core::provider::ProviderKind;
use axum::extract::State;
use axum::response::Response;

/// The attributes telling `console.js` where apps' pools may live here: `data-providers` (the
/// kinds, space-separated, the built-in one first) and `data-default-provider` (the one a
/// registration gets when it names none). The console offers a choice only when there are two.
fn provider_attributes(available: &[ProviderKind], default: ProviderKind) -> String {
    let kinds: Vec<&str> = available.iter().map(|kind| kind.as_str()).collect();
    format!(
        r#"data-providers="{}" data-default-provider="{}""#,
        kinds.join(" "),
        default.as_str()
    )
}

/// `GET /console`: the shell page (routes live after `#`, e.g. `/console#/apps/app_x/users`).
pub async fn page(State(state): State<AppState>) -> Response {
    let assets = &state.assets;
    // The component sends the console *access* token: the REST API and the admin operations
    // take that one.
    let head = format!(
        r#"<link rel="stylesheet" href="{style}">
<script src="{component}" data-app-id="console" data-fetch-token="access"></script>
<script src="{header}"></script>
<script src="{console}" defer></script>"#,
        style = assets.console_style.path(),
        component = assets.component.path(),
        header = assets.header.path(),
        console = assets.console_script.path(),
    );
    let providers = provider_attributes(
        &state.service.available_providers(),
        state.service.default_provider(),
    );
    let body = format!(
        r##"<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
<a class="brand" href="/console#/">Auth Return <span>console</span></a>
<nav class="topnav" aria-label="Site"><a href="/docs">Guide</a></nav>
<auth-header></auth-header>
</header>
<main id="main" tabindex="-1" {providers}><p class="loading" role="status">Loading the console…</p></main>
<div id="toast" class="toast" role="status" aria-live="polite"></div>
<noscript><p class="noscript">The console needs JavaScript.</p></noscript>"##
    );
    page_response(document("Auth Return console", &head, &body))
}

#[cfg(test)]
mod tests {
    use super::provider_attributes;
    use auth_return_core::provider::ProviderKind;
    use std::path::Path;

    /// The console reads the providers from these attributes (web/console/provider.js).
    #[test]
    fn the_shell_names_the_providers_and_the_default() {
        assert_eq!(
            provider_attributes(&[ProviderKind::Builtin], ProviderKind::Builtin),
            r#"data-providers="builtin" data-default-provider="builtin""#
        );
        assert_eq!(
            provider_attributes(
                &[ProviderKind::Builtin, ProviderKind::Cognito],
                ProviderKind::Cognito
            ),
            r#"data-providers="builtin cognito" data-default-provider="cognito""#
        );
    }

    /// The README's example values for the placeholders of `web/console/snippets/`.
    const README_VALUES: [(&str, &str); 6] = [
        ("{{SERVER}}", "http://127.0.0.1:8080"),
        // The pool's endpoint and region: this server's for a built-in pool, AWS's for one in
        // Cognito (web/console/snippets.js).
        ("{{ENDPOINT}}", "http://127.0.0.1:8080"),
        ("{{REGION}}", "local"),
        ("{{APP_ID}}", "APP_ID"),
        ("{{POOL_ID}}", "USER_POOL_ID"),
        ("{{CLIENT_ID}}", "CLIENT_ID"),
    ];

    /// The fence language of a template file.
    fn language(file: &str) -> &'static str {
        match file.rsplit_once('.').map(|(_, ext)| ext) {
            Some("js") => "js",
            Some("py") => "python",
            Some("html") => "html",
            Some("toml") => "toml",
            Some("rs") => "rust",
            other => panic!("{file}: no fence language for {other:?}"),
        }
    }

    /// Each snippet the console fills in is, with the README's example values, exactly one of
    /// the README's code blocks: one text, which cannot drift from the guide.
    #[test]
    fn every_console_snippet_is_a_readme_code_block() {
        let readme = include_str!("../../../../README.md");
        let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/console");
        let mut names = Vec::new();
        for entry in std::fs::read_dir(web.join("snippets")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut text = std::fs::read_to_string(&path).unwrap();
            for (placeholder, value) in README_VALUES {
                text = text.replace(placeholder, value);
            }
            assert!(!text.contains("{{"), "{name}: an unknown placeholder");
            let block = format!("```{}\n{text}```", language(&name));
            assert!(
                readme.contains(&block),
                "{name} is not a README code block; README.md should hold:\n{block}"
            );
            names.push(name);
        }
        assert!(names.len() >= 12, "{names:?}");
        // And the console uses only templates that exist.
        let start = std::fs::read_to_string(web.join("start.js")).unwrap();
        for (i, _) in start.match_indices("snippet(\"") {
            let rest = &start[i + "snippet(\"".len()..];
            let used = &rest[..rest.find('"').unwrap()];
            assert!(names.iter().any(|n| n == used), "start.js uses {used}");
        }
    }
}
