//! The hosted sign-in pages' HTML (issue 14): the page `GET /login`, `/signup` and
//! `/forgotPassword` answer with, in the app's name, logo and accent, and the error page of an
//! authorization request those pages cannot serve. The routes are `server/src/oauth/`'s; this
//! module only renders. The screens themselves are drawn by `hosted.js` (`web/hosted/`), which
//! does SRP in the browser with the component's modules: the password never reaches the server.
//!
//! Both pages carry the pages' strict policy (`pages::page_response`): no inline script or
//! style, no framing, no caching. The one change: with a logo, `img-src` also allows exactly
//! the logo's origin. What the script needs travels in `data-*` attributes of
//! `<main id="hosted">`, escaped like every other text here; the accent colour is set by the
//! script through CSSOM, which the policy allows (an inline `style` would not be).

use super::{CONTENT_SECURITY_POLICY, document, escape, page_response};
use crate::assets::Assets;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// Which screen the page opens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// `GET /login`: email and password.
    SignIn,
    /// `GET /signup`: a new account, then its confirmation code.
    SignUp,
    /// `GET /forgotPassword`: a code by mail, then a new password.
    ForgotPassword,
}

impl Screen {
    /// The screen's name for `hosted.js` (`web/hosted/screens.js`).
    fn name(self) -> &'static str {
        match self {
            Self::SignIn => "signin",
            Self::SignUp => "signup",
            Self::ForgotPassword => "forgot",
        }
    }

    /// The heading, as `hosted.js` words it too (so the page reads the same before it runs).
    fn title(self, app: &str) -> String {
        match self {
            Self::SignIn => format!("Sign in to {app}"),
            Self::SignUp => format!("Create your {app} account"),
            Self::ForgotPassword => format!("Reset your {app} password"),
        }
    }
}

/// What a hosted page shows and what its script needs.
pub struct HostedView<'a> {
    /// The app's id (its public config gives the password policy).
    pub app_id: &'a str,
    /// The app's user pool id (SRP hashes its name).
    pub pool_id: &'a str,
    /// The app's client id.
    pub client_id: &'a str,
    /// The server's public URL: the Cognito endpoint (no trailing slash).
    pub endpoint: &'a str,
    /// The name shown (the branding name or the app's name, already chosen).
    pub app_name: &'a str,
    /// The logo: an absolute https URL (validated elsewhere; anything else is left out here).
    pub logo_url: Option<&'a str>,
    /// The accent colour, `#rrggbb` (validated elsewhere; anything else is left out here).
    pub accent_color: Option<&'a str>,
    /// Sent back by the script as `X-CSRF-Token` on `POST /login`.
    pub csrf_token: &'a str,
    /// The screen it opens on.
    pub screen: Screen,
    /// Whether the app has passkeys on: the sign-in screen offers "Sign in with a passkey".
    pub passkeys: bool,
    /// The app's identity providers: a link for each, to the same authorization request
    /// through it (sign-in and sign-up screens).
    pub providers: &'a [ProviderLink],
}

/// A button of the hosted page that signs in through an identity provider: a plain link, so
/// it works before (and without) the page's script.
pub struct ProviderLink {
    /// The words on it ("Continue with Google").
    pub label: String,
    /// The authorization request through the provider.
    pub href: String,
}

