//! `auth-return events --app APP_ID …`: an app's audit events as the operator, newest first, a
//! page at a time (what `GET /api/apps/{id}/events` answers its developer).

use crate::config::Config;
use anyhow::Context;
use auth_return_core::activity::MAX_PAGE_SIZE;
use auth_return_core::events::{EventKind, EventQuery, cap};
use auth_return_core::{Actor, UserId};
use auth_return_crypto::timestamp::format_rfc3339;
use auth_return_server::views::{EventPageView, EventView};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

/// The longest detail a table row shows, in characters.
const DETAIL_MAX_CHARS: usize = 60;

/// The `events` arguments.
#[derive(Args, Debug)]
pub struct EventsArgs {
    /// The app id.
    #[arg(long)]
    app: String,
    /// Only events of this type.
    #[arg(
        long = "type",
        value_parser = PossibleValuesParser::new(EventKind::ALL.iter().map(|k| k.as_str()))
            .try_map(|code| code.parse::<EventKind>())
    )]
    kind: Option<EventKind>,
    /// Only events of this user (their `sub`, a UUID).
    #[arg(long)]
    user: Option<String>,
    /// Events per page (1–100).
    #[arg(long, default_value_t = 50,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGE_SIZE)))]
    limit: u32,
    /// Start after this event: the `next_cursor` of the previous page.
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..))]
    cursor: Option<i64>,
    /// Print the page as one JSON object, as the REST API answers it.
    #[arg(long)]
    json: bool,
}

/// Runs `events`.
pub async fn run(config: Config, args: EventsArgs) -> anyhow::Result<()> {
    let user_id = args
        .user
        .as_deref()
        .map(|user| {
            UserId::parse(user)
                .with_context(|| format!("--user must be a user id (a UUID), got {user:?}"))
        })
        .transpose()?;
    let service = crate::runtime::open(&config).await?;
    let query = EventQuery {
        kind: args.kind,
        user_id,
        before: args.cursor,
        limit: args.limit,
    };
    let page = service
        .list_events(Actor::Operator, &args.app.parse()?, query)
        .await?;
    let view = EventPageView::from(&page);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    println!(
        "{:<20} {:<24} {:<36} {:<15} DETAIL",
        "TIME", "TYPE", "USER", "CLIENT"
    );
    for event in &view.events {
        println!(
            "{:<20} {:<24} {:<36} {:<15} {}",
            format_rfc3339(event.at),
            event.kind,
            who(event),
            event.client_ip.as_deref().unwrap_or("-"),
            detail(event)
        );
    }
    if let Some(cursor) = &view.next_cursor {
        println!("more: --cursor {cursor}");
    }
    Ok(())
}

/// The email, else the user id, else `-`.
fn who(event: &EventView) -> &str {
    event
        .email
        .as_deref()
        .or(event.user_id.as_deref())
        .unwrap_or("-")
}

/// The detail's members as `key=value`, the actor first, cut to [`DETAIL_MAX_CHARS`].
fn detail(event: &EventView) -> String {
    let actor = event.actor.iter().map(|actor| format!("by={actor}"));
    let facts = event.detail.iter().map(|(key, value)| match value {
        serde_json::Value::String(text) => format!("{key}={text}"),
        other => format!("{key}={other}"),
    });
    let line = actor.chain(facts).collect::<Vec<_>>().join(" ");
    let shown = cap(&line, DETAIL_MAX_CHARS);
    if shown.len() < line.len() {
        format!("{shown}…")
    } else {
        line
    }
}
