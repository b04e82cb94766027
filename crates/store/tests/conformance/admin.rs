//! App settings and `update_app`, the newer user fields, and `list_users` paging and filters.

use crate::fixtures;
use auth_return_core::ids::{AppId, UserId};
use auth_return_core::model::{MatchOp, User, UserCursor, UserField, UserFilter, UserStatus};
use auth_return_core::settings::AppSettings;
use auth_return_store::Store;
use std::sync::Arc;

/// Settings round-trip through insert, get and update; only the mutable fields change.
pub async fn apps(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let owner = UserId::generate();
    let (mut a1, k1) = fixtures::app("first", Some(owner), 100);
    a1.settings = custom_settings();
    let (a2, k2) = fixtures::app("second", None, 200);
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_app(&a2, Some(&k2)).await.unwrap();
    assert_eq!(s.get_app(&a1.id).await.unwrap().as_ref(), Some(&a1));
    assert_eq!(
        s.get_app(&a2.id).await.unwrap().unwrap().settings,
        AppSettings::default()
    );

    let mut changed = a1.clone();
    changed.name = "renamed \"app\" ü".into();
    changed.origins = vec!["https://other.example".into()];
    changed.settings = AppSettings::default();
    changed.settings.refresh_rotation.enabled = false;
    changed.settings.templates.invitation_message = Some("Hi {username}: {####}".into());
    changed.client.token_validity_secs = 300;
    changed.client.refresh_validity_secs = 7_200;
    assert!(s.update_app(&changed).await.unwrap());
    assert_eq!(s.get_app(&a1.id).await.unwrap().as_ref(), Some(&changed));
    assert_eq!(
        s.get_app_by_client(&a1.client.id).await.unwrap().as_ref(),
        Some(&changed)
    );
    assert_eq!(
        s.get_app_by_pool(&a1.pool_id).await.unwrap().as_ref(),
        Some(&changed)
    );
    assert_eq!(
        s.list_apps(None).await.unwrap(),
        vec![changed.clone(), a2.clone()]
    );
    assert_eq!(
        s.get_app(&a2.id).await.unwrap().as_ref(),
        Some(&a2),
        "other apps untouched"
    );

    // Identity, ownership, secret and creation time are not update_app's to change.
    let mut sneaky = changed.clone();
    sneaky.owner = None;
    sneaky.created_at = 999;
    sneaky.client.sealed_secret = Some(vec![1; 48]);
    sneaky.name = "sneaky".into();
    assert!(s.update_app(&sneaky).await.unwrap());
    let mut expected = changed.clone();
    expected.name = "sneaky".into();
    assert_eq!(s.get_app(&a1.id).await.unwrap(), Some(expected));

    // Unknown apps: false, and nothing appears.
    let (ghost, _) = fixtures::app("ghost", None, 300);
    assert!(!s.update_app(&ghost).await.unwrap());
    assert_eq!(s.get_app(&ghost.id).await.unwrap(), None);
    let mut renamed_id = a2.clone();
    renamed_id.id = AppId::new("app_unknown");
    assert!(!s.update_app(&renamed_id).await.unwrap());
    assert_eq!(s.get_app(&a2.id).await.unwrap().as_ref(), Some(&a2));
    assert_eq!(s.list_apps(None).await.unwrap().len(), 2);
}

fn custom_settings() -> AppSettings {
    let mut settings = AppSettings::default();
    settings.password_policy.min_length = 12;
    settings.password_policy.require_symbols = false;
    settings.refresh_rotation.grace_secs = 42;
    settings.templates.verification_subject = Some("Your \"code\" ü".into());
    settings.templates.verification_message = Some("Code: {####}".into());
    settings
}

