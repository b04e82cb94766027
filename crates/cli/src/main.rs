//! `auth-return`: run the service, manage apps, keys and developers, read apps' audit events,
//! and back up and restore the embedded database from the command line.

mod access_keys_cmd;
mod apps_cmd;
mod backup_cmd;
mod config;
mod developers_cmd;
mod events_cmd;
mod files;
mod identity_providers_cmd;
mod keys_cmd;
mod logging;
mod master_key;
mod oauth_flags;
mod runtime;
mod serve;
mod tls;
mod webhooks_cmd;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use config::GlobalOptions;

/// Self-hosted, Cognito-compatible sign-in for many apps.
#[derive(Parser, Debug)]
#[command(name = "auth-return", version, about)]
struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP service.
    Serve,
    /// Register and manage apps (works on the same data while the server runs).
    Apps {
        #[command(subcommand)]
        command: apps_cmd::AppsCommand,
    },
    /// Invite and list developers (the users of the console app).
    Developers {
        #[command(subcommand)]
        command: developers_cmd::DevelopersCommand,
    },
    /// API keys (create, list, revoke) and apps' signing keys (signing, rotate).
    Keys {
        #[command(subcommand)]
        command: keys_cmd::KeysCommand,
    },
    /// An app's audit events, newest first, a page at a time.
    Events(events_cmd::EventsArgs),
    /// Developers' AWS-style access keys for SigV4 (create, list, revoke).
    AccessKeys {
        #[command(subcommand)]
        command: access_keys_cmd::AccessKeysCommand,
    },
    /// Copy the SQLite database to a file while the server runs (not the master key).
    Backup(backup_cmd::BackupArgs),
    /// Put a backup in place of the data directory's database (its master key must be there).
    Restore(backup_cmd::RestoreArgs),
    /// An app's webhook endpoints: add, list, turn on or off, delete, read deliveries.
    Webhooks {
        #[command(subcommand)]
        command: webhooks_cmd::WebhooksCommand,
    },
    /// An app's upstream identity providers (federation): add, list, show, update, delete.
    IdentityProviders {
        #[command(subcommand)]
        command: identity_providers_cmd::IdentityProvidersCommand,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The matches stay at hand: they tell which settings were given rather than defaulted,
    // so the `--config` file can slide in under the given ones.
    let matches = Cli::command().get_matches();
    let cli =
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut Cli::command()).exit());
    let config = match cli.global.resolve(&matches) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    logging::init(config.log_format);
    let result = match cli.command {
        Command::Serve => serve::run(config).await,
        Command::Apps { command } => apps_cmd::run(config, command).await,
        Command::Keys { command } => keys_cmd::run(config, command).await,
        Command::Developers { command } => developers_cmd::run(config, command).await,
        Command::Events(args) => events_cmd::run(config, args).await,
        Command::AccessKeys { command } => access_keys_cmd::run(config, command).await,
        Command::Backup(args) => backup_cmd::backup(config, args).await,
        Command::Restore(args) => backup_cmd::restore(config, args).await,
        Command::Webhooks { command } => webhooks_cmd::run(config, command).await,
        Command::IdentityProviders { command } => {
            identity_providers_cmd::run(config, command).await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
