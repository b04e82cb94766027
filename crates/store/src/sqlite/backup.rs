//! Online backup and restore of a SQLite deployment's database. A backup is `VACUUM INTO`: one
//! read transaction, so under WAL it sees one consistent snapshot while the server goes on
//! writing, and writes it as a compact, self-contained database file. A restore checks the file
//! (SQLite's integrity check, our migrations, none newer than this build's), stages a copy beside
//! the database and renames it into place.

use super::{create_parent_dir, database_file};
use crate::error::backend;
use auth_return_core::store::{StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::{ConnectOptions, Row};
use std::path::{Path, PathBuf};

/// What a backup file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    /// Apps (the console included).
    pub apps: i64,
    /// Users of every pool.
    pub users: i64,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Writes a consistent copy of the database at `url` to `to`, which must not exist (it is made
/// readable by its owner only), while the server keeps running; then checks the copy.
pub async fn backup(url: &str, to: &Path) -> StoreResult<BackupSummary> {
    let source = existing_file(url)?;
    create_parent_dir(to)?;
    create_new_private(to)?;
    let written = copy_into(&source, to).await;
    if written.is_err() {
        let _ = std::fs::remove_file(to);
    }
    written?;
    check(to).await
}

/// `VACUUM INTO`, reading `source` without writing to it.
async fn copy_into(source: &Path, to: &Path) -> StoreResult<()> {
    let pool = open_read_only(source).await?;
    let target = to
        .to_str()
        .ok_or_else(|| StoreError::Backend(format!("{} is not a UTF-8 path", to.display())))?;
    let done = sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::Backend(format!("writing the backup: {e}")));
    pool.close().await;
    done
}

/// Checks a backup file and copies it beside the database at `url`, as `<database>.restoring`
/// (readable by its owner only); [`finish_restore`] puts it in place. Refuses to touch a
/// database that exists unless `force`.
pub async fn stage_restore(from: &Path, url: &str, force: bool) -> StoreResult<PathBuf> {
    let database = database_file(url)
        .ok_or_else(|| StoreError::Backend(format!("{url} names no database file")))?;
    if !force && has_content(&database) {
        return Err(StoreError::Backend(format!(
            "{} already holds a database; restore replaces one only with --force (stop the \
             servers that use it first)",
            database.display()
        )));
    }
    check(from).await?;
    let staged = with_suffix(&database, ".restoring");
    let _ = std::fs::remove_file(&staged);
    create_parent_dir(&staged)?;
    create_new_private(&staged)?;
    let copied = copy_into(from, &staged).await;
    if copied.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    copied?;
    Ok(staged)
}

/// Puts a staged restore in place of the database at `url`: the old database's WAL and shared
/// memory files go, then the staged file is renamed over it (atomically).
pub fn finish_restore(staged: &Path, url: &str) -> StoreResult<()> {
    let database = database_file(url)
        .ok_or_else(|| StoreError::Backend(format!("{url} names no database file")))?;
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(with_suffix(&database, suffix)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::Backend(format!(
                    "removing the old {suffix}: {e}"
                )));
            }
        }
    }
    std::fs::rename(staged, &database)
        .map_err(|e| StoreError::Backend(format!("putting the restored database in place: {e}")))
}

/// Checks that `file` is an intact Auth Return database this build can open, and says what it
/// holds.
pub async fn check(file: &Path) -> StoreResult<BackupSummary> {
    let bytes = std::fs::metadata(file)
        .map_err(|e| StoreError::Backend(format!("reading {}: {e}", file.display())))?
        .len();
    let pool = open_read_only(file).await?;
    let summary = summarize(&pool, file, bytes).await;
    pool.close().await;
    summary
}