/// `pending_email` and `password_expires_at` round-trip through insert and update.
pub async fn user_fields(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("users", None, 1);
    s.insert_app(&app, Some(&key)).await.unwrap();
    let p = &app.pool_id;
    let mut ada = fixtures::user(p, "ada@example.com", 10);
    ada.pending_email = Some("ada.new@example.com".into());
    ada.password_expires_at = Some(1_000);
    s.insert_user(&ada).await.unwrap();
    assert_eq!(s.get_user(p, ada.id).await.unwrap().as_ref(), Some(&ada));

    let mut bob = fixtures::user(p, "bob@example.com", 10);
    s.insert_user(&bob).await.unwrap();
    assert_eq!(s.get_user(p, bob.id).await.unwrap().as_ref(), Some(&bob));
    bob.pending_email = Some("bob2@example.com".into());
    bob.password_expires_at = Some(i64::MAX);
    bob.updated_at = 20;
    s.update_user(&bob).await.unwrap();
    assert_eq!(s.get_user(p, bob.id).await.unwrap().as_ref(), Some(&bob));
    assert_eq!(
        s.get_user_by_email(p, "bob@example.com").await.unwrap(),
        Some(bob.clone()),
        "the pending email is not the email"
    );
    assert_eq!(
        s.get_user_by_email(p, "bob2@example.com").await.unwrap(),
        None
    );
    // A pending email may equal someone else's pending email.
    ada.pending_email = Some("bob2@example.com".into());
    s.update_user(&ada).await.unwrap();
    assert_eq!(s.get_user(p, ada.id).await.unwrap().as_ref(), Some(&ada));

    bob.pending_email = None;
    bob.password_expires_at = None;
    s.update_user(&bob).await.unwrap();
    assert_eq!(s.get_user(p, bob.id).await.unwrap().as_ref(), Some(&bob));
}

fn filter(field: UserField, op: MatchOp, value: &str) -> UserFilter {
    UserFilter {
        field,
        op,
        value: value.to_owned(),
    }
}

fn ids(users: &[User]) -> Vec<String> {
    users.iter().map(|u| u.id.to_string()).collect()
}

fn with_id(pool: &auth_return_core::ids::PoolId, id: &str, email: &str) -> User {
    let mut user = fixtures::user(pool, email, 10);
    user.id = UserId::from_uuid(uuid::Uuid::try_parse(id).unwrap());
    user
}

