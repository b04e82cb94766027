//! The real binary: `apps update --mfa` sets the app's MFA mode (any case, winning over
//! `--patch`), `--patch` sets it too, `apps show` prints it, and refused values change nothing.

use crate::support::run;
use serde_json::Value;
use std::path::Path;

/// `apps update APP ARGS --json`: the app's `mfa.mode` after it.
fn update(dir: &Path, app: &str, args: &[&str]) -> String {
    let mut all = vec!["apps", "update", app, "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(dir, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    let view: Value = serde_json::from_str(&out).unwrap();
    view["mfa"]["mode"].as_str().unwrap().to_owned()
}

/// `apps show APP`: its `mfa:` line.
fn shown(dir: &Path, app: &str) -> String {
    let (code, out, err) = run(dir, &["apps", "show", app]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .find(|l| l.starts_with("mfa:"))
        .unwrap_or_else(|| panic!("no mfa line in:\n{out}"))
        .to_owned()
}

#[test]
fn the_mfa_flag_and_patch_set_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (code, out, err) = run(
        dir,
        &["apps", "create", "--name", "Second factor", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let created: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(created["mfa"]["mode"], "OFF", "off by default");
    let app = created["app_id"].as_str().unwrap();
    assert_eq!(shown(dir, app), "mfa:           OFF");

    assert_eq!(update(dir, app, &["--mfa", "ON"]), "ON");
    assert_eq!(update(dir, app, &["--mfa", "optional"]), "OPTIONAL");
    assert_eq!(shown(dir, app), "mfa:           OPTIONAL");
    assert_eq!(update(dir, app, &["--token-validity", "900"]), "OPTIONAL");
    assert_eq!(
        update(dir, app, &["--patch", r#"{"mfa": {"mode": "OFF"}}"#]),
        "OFF"
    );
    assert_eq!(
        update(
            dir,
            app,
            &["--patch", r#"{"mfa": {"mode": "OFF"}}"#, "--mfa", "On"]
        ),
        "ON",
        "the flag wins over --patch"
    );

    // Refused: a usage error for the flag, the member's path for --patch; nothing changes.
    let (code, _, err) = run(dir, &["apps", "update", app, "--mfa", "SOMETIMES"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("OFF") && err.contains("OPTIONAL"), "{err}");
    let (code, _, err) = run(
        dir,
        &[
            "apps",
            "update",
            app,
            "--patch",
            r#"{"mfa": {"mode": "NEVER"}}"#,
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("mode must be OFF, OPTIONAL or ON"), "{err}");
    let (code, _, err) = run(
        dir,
        &[
            "apps",
            "update",
            app,
            "--patch",
            r#"{"mfa": {"modes": "OFF"}}"#,
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("--patch is not a valid settings object"),
        "{err}"
    );
    assert_eq!(shown(dir, app), "mfa:           ON");
}
