//! Creating, describing, changing, listing and deleting a pool's identity providers.

use super::validate;
use super::{
    IdentityProvider, MAX_PROVIDERS_PAGE, MAX_PROVIDERS_PER_POOL, ProviderDetails, ProviderType,
};
use crate::admin::name_pages::{decode_token, encode_token, page_end, page_size};
use crate::apps::Actor;
use crate::error::{Error, Field, Result};
use crate::ids::PoolId;
use crate::model::App;
use crate::service::Service;
use crate::store::StoreError;
use std::collections::BTreeMap;

/// CreateIdentityProvider's members. No `Debug`: the details hold the provider's secret.
#[derive(Clone)]
pub struct NewIdentityProvider {
    /// The name (`Google` and `SignInWithApple` for those types).
    pub name: String,
    /// The type's wire name (`OIDC`, `Google`, `SignInWithApple`).
    pub provider_type: String,
    /// `ProviderDetails`.
    pub details: BTreeMap<String, String>,
    /// `AttributeMapping`; `username` maps to `sub` unless given.
    pub attribute_mapping: BTreeMap<String, String>,
    /// `IdpIdentifiers`.
    pub idp_identifiers: Vec<String>,
}

/// UpdateIdentityProvider's members: those given replace, the others stay. Details given are
/// checked whole, with the secrets not given kept. No `Debug`: the details may hold a secret.
#[derive(Clone, Default)]
pub struct IdentityProviderChange {
    /// New `ProviderDetails`.
    pub details: Option<BTreeMap<String, String>>,
    /// A new `AttributeMapping`.
    pub attribute_mapping: Option<BTreeMap<String, String>>,
    /// New `IdpIdentifiers`.
    pub idp_identifiers: Option<Vec<String>>,
}

impl Service {
    /// The provider `name` of a pool.
    async fn pool_identity_provider(
        &self,
        pool_id: &PoolId,
        name: &str,
    ) -> Result<IdentityProvider> {
        self.store
            .get_identity_provider(pool_id, name)
            .await?
            .ok_or_else(|| Error::IdentityProviderNotFound(name.chars().take(32).collect()))
    }

    /// Seals `secrets` for the provider `name` of `pool_id` (`None` when there are none).
    fn seal_provider_secrets(
        &self,
        pool_id: &PoolId,
        name: &str,
        secrets: &BTreeMap<String, String>,
    ) -> Result<Option<Vec<u8>>> {
        if secrets.is_empty() {
            return Ok(None);
        }
        let json = serde_json::to_vec(secrets)
            .map_err(|e| Error::Internal(format!("provider secrets: {e}")))?;
        Ok(Some(
            self.keyring
                .identity_provider_secrets
                .seal(&json, provider_aad(pool_id, name).as_bytes()),
        ))
    }

    /// The secret details of `provider`, unsealed (for calling the provider; never answered).
    pub fn provider_secrets(
        &self,
        provider: &IdentityProvider,
    ) -> Result<BTreeMap<String, String>> {
        let Some(sealed) = &provider.sealed_secrets else {
            return Ok(BTreeMap::new());
        };
        let opened = self
            .keyring
            .identity_provider_secrets
            .open(
                sealed,
                provider_aad(&provider.pool_id, &provider.name).as_bytes(),
            )
            .map_err(|_| Error::Internal("identity provider secrets do not unseal".into()))?;
        serde_json::from_slice(opened.expose())
            .map_err(|_| Error::Internal("identity provider secrets are not a JSON object".into()))
    }

    /// IdpIdentifiers that another provider of the pool has already: refused, since an
    /// identifier must find one provider.
    async fn check_identifiers_free(
        &self,
        app: &App,
        name: &str,
        identifiers: &[String],
    ) -> Result<()> {
        if identifiers.is_empty() {
            return Ok(());
        }
        for other in self.all_identity_providers(&app.pool_id).await? {
            if other.name == name {
                continue;
            }
            if let Some(taken) = identifiers
                .iter()
                .find(|i| other.idp_identifiers.contains(i))
            {
                return Err(Error::DuplicateProvider(format!(
                    "The identifier {taken} is already used by the identity provider {}.",
                    other.name
                )));
            }
        }
        Ok(())
    }

    /// Every provider of a pool (at most a few hundred), a page at a time.
    async fn all_identity_providers(&self, pool_id: &PoolId) -> Result<Vec<IdentityProvider>> {
        const PAGE: u32 = 100;
        let mut all: Vec<IdentityProvider> = Vec::new();
        loop {
            let after = all.last().map(|last| last.name.clone());
            let page = self
                .store
                .list_identity_providers(pool_id, after.as_deref(), PAGE)
                .await?;
            let full = page.len() == PAGE as usize;
            all.extend(page);
            if !full {
                return Ok(all);
            }
        }
    }

