//! Wiring: configuration → store, master key, mailer → the domain service.

use crate::config::{Config, MailTransport};
use auth_return_core::clock::SystemClock;
use auth_return_core::compute::ComputePool;
use auth_return_core::mail::Mailer;
use auth_return_core::{Dependencies, Service, ServiceConfig};
use auth_return_mail::{OutboxMailer, SmtpMailer};
use std::sync::Arc;

/// Opens the database and builds the service (the console app exists afterwards).
pub async fn open(config: &Config) -> anyhow::Result<Arc<Service>> {
    crate::files::create_data_dir(&config.data_dir)?;
    let master_key = crate::master_key::load_or_create(&config.data_dir)?;
    let store = auth_return_store::connect(&config.database_url)
        .await
        .map_err(|e| anyhow::anyhow!("opening the database: {e}"))?;
    let mailer = mailer(config)?;
    let mut service_config = ServiceConfig {
        key_propagation_secs: i64::from(config.key_propagation_secs),
        console_signup: config.console_signup,
        invitations_per_day: config.invitations_per_day,
        ..ServiceConfig::new(config.region.clone(), config.public_url.clone())
    };
    if let Some(name) = &config.mail_from_name {
        service_config.mail_from_name.clone_from(name);
    }
    service_config.default_provider = config.default_provider;
    service_config.webhooks_allow_private = config.webhooks_allow_private;
    let mut service = Service::new(Dependencies {
        events: auth_return_core::recorder::EventRecorder::spawn(store.clone()),
        store,
        clock: Arc::new(SystemClock),
        mailer,
        master_key,
        config: service_config,
        compute: ComputePool::for_this_machine(),
    });
    let http = auth_return_server::webhook_transport::HttpWebhookTransport::new(
        config.webhooks_allow_private,
    )
    .map_err(|e| anyhow::anyhow!("building the HTTP client for hooks: {e}"))?;
    service = service.with_http(Arc::new(http));
    if let Some(aws) = &config.aws {
        service = service.with_pool_provider(pool_provider(aws).await?);
    }
    let service = Arc::new(service);
    service
        .ensure_console_app()
        .await
        .map_err(|e| anyhow::anyhow!("creating the console app: {e}"))?;
    Ok(service)
}

/// The AWS Cognito provider, as `aws` says to reach it.
#[cfg(feature = "cognito")]
async fn pool_provider(
    aws: &crate::config::AwsSettings,
) -> anyhow::Result<Arc<dyn auth_return_core::provider::PoolProvider>> {
    use auth_return_provider_cognito::{CognitoProvider, ProviderConfig};
    let provider = CognitoProvider::new(ProviderConfig {
        region: aws.region.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        ..ProviderConfig::default()
    })
    .await
    .map_err(|e| anyhow::anyhow!("AWS Cognito provider: {e}"))?;
    tracing::info!(
        region = provider.region(),
        endpoint = provider.endpoint(),
        "AWS Cognito provider ready"
    );
    Ok(Arc::new(provider))
}

/// Without the `cognito` feature there is no AWS provider to make.
#[cfg(not(feature = "cognito"))]
async fn pool_provider(
    _aws: &crate::config::AwsSettings,
) -> anyhow::Result<Arc<dyn auth_return_core::provider::PoolProvider>> {
    anyhow::bail!(
        "--default-provider cognito, --aws-region and --aws-endpoint-url need a build with the \
         cognito feature: cargo build --release -p auth-return --features cognito"
    )
}

/// The mail transport: SMTP when `--smtp-url` is given, else the outbox file.
fn mailer(config: &Config) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &config.mail {
        MailTransport::Outbox { .. } => {
            Arc::new(OutboxMailer::new(config.data_dir.join("outbox.jsonl")))
        }
        MailTransport::Smtp(smtp) => {
            Arc::new(SmtpMailer::new(smtp).map_err(|e| anyhow::anyhow!("--smtp-url {smtp}: {e}"))?)
        }
    })
}
