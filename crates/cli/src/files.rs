//! The data directory and the secrets in it. What we create is for the owner only: the data
//! directory 0700, the SQLite database with its `-wal`/`-shm` files (see the store) and the mail
//! outbox 0600, like the master key. What the operator created is theirs: a data directory or
//! file that other users may open is left as it is, and `serve` says so at start.

use crate::config::{Config, MailTransport};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Creates the data directory, and any missing parent, with mode 0700 (on Unix). An existing
/// directory is left as it is.
pub fn create_data_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("creating data directory {}", dir.display()))
}

/// Warns, once per path, about each existing file or directory of ours that users other than
/// its owner may open: the data directory, the master key, the SQLite database and its
/// `-wal`/`-shm` files, the mail outbox. Nothing is changed.
pub fn warn_about_permissions(config: &Config) {
    for (path, holds) in sensitive_paths(config) {
        let Some(mode) = open_to_others(&path) else {
            continue;
        };
        let (what, fix) = if path.is_dir() {
            ("directory", "chmod 700")
        } else {
            ("file", "chmod 600")
        };
        tracing::warn!(
            path = %path.display(),
            mode = %format!("{mode:04o}"),
            "the {what} {} is open to other users (mode {mode:04o}) and holds {holds}: \
             `{fix} {}` unless you mean to share it",
            path.display(),
            path.display(),
        );
    }
}

/// What to check, with what each one holds.
fn sensitive_paths(config: &Config) -> Vec<(PathBuf, &'static str)> {
    let dir = &config.data_dir;
    let mut paths = vec![
        (
            dir.clone(),
            "the master key, the SQLite database and the mail outbox",
        ),
        (
            dir.join("master.key"),
            "the master key, which unseals every secret in the database",
        ),
    ];
    if let Some(db) = sqlite_file(&config.database_url) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.clone().into_os_string();
            name.push(suffix);
            paths.push((
                PathBuf::from(name),
                "the database (users, sessions, sealed keys)",
            ));
        }
    }
    if matches!(config.mail, MailTransport::Outbox { .. }) {
        paths.push((
            dir.join("outbox.jsonl"),
            "the mail outbox (live codes and temporary passwords)",
        ));
    }
    paths
}

/// The SQLite database file of a `sqlite:` URL.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    match auth_return_store::Backend::of_url(url) {
        Some(auth_return_store::Backend::Sqlite) => auth_return_store::sqlite::database_file(url),
        _ => None,
    }
}

/// The permission bits of `path` when it exists and grants anything to group or others.
#[cfg(unix)]
fn open_to_others(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    (mode & 0o077 != 0).then_some(mode)
}

/// Elsewhere the operating system's access lists decide; nothing to say.
#[cfg(not(unix))]
fn open_to_others(_path: &Path) -> Option<u32> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::config::GlobalOptions;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_data_directory_is_the_owners_only_and_an_existing_one_is_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/data");
        create_data_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        create_data_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o750);
    }

    #[test]
    fn paths_open_to_others_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let config = GlobalOptions {
            data_dir: dir.path().to_path_buf(),
            ..Default::default()
        }
        .check()
        .unwrap();
        let paths: Vec<PathBuf> = sensitive_paths(&config).into_iter().map(|p| p.0).collect();
        let db = dir.path().join("auth-return.db");
        assert_eq!(
            paths,
            [
                dir.path().to_path_buf(),
                dir.path().join("master.key"),
                db.clone(),
                dir.path().join("auth-return.db-wal"),
                dir.path().join("auth-return.db-shm"),
                dir.path().join("outbox.jsonl"),
            ]
        );
        assert_eq!(open_to_others(&db), None, "missing");
        std::fs::write(&db, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(open_to_others(&db), None);
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(open_to_others(&db), Some(0o640));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711)).unwrap();
        assert_eq!(open_to_others(dir.path()), Some(0o711));
    }
}
