//! `auth-return webhooks …`: an app's webhook endpoints added, listed, turned off and on,
//! deleted and their deliveries read by the operator, as the REST API does for developers.

use crate::config::Config;
use anyhow::Context;
use auth_return_core::events::{Caller, EventKind};
use auth_return_core::webhooks::{NewWebhook, WebhookUpdate};
use auth_return_core::{Actor, AppId, Service, WebhookId};
use auth_return_server::views::{DeliveryView, WebhookView, WebhookWithSecretView};
use clap::Subcommand;

/// The `webhooks` subcommands.
#[derive(Subcommand, Debug)]
pub enum WebhooksCommand {
    /// Add an endpoint to an app; its signing secret is printed this once.
    Add {
        /// The app id.
        #[arg(long)]
        app: String,
        /// Where deliveries are posted (https).
        #[arg(long)]
        url: String,
        /// The event types to send, comma-separated or repeated (`sign_up,locked_out`).
        #[arg(long = "event-types", value_delimiter = ',', required = true)]
        event_types: Vec<String>,
        /// A label.
        #[arg(long, default_value = "")]
        description: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List an app's endpoints, never their secrets.
    List {
        /// The app id.
        #[arg(long)]
        app: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Turn an endpoint on (forgetting its failure streak) or off (failing what it has pending).
    Set {
        /// The app id.
        #[arg(long)]
        app: String,
        /// The endpoint id (`wh_…`).
        webhook_id: String,
        /// `true` (on) or `false` (off).
        #[arg(long, action = clap::ArgAction::Set)]
        enabled: bool,
    },
    /// Delete an endpoint with its delivery log.
    Delete {
        /// The app id.
        #[arg(long)]
        app: String,
        /// The endpoint id (`wh_…`).
        webhook_id: String,
    },
    /// An endpoint's newest deliveries.
    Deliveries {
        /// The app id.
        #[arg(long)]
        app: String,
        /// The endpoint id (`wh_…`).
        webhook_id: String,
        /// How many (1–100).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a `webhooks` subcommand.
pub async fn run(config: Config, command: WebhooksCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    let outcome = act(&service, command).await;
    // The audit events of what was done, written before the process ends.
    service.events().flush().await;
    outcome
}

async fn act(service: &Service, command: WebhooksCommand) -> anyhow::Result<()> {
    let caller = Caller::unknown();
    match command {
        WebhooksCommand::Add {
            app,
            url,
            event_types,
            description,
            json,
        } => {
            let kinds = event_types
                .iter()
                .map(|code| {
                    EventKind::parse(code.trim())
                        .with_context(|| format!("unknown event type {code:?}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let new = NewWebhook {
                url,
                description,
                kinds,
            };
            let made = service
                .create_webhook(Actor::Operator, &app.parse()?, new, &caller)
                .await?;
            let view = WebhookWithSecretView::from(&made);
            if json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                print_webhook(&view.webhook);
                println!(
                    "secret:      {}   (shown once: give it to the receiver now)",
                    view.secret
                );
            }
        }
        WebhooksCommand::List { app, json } => {
            let hooks = service
                .list_webhooks(Actor::Operator, &app.parse()?)
                .await?;
            let views: Vec<WebhookView> = hooks.iter().map(WebhookView::from).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
                return Ok(());
            }
            if views.is_empty() {
                println!("no webhook endpoints");
            }
            for view in &views {
                print_webhook(view);
                println!();
            }
        }
        WebhooksCommand::Set {
            app,
            webhook_id,
            enabled,
        } => {
            let (app, id) = ids(&app, &webhook_id)?;
            let update = WebhookUpdate {
                enabled: Some(enabled),
                ..WebhookUpdate::default()
            };
            let changed = service
                .update_webhook(Actor::Operator, &app, &id, update, &caller)
                .await?;
            print_webhook(&WebhookView::from(&changed));
        }
        WebhooksCommand::Delete { app, webhook_id } => {
            let (app, id) = ids(&app, &webhook_id)?;
            service
                .delete_webhook(Actor::Operator, &app, &id, &caller)
                .await?;
            println!("deleted {webhook_id}");
        }
        WebhooksCommand::Deliveries {
            app,
            webhook_id,
            limit,
            json,
        } => {
            let (app, id) = ids(&app, &webhook_id)?;
            let deliveries = service
                .list_webhook_deliveries(Actor::Operator, &app, &id, None, limit.clamp(1, 100))
                .await?;
            let views: Vec<DeliveryView> = deliveries.iter().map(DeliveryView::from).collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
                return Ok(());
            }
            println!(
                "{:<12} {:<10} {:>8}  last answer",
                "message", "status", "attempts"
            );
            for d in &views {
                let answer = d
                    .last_error
                    .clone()
                    .or(d.last_status.map(|s| format!("HTTP {s}")))
                    .unwrap_or_else(|| "none yet".into());
                println!(
                    "{:<12} {:<10} {:>8}  {answer}",
                    d.message_id, d.status, d.attempts
                );
            }
        }
    }
    Ok(())
}

fn ids(app: &str, webhook_id: &str) -> anyhow::Result<(AppId, WebhookId)> {
    Ok((app.parse()?, webhook_id.parse()?))
}

fn print_webhook(view: &WebhookView) {
    println!("webhook_id:  {}", view.webhook_id);
    println!("url:         {}", view.url);
    if !view.description.is_empty() {
        println!("description: {}", view.description);
    }
    println!("event_types: {}", view.event_types.join(", "));
    let state = match (&view.disabled_reason, view.enabled, view.failing_since) {
        (_, true, None) => "on".to_owned(),
        (_, true, Some(since)) => format!("on, failing since {since}"),
        (Some(reason), false, _) => format!("off ({reason})"),
        (None, false, _) => "off".to_owned(),
    };
    println!("state:       {state}");
}