    /// CreateIdentityProvider.
    pub async fn create_identity_provider(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        new: NewIdentityProvider,
    ) -> Result<IdentityProvider> {
        let app = self.admin_app(actor, pool_id).await?;
        let provider_type = ProviderType::parse(&new.provider_type).ok_or_else(|| {
            Error::InvalidParameter(format!(
                "ProviderType must be one of {}.",
                ProviderType::NAMES.join(", ")
            ))
        })?;
        validate::name(&new.name)?;
        if let Some(fixed) = provider_type.fixed_name()
            && new.name != fixed
        {
            return Err(Error::InvalidParameter(format!(
                "A provider of type {fixed} must be named {fixed}."
            )));
        }
        let details = ProviderDetails::check(provider_type, new.details)?;
        let mut mapping = new.attribute_mapping;
        validate::attribute_mapping(&mapping, &app.settings.custom_attributes)?;
        mapping
            .entry("username".into())
            .or_insert_with(|| "sub".into());
        validate::identifiers(&new.idp_identifiers)?;
        self.check_identifiers_free(&app, &new.name, &new.idp_identifiers)
            .await?;
        // Checked before the insert, as groups' cap is: racing creations may overshoot by a few.
        if self.store.count_identity_providers(&app.pool_id).await? >= MAX_PROVIDERS_PER_POOL {
            return Err(Error::IdentityProviderLimitExceeded(MAX_PROVIDERS_PER_POOL));
        }
        let now = self.clock.now();
        let provider = IdentityProvider {
            sealed_secrets: self.seal_provider_secrets(
                &app.pool_id,
                &new.name,
                &details.secrets,
            )?,
            pool_id: app.pool_id,
            name: new.name,
            provider_type,
            details: details.public,
            attribute_mapping: mapping,
            idp_identifiers: new.idp_identifiers,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_identity_provider(&provider).await {
            Ok(()) => Ok(provider),
            Err(StoreError::Conflict(_)) => Err(Error::DuplicateProvider(format!(
                "A provider with the name {} already exists in this user pool.",
                provider.name
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// DescribeIdentityProvider.
    pub async fn describe_identity_provider(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        name: &str,
    ) -> Result<IdentityProvider> {
        let app = self.admin_app(actor, pool_id).await?;
        self.pool_identity_provider(&app.pool_id, name).await
    }

    /// GetIdentityProviderByIdentifier: the provider one of whose `IdpIdentifiers` is
    /// `identifier`.
    pub async fn identity_provider_by_identifier(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        identifier: &str,
    ) -> Result<IdentityProvider> {
        let app = self.admin_app(actor, pool_id).await?;
        self.all_identity_providers(&app.pool_id)
            .await?
            .into_iter()
            .find(|p| p.idp_identifiers.iter().any(|i| i == identifier))
            .ok_or_else(|| Error::IdentityProviderNotFound(identifier.chars().take(40).collect()))
    }

    /// UpdateIdentityProvider: the members given replace the provider's; details are checked
    /// whole, secrets not given kept.
    pub async fn update_identity_provider(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        name: &str,
        change: IdentityProviderChange,
    ) -> Result<IdentityProvider> {
        let app = self.admin_app(actor, pool_id).await?;
        let mut provider = self.pool_identity_provider(&app.pool_id, name).await?;
        if let Some(mut given) = change.details {
            for (secret, value) in self.provider_secrets(&provider)? {
                given.entry(secret).or_insert(value);
            }
            let details = ProviderDetails::check(provider.provider_type, given)?;
            provider.sealed_secrets =
                self.seal_provider_secrets(&app.pool_id, &provider.name, &details.secrets)?;
            provider.details = details.public;
        }
        if let Some(mut mapping) = change.attribute_mapping {
            validate::attribute_mapping(&mapping, &app.settings.custom_attributes)?;
            mapping
                .entry("username".into())
                .or_insert_with(|| "sub".into());
            provider.attribute_mapping = mapping;
        }
        if let Some(identifiers) = change.idp_identifiers {
            validate::identifiers(&identifiers)?;
            self.check_identifiers_free(&app, &provider.name, &identifiers)
                .await?;
            provider.idp_identifiers = identifiers;
        }
        provider.updated_at = self.clock.now();
        if !self.store.update_identity_provider(&provider).await? {
            return Err(Error::IdentityProviderNotFound(provider.name));
        }
        Ok(provider)
    }

    /// DeleteIdentityProvider.
    pub async fn delete_identity_provider(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        name: &str,
    ) -> Result<()> {
        let app = self.admin_app(actor, pool_id).await?;
        if !self
            .store
            .delete_identity_provider(&app.pool_id, name)
            .await?
        {
            return Err(Error::IdentityProviderNotFound(
                name.chars().take(32).collect(),
            ));
        }
        Ok(())
    }

    /// Every provider of a pool `actor` administers, by name (the REST API's and the CLI's
    /// listing; a pool has at most a few hundred).
    pub async fn list_all_identity_providers(
        &self,
        actor: Actor,
        pool_id: &PoolId,
    ) -> Result<Vec<IdentityProvider>> {
        let app = self.admin_app(actor, pool_id).await?;
        self.all_identity_providers(&app.pool_id).await
    }

    /// The names and types of the providers `app`'s client may sign in through, for the
    /// buttons of its sign-in page.
    pub async fn sign_in_providers(&self, app: &App) -> Result<Vec<(String, ProviderType)>> {
        Ok(self
            .all_identity_providers(&app.pool_id)
            .await?
            .into_iter()
            .filter(|provider| client_allows(app, &provider.name))
            .map(|provider| (provider.name, provider.provider_type))
            .collect())
    }

    /// The name of the provider of `app` one of whose `IdpIdentifiers` is `identifier` (an
    /// authorization request's `idp_identifier`, e.g. the domain of the user's email).
    pub async fn provider_for_identifier(&self, app: &App, identifier: &str) -> Result<String> {
        self.all_identity_providers(&app.pool_id)
            .await?
            .into_iter()
            .find(|p| p.idp_identifiers.iter().any(|i| i == identifier))
            .map(|p| p.name)
            .ok_or_else(|| {
                Error::InvalidParameter(format!(
                    "idp_identifier {} names no sign-in option of this app.",
                    identifier.chars().take(40).collect::<String>()
                ))
            })
    }

    /// A client's `SupportedIdentityProviders` as given, checked: `COGNITO` or a provider of
    /// the pool each, none twice (`None`: not given, every provider).
    pub(crate) async fn checked_client_providers(
        &self,
        app: &App,
        given: Option<&[String]>,
    ) -> Result<Option<Vec<String>>> {
        let Some(given) = given else {
            return Ok(None);
        };
        let mut names: Vec<String> = Vec::new();
        for name in given {
            if names.contains(name) {
                continue;
            }
            if name != COGNITO
                && self
                    .store
                    .get_identity_provider(&app.pool_id, name)
                    .await?
                    .is_none()
            {
                return Err(Error::InvalidParameter(format!(
                    "The provider {} does not exist for User Pool {}",
                    name.chars().take(32).collect::<String>(),
                    app.pool_id
                )));
            }
            names.push(name.clone());
        }
        Ok(Some(names))
    }

    /// The `SupportedIdentityProviders` a description of `app`'s client shows: its list, or
    /// `COGNITO` and every provider of the pool.
    pub async fn client_identity_providers(&self, app: &App) -> Result<Vec<String>> {
        if let Some(list) = &app.client.profile.identity_providers {
            return Ok(list.clone());
        }
        let mut names = vec![COGNITO.to_owned()];
        names.extend(
            self.all_identity_providers(&app.pool_id)
                .await?
                .into_iter()
                .map(|provider| provider.name),
        );
        Ok(names)
    }

    /// Where providers send the browser back: the redirect URI a developer registers with
    /// each provider (the same for every pool, as Cognito's `/oauth2/idpresponse` is per
    /// domain).
    pub fn federation_redirect_uri(&self) -> String {
        format!("{}/oauth2/idpresponse", self.config.public_url)
    }

    /// ListIdentityProviders: a page of the pool's providers by name, and the token of the next.
    pub async fn list_identity_providers(
        &self,
        actor: Actor,
        pool_id: &PoolId,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<IdentityProvider>, Option<String>)> {
        let app = self.admin_app(actor, pool_id).await?;
        let limit = page_size(max_results, MAX_PROVIDERS_PAGE, Field::MaxResults)?;
        let after = next_token.map(decode_token).transpose()?;
        let mut providers = self
            .store
            .list_identity_providers(&app.pool_id, after.as_deref(), limit + 1)
            .await?;
        let next = page_end(&mut providers, limit).map(|last| encode_token(&last.name));
        Ok((providers, next))
    }
}

/// The pool's own users, as `SupportedIdentityProviders` and `identity_provider` name them.
pub const COGNITO: &str = "COGNITO";

/// Whether `app`'s client may sign in through the provider `name`.
pub(crate) fn client_allows(app: &App, name: &str) -> bool {
    app.client
        .profile
        .identity_providers
        .as_ref()
        .is_none_or(|list| list.iter().any(|allowed| allowed == name))
}

/// What a provider's sealed secrets are bound to: its pool and name.
fn provider_aad(pool_id: &PoolId, name: &str) -> String {
    format!("{pool_id}|{name}")
}
