//! Identity providers: stored whole (JSON members and sealed bytes round-trip), unique per pool
//! by case-sensitive name, updated, listed by name in byte order a page at a time, counted;
//! gone with their app.

use crate::fixtures;
use auth_return_core::federation::{IdentityProvider, ProviderType};
use auth_return_core::ids::PoolId;
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

fn provider(pool: &PoolId, name: &str) -> IdentityProvider {
    IdentityProvider {
        pool_id: pool.clone(),
        name: name.to_owned(),
        provider_type: ProviderType::Oidc,
        details: [
            ("client_id".to_owned(), format!("{name}-client ü")),
            (
                "oidc_issuer".to_owned(),
                "https://id.example.com".to_owned(),
            ),
        ]
        .into(),
        sealed_secrets: Some(vec![0, 1, 2, 255]),
        attribute_mapping: [("username".to_owned(), "sub".to_owned())].into(),
        idp_identifiers: vec![format!("{name}.example")],
        created_at: 100,
        updated_at: 100,
    }
}

/// Insert, conflict, read, update, list, count, delete and the app's cascade.
pub async fn identity_providers(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let f = fixtures::two_pools(s).await;
    let (p1, p2) = (&f.one.pool_id, &f.two.pool_id);
    for name in ["okta", "Okta", "Google", "_x"] {
        s.insert_identity_provider(&provider(p1, name))
            .await
            .unwrap();
    }
    s.insert_identity_provider(&provider(p2, "okta"))
        .await
        .unwrap();
    assert!(matches!(
        s.insert_identity_provider(&provider(p1, "okta")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.get_identity_provider(p1, "Okta").await.unwrap(),
        Some(provider(p1, "Okta"))
    );
    assert_eq!(s.get_identity_provider(p1, "OKTA").await.unwrap(), None);

    let mut changed = provider(p1, "okta");
    changed
        .details
        .insert("authorize_scopes".into(), "openid".into());
    changed.sealed_secrets = None;
    changed
        .attribute_mapping
        .insert("email".into(), "mail".into());
    changed.idp_identifiers = vec![];
    changed.updated_at = 200;
    assert!(s.update_identity_provider(&changed).await.unwrap());
    assert_eq!(
        s.get_identity_provider(p1, "okta").await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(
        s.get_identity_provider(p2, "okta").await.unwrap(),
        Some(provider(p2, "okta")),
        "the other pool's is untouched"
    );
    assert!(
        !s.update_identity_provider(&provider(p1, "nobody"))
            .await
            .unwrap()
    );

    let names =
        |page: Vec<IdentityProvider>| -> Vec<String> { page.into_iter().map(|p| p.name).collect() };
    assert_eq!(
        names(s.list_identity_providers(p1, None, 10).await.unwrap()),
        ["Google", "Okta", "_x", "okta"],
        "byte order"
    );
    assert_eq!(
        names(
            s.list_identity_providers(p1, Some("Okta"), 2)
                .await
                .unwrap()
        ),
        ["_x", "okta"]
    );
    assert_eq!(s.count_identity_providers(p1).await.unwrap(), 4);
    assert_eq!(s.count_identity_providers(p2).await.unwrap(), 1);

    assert!(s.delete_identity_provider(p1, "_x").await.unwrap());
    assert!(!s.delete_identity_provider(p1, "_x").await.unwrap());
    assert_eq!(s.count_identity_providers(p1).await.unwrap(), 3);
    assert!(s.delete_app(&f.one.id).await.unwrap());
    assert_eq!(s.count_identity_providers(p1).await.unwrap(), 0);
    assert_eq!(s.count_identity_providers(p2).await.unwrap(), 1);
}
