//! `auth-return backup` and `auth-return restore`: a consistent copy of a running SQLite
//! deployment's database, and putting one back. The master key is never in a backup.

use crate::config::Config;
use anyhow::{Context, bail};
use auth_return_store::Backend;
use auth_return_store::sqlite::backup::{self, BackupSummary};
use clap::Args;
use std::path::PathBuf;

/// `auth-return backup`'s arguments.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The file to write (must not exist).
    #[arg(long)]
    to: PathBuf,
}

/// `auth-return restore`'s arguments.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file to restore.
    #[arg(long)]
    from: PathBuf,
    /// Replace the database the data directory already holds (stop its servers first).
    #[arg(long)]
    force: bool,
}

/// Copies the database while the server runs.
pub async fn backup(config: Config, args: BackupArgs) -> anyhow::Result<()> {
    sqlite_only(&config, "backup")?;
    let summary = backup::backup(&config.database_url, &args.to)
        .await
        .context("backup")?;
    println!("backed up {} to {}", describe(&summary), args.to.display());
    println!(
        "the master key is not in it: keep a copy of {} (or AUTH_RETURN_MASTER_KEY) apart from it",
        config.data_dir.join("master.key").display()
    );
    Ok(())
}

/// Puts a backup in place of the data directory's database, after checking that the master
/// key there opens it.
pub async fn restore(config: Config, args: RestoreArgs) -> anyhow::Result<()> {
    sqlite_only(&config, "restore")?;
    if std::env::var_os(crate::master_key::ENV).is_none()
        && !config.data_dir.join("master.key").is_file()
    {
        bail!(
            "restore needs the backed-up deployment's master key: put it at {} (mode 0600) or \
             in {} first; the backup does not hold it",
            config.data_dir.join("master.key").display(),
            crate::master_key::ENV
        );
    }
    let staged = backup::stage_restore(&args.from, &config.database_url, args.force)
        .await
        .context("restore")?;
    let opened = opens_with_this_key(&config, &staged).await;
    if let Err(e) = opened {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    backup::finish_restore(&staged, &config.database_url).context("restore")?;
    let summary = backup::check(&args.from).await?;
    println!(
        "restored {} from {} into {}",
        describe(&summary),
        args.from.display(),
        config.data_dir.display()
    );
    Ok(())
}

/// Opens a scratch copy of the staged file as the server would and unseals the console's
/// signing keys: a master key other than the backup's fails here, before anything is replaced.
/// (A copy: the service's connections close when it is dropped, in the background, so the
/// staged file itself is never opened for writing.)
async fn opens_with_this_key(config: &Config, staged: &std::path::Path) -> anyhow::Result<()> {
    let mut scratch = staged.as_os_str().to_owned();
    scratch.push(".keycheck");
    let scratch = PathBuf::from(scratch);
    std::fs::copy(staged, &scratch).context("copying the backup to check its keys")?;
    let checked = unseal_console_keys(config, &scratch).await;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = scratch.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    checked
}

async fn unseal_console_keys(config: &Config, database: &std::path::Path) -> anyhow::Result<()> {
    let scratch_config = Config {
        database_url: format!("sqlite://{}", database.display()),
        aws: None,
        ..config.clone()
    };
    let service = crate::runtime::open(&scratch_config).await?;
    let console = service
        .app_config(&auth_return_core::AppId::console())
        .await?;
    let pool = console
        .user_pool_id
        .parse()
        .map_err(|e| anyhow::anyhow!("the console's pool id: {e}"))?;
    service.jwks(&pool).await.map_err(|_| {
        anyhow::anyhow!(
            "the master key here does not open this backup's keys: restore needs the master key \
             of the deployment it was taken from"
        )
    })?;
    Ok(())
}

fn sqlite_only(config: &Config, command: &str) -> anyhow::Result<()> {
    if Backend::of_url(&config.database_url) != Some(Backend::Sqlite) {
        bail!(
            "{command} is for the embedded SQLite database; for PostgreSQL use pg_dump and \
             pg_restore (see the README's Backups)"
        );
    }
    Ok(())
}

fn describe(summary: &BackupSummary) -> String {
    format!(
        "{} apps and {} users ({} bytes)",
        summary.apps, summary.users, summary.bytes
    )
}
