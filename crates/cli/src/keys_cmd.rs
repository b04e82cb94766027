//! `auth-return keys …`: list and rotate an app's signing keys.

use crate::config::Config;
use auth_return_core::Scope;
use auth_return_core::key_rotation::KeyInfo;
use clap::Subcommand;

/// The `keys` subcommands.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// List an app's signing keys and their states.
    List {
        /// The app id.
        #[arg(long)]
        app: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Publish a new signing key; it signs after the propagation delay
    /// (`--key-propagation-secs`), and the old key stays published until its tokens expired.
    Rotate {
        /// The app id.
        #[arg(long)]
        app: String,
        /// A leaked key: sign with the new key at once and withdraw every older key now,
        /// which voids every token they signed.
        #[arg(long)]
        emergency: bool,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `keys` subcommand.
pub async fn run(config: Config, command: KeysCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    let (keys, json) = match command {
        KeysCommand::List { app, json } => {
            (service.signing_keys(Scope::Operator, &app).await?, json)
        }
        KeysCommand::Rotate {
            app,
            emergency,
            json,
        } => (
            service
                .rotate_signing_key(Scope::Operator, &app, emergency)
                .await?,
            json,
        ),
    };
    print_keys(&keys, json)
}

fn print_keys(keys: &[KeyInfo], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(keys)?);
        return Ok(());
    }
    println!(
        "{:<45} {:<9} {:>12} {:>12}",
        "KID", "STATE", "CREATED", "ACTIVATES"
    );
    for k in keys {
        println!(
            "{:<45} {:<9} {:>12} {:>12}",
            k.kid, k.state, k.created_at, k.activates_at
        );
    }
    Ok(())
}
