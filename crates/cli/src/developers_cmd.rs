//! `auth-return developers …`: invite and list developers (the console app's users) as the
//! operator, whatever `--console-signup` says.

use crate::config::Config;
use auth_return_core::admin::NewUser;
use auth_return_core::auth::UserView;
use auth_return_core::events::Caller;
use auth_return_core::{Actor, AppId, Service};
use clap::Subcommand;
use serde_json::json;

/// The `developers` subcommands.
#[derive(Subcommand, Debug)]
pub enum DevelopersCommand {
    /// Invite a developer: creates their console account and mails a temporary password,
    /// which they replace with their own at the first sign-in.
    Invite {
        /// The developer's email address (their sign-in name).
        email: String,
        /// Mail a new temporary password to a developer invited before who has not signed in.
        #[arg(long)]
        resend: bool,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Disable a developer: their sessions end and their console tokens stop working (their
    /// apps keep running); for someone who should not be one, e.g. who signed up first.
    Disable {
        /// The developer's email address.
        email: String,
    },
    /// Enable a disabled developer again.
    Enable {
        /// The developer's email address.
        email: String,
    },
    /// List every developer.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
}

/// The attribute `name` of a user, or "".
fn attribute<'a>(user: &'a UserView, name: &str) -> &'a str {
    user.attributes
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

fn developer_json(user: &UserView) -> serde_json::Value {
    json!({
        "email": attribute(user, "email"),
        "sub": user.username,
        "status": user.status,
        "enabled": user.enabled,
        "created_at": user.created_at,
    })
}

/// Runs a `developers` subcommand.
pub async fn run(config: Config, command: DevelopersCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    let outcome = act(&service, command).await;
    // The audit events of what was done, written before the process ends.
    service.events().flush().await;
    outcome
}

async fn act(service: &Service, command: DevelopersCommand) -> anyhow::Result<()> {
    let console = service
        .get_app(Actor::Operator, &AppId::console())
        .await?
        .pool_id;
    match command {
        DevelopersCommand::Invite {
            email,
            resend,
            json,
        } => {
            let new = NewUser {
                username: email,
                message_action: resend.then(|| "RESEND".to_owned()),
                ..NewUser::default()
            };
            let user = service
                .admin_create_user(Actor::Operator, &console, new, &Caller::unknown())
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&developer_json(&user))?);
            } else {
                let days = service.config().temporary_password_ttl_secs / 86_400;
                println!(
                    "invited {}: a temporary password (valid {days} days) went to that address; \
                     they choose their own at the first sign-in",
                    attribute(&user, "email")
                );
            }
        }
        DevelopersCommand::Disable { email } => {
            service
                .admin_set_user_enabled(
                    Actor::Operator,
                    &console,
                    &email,
                    false,
                    &Caller::unknown(),
                )
                .await?;
            println!("disabled {email}");
        }
        DevelopersCommand::Enable { email } => {
            service
                .admin_set_user_enabled(Actor::Operator, &console, &email, true, &Caller::unknown())
                .await?;
            println!("enabled {email}");
        }
        DevelopersCommand::List { json } => {
            let mut all = Vec::new();
            let mut next: Option<String> = None;
            loop {
                let (page, more) = service
                    .list_users(Actor::Operator, &console, None, None, next.as_deref())
                    .await?;
                all.extend(page);
                match more {
                    Some(token) => next = Some(token),
                    None => break,
                }
            }
            if json {
                let list: Vec<_> = all.iter().map(developer_json).collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!("{:<36} {:<22} {:<8} EMAIL", "SUB", "STATUS", "ENABLED");
                for user in &all {
                    println!(
                        "{:<36} {:<22} {:<8} {}",
                        user.username,
                        user.status,
                        user.enabled,
                        attribute(user, "email")
                    );
                }
            }
        }
    }
    Ok(())
}
