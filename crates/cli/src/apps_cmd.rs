//! `auth-return apps …`: register, list, show and delete apps as the operator.

use crate::config::Config;
use crate::oauth_flags::{self, OAuthFlags};
use anyhow::Context;
use auth_return_core::events::Caller;
use auth_return_core::passkey_settings::PasskeyPatch;
use auth_return_core::provider::ProviderKind;
use auth_return_core::settings::{MfaMode, MfaPatch, RotationPatch};
use auth_return_core::{Actor, AppUpdate, NewApp, Service};
use auth_return_server::views::AppView;
use clap::Subcommand;
use clap::builder::{PossibleValuesParser, TypedValueParser};

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
        /// Where its user pool lives: builtin (here) or cognito (AWS Cognito, see
        /// --aws-region) [default: --default-provider].
        #[arg(long, value_parser = PossibleValuesParser::new(["builtin", "cognito"]))]
        provider: Option<String>,
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
    /// Change an app's settings (only what is given changes).
    Update {
        /// The app id.
        app_id: String,
        /// New display name.
        #[arg(long)]
        name: Option<String>,
        /// Allowed browser origin (repeatable; replaces the list).
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// Allow any origin again (clears the list).
        #[arg(long, conflicts_with = "origins")]
        any_origin: bool,
        /// ID and access token lifetime in seconds (300–86400).
        #[arg(long)]
        token_validity: Option<i64>,
        /// Refresh token lifetime in seconds (3600–315360000): the absolute session length.
        #[arg(long)]
        refresh_validity: Option<i64>,
        /// Refresh-token rotation on GetTokensFromRefreshToken.
        #[arg(long)]
        rotation: Option<bool>,
        /// Seconds a rotated-out refresh token stays usable (0–60).
        #[arg(long)]
        rotation_grace: Option<i64>,
        /// Multi-factor sign-in: OFF (never asked), OPTIONAL (users who turned on an
        /// authenticator app are asked) or ON (everyone; users without one set it up at their
        /// next sign-in).
        #[arg(long, value_name = "MODE", ignore_case = true, value_parser = mfa_modes())]
        mfa: Option<String>,
        /// Passkeys on or off.
        #[arg(long, value_name = "BOOL")]
        passkeys: Option<bool>,
        /// The passkeys' relying-party id, a domain ("" for the default: the public URL's host).
        #[arg(long, value_name = "DOMAIN")]
        passkey_rp_id: Option<String>,
        /// An origin passkey ceremonies may come from, besides the public URL's and the app's
        /// origins (repeatable; replaces the list).
        #[arg(long = "passkey-origin", value_name = "ORIGIN")]
        passkey_origins: Vec<String>,
        /// Hosted sign-in and OAuth 2.0 settings.
        #[command(flatten)]
        oauth: Box<OAuthFlags>,
        /// Any other settings as the JSON body of `PATCH /api/apps/{id}`, e.g.
        /// '{"password_policy":{"min_length":12}}'. Flags win over it.
        #[arg(long)]
        patch: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Delete an app, its pool and all its users.
    Delete {
        /// The app id.
        app_id: String,
        /// For an app whose pool lives in AWS Cognito: delete the app here only and leave the
        /// pool in AWS (when this server can no longer delete it there).
        #[arg(long)]
        keep_provider_pool: bool,
    },
}

/// `--mfa`'s values, in Cognito's spelling whatever the case they were typed in.
fn mfa_modes() -> impl TypedValueParser<Value = String> {
    PossibleValuesParser::new(MfaMode::ALL.map(MfaMode::as_str))
        .map(|mode| mode.to_ascii_uppercase())
}

/// Runs an `apps` subcommand.
pub async fn run(config: Config, command: AppsCommand) -> anyhow::Result<()> {
    let service = crate::runtime::open(&config).await?;
    let outcome = act(&service, command).await;
    // The audit events of what was done, written before the process ends.
    service.events().flush().await;
    outcome
}

