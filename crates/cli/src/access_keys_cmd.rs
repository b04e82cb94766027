//! `auth-return access-keys …`: developers' AWS-style access keys (SigV4, for boto3 and the AWS
//! CLI) created, listed and revoked by the operator, naming the developer by email.

use crate::config::Config;
use auth_return_core::access_keys::NewAccessKey;
use auth_return_core::events::Caller;
use auth_return_core::{Actor, Service};
use auth_return_server::views::{AccessKeyView, CreatedAccessKeyView};
use clap::Subcommand;

/// The `access-keys` subcommands.
#[derive(Subcommand, Debug)]
pub enum AccessKeysCommand {
    /// Create an access key for a developer; the secret is printed this once.
    Create {
        /// The developer's email.
        #[arg(long)]
        developer: String,
        /// A label (1–100 characters).
        #[arg(long)]
        name: String,
        /// Limit the key to this app (the developer's).
        #[arg(long)]
        app: Option<String>,
        /// Limit the key to reading.
        #[arg(long)]
        read_only: bool,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List a developer's access keys, never their secrets.
    List {
        /// The developer's email.
        #[arg(long)]
        developer: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an access key (revoking it again is fine).
    Revoke {
        /// The access key id (`AKAR…`).
        access_key_id: String,
    },
}

/// Runs an `access-keys` subcommand.
pub async fn run(config: Config, command: AccessKeysCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    let outcome = act(&service, command).await;
    // The audit events of what was done, written before the process ends.
    service.events().flush().await;
    outcome
}

async fn act(service: &Service, command: AccessKeysCommand) -> anyhow::Result<()> {
    match command {
        AccessKeysCommand::Create {
            developer,
            name,
            app,
            read_only,
            json,
        } => {
            let developer = service.developer_by_email(&developer).await?;
            let new = NewAccessKey {
                name,
                app_id: app.as_deref().map(str::parse).transpose()?,
                read_only,
            };
            let created = service
                .create_access_key(developer, new, Actor::Operator, &Caller::unknown())
                .await?;
            print_created(&CreatedAccessKeyView::from(&created), json)
        }
        AccessKeysCommand::List { developer, json } => {
            let developer = service.developer_by_email(&developer).await?;
            let keys = service.list_access_keys(developer, Actor::Operator).await?;
            let views: Vec<AccessKeyView> = keys.iter().map(AccessKeyView::from).collect();
            print_access_keys(&views, json)
        }
        AccessKeysCommand::Revoke { access_key_id } => {
            service
                .revoke_access_key(&access_key_id.parse()?, Actor::Operator, &Caller::unknown())
                .await?;
            println!("revoked {access_key_id}");
            Ok(())
        }
    }
}

fn print_created(view: &CreatedAccessKeyView, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(view)?);
        return Ok(());
    }
    println!(
        "secret_access_key: {}   (shown once: store it now)",
        view.secret_access_key
    );
    println!("access_key_id:     {}", view.key.access_key_id);
    println!("name:              {}", view.key.name);
    println!(
        "app_id:            {}",
        view.key
            .app_id
            .as_deref()
            .unwrap_or("(every app of the developer)")
    );
    println!("read_only:         {}", view.key.read_only);
    Ok(())
}

fn print_access_keys(keys: &[AccessKeyView], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(keys)?);
        return Ok(());
    }
    println!(
        "{:<21} {:<8} {:<10} {:<17} {:>12} NAME",
        "ACCESS KEY ID", "STATE", "ACCESS", "APP", "LAST USED"
    );
    for k in keys {
        println!(
            "{:<21} {:<8} {:<10} {:<17} {:>12} {}",
            k.access_key_id,
            if k.revoked { "revoked" } else { "active" },
            if k.read_only {
                "read-only"
            } else {
                "read-write"
            },
            k.app_id.as_deref().unwrap_or("(all)"),
            k.last_used_at
                .map_or_else(|| "-".to_owned(), |t| t.to_string()),
            k.name
        );
    }
    Ok(())
}
