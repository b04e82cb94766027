//! The real binary: `access-keys create|list|revoke` for a developer the operator names by
//! email; the secret printed once, lists without it, and clear errors.

use crate::support::run;
use serde_json::Value;

#[test]
fn the_operator_creates_lists_and_revokes_a_developers_access_keys() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (code, _, err) = run(dir, &["developers", "invite", "dev@example.com"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(dir, &["apps", "create", "--name", "Shop", "--json"]);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    let app_id = app["app_id"].as_str().unwrap();

    // The operator's app is no developer's: a key limited to it is refused.
    let (code, _, err) = run(
        dir,
        &[
            "access-keys",
            "create",
            "--developer",
            "dev@example.com",
            "--name",
            "ci",
            "--app",
            app_id,
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(err.trim(), "error: app not found");

    let (code, out, err) = run(
        dir,
        &[
            "access-keys",
            "create",
            "--developer",
            "DEV@example.com",
            "--name",
            "ci",
            "--read-only",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let created: Value = serde_json::from_str(&out).unwrap();
    let id = created["access_key_id"].as_str().unwrap().to_owned();
    let secret = created["secret_access_key"].as_str().unwrap().to_owned();
    assert!(id.starts_with("AKAR") && id.len() == 20, "{id}");
    assert_eq!(secret.len(), 40);
    assert_eq!(created["read_only"], true);

    let (code, out, err) = run(
        dir,
        &["access-keys", "list", "--developer", "dev@example.com"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&id) && out.contains("read-only") && out.contains("active"),
        "{out}"
    );
    assert!(!out.contains(&secret));

    let (code, out, _) = run(dir, &["access-keys", "revoke", &id]);
    assert_eq!((code, out.trim()), (0, format!("revoked {id}").as_str()));
    let (code, out, _) = run(
        dir,
        &[
            "access-keys",
            "list",
            "--developer",
            "dev@example.com",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["revoked"], true);
    assert!(!out.contains(&secret));

    for (args, message) in [
        (
            vec!["access-keys", "list", "--developer", "nobody@example.com"],
            "error: no developer has the email nobody@example.com",
        ),
        (
            vec!["access-keys", "revoke", "AKAR0000000000000000"],
            "error: access key not found",
        ),
        (
            vec!["access-keys", "revoke", "nonsense"],
            "error: access key not found",
        ),
    ] {
        let (code, _, err) = run(dir, &args);
        assert_eq!((code, err.trim()), (1, message), "{args:?}");
    }
}