async fn act(service: &Service, command: AppsCommand) -> anyhow::Result<()> {
    match command {
        AppsCommand::Create {
            name,
            origins,
            client_secret,
            provider,
            json,
        } => {
            let created = service
                .create_app(
                    Actor::Operator,
                    NewApp {
                        name,
                        origins,
                        client_secret,
                        provider: provider.as_deref().and_then(ProviderKind::parse),
                    },
                )
                .await?;
            print_app(
                &AppView::new(service, &created.app, created.client_secret),
                json,
            )?;
        }
        AppsCommand::List { json } => {
            let apps = service.list_apps(Actor::Operator).await?;
            let views: Vec<AppView> = apps
                .iter()
                .map(|app| AppView::new(service, app, None))
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
            let app = service.get_app(Actor::Operator, &app_id.parse()?).await?;
            print_app(&AppView::new(service, &app, None), json)?;
        }
        AppsCommand::Update {
            app_id,
            name,
            origins,
            any_origin,
            token_validity,
            refresh_validity,
            rotation,
            rotation_grace,
            mfa,
            passkeys,
            passkey_rp_id,
            passkey_origins,
            oauth,
            patch,
            json,
        } => {
            let mut update: AppUpdate = match patch {
                Some(text) => {
                    serde_json::from_str(&text).context("--patch is not a valid settings object")?
                }
                None => AppUpdate::default(),
            };
            update.name = name.or(update.name);
            if any_origin {
                update.origins = Some(Vec::new());
            } else if !origins.is_empty() {
                update.origins = Some(origins);
            }
            update.token_validity_secs = token_validity.or(update.token_validity_secs);
            update.refresh_validity_secs = refresh_validity.or(update.refresh_validity_secs);
            if rotation.is_some() || rotation_grace.is_some() {
                let patch = update
                    .refresh_rotation
                    .get_or_insert_with(RotationPatch::default);
                patch.enabled = rotation.or(patch.enabled);
                patch.grace_secs = rotation_grace.or(patch.grace_secs);
            }
            if let Some(mode) = mfa {
                update.mfa.get_or_insert_with(MfaPatch::default).mode = Some(mode);
            }
            if passkeys.is_some() || passkey_rp_id.is_some() || !passkey_origins.is_empty() {
                let patch = update.passkeys.get_or_insert_with(PasskeyPatch::default);
                patch.enabled = passkeys.or(patch.enabled);
                patch.relying_party_id = passkey_rp_id.or(patch.relying_party_id.take());
                if !passkey_origins.is_empty() {
                    patch.origins = Some(passkey_origins);
                }
            }
            oauth.merge_into(&mut update.oauth)?;
            let app = service
                .update_app(
                    Actor::Operator,
                    &app_id.parse()?,
                    update,
                    &Caller::unknown(),
                )
                .await?;
            print_app(&AppView::new(service, &app, None), json)?;
        }
        AppsCommand::Delete {
            app_id,
            keep_provider_pool,
        } => {
            let id = app_id.parse()?;
            if keep_provider_pool {
                service
                    .delete_app_keeping_external_pool(Actor::Operator, &id)
                    .await?;
            } else {
                service
                    .delete_app(Actor::Operator, &id)
                    .await
                    .map_err(|error| match error {
                        auth_return_core::Error::ProviderNotConfigured(_) => {
                            anyhow::Error::new(error).context(
                                "the app's pool cannot be deleted from here; \
                             pass --keep-provider-pool to delete the app only and leave its pool",
                            )
                        }
                        other => other.into(),
                    })?;
            }
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
    println!("mfa:           {}", view.settings.mfa.mode.as_str());
    let passkeys = &view.settings.passkeys;
    if passkeys.enabled {
        let rp_id = passkeys
            .relying_party_id
            .as_deref()
            .unwrap_or("(the public URL's host)");
        println!("passkeys:      on, relying party {rp_id}");
    }
    oauth_flags::print(&view.settings.oauth);
    Ok(())
}
