//! The real binary: `webhooks add|list|set|deliveries|delete` for an app the operator names;
//! the secret printed once, lists without it, and clear errors.

use crate::support::run;
use serde_json::Value;

#[test]
fn the_operator_adds_lists_turns_off_and_deletes_an_apps_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (code, out, err) = run(dir, &["apps", "create", "--name", "Shop", "--json"]);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    let app_id = app["app_id"].as_str().unwrap();
    let add = |extra: &[&str]| {
        let mut args = vec!["webhooks", "add", "--app", app_id];
        args.extend_from_slice(extra);
        run(dir, &args)
    };

    // Mistakes, named; nothing made.
    let (code, _, err) = add(&[
        "--url",
        "https://hooks.example.com/a",
        "--event-types",
        "sign_up,signed_in",
    ]);
    assert_eq!(
        (code, err.trim()),
        (1, "error: unknown event type \"signed_in\"")
    );
    let (code, _, err) = add(&[
        "--url",
        "http://hooks.example.com/a",
        "--event-types",
        "sign_up",
    ]);
    assert_eq!((code, err.trim()), (1, "error: url must be https"));
    let (code, out, _) = run(dir, &["webhooks", "list", "--app", app_id]);
    assert_eq!((code, out.trim()), (0, "no webhook endpoints"));

    let (code, out, err) = add(&[
        "--url",
        "https://hooks.example.com/a",
        "--event-types",
        "sign_up,locked_out",
        "--description",
        "CRM",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let made: Value = serde_json::from_str(&out).unwrap();
    let id = made["webhook_id"].as_str().unwrap().to_owned();
    assert!(made["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(
        made["event_types"],
        serde_json::json!(["locked_out", "sign_up"])
    );

    let (code, out, err) = run(dir, &["webhooks", "list", "--app", app_id, "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["webhook_id"], id.as_str());
    assert!(listed[0].get("secret").is_none());
    assert!(!out.contains("whsec_"));

    let (code, out, err) = run(
        dir,
        &[
            "webhooks",
            "set",
            "--app",
            app_id,
            &id,
            "--enabled",
            "false",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("state:       off"), "{out}");
    let (code, out, err) = run(dir, &["webhooks", "deliveries", "--app", app_id, &id]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "only the heading: {out}");

    let (code, out, err) = run(dir, &["webhooks", "delete", "--app", app_id, &id]);
    assert_eq!(
        (code, out.trim()),
        (0, format!("deleted {id}").as_str()),
        "{err}"
    );
    let (code, _, err) = run(dir, &["webhooks", "delete", "--app", app_id, &id]);
    assert_eq!((code, err.trim()), (1, "error: webhook endpoint not found"));
    let (code, _, err) = run(dir, &["webhooks", "list", "--app", "app_000000000000"]);
    assert_eq!((code, err.trim()), (1, "error: app not found"));
}