/// A hosted page: the shell `hosted.js` draws `view.screen` in.
pub fn hosted_page(assets: &Assets, view: &HostedView<'_>) -> Response {
    let logo = view.logo_url.and_then(Logo::parse);
    let accent = view
        .accent_color
        .filter(|c| is_hex_colour(c))
        .map(|c| format!(r#" data-accent="{}""#, escape(c)))
        .unwrap_or_default();
    let passkeys = if view.passkeys {
        r#" data-passkeys="true""#
    } else {
        ""
    };
    let head = format!(
        r#"<link rel="stylesheet" href="{style}">
<script src="{script}" defer></script>"#,
        style = assets.hosted_style.path(),
        script = assets.hosted_script.path(),
    );
    // The name is written beside the logo, so the image is decoration (alt=""); without a logo,
    // the name's initial in the accent colours stands in for one.
    let mark = match &logo {
        Some(logo) => format!(r#"<img class="logo" src="{}" alt="">"#, escape(&logo.url)),
        None => format!(
            r#"<span class="monogram" aria-hidden="true">{}</span>"#,
            escape(&initial(view.app_name))
        ),
    };
    let title = view.screen.title(view.app_name);
    let body = format!(
        r#"<main id="hosted" class="hosted" data-app-id="{app_id}" data-pool-id="{pool_id}" data-client-id="{client_id}" data-endpoint="{endpoint}" data-app-name="{name}" data-csrf="{csrf}" data-screen="{screen}"{passkeys}{accent}>
<div class="card">
<div class="brand">{mark}<span class="app-name">{name}</span></div>
<h1 id="hosted-title">{heading}</h1>
<div id="hosted-screen"><p class="loading" role="status">Loading…</p></div>
{providers}<noscript><p class="noscript">This page needs JavaScript: your password is checked here, in your browser, and never sent.</p></noscript>
</div>
</main>"#,
        app_id = escape(view.app_id),
        pool_id = escape(view.pool_id),
        client_id = escape(view.client_id),
        endpoint = escape(view.endpoint.trim_end_matches('/')),
        name = escape(view.app_name),
        csrf = escape(view.csrf_token),
        screen = view.screen.name(),
        heading = escape(&title),
        providers = provider_links(view),
    );
    let mut response = page_response(document(&title, &head, &body));
    if let Some(logo) = logo {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, logo.policy);
    }
    response
}

/// The providers' links, on the sign-in and sign-up screens, after an "or".
fn provider_links(view: &HostedView<'_>) -> String {
    if view.providers.is_empty() || view.screen == Screen::ForgotPassword {
        return String::new();
    }
    let links: String = view
        .providers
        .iter()
        .map(|link| {
            format!(
                r#"<li><a class="provider" href="{}">{}</a></li>"#,
                escape(&link.href),
                escape(&link.label)
            )
        })
        .collect();
    format!(
        r#"<nav class="providers" aria-label="Other ways to sign in"><p class="or"><span>or</span></p><ul>{links}</ul></nav>
"#
    )
}

/// The page of a request the hosted pages cannot serve ("Unknown app", "This redirect URI is
/// not registered"): `title` and `message` as text, one link, to `/`, and nothing else.
pub fn hosted_error(assets: &Assets, status: StatusCode, title: &str, message: &str) -> Response {
    let head = format!(
        r#"<link rel="stylesheet" href="{}">"#,
        assets.hosted_style.path()
    );
    let body = format!(
        r#"<main class="hosted">
<div class="card">
<h1>{title}</h1>
<p class="message">{message}</p>
<p><a href="/">Go to the home page</a></p>
</div>
</main>"#,
        title = escape(title),
        message = escape(message),
    );
    let mut response = page_response(document(title, &head, &body));
    *response.status_mut() = status;
    response
}

/// A logo the page may show: its URL as parsed, and the policy allowing its origin.
struct Logo {
    url: String,
    policy: HeaderValue,
}

impl Logo {
    /// An absolute http(s) URL with a host; anything else (no logo, then) is refused here too.
    fn parse(text: &str) -> Option<Self> {
        let url = url::Url::parse(text.trim()).ok()?;
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
            return None;
        }
        let origin = url.origin();
        if !origin.is_tuple() {
            return None;
        }
        let policy =
            HeaderValue::from_str(&policy_with_image_origin(&origin.ascii_serialization())).ok()?;
        Some(Self {
            url: url.to_string(),
            policy,
        })
    }
}

/// The pages' policy with `origin` (an origin's ASCII serialisation) added to `img-src`.
fn policy_with_image_origin(origin: &str) -> String {
    CONTENT_SECURITY_POLICY.replacen(
        "img-src 'self' data:",
        &format!("img-src 'self' data: {origin}"),
        1,
    )
}

/// The first letter or digit of `name`, upper case ("?" when there is none).
fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map_or_else(|| "?".to_owned(), |c| c.to_uppercase().collect())
}