async fn summarize(pool: &SqlitePool, file: &Path, bytes: u64) -> StoreResult<BackupSummary> {
    let not_ours = |e: sqlx::Error| {
        StoreError::Backend(format!(
            "{} is not an Auth Return database: {e}",
            file.display()
        ))
    };
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .map_err(not_ours)?;
    if integrity != "ok" {
        return Err(StoreError::Backend(format!(
            "{} is damaged: {integrity}",
            file.display()
        )));
    }
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .map_err(not_ours)?;
    let known = crate::migrations::sqlite()
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    match newest {
        None => return Err(not_ours(sqlx::Error::RowNotFound)),
        Some(version) if version > known => {
            return Err(StoreError::Backend(format!(
                "{} comes from a newer Auth Return (migration {version}; this build knows up \
                 to {known}): restore it with that version or a later one",
                file.display()
            )));
        }
        Some(_) => {}
    }
    let counts = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM apps) AS apps, (SELECT COUNT(*) FROM users) AS users",
    )
    .fetch_one(pool)
    .await
    .map_err(not_ours)?;
    Ok(BackupSummary {
        apps: counts.try_get("apps").map_err(backend)?,
        users: counts.try_get("users").map_err(backend)?,
        bytes,
    })
}

/// One read-only connection to an existing database file.
async fn open_read_only(file: &Path) -> StoreResult<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .disable_statement_logging();
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::Backend(format!("opening {}: {e}", file.display())))
}

/// The database file `url` names, which must exist.
fn existing_file(url: &str) -> StoreResult<PathBuf> {
    let file = database_file(url)
        .ok_or_else(|| StoreError::Backend(format!("{url} names no database file")))?;
    if !file.is_file() {
        return Err(StoreError::Backend(format!(
            "there is no database at {}",
            file.display()
        )));
    }
    Ok(file)
}

/// Whether `file` exists and is not empty (SQLite takes an empty file for an empty database).
fn has_content(file: &Path) -> bool {
    std::fs::metadata(file).is_ok_and(|m| m.len() > 0)
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates `path` empty and readable by its owner only; refuses one that exists.
fn create_new_private(path: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(|_| ()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            StoreError::Backend(format!("{} already exists", path.display()))
        } else {
            StoreError::Backend(format!("creating {}: {e}", path.display()))
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::SqliteStore;

    fn url_of(file: &Path) -> String {
        format!("sqlite://{}", file.display())
    }

    #[tokio::test]
    async fn a_backup_is_a_checked_private_copy_and_restores_only_where_asked() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.db");
        let store = SqliteStore::open(&url_of(&live)).await.unwrap();
        let copy = dir.path().join("copy.db");
        let summary = backup(&url_of(&live), &copy).await.unwrap();
        assert_eq!((summary.apps, summary.users), (0, 0));
        assert!(summary.bytes > 0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = backup(&url_of(&live), &copy).await.unwrap_err().to_string();
        assert!(again.contains("already exists"), "{again}");

        // A database that holds data is replaced only with force.
        let refused = stage_restore(&copy, &url_of(&live), false)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("already holds a database"), "{refused}");
        store.pool().close().await;
        let staged = stage_restore(&copy, &url_of(&live), true).await.unwrap();
        finish_restore(&staged, &url_of(&live)).unwrap();
        assert!(!staged.exists());
        assert_eq!(check(&live).await.unwrap().apps, 0);

        // Somewhere new, no force is needed.
        let elsewhere = dir.path().join("new/restored.db");
        let staged = stage_restore(&copy, &url_of(&elsewhere), false)
            .await
            .unwrap();
        finish_restore(&staged, &url_of(&elsewhere)).unwrap();
        SqliteStore::open(&url_of(&elsewhere)).await.unwrap();
    }

    #[tokio::test]
    async fn what_is_not_an_intact_database_of_ours_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = url_of(&dir.path().join("target.db"));
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a database at all, just words").unwrap();
        let refused = stage_restore(&text, &target, false)
            .await
            .unwrap_err()
            .to_string();
        assert!(refused.contains("notes.txt"), "{refused}");

        let foreign = dir.path().join("foreign.db");
        let pool = SqlitePool::connect(&format!("{}?mode=rwc", url_of(&foreign)))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let refused = stage_restore(&foreign, &target, false)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("is not an Auth Return database"),
            "{refused}"
        );
        assert!(!dir.path().join("target.db").exists());
        assert!(!dir.path().join("target.db.restoring").exists());

        let missing = backup(
            &url_of(&dir.path().join("none.db")),
            &dir.path().join("b.db"),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(missing.contains("there is no database at"), "{missing}");
    }
}
