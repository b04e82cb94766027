//! The real binary: `apps update`'s hosted sign-in flags set the `oauth` settings (lists
//! replaced, `--no-…` and `''` emptying them, flags winning over `--patch`), `apps show` prints
//! them, and refused values change nothing.

use crate::support::run;
use serde_json::{Value, json};
use std::path::Path;

/// `apps create --name NAME [extra] --json`: the app id.
fn create(dir: &Path, name: &str, extra: &[&str]) -> String {
    let mut args = vec!["apps", "create", "--name", name, "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    app["app_id"].as_str().unwrap().to_owned()
}

/// `apps update APP ARGS --json`: the app's `oauth` settings after it.
fn update(dir: &Path, app: &str, args: &[&str]) -> Value {
    let mut all = vec!["apps", "update", app, "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str::<Value>(&out).unwrap()["oauth"].clone()
}

/// `apps update APP ARGS`, expected to fail: (exit code, stderr).
fn refused(dir: &Path, app: &str, args: &[&str]) -> (i32, String) {
    let mut all = vec!["apps", "update", app];
    all.extend_from_slice(args);
    let (code, _, err) = run(dir, &all);
    (code, err)
}

fn shown(dir: &Path, app: &str) -> Value {
    let (code, out, err) = run(dir, &["apps", "show", app, "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn hosted_sign_in_flags_set_show_and_clear_the_oauth_settings() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let app = create(dir, "Hosted CLI", &[]);
    let oauth = update(
        dir,
        &app,
        &[
            "--callback-url",
            "https://shop.example/callback",
            "--callback-url",
            "com.example.shop:/cb",
            "--logout-url",
            "https://shop.example/",
            "--oauth-flows",
            "code, implicit",
            "--oauth-scopes",
            "openid,email,orders/read",
            "--custom-scopes",
            "orders/read,orders/write",
            "--brand-name",
            "Shop",
            "--brand-logo",
            "https://cdn.shop.example/logo.svg",
            "--brand-color",
            "#ABCDEF",
            "--hosted-session-minutes",
            "90",
        ],
    );
    assert_eq!(
        oauth,
        json!({
            "callback_urls": ["https://shop.example/callback", "com.example.shop:/cb"],
            "logout_urls": ["https://shop.example/"],
            "flows": {"code": true, "implicit": true, "client_credentials": false},
            "scopes": ["openid", "email", "orders/read"],
            "custom_scopes": ["orders/read", "orders/write"],
            "branding": {"display_name": "Shop", "logo_url": "https://cdn.shop.example/logo.svg",
                         "accent_color": "#abcdef"},
            "session_minutes": 90
        })
    );

    // `apps show` prints them.
    let (code, out, err) = run(dir, &["apps", "show", &app]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "callback_urls: https://shop.example/callback, com.example.shop:/cb",
        "logout_urls:   https://shop.example/",
        "oauth_flows:   code, implicit",
        "oauth_scopes:  openid, email, orders/read",
        "custom_scopes: orders/read, orders/write",
        "brand_name:    Shop",
        "brand_logo:    https://cdn.shop.example/logo.svg",
        "brand_color:   #abcdef",
        "login_session: 90 minutes (hosted pages)",
    ] {
        assert!(out.lines().any(|l| l == line), "{line:?} in:\n{out}");
    }

    // Flags win over --patch; what neither names stays.
    let oauth = update(
        dir,
        &app,
        &[
            "--patch",
            r#"{"oauth": {"session_minutes": 30, "branding": {"display_name": "From patch", "logo_url": ""}}}"#,
            "--brand-name",
            "From flag",
        ],
    );
    assert_eq!(oauth["session_minutes"], 30);
    assert_eq!(
        oauth["branding"],
        json!({"display_name": "From flag", "logo_url": null, "accent_color": "#abcdef"})
    );
    assert_eq!(oauth["callback_urls"][1], "com.example.shop:/cb");

    // Refused values name the member, exit 1 and change nothing.
    let before = shown(dir, &app);
    for (args, needle) in [
        (
            vec!["--callback-url", "http://shop.example/cb"],
            "callback_urls[0]",
        ),
        (
            vec![
                "--callback-url",
                "https://a.example/",
                "--logout-url",
                "javascript:x",
            ],
            "logout_urls[0]",
        ),
        (vec!["--oauth-flows", "code,pkce"], "unknown flow 'pkce'"),
        (vec!["--oauth-flows", "client_credentials"], "client secret"),
        (vec!["--oauth-scopes", "openid,orders/nope"], "scopes[1]"),
        (vec!["--custom-scopes", "orders"], "custom_scopes[0]"),
        (vec!["--brand-color", "red"], "accent_color"),
        (
            vec!["--brand-logo", "http://cdn.example/logo.png"],
            "logo_url",
        ),
        (vec!["--brand-name", "   "], "display_name"),
        (vec!["--hosted-session-minutes", "4"], "session_minutes"),
        (vec!["--hosted-session-minutes", "1441"], "session_minutes"),
    ] {
        let (code, err) = refused(dir, &app, &args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    // A list and its clearing flag together is a usage error.
    let (code, err) = refused(
        dir,
        &app,
        &["--callback-url", "https://a.example/", "--no-callback-urls"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--no-callback-urls"), "{err}");
    assert_eq!(shown(dir, &app), before, "refused updates change nothing");

    // --no-… and '' empty the lists; '' turns every flow off; '' clears branding.
    let oauth = update(
        dir,
        &app,
        &[
            "--no-callback-urls",
            "--no-logout-urls",
            "--oauth-flows",
            "",
            "--oauth-scopes",
            "",
            "--custom-scopes",
            "",
            "--brand-name",
            "",
            "--brand-color",
            "",
        ],
    );
    assert_eq!(
        oauth,
        json!({
            "callback_urls": [], "logout_urls": [],
            "flows": {"code": false, "implicit": false, "client_credentials": false},
            "scopes": [], "custom_scopes": [],
            "branding": {"display_name": null, "logo_url": null, "accent_color": null},
            "session_minutes": 30
        })
    );
    let (_, out, _) = run(dir, &["apps", "show", &app]);
    assert!(out.lines().any(|l| l == "oauth_flows:   (none)"), "{out}");
    assert!(!out.contains("callback_urls:"), "{out}");
}

#[test]
fn client_credentials_for_an_app_with_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let app = create(dir, "Machines", &["--client-secret"]);
    let (code, err) = refused(dir, &app, &["--oauth-flows", "client_credentials"]);
    assert_eq!(code, 1);
    assert!(err.contains("at least one custom scope"), "{err}");
    let oauth = update(
        dir,
        &app,
        &[
            "--oauth-flows",
            "code,client_credentials",
            "--custom-scopes",
            "reports/read",
        ],
    );
    assert_eq!(
        oauth["flows"],
        json!({"code": true, "implicit": false, "client_credentials": true})
    );
    assert_eq!(oauth["custom_scopes"], json!(["reports/read"]));
    let (_, out, _) = run(dir, &["apps", "show", &app]);
    assert!(
        out.lines()
            .any(|l| l == "oauth_flows:   code, client_credentials"),
        "{out}"
    );
    assert!(!out.contains("client_secret"), "never shown again: {out}");
}
