//! `auth-return identity-providers …`: an app's upstream identity providers added, listed,
//! shown, changed and deleted by the operator, as the REST API and the Cognito operations do
//! for developers. A secret detail is best given as `KEY=@FILE` (or `KEY=@-`, standard input),
//! which keeps it out of the shell's history and the process list.

use crate::config::Config;
use anyhow::{Context, bail};
use auth_return_core::federation::{IdentityProviderChange, NewIdentityProvider};
use auth_return_core::{Actor, AppId, PoolId, Service};
use auth_return_server::views::IdentityProviderView;
use clap::Subcommand;
use std::collections::BTreeMap;
use std::io::Read;

/// The `identity-providers` subcommands.
#[derive(Subcommand, Debug)]
pub enum IdentityProvidersCommand {
    /// Add a provider to an app.
    Add {
        /// The app id.
        #[arg(long)]
        app: String,
        /// Its name (`Google` and `SignInWithApple` for those types).
        #[arg(long)]
        name: String,
        /// `OIDC`, `Google` or `SignInWithApple`.
        #[arg(long = "type")]
        provider_type: String,
        /// A provider detail, `KEY=VALUE`, or `KEY=@FILE` / `KEY=@-` to read the value (a
        /// secret, Apple's key) from a file or standard input; repeated.
        #[arg(long = "detail", value_name = "KEY=VALUE")]
        details: Vec<String>,
        /// An attribute mapping, `ATTRIBUTE=CLAIM`; repeated.
        #[arg(long = "map", value_name = "ATTRIBUTE=CLAIM")]
        mapping: Vec<String>,
        /// Another name that finds it; repeated.
        #[arg(long = "identifier")]
        identifiers: Vec<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List an app's providers, never their secrets.
    List {
        /// The app id.
        #[arg(long)]
        app: String,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Show one provider, never its secrets.
    Show {
        /// The app id.
        #[arg(long)]
        app: String,
        /// The provider's name.
        name: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Change a provider: details given replace those of the same key (the others stay),
    /// a mapping or identifiers given replace the old ones.
    Update {
        /// The app id.
        #[arg(long)]
        app: String,
        /// The provider's name.
        name: String,
        /// A provider detail, as for `add`; repeated.
        #[arg(long = "detail", value_name = "KEY=VALUE")]
        details: Vec<String>,
        /// An attribute mapping, `ATTRIBUTE=CLAIM`; repeated (replaces the mapping).
        #[arg(long = "map", value_name = "ATTRIBUTE=CLAIM")]
        mapping: Vec<String>,
        /// Another name that finds it; repeated (replaces the identifiers).
        #[arg(long = "identifier")]
        identifiers: Vec<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Delete a provider.
    Delete {
        /// The app id.
        #[arg(long)]
        app: String,
        /// The provider's name.
        name: String,
    },
}

/// Runs an `identity-providers` subcommand.
pub async fn run(config: Config, command: IdentityProvidersCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    act(&service, command).await
}

async fn act(service: &Service, command: IdentityProvidersCommand) -> anyhow::Result<()> {
    let actor = Actor::Operator;
    match command {
        IdentityProvidersCommand::Add {
            app,
            name,
            provider_type,
            details,
            mapping,
            identifiers,
            json,
        } => {
            let pool = pool_of(service, &app).await?;
            let new = NewIdentityProvider {
                name,
                provider_type,
                details: details_of(&details)?,
                attribute_mapping: pairs(&mapping, "--map")?,
                idp_identifiers: identifiers,
            };
            let made = service.create_identity_provider(actor, &pool, new).await?;
            print(&IdentityProviderView::of(service, made)?, json)?;
        }
        IdentityProvidersCommand::List { app, json } => {
            let pool = pool_of(service, &app).await?;
            let views = service
                .list_all_identity_providers(actor, &pool)
                .await?
                .into_iter()
                .map(|provider| IdentityProviderView::of(service, provider))
                .collect::<Result<Vec<_>, _>>()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
            } else if views.is_empty() {
                println!("no identity providers");
            } else {
                for view in &views {
                    print(view, false)?;
                    println!();
                }
            }
        }
        IdentityProvidersCommand::Show { app, name, json } => {
            let pool = pool_of(service, &app).await?;
            let provider = service
                .describe_identity_provider(actor, &pool, &name)
                .await?;
            print(&IdentityProviderView::of(service, provider)?, json)?;
        }
        IdentityProvidersCommand::Update {
            app,
            name,
            details,
            mapping,
            identifiers,
            json,
        } => {
            let pool = pool_of(service, &app).await?;
            let details = if details.is_empty() {
                None
            } else {
                let current = service
                    .describe_identity_provider(actor, &pool, &name)
                    .await?;
                let mut merged = current.details;
                merged.extend(details_of(&details)?);
                Some(merged)
            };
            let change = IdentityProviderChange {
                details,
                attribute_mapping: (!mapping.is_empty())
                    .then(|| pairs(&mapping, "--map"))
                    .transpose()?,
                idp_identifiers: (!identifiers.is_empty()).then_some(identifiers),
            };
            let changed = service
                .update_identity_provider(actor, &pool, &name, change)
                .await?;
            print(&IdentityProviderView::of(service, changed)?, json)?;
        }
        IdentityProvidersCommand::Delete { app, name } => {
            let pool = pool_of(service, &app).await?;
            service
                .delete_identity_provider(actor, &pool, &name)
                .await?;
            println!("deleted {name}");
        }
    }
    Ok(())
}

async fn pool_of(service: &Service, app: &str) -> anyhow::Result<PoolId> {
    let app_id: AppId = app.parse()?;
    Ok(service.get_app(Actor::Operator, &app_id).await?.pool_id)
}

/// `KEY=VALUE` pairs of `flag`, a key given once.
fn pairs(given: &[String], flag: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for pair in given {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("{flag} takes KEY=VALUE, not {pair:?}");
        };
        if out.insert(key.to_owned(), value.to_owned()).is_some() {
            bail!("{flag} gives {key} twice");
        }
    }
    Ok(out)
}

/// The `--detail` pairs, a value `@FILE` read from that file (`@-`: standard input), its
/// final line break dropped.
fn details_of(given: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut details = pairs(given, "--detail")?;
    for (key, value) in details.iter_mut() {
        let Some(source) = value.strip_prefix('@') else {
            continue;
        };
        let mut text = String::new();
        if source == "-" {
            std::io::stdin()
                .read_to_string(&mut text)
                .with_context(|| format!("reading {key} from standard input"))?;
        } else {
            text = std::fs::read_to_string(source)
                .with_context(|| format!("reading {key} from {source}"))?;
        }
        *value = text.trim_end_matches(['\n', '\r']).to_owned();
    }
    Ok(details)
}

fn print(view: &IdentityProviderView, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(view)?);
        return Ok(());
    }
    println!("name:         {} ({})", view.name, view.provider_type);
    for (key, value) in &view.details {
        println!("  {key}: {value}");
    }
    if !view.secrets_set.is_empty() {
        println!(
            "secrets set:  {} (never shown)",
            view.secrets_set.join(", ")
        );
    }
    let mapping: Vec<String> = view
        .attribute_mapping
        .iter()
        .map(|(attribute, claim)| format!("{attribute} ← {claim}"))
        .collect();
    println!("mapping:      {}", mapping.join(", "));
    if !view.identifiers.is_empty() {
        println!("identifiers:  {}", view.identifiers.join(", "));
    }
    println!(
        "redirect URI: {}   (register it with the provider)",
        view.redirect_uri
    );
    Ok(())
}