/// Paging in id text order, and every filter kind.
pub async fn list_users(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("list", None, 1);
    let (other, other_key) = fixtures::app("other", None, 2);
    s.insert_app(&app, Some(&key)).await.unwrap();
    s.insert_app(&other, Some(&other_key)).await.unwrap();
    let p = &app.pool_id;
    assert!(s.list_users(p, None, None, 10).await.unwrap().is_empty());

    // Ids chosen where byte and text order could disagree if either were wrong: digits before
    // letters, leading zeros, the last possible UUID.
    let mut users = vec![
        with_id(p, "00000000-0000-4000-8000-000000000001", "a%b@example.com"),
        with_id(p, "0fffffff-ffff-4fff-bfff-ffffffffffff", "abc@example.com"),
        with_id(p, "90000000-0000-4000-8000-000000000000", "a_c@example.com"),
        with_id(p, "a0000000-0000-4000-8000-000000000009", "axc@example.com"),
        with_id(p, "a0000000-0000-4000-8000-00000000000a", "zed@example.com"),
        with_id(
            p,
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "last@example.com",
        ),
    ];
    for i in 0..20 {
        users.push(fixtures::user(p, &format!("random{i}@example.com"), 10));
    }
    users[1].status = UserStatus::Confirmed;
    users[2].status = UserStatus::ForceChangePassword;
    users[3].status = UserStatus::Confirmed;
    users[3].enabled = false;
    users[4].enabled = false;
    users[0]
        .attributes
        .insert("given_name".into(), "100% _real_".into());
    users[1]
        .attributes
        .insert("given_name".into(), "100x".into());
    users[2]
        .attributes
        .insert("given_name".into(), "1000".into());
    users[4]
        .attributes
        .insert("we\"ird' \\key $.name".into(), "odd".into());
    users[5]
        .attributes
        .insert("name".into(), "Grace Hopper".into());
    for user in &users {
        s.insert_user(user).await.unwrap();
    }
    // Another pool's users, with ids and emails interleaved with these, never show up.
    let stranger = with_id(
        &other.pool_id,
        "50000000-0000-4000-8000-000000000000",
        "abc@example.com",
    );
    s.insert_user(&stranger).await.unwrap();
    let mut stranger2 = fixtures::user(&other.pool_id, "a_c@example.com", 10);
    stranger2.enabled = false;
    s.insert_user(&stranger2).await.unwrap();

    let mut expected: Vec<String> = users.iter().map(|u| u.id.to_string()).collect();
    expected.sort();
    let all = s.list_users(p, None, None, 1_000).await.unwrap();
    assert_eq!(ids(&all), expected, "id text order");
    let by_id = |id: &str| users.iter().find(|u| u.id.to_string() == id).unwrap();
    for user in &all {
        assert_eq!(user, by_id(&user.id.to_string()), "whole records come back");
    }

    // Pages of every size reassemble the list.
    for size in [1, 2, 5, 26, 27] {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = s.list_users(p, None, after.as_ref(), size).await.unwrap();
            assert!(page.len() <= size);
            seen.extend(ids(&page));
            match page.last() {
                Some(last) if page.len() == size => {
                    after = Some(UserCursor {
                        value: None,
                        id: last.id,
                    })
                }
                _ => break,
            }
        }
        assert_eq!(seen, expected, "pages of {size}");
    }
    assert!(s.list_users(p, None, None, 0).await.unwrap().is_empty());
    let max = UserCursor {
        value: None,
        id: UserId::from_uuid(uuid::Uuid::max()),
    };
    assert!(
        s.list_users(p, None, Some(&max), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // `after` need not be a user of the pool.
    let between = UserCursor {
        value: None,
        id: UserId::from_uuid(
            uuid::Uuid::try_parse("a0000000-0000-4000-8000-000000000000").unwrap(),
        ),
    };
    let rest = s.list_users(p, None, Some(&between), 1_000).await.unwrap();
    let expected_rest: Vec<String> = expected
        .iter()
        .filter(|id| id.as_str() > "a0000000-0000-4000-8000-000000000000")
        .cloned()
        .collect();
    assert_eq!(ids(&rest), expected_rest);
    assert_eq!(
        ids(&s.list_users(&other.pool_id, None, None, 10).await.unwrap()).len(),
        2,
        "the other pool sees only its own"
    );

    let find = |f: UserFilter| {
        let store = Arc::clone(&store);
        let p = p.clone();
        async move {
            let found = store.list_users(&p, Some(&f), None, 1_000).await.unwrap();
            let mut emails: Vec<String> = found.iter().map(|u| u.email.clone()).collect();
            let mut sorted = found.clone();
            if f.orders_by_value() {
                sorted.sort_by_key(|u| (f.value_of(u).map(str::to_owned), u.id.to_string()));
                assert_eq!(found, sorted, "{f:?}: ordered by value, then id");
            } else {
                sorted.sort_by_key(|u| u.id.to_string());
                assert_eq!(found, sorted, "{f:?}: ordered by id");
            }
            emails.sort();
            emails
        }
    };
    let emails = |list: &[&str]| list.iter().map(|e| (*e).to_owned()).collect::<Vec<_>>();

    // Email: exact, and prefixes where % and _ are plain characters.
    use MatchOp::{Equals, StartsWith};
    use UserField::{Attribute, Email, Enabled, Id, Status};
    assert_eq!(
        find(filter(Email, Equals, "abc@example.com")).await,
        emails(&["abc@example.com"])
    );
    assert!(
        find(filter(Email, Equals, "ABC@example.com"))
            .await
            .is_empty()
    );
    assert!(
        find(filter(Email, Equals, "abc@example.co"))
            .await
            .is_empty()
    );
    assert_eq!(
        find(filter(Email, StartsWith, "a%")).await,
        emails(&["a%b@example.com"])
    );
    assert_eq!(
        find(filter(Email, StartsWith, "a_")).await,
        emails(&["a_c@example.com"])
    );
    assert_eq!(
        find(filter(Email, StartsWith, "a")).await,
        emails(&[
            "a%b@example.com",
            "a_c@example.com",
            "abc@example.com",
            "axc@example.com"
        ])
    );
    assert!(find(filter(Email, StartsWith, "%")).await.is_empty());
    assert!(find(filter(Email, StartsWith, "_")).await.is_empty());
    assert_eq!(find(filter(Email, StartsWith, "")).await.len(), users.len());
    assert_eq!(
        find(filter(Email, StartsWith, "abc@example.com")).await,
        emails(&["abc@example.com"]),
        "a whole value is its own prefix"
    );
    assert!(
        find(filter(Email, StartsWith, "abc@example.comx"))
            .await
            .is_empty()
    );

    // Status.
    assert_eq!(
        find(filter(Status, Equals, "CONFIRMED")).await,
        emails(&["abc@example.com", "axc@example.com"])
    );
    assert_eq!(
        find(filter(Status, StartsWith, "FORCE_")).await,
        emails(&["a_c@example.com"])
    );
    assert_eq!(
        find(filter(Status, Equals, "UNCONFIRMED")).await.len(),
        users.len() - 3
    );
    assert!(find(filter(Status, Equals, "confirmed")).await.is_empty());

    // Enabled: "true"/"false" only, equality only.
    assert_eq!(
        find(filter(Enabled, Equals, "false")).await,
        emails(&["axc@example.com", "zed@example.com"])
    );
    assert_eq!(
        find(filter(Enabled, Equals, "true")).await.len(),
        users.len() - 2
    );
    for (op, value) in [
        (Equals, "yes"),
        (Equals, "TRUE"),
        (StartsWith, "t"),
        (StartsWith, ""),
    ] {
        assert!(
            find(filter(Enabled, op, value)).await.is_empty(),
            "{op:?} {value}"
        );
    }

    // Id: the hyphenated lowercase text, case-sensitive.
    assert_eq!(
        find(filter(Id, Equals, "90000000-0000-4000-8000-000000000000")).await,
        emails(&["a_c@example.com"])
    );
    assert!(
        find(filter(Id, Equals, "A0000000-0000-4000-8000-000000000009"))
            .await
            .is_empty(),
        "case-sensitive"
    );
    assert!(find(filter(Id, Equals, "not a uuid")).await.is_empty());
    assert_eq!(
        find(filter(Id, StartsWith, "a0000000-")).await,
        emails(&["axc@example.com", "zed@example.com"])
    );
    assert!(find(filter(Id, StartsWith, "A0000000")).await.is_empty());
    assert!(find(filter(Id, StartsWith, "%")).await.is_empty());
    assert!(find(filter(Id, StartsWith, "_0000000")).await.is_empty());

    // Attributes: by key, exact values, literal prefixes; odd keys are just keys.
    assert_eq!(
        find(filter(Attribute("name".into()), Equals, "Grace Hopper")).await,
        emails(&["last@example.com"])
    );
    assert_eq!(
        find(filter(Attribute("name".into()), Equals, "Ada Lovelace"))
            .await
            .len(),
        users.len() - 1
    );
    assert_eq!(
        find(filter(Attribute("name".into()), StartsWith, "Gr")).await,
        emails(&["last@example.com"])
    );
    assert!(
        find(filter(Attribute("name".into()), Equals, "grace hopper"))
            .await
            .is_empty()
    );
    // Only Cognito's searchable attributes are filterable (each has an index): a custom one,
    // which every user here has, matches nobody.
    for op in [Equals, StartsWith] {
        assert!(
            find(filter(
                Attribute("custom:plan".into()),
                op,
                "free \"trial\" ü"
            ))
            .await
            .is_empty()
        );
    }
    assert_eq!(
        find(filter(Attribute("given_name".into()), StartsWith, "100%")).await,
        emails(&["a%b@example.com"])
    );
    assert_eq!(
        find(filter(Attribute("given_name".into()), StartsWith, "100")).await,
        emails(&["a%b@example.com", "a_c@example.com", "abc@example.com"])
    );
    assert!(
        find(filter(Attribute("given_name".into()), StartsWith, "10_"))
            .await
            .is_empty()
    );
    assert!(
        find(filter(Attribute("given_name".into()), StartsWith, "%"))
            .await
            .is_empty()
    );
    assert_eq!(
        find(filter(Attribute("given_name".into()), StartsWith, ""))
            .await
            .len(),
        3,
        "users without the attribute never match"
    );
    assert!(
        find(filter(
            Attribute("we\"ird' \\key $.name".into()),
            Equals,
            "odd"
        ))
        .await
        .is_empty()
    );
    for name in [
        "$.name",
        "name\"",
        "we",
        "\"name\"",
        "name' OR '1'='1",
        "",
        "*",
    ] {
        assert!(
            find(filter(Attribute(name.into()), StartsWith, ""))
                .await
                .is_empty(),
            "{name}"
        );
    }

    // Filters page like the full list.
    let f = filter(Email, StartsWith, "a");
    let first = s.list_users(p, Some(&f), None, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let cursor = |user: &User| UserCursor {
        value: Some(user.email.clone()),
        id: user.id,
    };
    let second = s
        .list_users(p, Some(&f), Some(&cursor(&first[1])), 2)
        .await
        .unwrap();
    assert_eq!(second.len(), 2);
    let third = s
        .list_users(p, Some(&f), Some(&cursor(&second[1])), 2)
        .await
        .unwrap();
    assert!(third.is_empty());
    let mut paged: Vec<String> = first
        .iter()
        .chain(&second)
        .map(|u| u.email.clone())
        .collect();
    paged.sort();
    assert_eq!(paged, find(f.clone()).await);

    // The other pool, filtered.
    let other_disabled = s
        .list_users(
            &other.pool_id,
            Some(&filter(Enabled, Equals, "false")),
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(other_disabled, vec![stranger2.clone()]);
}

/// A prefix of an indexed value lists in value order, then id, and pages through any number of
/// equal values: every match once, none outside the prefix, whatever the page size.
pub async fn list_users_by_value_pages(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("by-value", None, 1);
    s.insert_app(&app, Some(&key)).await.unwrap();
    let p = &app.pool_id;
    // Many users share a value (ties page by id), values sort by code point ("Z" < "a" < "é"),
    // and values just outside the prefix sit on both sides of its range.
    let names = [
        "Tia",
        "Tie",
        "Tie",
        "Tie",
        "Tie",
        "Tie",
        "Tie",
        "Tie",
        "Ti",
        "TiZ",
        "Tia",
        "Tié",
        "Th",
        "Tj",
        "ti",
        "T",
        "Ti\u{10ffff}",
        "Tie ",
        "Tie",
        "Tie",
    ];
    let mut users = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut user = fixtures::user(p, &format!("t{i:02}@example.com"), 10);
        user.attributes.insert("family_name".into(), (*name).into());
        s.insert_user(&user).await.unwrap();
        users.push(user);
    }
    let f = filter(
        UserField::Attribute("family_name".into()),
        MatchOp::StartsWith,
        "Ti",
    );
    let mut expected: Vec<&User> = users
        .iter()
        .filter(|u| u.attributes["family_name"].starts_with("Ti"))
        .collect();
    expected.sort_by_key(|u| (u.attributes["family_name"].clone(), u.id.to_string()));
    let expected = expected.into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(expected.len(), 16);
    for size in [1, 2, 3, 7, 16, 17] {
        let mut seen = Vec::new();
        let mut after: Option<UserCursor> = None;
        loop {
            let page = s
                .list_users(p, Some(&f), after.as_ref(), size)
                .await
                .unwrap();
            assert!(page.len() <= size);
            seen.extend(page.iter().cloned());
            match page.last() {
                Some(last) if page.len() == size => {
                    after = Some(UserCursor {
                        value: f.value_of(last).map(str::to_owned),
                        id: last.id,
                    });
                }
                _ => break,
            }
        }
        assert_eq!(ids(&seen), ids(&expected), "pages of {size}");
    }
    // Equality lists the ties in id order.
    let tie = filter(
        UserField::Attribute("family_name".into()),
        MatchOp::Equals,
        "Tie",
    );
    let mut ties: Vec<String> = ids(&expected)
        .into_iter()
        .zip(&expected)
        .filter(|(_, u)| u.attributes["family_name"] == "Tie")
        .map(|(id, _)| id)
        .collect();
    ties.sort();
    assert_eq!(
        ids(&s.list_users(p, Some(&tie), None, 100).await.unwrap()),
        ties
    );
    // Email prefixes page in email order.
    let by_email = filter(UserField::Email, MatchOp::StartsWith, "t1");
    let first = s.list_users(p, Some(&by_email), None, 4).await.unwrap();
    let cursor = UserCursor {
        value: Some(first[3].email.clone()),
        id: first[3].id,
    };
    let rest = s
        .list_users(p, Some(&by_email), Some(&cursor), 100)
        .await
        .unwrap();
    let listed: Vec<&str> = first
        .iter()
        .chain(&rest)
        .map(|u| u.email.as_str())
        .collect();
    let wanted: Vec<String> = (10..20).map(|i| format!("t{i:02}@example.com")).collect();
    assert_eq!(listed, wanted);
}
