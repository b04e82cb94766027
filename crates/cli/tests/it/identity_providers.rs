//! The real binary: `identity-providers add|list|show|update|delete` for an app the operator
//! names; a secret read from a file, never printed; clear errors.

use crate::support::run;
use serde_json::{Value, json};

#[test]
fn the_operator_adds_shows_updates_and_deletes_an_apps_identity_provider() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (code, out, err) = run(dir, &["apps", "create", "--name", "Shop", "--json"]);
    assert_eq!(code, 0, "{err}");
    let app: Value = serde_json::from_str(&out).unwrap();
    let app_id = app["app_id"].as_str().unwrap();
    let secret_file = dir.join("okta-secret");
    std::fs::write(&secret_file, "file-s3cret\n").unwrap();
    let secret_detail = format!("client_secret=@{}", secret_file.display());
    let idp = |args: &[&str]| {
        let mut all = vec!["identity-providers"];
        all.extend_from_slice(args);
        run(dir, &all)
    };

    // Mistakes, named; nothing made.
    let (code, _, err) = idp(&[
        "add",
        "--app",
        app_id,
        "--name",
        "Okta",
        "--type",
        "OIDC",
        "--detail",
        "client_id=web",
    ]);
    assert_eq!(
        (code, err.trim()),
        (
            1,
            "error: ProviderDetails needs authorize_scopes for a provider of type OIDC."
        )
    );
    let (code, _, err) = idp(&[
        "add", "--app", app_id, "--name", "Okta", "--type", "OIDC", "--detail", "nokey",
    ]);
    assert_eq!(
        (code, err.trim()),
        (1, "error: --detail takes KEY=VALUE, not \"nokey\"")
    );
    let (code, out, _) = idp(&["list", "--app", app_id]);
    assert_eq!((code, out.trim()), (0, "no identity providers"));

    let (code, out, err) = idp(&[
        "add",
        "--app",
        app_id,
        "--name",
        "Okta",
        "--type",
        "OIDC",
        "--detail",
        "client_id=web",
        "--detail",
        &secret_detail,
        "--detail",
        "authorize_scopes=openid email",
        "--detail",
        "oidc_issuer=https://id.example.com",
        "--map",
        "email=email",
        "--identifier",
        "example.com",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let made: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(made["secrets_set"], json!(["client_secret"]));
    assert_eq!(made["details"]["client_id"], "web");
    assert!(!out.contains("file-s3cret"));

    let (code, out, err) = idp(&["show", "--app", app_id, "Okta"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("name:         Okta (OIDC)"), "{out}");
    assert!(
        out.contains("secrets set:  client_secret (never shown)"),
        "{out}"
    );
    assert!(out.contains("/oauth2/idpresponse"), "{out}");
    assert!(!out.contains("file-s3cret"));

    // An update of one detail keeps the others and the secret.
    let (code, out, err) = idp(&[
        "update",
        "--app",
        app_id,
        "Okta",
        "--detail",
        "authorize_scopes=openid",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let changed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(changed["details"]["authorize_scopes"], "openid");
    assert_eq!(changed["details"]["client_id"], "web");
    assert_eq!(changed["secrets_set"], json!(["client_secret"]));
    assert_eq!(changed["identifiers"], json!(["example.com"]));

    let (code, out, err) = idp(&["list", "--app", app_id, "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    let (code, out, _) = idp(&["delete", "--app", app_id, "Okta"]);
    assert_eq!((code, out.trim()), (0, "deleted Okta"));
    let (code, _, err) = idp(&["show", "--app", app_id, "Okta"]);
    assert_eq!(
        (code, err.trim()),
        (1, "error: Identity provider Okta does not exist.")
    );
}
