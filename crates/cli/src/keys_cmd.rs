//! `auth-return keys …`: API keys (create, list, revoke) as the operator, and apps' signing
//! keys (list with `signing`, `rotate`).

use crate::config::Config;
use auth_return_core::clock::{Clock, SystemClock};
use auth_return_core::events::Caller;
use auth_return_core::key_rotation::KeyInfo;
use auth_return_core::{Actor, KeyManager, NewApiKey, Service};
use auth_return_server::views::{ApiKeyView, CreatedApiKeyView};
use clap::Subcommand;

/// The `keys` subcommands.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create an API key owned by an app; the key is printed this once.
    Create {
        /// The app id.
        #[arg(long)]
        app: String,
        /// A label (1–100 characters).
        #[arg(long)]
        name: String,
        /// Lifetime in days (1–3650); without it the key lasts until revoked.
        #[arg(long)]
        expires_in_days: Option<i64>,
        /// A scope for the verifying service (repeatable, at most 20).
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List an app's API keys (its own and its users'), never their secrets.
    List {
        /// The app id.
        #[arg(long)]
        app: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API key (revoking it again is fine).
    Revoke {
        /// The key id (`key_…`).
        key_id: String,
    },
    /// List an app's signing keys and their states.
    Signing {
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
    let outcome = act(&service, command).await;
    // The audit events of what was done, written before the process ends.
    service.events().flush().await;
    outcome
}

async fn act(service: &Service, command: KeysCommand) -> anyhow::Result<()> {
    let operator = KeyManager::Apps(Actor::Operator);
    match command {
        KeysCommand::Create {
            app,
            name,
            expires_in_days,
            scopes,
            json,
        } => {
            let new = NewApiKey {
                name,
                expires_in_days,
                scopes,
            };
            let created = service
                .create_api_key(&operator, Some(&app.parse()?), new, &Caller::unknown())
                .await?;
            print_created(&CreatedApiKeyView::from(&created), json)
        }
        KeysCommand::List { app, json } => {
            let keys = service
                .list_api_keys(&operator, Some(&app.parse()?))
                .await?;
            let views: Vec<ApiKeyView> = keys.iter().map(ApiKeyView::from).collect();
            print_api_keys(&views, json)
        }
        KeysCommand::Revoke { key_id } => {
            service
                .revoke_api_key(&operator, &key_id.parse()?, &Caller::unknown())
                .await?;
            println!("revoked {key_id}");
            Ok(())
        }
        KeysCommand::Signing { app, json } => print_signing_keys(
            &service.signing_keys(Actor::Operator, &app.parse()?).await?,
            json,
        ),
        KeysCommand::Rotate {
            app,
            emergency,
            json,
        } => print_signing_keys(
            &service
                .rotate_signing_key(
                    Actor::Operator,
                    &app.parse()?,
                    emergency,
                    &Caller::unknown(),
                )
                .await?,
            json,
        ),
    }
}

fn print_created(view: &CreatedApiKeyView, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(view)?);
        return Ok(());
    }
    println!("key:        {}   (shown once: store it now)", view.key);
    println!("key_id:     {}", view.key_id);
    println!("name:       {}", view.name);
    println!("app_id:     {}", view.app_id);
    if !view.scopes.is_empty() {
        println!("scopes:     {}", view.scopes.join(" "));
    }
    if let Some(at) = view.expires_at {
        println!("expires_at: {at}");
    }
    Ok(())
}

fn print_api_keys(keys: &[ApiKeyView], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(keys)?);
        return Ok(());
    }
    println!(
        "{:<25} {:<11} {:<8} {:<37} {:>12} NAME",
        "KEY ID", "PREFIX", "STATE", "USER", "LAST USED"
    );
    let now = SystemClock.now();
    for k in keys {
        let state = if k.revoked {
            "revoked"
        } else if k.expires_at.is_some_and(|at| at <= now) {
            "expired"
        } else {
            "active"
        };
        let last_used = k
            .last_used_at
            .map_or_else(|| "-".to_owned(), |t| t.to_string());
        println!(
            "{:<25} {:<11} {:<8} {:<37} {:>12} {}",
            k.key_id,
            k.prefix,
            state,
            k.user_id.as_deref().unwrap_or("(app)"),
            last_used,
            k.name
        );
    }
    Ok(())
}

fn print_signing_keys(keys: &[KeyInfo], json: bool) -> anyhow::Result<()> {
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
