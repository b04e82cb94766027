//! `auth-return apps …`: register, list, show and delete apps as the operator.

use crate::config::Config;
use auth_return_core::{NewApp, Scope};
use auth_return_server::views::AppView;
use clap::Subcommand;

/// The `apps` subcommands.
#[derive(Subcommand, Debug)]
pub enum AppsCommand {
    /// Register an app: creates its user pool and app client.
    Create {
        /// Display name (used in mail).
        #[arg(long)]
        name: String,
        /// A browser origin allowed to call the app (repeatable); none = any.
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// Give the client a secret (for server-side apps; browsers cannot keep one).
        #[arg(long)]
        client_secret: bool,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List every app.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show one app.
    Show {
        /// The app id.
        app_id: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Delete an app, its pool and all its users.
    Delete {
        /// The app id.
        app_id: String,
    },
}

/// Runs an `apps` subcommand.
pub async fn run(config: Config, command: AppsCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    match command {
        AppsCommand::Create {
            name,
            origins,
            client_secret,
            json,
        } => {
            let created = service
                .create_app(
                    Scope::Operator,
                    NewApp {
                        name,
                        origins,
                        client_secret,
                    },
                )
                .await?;
            print_app(
                &AppView::new(&service, &created.app, created.client_secret),
                json,
            )?;
        }
        AppsCommand::List { json } => {
            let apps = service.list_apps(Scope::Operator).await?;
            let views: Vec<AppView> = apps
                .iter()
                .map(|app| AppView::new(&service, app, None))
                .collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else {
                println!(
                    "{:<18} {:<22} {:<28} NAME",
                    "APP ID", "USER POOL ID", "CLIENT ID"
                );
                for v in views {
                    println!(
                        "{:<18} {:<22} {:<28} {}",
                        v.app_id, v.user_pool_id, v.client_id, v.name
                    );
                }
            }
        }
        AppsCommand::Show { app_id, json } => {
            let app = service.get_app(Scope::Operator, &app_id).await?;
            print_app(&AppView::new(&service, &app, None), json)?;
        }
        AppsCommand::Delete { app_id } => {
            service.delete_app(Scope::Operator, &app_id).await?;
            println!("deleted {app_id}");
        }
    }
    Ok(())
}

fn print_app(view: &AppView, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(view)?);
        return Ok(());
    }
    println!("app_id:        {}", view.app_id);
    println!("name:          {}", view.name);
    println!("user_pool_id:  {}", view.user_pool_id);
    println!("client_id:     {}", view.client_id);
    if let Some(secret) = &view.client_secret {
        println!("client_secret: {secret}   (shown once: store it now)");
    }
    println!("endpoint:      {}", view.endpoint);
    println!("issuer:        {}", view.issuer);
    println!("jwks_uri:      {}", view.jwks_uri);
    if !view.origins.is_empty() {
        println!("origins:       {}", view.origins.join(", "));
    }
    Ok(())
}