/// `#rrggbb`.
fn is_hex_colour(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    const HOSTILE: &str = r#""><script>alert(1)</script><img src=x onerror=alert(1)>'"#;

    fn view(screen: Screen) -> HostedView<'static> {
        HostedView {
            app_id: "app_k3j9x0q2m1ab",
            pool_id: "local_Ab3dE6gH9",
            client_id: "1h2j3k4l5m6n7o8p9q0r1s2t3u",
            endpoint: "http://127.0.0.1:8080/",
            app_name: "My App",
            logo_url: None,
            accent_color: None,
            csrf_token: "csrf-token-1",
            screen,
            passkeys: false,
            providers: &[],
        }
    }

    async fn body(response: Response) -> String {
        let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn policy(response: &Response) -> String {
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// The strict page headers: framing refused twice over, nothing cached.
    fn assert_page_headers(response: &Response) {
        let headers = response.headers();
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(policy(response).contains("frame-ancestors 'none'"));
        assert!(policy(response).contains("script-src 'self';"));
        assert!(policy(response).contains("style-src 'self';"));
    }

    /// No inline script (every `<script>` has a `src` and is empty), no `<style>`, and no tag
    /// with a `style` or event-handler attribute (text may say anything: it is escaped).
    fn assert_nothing_inline(html: &str) {
        for (i, _) in html.match_indices("<script") {
            let tag_end = i + html[i..].find('>').unwrap();
            assert!(html[i..tag_end].contains(" src=\"/"), "{html}");
            assert!(html[tag_end + 1..].starts_with("</script>"), "{html}");
        }
        assert!(!html.contains("<style"), "{html}");
        // Escaped text holds no `<` or `>`: each `<` opens a tag of ours, closed by the next `>`.
        for tag in html.split('<').skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            for name in attribute_names(tag) {
                assert!(
                    name != "style" && !name.starts_with("on"),
                    "<{tag}> in {html}"
                );
            }
        }
    }

    /// The attribute names of a tag's text (`img class="a" alt=""`), quoted values skipped.
    fn attribute_names(tag: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = tag.trim_start_matches(|c: char| !c.is_whitespace());
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('/') {
                return names;
            }
            let end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            names.push(rest[..end].to_ascii_lowercase());
            rest = &rest[end..];
            if let Some(value) = rest.strip_prefix('=') {
                rest = match value.chars().next() {
                    Some(quote @ ('"' | '\'')) => {
                        let close = value[1..].find(quote).expect("a closing quote");
                        &value[close + 2..]
                    }
                    _ => value.trim_start_matches(|c: char| !c.is_whitespace()),
                };
            }
        }
    }

    #[tokio::test]
    async fn the_page_carries_what_the_script_needs() {
        let assets = Assets::embedded();
        let response = hosted_page(&assets, &view(Screen::SignIn));
        assert_eq!(response.status(), StatusCode::OK);
        assert_page_headers(&response);
        assert_eq!(policy(&response), CONTENT_SECURITY_POLICY);
        let html = body(response).await;
        assert_nothing_inline(&html);
        for needed in [
            r#"<main id="hosted" class="hosted" data-app-id="app_k3j9x0q2m1ab""#,
            r#"data-pool-id="local_Ab3dE6gH9""#,
            r#"data-client-id="1h2j3k4l5m6n7o8p9q0r1s2t3u""#,
            r#"data-endpoint="http://127.0.0.1:8080""#,
            r#"data-app-name="My App""#,
            r#"data-csrf="csrf-token-1""#,
            r#"data-screen="signin""#,
            r#"<h1 id="hosted-title">Sign in to My App</h1>"#,
            r#"<span class="monogram" aria-hidden="true">M</span>"#,
            "<title>Sign in to My App</title>",
            r#"<div id="hosted-screen">"#,
        ] {
            assert!(html.contains(needed), "{needed} missing in {html}");
        }
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(!html.contains("data-passkeys"), "passkeys off: {html}");
        let passkeys = HostedView {
            passkeys: true,
            ..view(Screen::SignIn)
        };
        let with_passkeys = body(hosted_page(&assets, &passkeys)).await;
        assert!(
            with_passkeys.contains(r#"data-screen="signin" data-passkeys="true">"#),
            "{with_passkeys}"
        );
        assert!(html.contains(&format!(
            r#"<script src="{}" defer></script>"#,
            assets.hosted_script.path()
        )));
        assert!(html.contains(&format!(
            r#"<link rel="stylesheet" href="{}">"#,
            assets.hosted_style.path()
        )));
        assert!(!html.contains("data-accent") && !html.contains("<img"));
    }

    #[tokio::test]
    async fn each_screen_opens_on_its_own_heading() {
        let assets = Assets::embedded();
        for (screen, name, heading) in [
            (Screen::SignUp, "signup", "Create your My App account"),
            (
                Screen::ForgotPassword,
                "forgot",
                "Reset your My App password",
            ),
        ] {
            let html = body(hosted_page(&assets, &view(screen))).await;
            assert!(html.contains(&format!(r#"data-screen="{name}""#)), "{html}");
            assert!(html.contains(&format!(">{heading}</h1>")), "{html}");
        }
    }

    #[tokio::test]
    async fn hostile_settings_stay_text() {
        let assets = Assets::embedded();
        let logo = format!("https://cdn.example.com/logo.png?x={HOSTILE}");
        let accent = format!("#fff{HOSTILE}");
        let providers = [ProviderLink {
            label: format!("Continue with {HOSTILE}"),
            href: format!("/oauth2/authorize?identity_provider={HOSTILE}"),
        }];
        let hostile = HostedView {
            providers: &providers,
            app_name: HOSTILE,
            logo_url: Some(&logo),
            accent_color: Some(&accent),
            csrf_token: HOSTILE,
            app_id: HOSTILE,
            ..view(Screen::SignIn)
        };
        let response = hosted_page(&assets, &hostile);
        assert_page_headers(&response);
        let html = body(response).await;
        assert_nothing_inline(&html);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert_eq!(html.matches("<img").count(), 1, "only the logo: {html}");
        assert!(
            !html.contains("monogram"),
            "the logo stands for the name: {html}"
        );
        assert_eq!(html.matches("<script").count(), 1, "only hosted.js: {html}");
        assert!(html.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert_eq!(
            html.matches(r#"<a class="provider" href="/oauth2/authorize?identity_provider=&quot;"#)
                .count(),
            1,
            "{html}"
        );
        // The logo's URL as the URL parser writes it: percent-encoded, never a quote.
        assert!(html.contains(r#"<img class="logo" src="https://cdn.example.com/logo.png?x="#));
        // A colour that is not #rrggbb is left out.
        assert!(!html.contains("data-accent"), "{html}");
    }

    #[tokio::test]
    async fn a_logo_adds_exactly_its_origin_to_img_src() {
        let assets = Assets::embedded();
        let with = |logo: &'static str| HostedView {
            logo_url: Some(logo),
            accent_color: Some("#0A7B83"),
            ..view(Screen::SignIn)
        };
        let response = hosted_page(
            &assets,
            &with("https://cdn.example.com:8443/brand/logo.svg?v=2"),
        );
        assert_page_headers(&response);
        let csp = policy(&response);
        assert_eq!(
            csp,
            CONTENT_SECURITY_POLICY.replace(
                "img-src 'self' data:;",
                "img-src 'self' data: https://cdn.example.com:8443;"
            )
        );
        assert_ne!(csp, CONTENT_SECURITY_POLICY);
        let html = body(response).await;
        assert!(html.contains(
            r#"<img class="logo" src="https://cdn.example.com:8443/brand/logo.svg?v=2" alt="">"#
        ));
        assert!(html.contains(r##"data-accent="#0A7B83""##));

        // What follows the origin cannot reach the policy.
        let sneaky = hosted_page(
            &assets,
            &with("https://cdn.example.com/a.png;script-src 'unsafe-inline' *"),
        );
        let csp = policy(&sneaky);
        assert!(csp.contains("img-src 'self' data: https://cdn.example.com;"));
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains(" *"),
            "{csp}"
        );

        // Not an http(s) URL with a host: no logo, the pages' policy as it is.
        for refused in [
            "javascript:alert(1)",
            "data:image/svg+xml,<svg/onload=alert(1)>",
            "/logo.png",
            "file:///etc/passwd",
            "",
        ] {
            let response = hosted_page(&assets, &with(refused));
            assert_eq!(policy(&response), CONTENT_SECURITY_POLICY, "{refused}");
            assert!(!body(response).await.contains("<img"), "{refused}");
        }
    }

    #[tokio::test]
    async fn the_error_page_names_the_problem_and_links_home_only() {
        let assets = Assets::embedded();
        let response = hosted_error(
            &assets,
            StatusCode::BAD_REQUEST,
            "This redirect URI is not registered",
            HOSTILE,
        );
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_page_headers(&response);
        assert_eq!(policy(&response), CONTENT_SECURITY_POLICY);
        let html = body(response).await;
        assert_nothing_inline(&html);
        assert!(
            !html.contains("<script"),
            "no script on the error page: {html}"
        );
        assert!(html.contains("<h1>This redirect URI is not registered</h1>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains(r#"<a href="/">"#));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn the_attribute_reader_sees_through_quotes() {
        assert_eq!(
            attribute_names(r#"img class="a b" data-x='y z' onerror=alert(1) alt="""#),
            ["class", "data-x", "onerror", "alt"]
        );
    }

    #[test]
    fn the_monogram_is_the_first_letter() {
        assert_eq!(initial("harbor notes"), "H");
        assert_eq!(initial("  «über»"), "Ü");
        assert_eq!(initial("<>"), "?");
        assert_eq!(initial("3D shop"), "3");
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert!(is_hex_colour("#0a7B83"));
        for bad in ["0a7b83", "#0a7b8", "#0a7b833", "#0a7b8g", "red", "#fff"] {
            assert!(!is_hex_colour(bad), "{bad}");
        }
    }
}
