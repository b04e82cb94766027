//! Settings changed at once from two store instances (docs/cognito-protocol.md §5.7): a
//! custom-attribute schema grown by many concurrent changes loses none of them and never passes
//! its limit; a refused change writes nothing; `update_app` from an older read keeps the schema.

use crate::fixtures;
use auth_return_core::Error;
use auth_return_core::ids::AppId;
use auth_return_core::schema::{AttributeKind, CustomAttribute, MAX_CUSTOM_ATTRIBUTES};
use auth_return_core::settings::AppSettings;
use auth_return_core::store::SettingsOutcome;
use auth_return_store::Store;
use std::sync::Arc;
use tokio::task::JoinSet;

fn attribute(name: String) -> CustomAttribute {
    CustomAttribute {
        name,
        mutable: true,
        kind: AttributeKind::String {
            min_length: None,
            max_length: None,
        },
    }
}

/// Adds `added` to the stored schema in one change.
async fn add(store: &dyn Store, app_id: &AppId, added: Vec<CustomAttribute>) -> SettingsOutcome {
    let change = move |settings: &AppSettings| {
        Ok(AppSettings {
            custom_attributes: settings.custom_attributes.with_added(&added)?,
            ..settings.clone()
        })
    };
    store.change_app_settings(app_id, &change).await.unwrap()
}

/// Runs `names` as concurrent one-attribute changes, spread over both instances; the names
/// whose change landed, and how many were refused for the limit.
async fn burst(
    stores: &[Arc<dyn Store>; 2],
    app_id: &AppId,
    names: Vec<String>,
) -> (Vec<String>, usize) {
    let mut tasks = JoinSet::new();
    for (i, name) in names.into_iter().enumerate() {
        let (store, app_id) = (Arc::clone(&stores[i % 2]), app_id.clone());
        tasks.spawn(async move {
            let outcome = add(store.as_ref(), &app_id, vec![attribute(name.clone())]).await;
            (name, outcome)
        });
    }
    let mut landed = Vec::new();
    let mut refused = 0;
    for (name, outcome) in tasks.join_all().await {
        match outcome {
            SettingsOutcome::Changed(_) => landed.push(name),
            SettingsOutcome::Refused(Error::CustomAttributeLimitExceeded(50)) => refused += 1,
            other => panic!("{name}: {other:?}"),
        }
    }
    (landed, refused)
}

/// The names of the stored schema, in order.
async fn stored_names(store: &dyn Store, app_id: &AppId) -> Vec<String> {
    let app = store.get_app(app_id).await.unwrap().unwrap();
    app.settings
        .custom_attributes
        .attributes()
        .iter()
        .map(|a| a.name.clone())
        .collect()
}

pub async fn run(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let stores = [a, b];
    let (app, key) = fixtures::app("schema", None, 1);
    stores[0].insert_app(&app, Some(&key)).await.unwrap();

    // Sixteen changes at once on an empty schema: every one lands.
    let names: Vec<String> = (0..16).map(|i| format!("first{i}")).collect();
    let (landed, refused) = burst(&stores, &app.id, names.clone()).await;
    assert_eq!((landed.len(), refused), (16, 0));
    let mut stored = stored_names(stores[1].as_ref(), &app.id).await;
    stored.sort();
    let mut expected = names;
    expected.sort();
    assert_eq!(stored, expected, "no attribute lost");

    // Up to 40, then twenty at once: exactly ten land, the others are refused by the limit.
    let more = (16..40).map(|i| attribute(format!("more{i}"))).collect();
    assert!(matches!(
        add(stores[0].as_ref(), &app.id, more).await,
        SettingsOutcome::Changed(_)
    ));
    let names: Vec<String> = (0..20).map(|i| format!("late{i}")).collect();
    let (landed, refused) = burst(&stores, &app.id, names).await;
    assert_eq!((landed.len(), refused), (10, 10));
    let stored = stored_names(stores[0].as_ref(), &app.id).await;
    assert_eq!(stored.len(), MAX_CUSTOM_ATTRIBUTES);
    for name in &landed {
        assert!(stored.contains(name), "{name} landed and is stored");
    }

    // A refused change writes nothing.
    let taken = vec![attribute("first0".into())];
    assert!(matches!(
        add(stores[1].as_ref(), &app.id, taken).await,
        SettingsOutcome::Refused(Error::InvalidParameter(_))
    ));
    assert_eq!(stored_names(stores[1].as_ref(), &app.id).await, stored);

    // A settings update made from a read older than the schema keeps the schema.
    let mut stale = app.clone();
    stale.name = "renamed".into();
    stale.settings.hide_existing_accounts = true;
    assert!(stores[1].update_app(&stale).await.unwrap());
    let now = stores[0].get_app(&app.id).await.unwrap().unwrap();
    assert_eq!(now.name, "renamed");
    assert!(now.settings.hide_existing_accounts);
    assert_eq!(stored_names(stores[0].as_ref(), &app.id).await, stored);

    // No such app.
    assert!(matches!(
        add(
            stores[0].as_ref(),
            &AppId::generate(),
            vec![attribute("x".into())]
        )
        .await,
        SettingsOutcome::Unknown
    ));
}
